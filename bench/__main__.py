"""`python -m bench` (make bench) and `python -m bench --smoke` (make bench-smoke).

Runs each scale on each database in its own process (`bench.run`), each on a throwaway database
made here and removed afterwards, whatever happens: PostgreSQL `hearth_bench_<pid>` (dropped with
FORCE), SQLite in a temporary directory. Then writes `bench/results.json` (the smoke run writes
`var/bench-smoke.json` unless --out is given) and prints the table. Exit status 1 when a measure
failed to run (a page that does not exist yet is "not run", which is not a failure)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import results
from .results import Measure, not_run
from .scales import SCALES

ROOT = Path(__file__).resolve().parent.parent
PG_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


def _stop(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)


def postgres_available() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_DSN, connect_timeout=3).close()
        return True
    except Exception:
        return False


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_DSN, autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


@contextmanager
def throwaway_database(kind: str) -> Iterator[str]:
    if kind == "postgresql":
        name = f"hearth_bench_{os.getpid()}"
        _pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        _pg_admin(f"CREATE DATABASE {name}")
        try:
            yield f"postgres://postgres@127.0.0.1:5432/{name}"
        finally:
            _pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    else:
        folder = tempfile.mkdtemp(prefix="hearth-bench-")
        try:
            yield f"sqlite:///{folder}/bench.sqlite3"  # absolute: sqlite:////tmp/...
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def run_one(
    scale: str, kind: str, today: str | None, timeout: float, quiet: bool, only: str | None = None
) -> dict[str, Any]:
    with throwaway_database(kind) as url, tempfile.TemporaryDirectory(prefix="hearth-bench-out-") as out_dir:
        out = Path(out_dir) / "part.json"
        command = [sys.executable, "-m", "bench.run", "--database", url, "--scale", scale, "--out", str(out)]
        if today:
            command += ["--today", today]
        if quiet:
            command.append("--quiet")
        if only:
            command += ["--measures", only]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DATABASE_URL": url}
        process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        try:
            code = process.wait(timeout=timeout)
        except BaseException:
            # Ask it to stop (it stops its own web server), then make sure.
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            raise
        if code != 0 or not out.exists():
            raise RuntimeError(f"bench.run {scale} on {kind} exited with {code}")
        return dict(json.loads(out.read_text()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="Tiny scale: checks every measure runs (CI).")
    parser.add_argument("--out", type=Path, help="Where to write the results (JSON).")
    parser.add_argument("--databases", default="sqlite,postgresql", help="Comma-separated: sqlite,postgresql")
    parser.add_argument("--skip-trust", action="store_true", help="Leave out the trust scale.")
    parser.add_argument("--today", help="The date the data ends (YYYY-MM-DD; default today).")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--measures", help="Only these (comma-separated): attendance_summary,import,pages,burst")
    parser.add_argument("--scales", help="Only these scales (comma-separated), e.g. school or trust")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    wanted = [d.strip() for d in args.databases.split(",") if d.strip()]
    pg = "postgresql" in wanted and postgres_available()
    school_scale, trust_scale = ("smoke", "trust-smoke") if args.smoke else ("school", "trust")
    plan = [(school_scale, kind) for kind in wanted if kind == "sqlite" or pg]
    skipped: list[Measure] = []
    if not args.skip_trust:
        if pg:
            plan.append((trust_scale, "postgresql"))
        elif args.smoke:
            plan.append((trust_scale, "sqlite"))  # the smoke still checks the trust measure runs
        else:
            skipped.append(not_run("trust_report_postgresql", "postgresql", trust_scale, "s", "≤ 5 s", "no PostgreSQL"))
    if args.scales:  # any scales by name, e.g. --scales trust-sample
        plan = []
        for name in (s.strip() for s in args.scales.split(",")):
            if SCALES[name].kind == "school":
                plan += [(name, kind) for kind in wanted if kind == "sqlite" or pg]
            elif pg or "postgresql" not in wanted:
                plan.append((name, "postgresql" if pg else "sqlite"))
    if "postgresql" in wanted and not pg:
        print("PostgreSQL is not answering on 127.0.0.1:5432: running SQLite only.", file=sys.stderr)
    timeout = 600 if args.smoke else 1800
    measures: list[Measure] = []
    runs: list[dict[str, Any]] = []
    started = time.monotonic()
    failed = False
    for scale, kind in plan:
        try:
            part = run_one(scale, kind, args.today, timeout, not args.verbose and args.smoke, args.measures)
        except Exception as exc:
            print(f"{scale} on {kind}: {exc}", file=sys.stderr)
            failed = True
            measures.append(
                Measure(f"run_{scale}_{kind}", kind, scale, None, "", "", False, status="failed", reason=str(exc))
            )
            continue
        runs.append(part["info"])
        measures.extend(Measure(**m) for m in part["measures"])
    measures.extend(skipped)
    failed = failed or any(m.status == "failed" for m in measures)
    out = args.out or (ROOT / "var" / "bench-smoke.json" if args.smoke else results.RESULTS_FILE)
    out.parent.mkdir(parents=True, exist_ok=True)
    results.write(measures, out, runs=runs, total_seconds=round(time.monotonic() - started, 1), smoke=args.smoke)
    print(results.table(measures))
    print(f"\nWrote {out} in {time.monotonic() - started:.0f}s.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
