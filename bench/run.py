"""ZET performance benchmark: each product step next to its bare baseline, in the same run.

    python bench/run.py [--scale 1.0] [--out bench/out/results.json]

Generates (once) the synthetic national dataset (bench/generate.py: 342 gemeenten x 30
casussen, about 600,000 score rows at scale 1.0), then runs every step in its own fresh
process (bench/steps.py) on a fresh SQLite file under bench/out/, and - when
ZET_BENCH_POSTGRES_URL is set - again on that PostgreSQL database (ITS SCHEMA public IS
WIPED). Prints one table and writes the JSON.

Targets (issue 12): import <= 1.5x the leanest bulk insert (sqlite3 executemany of tuples on
SQLite, psycopg COPY on PostgreSQL); the whole analysis <= 1.0x lean pandas on factorised keys;
the workbook export <= 1.2x the faster of an openpyxl write-only and an XlsxWriter
constant_memory dump of the same cells (bench/baselines.py); peak memory of every step <= 1.5 GB;
p95 of the casus, gemeente and comparison pages < 150 ms under concurrent requests against
`zet serve`.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

MEMORY_LIMIT_MB = 1536
BASELINES = {   # what the baseline of each step is, for the table
    "import": lambda backend, _: "sqlite3 executemany" if backend == "sqlite" else "psycopg COPY",
    "analysis": lambda *_: "factorised pandas",
    "analysis-figures": lambda *_: "factorised pandas",
    "export": lambda _, b: f"{b.get('writer', 'openpyxl')} dump",
}
TARGETS = {"import": 1.5, "analysis": 1.0, "analysis-figures": 1.0, "export": 1.2}
LATENCY_P95_MS = 150
THROUGHPUT_RATIO = 1.6   # requests/s at 8 clients over 1 client, one request at a time
DESCRIPTIONS = {
    "import": "import (zet.importing.import_file) vs sqlite3 executemany / psycopg COPY",
    "analysis": "analysis.analyse (with toelichting) vs lean factorised pandas",
    "analysis-figures": "analysis.analyse (figures only) vs lean factorised pandas",
    "export": "build_workbook vs the faster of openpyxl write-only / XlsxWriter dump",
}


def run_step(step: str, db: str, out_dir: Path, extra: list[str], label: str,
             env: dict | None = None) -> dict:
    """Run one step in a fresh process; its JSON result (with the wall time of the process)."""
    result_path = out_dir / f"{label}.json"
    result_path.unlink(missing_ok=True)
    command = [sys.executable, str(HERE / "steps.py"), step, "--db", db,
               "--result", str(result_path)] + extra
    print(f"  {label} ...", end="", flush=True)
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=ROOT, env={**os.environ, **(env or {})},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wall = time.perf_counter() - start
    (out_dir / f"{label}.log").write_text(completed.stdout)
    if completed.returncode != 0 or not result_path.exists():
        print(f" FAILED (exit {completed.returncode}, see {out_dir / (label + '.log')})")
        tail = "\n".join(completed.stdout.strip().splitlines()[-15:])
        return {"error": f"exit {completed.returncode}", "log_tail": tail}
    data = json.loads(result_path.read_text())
    data["process_wall_s"] = round(wall, 2)
    print(f" {data['seconds']:.2f} s, peak {data['peak_mb']:.0f} MB")
    return data


def run_pair(step: str, db: str, baseline_db: str, out_dir: Path, product_extra: list[str],
             baseline_extra: list[str], label: str, repeat: int, profile=None) -> tuple:
    """Product and baseline ``repeat`` times, alternating; per side the fastest run (the least
    disturbed by other load on the machine), all run times and the highest peak memory."""
    runs = {"product": [], "baseline": []}
    for i in range(repeat):
        extra = profile if (profile and i == 0) else []
        runs["product"].append(run_step(f"{step}-product", db, out_dir, product_extra + extra,
                                        f"{label}-product"))
        runs["baseline"].append(run_step(f"{step}-baseline", baseline_db, out_dir,
                                         baseline_extra, f"{label}-baseline"))
    return _best(runs["product"]), _best(runs["baseline"])


def _best(runs: list[dict]) -> dict:
    good = [r for r in runs if "error" not in r]
    if not good:
        return runs[0]
    best = dict(min(good, key=lambda r: r["seconds"]))
    best["repeat_runs_s"] = [r["seconds"] for r in good]
    best["peak_mb"] = max(r["peak_mb"] for r in good)
    return best


def compare_scores(product: Path, baseline: Path) -> dict:
    """Do product and baseline agree on every gemeente x element score and casus count?"""
    import pandas as pd
    if not product.exists() or not baseline.exists():
        return {"checked": False}
    a = pd.read_csv(product).sort_values(["gemeente", "element"]).reset_index(drop=True)
    b = pd.read_csv(baseline).sort_values(["gemeente", "element"]).reset_index(drop=True)
    same_keys = a[["gemeente", "element"]].equals(b[["gemeente", "element"]])
    diff = float((a["score"] - b["score"]).abs().max()) if same_keys else None
    counts = bool(same_keys and (a["n_casussen"] == b["n_casussen"]).all())
    return {"checked": True, "rows": len(a), "same_groups": same_keys,
            "max_abs_score_diff": diff, "same_counts": counts,
            "agree": bool(same_keys and counts and diff is not None and diff < 1e-9)}


def pair(name: str, product: dict, baseline: dict, **extra) -> dict:
    row = {"step": name, "target_ratio": TARGETS[name], "product": product,
           "baseline": baseline, **extra}
    if "error" in product or "error" in baseline:
        row.update(ratio=None, passed=False)
        return row
    ratio = product["seconds"] / baseline["seconds"] if baseline["seconds"] else None
    memory_ok = max(product["peak_mb"], baseline["peak_mb"]) <= MEMORY_LIMIT_MB
    cpu = (product.get("cpu_seconds"), baseline.get("cpu_seconds"))
    row["cpu_ratio"] = round(cpu[0] / cpu[1], 2) if all(cpu) else None
    row.update(ratio=round(ratio, 2) if ratio else None,
               speed_ok=ratio is not None and ratio <= TARGETS[name],
               memory_ok=memory_ok,
               passed=ratio is not None and ratio <= TARGETS[name] and memory_ok
               and extra.get("agree", True))
    return row


def run_backend(backend: str, db: str, baseline_db: str, csv: Path, out_dir: Path,
                args) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    print(f"[{backend}] {db.split('@')[-1]}")
    profile = (lambda label: ["--profile", str(out_dir / f"profile-{label}.txt")]) \
        if args.profile else (lambda label: [])
    steps = set(args.steps)
    rows = []

    if "import" in steps:
        # Baseline first in each round: on PostgreSQL both use one database, and the product
        # import must be the one left for the later steps.
        runs = {"product": [], "baseline": []}
        for i in range(args.repeat):
            runs["baseline"].append(run_step("import-baseline", baseline_db, out_dir,
                                             ["--csv", str(csv)], "import-baseline"))
            runs["product"].append(run_step(
                "import-product", db, out_dir,
                ["--csv", str(csv)] + (profile("import-product") if i == 0 else []),
                "import-product"))
        prod, base = _best(runs["product"]), _best(runs["baseline"])
        same = ("error" not in prod and "error" not in base and prod["counts"] == base["counts"]
                and prod["content_hash"] == base["content_hash"])
        rows.append(pair("import", prod, base, agree=same, same_rows_stored=same))
    if "analysis" in steps:
        for name, flags in (("analysis", []), ("analysis-figures", ["--no-text"])):
            prod, base = run_pair(
                "analysis", db, db, out_dir,
                flags + ["--check", str(out_dir / f"{name}-product.csv")],
                flags + ["--check", str(out_dir / f"{name}-baseline.csv")],
                name, args.repeat, profile(name + "-product"))
            check = compare_scores(out_dir / f"{name}-product.csv",
                                   out_dir / f"{name}-baseline.csv")
            rows.append(pair(name, prod, base, agree=check.get("agree", False), check=check))
    if "export" in steps:
        xlsx = out_dir / "export-product.xlsx"
        xlsx.unlink(missing_ok=True)
        runs = {"product": [], "openpyxl": [], "xlsxwriter": []}
        for i in range(args.repeat):
            runs["product"].append(run_step(
                "export-product", db, out_dir,
                ["--xlsx", str(xlsx)] + (profile("export-product") if i == 0 else []),
                "export-product"))
            for writer in ("openpyxl", "xlsxwriter"):
                runs[writer].append(run_step("export-baseline", db, out_dir,
                                             ["--xlsx", str(xlsx), "--writer", writer],
                                             f"export-baseline-{writer}"))
        writers = {w: _best(runs[w]) for w in ("openpyxl", "xlsxwriter")}
        good = [b for b in writers.values() if "error" not in b]
        base = min(good, key=lambda b: b["seconds"]) if good else writers["openpyxl"]
        rows.append(pair("export", _best(runs["product"]), base,
                         writers={w: b.get("seconds") for w, b in writers.items()}))
    latency = None
    if "latency" in steps:
        latency = run_step("latency", db, out_dir, [
            "--requests", str(args.requests), "--clients", str(args.clients),
            "--workers", str(args.workers), "--threads", str(args.threads),
            "--serve-log", str(out_dir / "serve.log")], "latency")
        if "error" not in latency:
            kinds = latency["per_kind"]
            latency["passed"] = (all(k["p95_ms"] < LATENCY_P95_MS and k["errors"] == 0
                                     for k in kinds.values())
                                 and latency["peak_mb"] <= MEMORY_LIMIT_MB
                                 and latency["throughput_ratio"] >= THROUGHPUT_RATIO)
        else:
            latency["passed"] = False
    return {"backend": backend, "rows": rows, "latency": latency}


def table(results: list[dict]) -> str:
    """The figures as a Markdown table (the same text goes into the README)."""
    lines = ["| backend | step | baseline | product s | baseline s | ratio | target | "
             "ratio of CPU s | peak MB product / baseline | result |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for backend in results:
        for row in backend["rows"]:
            p, b = row["product"], row["baseline"]
            if "error" in p or "error" in b:
                lines.append(f"| {backend['backend']} | {row['step']} | | error | error | | "
                             f"<= {row['target_ratio']}x | | | FAIL |")
                continue
            lines.append(
                f"| {backend['backend']} | {row['step']} | "
                f"{BASELINES[row['step']](backend['backend'], b)} | {p['seconds']:.2f} | "
                f"{b['seconds']:.2f} | {row['ratio']:.2f}x | <= {row['target_ratio']}x | "
                f"{row['cpu_ratio'] or 0:.2f}x | {p['peak_mb']:.0f} / {b['peak_mb']:.0f} | "
                f"{'PASS' if row['passed'] else 'FAIL'} |")
    lat_lines = []
    for backend in results:
        lat = backend["latency"]
        if not lat:
            continue
        if "error" in lat:
            lat_lines.append(f"| {backend['backend']} | error | | | | | | FAIL |")
            continue
        alone = lat.get("sequential_per_kind", {})
        for kind, k in lat["per_kind"].items():
            ok = k["p95_ms"] < LATENCY_P95_MS and k["errors"] == 0
            one = alone.get(kind)
            single = f"{one['p50_ms']:.0f} / {one['p95_ms']:.0f}" if one else ""
            lat_lines.append(
                f"| {backend['backend']} | {kind} | {k['n']} | {k['p50_ms']:.0f} | "
                f"{k['p95_ms']:.0f} | {k['max_ms']:.0f} | {k['errors']} | {single} | "
                f"{'PASS' if ok else 'FAIL'} |")
        ratio_ok = lat["throughput_ratio"] >= THROUGHPUT_RATIO
        lat_lines.append(
            f"| {backend['backend']} | throughput, requests/s: 1 client "
            f"{lat['throughput_1_client_rps']:.0f}, {lat['clients']} clients "
            f"{lat['throughput_rps']:.0f} (target >= {THROUGHPUT_RATIO}x) | | | | | | | "
            f"{lat['throughput_ratio']:.2f}x {'PASS' if ratio_ok else 'FAIL'} |")
        lat_lines.append(
            f"| {backend['backend']} | server memory (master, {lat['workers']} workers and "
            f"the job worker): summed peak RSS; PSS after the load "
            f"| | | | | | | {lat['peak_mb']:.0f} MB; {lat.get('total_pss_mb', 0):.0f} MB "
            f"{'PASS' if lat['peak_mb'] <= MEMORY_LIMIT_MB else 'FAIL'} |")
    if lat_lines:
        lines += ["", f"| backend | page kind | requests | p50 ms | p95 ms (target < "
                  f"{LATENCY_P95_MS}) | max ms | errors | one client alone: p50 / p95 ms | "
                  "result |", "|---|---|---:|---:|---:|---:|---:|---:|---|"] + lat_lines
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the 342 gemeenten (0.1 while developing)")
    parser.add_argument("--out", type=Path, default=HERE / "out" / "results.json")
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument("--steps", nargs="+", default=["import", "analysis", "export", "latency"],
                        choices=["import", "analysis", "export", "latency"],
                        help="run only these (later steps need the database import loaded)")
    parser.add_argument("--requests", type=int, default=200, help="latency: requests per page kind")
    parser.add_argument("--clients", type=int, default=8, help="latency: concurrent clients")
    parser.add_argument("--workers", type=int, default=2, help="zet serve --workers")
    parser.add_argument("--threads", type=int, default=4, help="zet serve --threads")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each product/baseline pair N times (alternating) and report "
                             "the fastest of each; the spread is in the JSON")
    parser.add_argument("--profile", action="store_true",
                        help="also write cProfile reports of the product steps (slower: the "
                             "reported times then include profiling overhead)")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    print(f"dataset: scale {args.scale:g}, seed {args.seed}")
    csv = generate.ensure_csv(args.scale, args.seed)
    print(f"  {csv} ({csv.stat().st_size / 2**20:.0f} MB)")

    work = HERE / "out"  # the databases; --out only says where the figures go
    # ZET's instance folder (secret key, the comparison file cache) for every step and server:
    # the benchmark never touches ./instance.
    os.environ["ZET_INSTANCE_PATH"] = str(work / "instance")
    results = []
    sqlite_dir = work / f"sqlite-{args.scale:g}"
    results.append(run_backend(
        "sqlite", f"sqlite:///{sqlite_dir / 'product.sqlite3'}",
        f"sqlite:///{sqlite_dir / 'baseline.sqlite3'}", csv, sqlite_dir, args))
    postgres = os.environ.get("ZET_BENCH_POSTGRES_URL")
    if postgres:
        pg_dir = work / f"postgresql-{args.scale:g}"
        # One database: the baseline import runs (and is wiped) before the product import.
        results.append(run_backend("postgresql", postgres, postgres, csv, pg_dir, args))

    passed = all(r["passed"] for b in results for r in b["rows"]) and all(
        b["latency"]["passed"] for b in results if b["latency"])
    rows = None
    for b in results:
        for r in b["rows"]:
            if "counts" in r["product"]:
                rows = r["product"]["counts"]
    summary = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "python bench/run.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "scale": args.scale, "seed": args.seed, "csv": str(csv), "stored_rows": rows,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "targets": {**TARGETS, "memory_mb": MEMORY_LIMIT_MB, "latency_p95_ms": LATENCY_P95_MS,
                    "throughput_ratio": THROUGHPUT_RATIO},
        "results": results, "passed": passed,
        "total_seconds": round(time.perf_counter() - start, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2, default=str))
    text = table(results)
    args.out.with_suffix(".md").write_text(text + "\n")
    print()
    print(text)
    print()
    print(f"{'ALL PASS' if passed else 'SOME TARGETS MISSED'}; "
          f"{summary['total_seconds']:.0f} s; JSON: {args.out}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
