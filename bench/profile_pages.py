"""Where a page's time goes: sequential requests through Flask's test client, optionally profiled.

    python bench/profile_pages.py --db sqlite:///bench/out/sqlite-1/product.sqlite3 \
        [--n 20] [--profile bench/out/profile-pages] [ROUTE ...]

ROUTE is a path with N for a random id (default: the benchmark's routes). No server, no
concurrency: this is the service time of one request, the floor under the latency benchmark.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import steps  # noqa: E402

ROUTES = ["/casussen/N", "/casussen/N/analyseschema", "/gemeenten/N", "/gemeenten/N/totaalbeeld",
          "/vergelijking"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("routes", nargs="*", default=ROUTES)
    parser.add_argument("--db", required=True)
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--profile", help="directory for one cProfile report per route")
    args = parser.parse_args(argv)
    os.environ.setdefault("ZET_SECRET_KEY", "benchmark-only-" + "x" * 40)
    os.environ.setdefault("ZET_INSTANCE_PATH", str(HERE / "out" / "instance"))
    os.environ["ZET_DATABASE_URL"] = args.db
    from sqlalchemy import select

    from zet.db import get_session
    from zet.models import Casus, Gemeente
    app = steps.make_app(args.db)
    app.config["WTF_CSRF_ENABLED"] = False
    user, password = (os.environ.get("ZET_BENCH_USER", "beheerder"),
                      os.environ.get("ZET_BENCH_PASSWORD", "demo-beheerder-2026"))
    _, [(name, secret)] = steps.ensure_users(app, user, password, 1)
    with app.app_context():
        ids = {"casussen": list(get_session().scalars(select(Casus.id))),
               "gemeenten": list(get_session().scalars(select(Gemeente.id)))}
    client = app.test_client()
    response = client.post("/login", data={"username": name, "password": password})
    if secret and "/login/code" in response.headers.get("Location", ""):
        import pyotp
        client.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
    rng = random.Random(1)
    for route in args.routes:
        kind = route.strip("/").split("/")[0]
        paths = [route.replace("N", str(rng.choice(ids.get(kind, [0])))) for _ in range(args.n)]
        client.get(paths[0])  # warm-up (templates, caches)
        profiler = cProfile.Profile() if args.profile else None
        times = []
        for path in paths:
            start = time.perf_counter()
            if profiler:
                profiler.enable()
            response = client.get(path)
            if profiler:
                profiler.disable()
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        times.sort()
        print(f"{route:32s} n={len(times):3d} median {statistics.median(times):7.1f} ms  "
              f"p95 {times[int(0.95 * (len(times) - 1))]:7.1f} ms  max {times[-1]:7.1f} ms")
        if profiler:
            name = route.strip("/").replace("/", "_").replace("?", "_") or "root"
            steps.write_profile(profiler, str(Path(args.profile) / f"{name}.txt"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
