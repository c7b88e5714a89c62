"""One benchmark step per process: ``python bench/steps.py STEP --db URL --result FILE ...``.

bench/run.py starts every step in a fresh process, so each step's peak memory (ru_maxrss of
that process) is its own. A step writes one JSON object to --result: ``seconds`` (the timed
part only), ``peak_mb`` (peak resident memory of the whole process: loading included),
``before_mb`` (resident memory just before the timed part) and step-specific details.

Steps (product = the code path of ZET, baseline = the leanest honest code for the same output,
bench/baselines.py, where each one says why it is the floor):

  import-product     zet.importing.import_file of the CSV into an empty, migrated database,
                     in one transaction with its audit event, exactly as `zet import FILE`.
  import-baseline    the same rows into the same tables: sqlite3 executemany of tuples on
                     SQLite, psycopg COPY on PostgreSQL.
  analysis-product   analysis.analyse(long, elements, SETTINGS) on the long frame that
                     zet.services.dataset.scores_frame reads (read before the timer).
  analysis-baseline  the same figures with pandas grouping on factorised integer keys.
  export-product     zet.export.build_workbook on the full long frame, citaten and facts tables.
  export-baseline    a dump of exactly the cells of the product's workbook (read back before
                     the timer) with --writer openpyxl (write-only) or xlsxwriter
                     (constant_memory): same sheets and rows, no styling or images.
  latency            `zet serve` on the loaded database, concurrent urllib clients (logged in
                     when the app has a login page): p50/p95/max per page kind.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from http.cookiejar import CookieJar
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "bench"):   # zet, analysis; bench/baselines.py
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))


# --- measuring ----------------------------------------------------------------------------

def rss_mb() -> float:
    """Current resident memory of this process."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def cpu_seconds() -> float:
    """User + system CPU time of this process (all threads) so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


class Timer:
    """Times the block; with a profile path, also writes a cProfile report of it."""

    def __init__(self, profile: str | None = None):
        self.profile = profile
        self.seconds = 0.0

    def __enter__(self):
        self.before_mb = rss_mb()
        self.load = os.getloadavg()[0]
        self._profiler = cProfile.Profile() if self.profile else None
        self._cpu = cpu_seconds()
        self._start = time.perf_counter()
        if self._profiler:
            self._profiler.enable()
        return self

    def __exit__(self, *exc):
        if self._profiler:
            self._profiler.disable()
        self.seconds = time.perf_counter() - self._start
        self.cpu_seconds = cpu_seconds() - self._cpu
        self.peak_mb = peak_mb()  # before any checking the step does afterwards
        if self._profiler and exc[0] is None:
            write_profile(self._profiler, self.profile)
        return False


def write_profile(profiler: cProfile.Profile, path: str) -> None:
    """Top functions by cumulative and by own time, as text (and the raw pstats next to it)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(path + ".pstats")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    out.write("== by cumulative time ==\n")
    stats.sort_stats("cumulative").print_stats(45)
    out.write("\n== by own time ==\n")
    stats.sort_stats("tottime").print_stats(30)
    Path(path).write_text(out.getvalue())


def result(seconds: float, timer: Timer | None = None, **details) -> dict:
    timing = {"cpu_seconds": round(timer.cpu_seconds, 4), "load_1min": round(timer.load, 2),
              "before_mb": round(timer.before_mb, 1)} if timer else {}
    peak = timer.peak_mb if timer else peak_mb()
    return {"seconds": round(seconds, 4), "peak_mb": round(peak, 1), **timing, **details}


# --- the app and the database -------------------------------------------------------------

def make_app(url: str):
    from zet import create_app
    return create_app({"DATABASE_URL": url})


def fresh_database(url: str) -> None:
    """An empty database at ``url``: the SQLite file removed, or the PostgreSQL schema public
    dropped and recreated (everything in that database is lost)."""
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    from sqlalchemy import text

    from zet.config import database_url, instance_path
    from zet.db import make_engine
    os.environ["ZET_DATABASE_URL"] = url
    engine = make_engine(database_url(instance_path()))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def migrated_app(url: str):
    """A fresh database at ``url``, migrated to the newest schema (`zet init`), and its app."""
    from zet import migrate
    from zet.db import get_engine
    fresh_database(url)
    app = make_app(url)
    with app.app_context():
        migrate.upgrade(get_engine())
    return app


def table_counts(session) -> dict:
    from sqlalchemy import func, select

    from zet.models import Casus, Gemeente, Onderzoek, Perspectief, Score
    return {name: session.scalar(select(func.count()).select_from(model))
            for name, model in (("gemeente", Gemeente), ("onderzoek", Onderzoek),
                                ("casus", Casus), ("perspectief", Perspectief),
                                ("score", Score))}


def stored_content_hash(session) -> str:
    """A hash of every stored score row as the long frame shows it (ids left out), so the
    product and the baseline import can be checked to store the same data."""
    import hashlib

    from zet.access import ALL
    frame = scores_frame_all(session, ALL)
    frame = frame.sort_values(list(frame.columns), kind="stable").reset_index(drop=True)
    hashed = pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy()
    return hashlib.sha256(hashed.tobytes()).hexdigest()[:16]


# --- import -------------------------------------------------------------------------------

def import_product(args) -> dict:
    """The product import: read_table, plan_import and apply_import through import_file (what
    `zet import FILE` calls), committed in one transaction, into a freshly migrated database."""
    import zet.importing as importing
    from zet.access import ALL
    from zet.audit import add_event
    from zet.db import get_session, transaction
    from zet.instrument.current import active_instrument

    app = migrated_app(args.db)
    path = Path(args.csv)
    phases: dict[str, float] = {}

    def timed(name, function):
        def wrapper(*a, **kw):
            start = time.perf_counter()
            try:
                return function(*a, **kw)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - start
        return wrapper

    for name in ("read_table", "plan_import", "apply_import"):  # import_file calls these
        setattr(importing, name, timed(name, getattr(importing, name)))
    with app.app_context():
        instrument = active_instrument()
        with Timer(args.profile) as timer:
            data = path.read_bytes()
            with transaction() as session:  # as `zet import FILE` (zet/cli.py) does it
                plan = importing.import_file(session, instrument, path.name, data, ALL)
                if plan.applied and plan.changes_anything:
                    add_event(session, None, "geïmporteerd", "import", None,
                              f"{path.name}: " + " ".join(plan.summary_lines()[:2]))
                start = time.perf_counter()
            phases["commit"] = time.perf_counter() - start
        if not plan.applied:
            raise SystemExit("import refused:\n" + "\n".join(plan.summary_lines()[:20]))
        counts = table_counts(get_session())
        content = stored_content_hash(get_session())
    return result(timer.seconds, timer, counts=counts, content_hash=content,
                  phases={k: round(v, 3) for k, v in phases.items()},
                  report=plan.summary_lines()[:3])


def import_baseline(args) -> dict:
    """The same rows into the same tables the leanest way (bench/baselines.py): the stdlib
    sqlite3 driver's executemany of tuples on SQLite, psycopg's COPY on PostgreSQL."""
    import baselines

    from zet.db import get_session
    from zet.instrument.current import active_instrument

    app = migrated_app(args.db)
    with app.app_context():
        version = active_instrument().version
        with Timer(args.profile) as timer:
            if args.db.startswith("sqlite"):
                baselines.import_sqlite(args.csv, args.db.split("///", 1)[1], version, args.sep)
            else:
                baselines.import_postgres(args.csv, args.db, version, args.sep)
        counts = table_counts(get_session())
        content = stored_content_hash(get_session())
    return result(timer.seconds, timer, counts=counts, content_hash=content)


# --- analysis -----------------------------------------------------------------------------

def read_long(app):
    """The national long frame as every page and export reads it, and the element frame."""
    from zet.access import ALL
    from zet.db import get_session
    from zet.services.analyse import elements_frame
    from zet.instrument.current import active_instrument
    with app.app_context():
        start = time.perf_counter()
        long = scores_frame_all(get_session(), ALL)
        read_seconds = time.perf_counter() - start
        return long, elements_frame(active_instrument()), read_seconds


def scores_frame_all(session, scope):
    from zet.services.dataset import scores_frame
    return scores_frame(session, scope)


def analysis_product(args) -> dict:
    import analysis
    from zet.services.analyse import SETTINGS
    app = make_app(args.db)
    long, elements, read_seconds = read_long(app)
    timer, out = best_of(args, lambda: analysis.analyse(long, elements, SETTINGS,
                                                        toelichting=not args.no_text))
    scores = out.gemeente_scores[["gemeente", "element", "score", "n_casussen"]].copy()
    scores["element"] = scores["element"].astype(str)
    save_check(args, scores)
    return result(timer.seconds, timer, read_seconds=round(read_seconds, 3), rows=len(long),
                  schema_rows=len(out.schema), toelichting=not args.no_text, runs_s=timer.runs)


def best_of(args, compute):
    """Run ``compute`` args.inner times in this process (the frame is read once); the timer of
    the fastest run (with every run's seconds in .runs) and its result. Profiles the first."""
    best, runs = None, []
    for i in range(args.inner):
        with Timer(args.profile if i == 0 else None) as timer:
            out = compute()
        runs.append(round(timer.seconds, 4))
        if best is None or timer.seconds < best[0].seconds:
            best = (timer, out)
        del out
    best[0].runs = runs
    best[0].peak_mb = peak_mb()
    return best


def analysis_baseline(args) -> dict:
    import baselines
    app = make_app(args.db)
    long, elements, read_seconds = read_long(app)
    order = elements["code"].tolist()
    timer, out = best_of(args, lambda: baselines.lean_analysis(long, order,
                                                               with_text=not args.no_text))
    save_check(args, out["gemeente_scores"][["gemeente", "element", "score", "n_casussen"]])
    return result(timer.seconds, timer, read_seconds=round(read_seconds, 3), rows=len(long),
                  schema_rows=len(out["schema"]), toelichting=not args.no_text, runs_s=timer.runs)


def save_check(args, scores: pd.DataFrame) -> None:
    """The gemeente x element scores, so run.py can check product and baseline agree."""
    if args.check:
        scores.to_csv(args.check, index=False)


# --- export -------------------------------------------------------------------------------

def export_product(args) -> dict:
    from zet.access import ALL
    from zet.db import get_session
    from zet.export import build_workbook
    from zet.export.service import facts_tables
    from zet.services.analyse import SETTINGS
    from zet.services.dataset import citaten_frame, scores_frame
    from zet.instrument.current import active_instrument
    app = make_app(args.db)
    with app.app_context():
        session = get_session()
        start = time.perf_counter()
        long = scores_frame(session, ALL)
        citaten = citaten_frame(session, ALL)
        registers = facts_tables(session, ALL, None, citaten)
        read_seconds = time.perf_counter() - start
        instrument = active_instrument()
        with Timer(args.profile) as timer:
            data = build_workbook(long, citaten, instrument, settings=SETTINGS,
                                  filters_description="Alle gemeenten",
                                  exported_on=date(2026, 1, 1), registers=registers)
    if args.xlsx:
        Path(args.xlsx).write_bytes(data)
    return result(timer.seconds, timer, read_seconds=round(read_seconds, 3), rows=len(long),
                  bytes=len(data))


def export_baseline(args) -> dict:
    """Dump the cells of the product's workbook (read back before the timer) with the writer
    --writer names: openpyxl write-only or XlsxWriter constant_memory (bench/baselines.py)."""
    import baselines
    start = time.perf_counter()
    sheets = baselines.workbook_cells(Path(args.xlsx).read_bytes())
    read_seconds = time.perf_counter() - start
    dump = baselines.dump_xlsxwriter if args.writer == "xlsxwriter" else baselines.dump_openpyxl
    with Timer(args.profile) as timer:
        data = dump(sheets)
    return result(timer.seconds, timer, read_seconds=round(read_seconds, 3), writer=args.writer,
                  sheets=len(sheets), cells=sum(len(r) for _, rows in sheets for r in rows),
                  bytes=len(data))


# --- latency ------------------------------------------------------------------------------

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One browser: a cookie jar, no automatic redirects, every response read to the end."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect())

    def request(self, path: str, data: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=300) as response:
                return response.status, response.read().decode("utf-8", "replace"), \
                    response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace"), error.headers

    def form_token(self, path: str) -> tuple[int, str, str]:
        status, body, _ = self.request(path)
        tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', body)
        return status, body, re.search(r'value="([^"]*)"', tag.group(0)).group(1) if tag else ""

    def login_if_needed(self, username: str, password: str, secret: str | None = None) -> bool:
        """Log in through the login form (with its CSRF token) when the app has one, and
        through the second step with a TOTP code of ``secret`` when the app asks for one."""
        status, body, token = self.form_token("/login")
        if status != 200 or 'type="password"' not in body:
            return False
        status, body, headers = self.request("/login", {"csrf_token": token,
                                                        "username": username,
                                                        "password": password})
        location = headers.get("Location", "") if headers else ""
        if status in (301, 302, 303) and "/login/code" in location and secret:
            import pyotp
            _, _, token = self.form_token("/login/code")
            status, body, headers = self.request("/login/code", {
                "csrf_token": token, "code": pyotp.TOTP(secret).now()})
            location = headers.get("Location", "") if headers else ""
        if status not in (301, 302, 303) or "/login" in location:
            raise SystemExit(f"login as {username!r} failed (status {status})")
        return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def zet_command() -> list[str]:
    script = Path(sys.executable).parent / "zet"
    return [str(script)] if script.exists() else [sys.executable, "-m", "zet.cli"]


def process_tree_memory(pid: int) -> dict:
    """Peak (VmHWM) and current (VmRSS) resident memory of the server and its workers."""
    def status(p):
        try:
            text = Path(f"/proc/{p}/status").read_text()
        except OSError:
            return None
        values = dict(re.findall(r"^(VmHWM|VmRSS):\s+(\d+) kB", text, re.M))
        return {k: int(v) / 1024 for k, v in values.items()}

    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    def cpu(p):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 1)

    def pss(p):
        """Proportional set size: a page shared by n processes (the libraries, the mapped
        national analysis) counts 1/n in each, so the sum is the memory really in use."""
        try:
            text = Path(f"/proc/{p}/smaps_rollup").read_text()
        except OSError:
            return 0.0
        found = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
        return int(found.group(1)) / 1024 if found else 0.0

    master = status(pid) or {}
    workers = [w for w in (status(c) for c in children) if w]
    return {"master_peak_mb": round(master.get("VmHWM", 0), 1),
            "worker_peak_mb": [round(w.get("VmHWM", 0), 1) for w in workers],
            "worker_cpu_s": [cpu(c) for c in children],
            "total_peak_mb": round(master.get("VmHWM", 0) + sum(w.get("VmHWM", 0)
                                                                for w in workers), 1),
            "total_pss_mb": round(pss(pid) + sum(pss(c) for c in children), 1)}


def ensure_users(app, username: str, password: str, count: int) -> tuple[str, list]:
    """The benchmark's beheerder accounts in the benchmark database (when ZET has accounts),
    one per client (``username-1``, ...), each with a second factor of a secret only this run
    knows: a beheerder must log in with a TOTP code, and a code works once per account.
    Returns what happened and (username, secret or None) per client."""
    try:
        from zet.auth.accounts import create_user, find_user
    except ImportError:
        return "no accounts in this version", [(username, None)] * count
    from zet.db import transaction
    names = [f"{username}-{i}" for i in range(1, count + 1)]
    accounts, created = [], 0
    with app.app_context():
        with transaction() as session:
            for name in names:
                user = find_user(session, name)
                if user is None:
                    user = create_user(session, name, password, "beheerder", [])
                    created += 1
                secret = None
                if hasattr(user, "totp_secret"):
                    import pyotp
                    from zet.models.mixins import utcnow
                    secret = user.totp_secret = pyotp.random_base32()
                    user.totp_enabled_at, user.totp_last_step = utcnow(), None
                accounts.append((name, secret))
    return f"{created} created, {count - created} existed", accounts


def page_urls(app, rng: random.Random, per_kind: int) -> list[tuple[str, str]]:
    """(kind, path) in random order: casus pages and their analyseschema, gemeente pages and
    their totaalbeeld, the comparison with and without a doelgroep filter; random ids."""
    from sqlalchemy import select

    from zet.db import get_session
    from zet.models import Casus, Gemeente
    with app.app_context():
        casus_ids = list(get_session().scalars(select(Casus.id)))
        gemeente_ids = list(get_session().scalars(select(Gemeente.id)))
    urls = []
    for i in range(per_kind):
        c, g = rng.choice(casus_ids), rng.choice(gemeente_ids)
        urls.append(("casus", f"/casussen/{c}" if i % 2 else f"/casussen/{c}/analyseschema"))
        urls.append(("gemeente", f"/gemeenten/{g}" if i % 2 else f"/gemeenten/{g}/totaalbeeld"))
        urls.append(("vergelijking", ("/vergelijking", "/vergelijking?doelgroep=jeugd",
                                      "/vergelijking?doelgroep=volwassenen")[i % 3]))
    rng.shuffle(urls)
    return urls


def latency(args) -> dict:
    username = os.environ.get("ZET_BENCH_USER", "beheerder")
    password = os.environ.get("ZET_BENCH_PASSWORD", "demo-beheerder-2026")
    app = make_app(args.db)
    account, accounts = ensure_users(app, username, password, args.clients)
    rng = random.Random(args.seed)
    urls = page_urls(app, rng, args.requests)

    # Start cold: no comparison results and no national analysis left in the file cache the
    # workers share.
    cache_dir = Path(app.config.get("CACHE_DIR") or "")
    if app.config.get("CACHE_DIR") and cache_dir.is_dir():
        for path in cache_dir.glob("*.pickle"):
            path.unlink(missing_ok=True)
        shutil.rmtree(cache_dir / "landelijk", ignore_errors=True)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(args.serve_log, "w") if args.serve_log else subprocess.DEVNULL
    server = subprocess.Popen(
        zet_command() + ["serve", "--host", "127.0.0.1", "--port", str(port),
                         "--workers", str(args.workers), "--threads", str(args.threads)],
        env={**os.environ, "ZET_DATABASE_URL": args.db}, stdout=log, stderr=subprocess.STDOUT,
        cwd=ROOT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base + "/login", timeout=5).read()
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"zet serve did not start (see {args.serve_log})")
                time.sleep(0.25)

        clients = [Client(base) for _ in range(args.clients)]
        logged_in = [c.login_if_needed(name, password, secret)
                     for c, (name, secret) in zip(clients, accounts)][0]

        # Warm-up: every route once. The comparisons compute the national analysis, cached
        # per worker process: requested one at a time (concurrent cold requests would each
        # compute it) until 8 in a row are fast, so every worker has them. The first request
        # of each is the cold time a user sees after any change to the data.
        warmup, cold = {}, {}
        firsts = {}
        for kind, path in urls:
            firsts.setdefault(re.sub(r"\d+", "N", path), path)
        for path in firsts.values():
            status, seconds = _timed(clients[0], path)
            warmup[path] = round(seconds, 3)
            if status != 200:
                raise SystemExit(f"warm-up {path}: status {status}")
        for path in sorted({p for k, p in urls if k == "vergelijking"}):
            times, fast = [], 0
            while fast < 8 and len(times) < 40:
                status, seconds = _timed(clients[0], path)
                times.append(round(seconds, 3))
                fast = fast + 1 if seconds < 1.0 else 0
            cold[path] = times[:-fast] if fast else times

        # Service time: the same kind of requests from one client, one at a time (no queueing):
        # what a page costs by itself, the floor under the concurrent latencies below.
        sequential = []
        taken: dict[str, int] = {}
        for kind, path in urls:
            taken[kind] = taken.get(kind, 0) + 1
            if taken[kind] > args.sequential:
                continue
            status, seconds = _timed(clients[0], path)
            sequential.append((kind, path, status, seconds))

        free = __import__("queue").Queue()
        for c in clients:
            free.put(c)

        def one(item):
            kind, path = item
            client = free.get()
            try:
                status, seconds = _timed(client, path)
            finally:
                free.put(client)
            return kind, path, status, seconds

        before = process_tree_memory(server.pid)
        start = time.perf_counter()
        with ThreadPoolExecutor(len(clients)) as pool:
            measured = list(pool.map(one, urls))
        wall = time.perf_counter() - start
        memory = process_tree_memory(server.pid)
        # How the measured requests spread over the workers (CPU seconds each used for them).
        memory["worker_cpu_measured_s"] = [
            round(a - b, 1) for a, b in zip(memory.pop("worker_cpu_s"), before["worker_cpu_s"])
            if a is not None and b is not None]
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    kinds = _percentiles(measured)
    alone = _percentiles(sequential)
    # One client, one request at a time, the same mix of pages: the throughput 8 clients are
    # measured against (2 cores: at most 2x, less what the clients themselves use).
    alone_rps = len(sequential) / sum(seconds for *_, seconds in sequential)
    return {"seconds": round(wall, 3), "requests": len(measured),
            "throughput_rps": round(len(measured) / wall, 1),
            "throughput_1_client_rps": round(alone_rps, 1),
            "throughput_ratio": round(len(measured) / wall / alone_rps, 2), "logged_in": logged_in,
            "account": account, "workers": args.workers, "threads": args.threads,
            "clients": args.clients, "warmup_s": warmup, "comparison_cold_s": cold,
            "per_kind": kinds["kind"], "per_route": kinds["route"],
            "sequential_per_kind": alone["kind"], "sequential_per_route": alone["route"], **memory,
            "peak_mb": memory["total_peak_mb"], "client_peak_mb": round(peak_mb(), 1)}


def _percentiles(measured) -> dict:
    """p50 / p95 / max and errors per page kind and per route (ids replaced by N)."""
    frame = pd.DataFrame(measured, columns=["kind", "path", "status", "seconds"])
    frame["route"] = frame["path"].str.replace(r"\d+", "N", regex=True)
    return {group: {
        name: {"n": len(part), "errors": int((part["status"] != 200).sum()),
               "p50_ms": round(part["seconds"].quantile(0.5) * 1000, 1),
               "p95_ms": round(part["seconds"].quantile(0.95) * 1000, 1),
               "max_ms": round(part["seconds"].max() * 1000, 1)}
        for name, part in frame.groupby(group)} for group in ("kind", "route")}


def _timed(client: Client, path: str) -> tuple[int, float]:
    start = time.perf_counter()
    status, _, _ = client.request(path)
    return status, time.perf_counter() - start


# --- main ---------------------------------------------------------------------------------

STEPS = {
    "import-product": import_product, "import-baseline": import_baseline,
    "analysis-product": analysis_product, "analysis-baseline": analysis_baseline,
    "export-product": export_product, "export-baseline": export_baseline,
    "latency": latency,
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="One ZET benchmark step (see bench/run.py).")
    parser.add_argument("step", choices=sorted(STEPS))
    parser.add_argument("--db", required=True, help="database URL")
    parser.add_argument("--result", required=True, help="write the JSON result here")
    parser.add_argument("--csv", help="the generated national CSV (import steps)")
    parser.add_argument("--sep", default=";", help="CSV separator for the baseline reader")
    parser.add_argument("--xlsx", help="export: where the product writes / baseline reads")
    parser.add_argument("--writer", choices=["openpyxl", "xlsxwriter"], default="openpyxl",
                        help="export-baseline: which writer dumps the cells")
    parser.add_argument("--check", help="analysis: write the gemeente scores here")
    parser.add_argument("--no-text", action="store_true",
                        help="analysis without joining the toelichting texts")
    parser.add_argument("--profile", help="write a cProfile report of the timed part here")
    parser.add_argument("--inner", type=int, default=3,
                        help="analysis: time this many runs in the process, report the fastest")
    parser.add_argument("--requests", type=int, default=200, help="latency: per page kind")
    parser.add_argument("--sequential", type=int, default=20,
                        help="latency: also this many requests per page kind from one client, "
                             "one at a time (service time without queueing)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--serve-log")
    args = parser.parse_args(argv)
    # Stopped from outside: unwind (so the latency step stops its server) instead of dying.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    os.environ.setdefault("ZET_SECRET_KEY", "benchmark-only-" + "x" * 40)
    os.environ.setdefault("ZET_INSTANCE_PATH", str(ROOT / "bench" / "out" / "instance"))
    os.environ["ZET_DATABASE_URL"] = args.db
    out = STEPS[args.step](args)
    Path(args.result).write_text(json.dumps(out, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
