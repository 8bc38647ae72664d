"""One scale on one database, in its own process: `python -m bench.run --database URL --scale S
--out FILE`. Migrates the (empty, throwaway) database, builds the data, runs the measures and
writes their results as JSON. Started by `python -m bench`; see docs/performance.md."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any


def _stop(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run")
    parser.add_argument("--database", required=True, help="DATABASE_URL of an empty, throwaway database")
    parser.add_argument("--scale", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--today", help="The date the data ends (default: today)")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--measures", help="Comma-separated subset: attendance_summary,import,pages,burst")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    os.environ["DATABASE_URL"] = args.database
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from . import generate, measures
    from .results import Measure
    from .scales import SCALES

    scale = SCALES[args.scale]
    today = dt.date.fromisoformat(args.today) if args.today else timezone.localdate()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    db = "postgresql" if connection.vendor == "postgresql" else "sqlite"
    env = dict(os.environ)
    done: list[Measure] = []
    info: dict[str, Any] = {
        "database": db,
        "scale": scale.name,
        "migrate_seconds": time.perf_counter() - started,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }

    def say(text: str) -> None:
        if not args.quiet:
            print(f"[bench {db} {scale.name}] {text}", file=sys.stderr, flush=True)

    only = {m.strip() for m in args.measures.split(",")} if args.measures else None

    def attempt(name: str, fn: Callable[[], list[Measure]]) -> None:
        if only is not None and name not in only:
            return
        began = time.perf_counter()
        say(f"{name}...")
        try:
            done.extend(fn())
        except Exception as exc:
            traceback.print_exc()
            done.append(
                Measure(f"{name}_{db}", db, scale.name, None, "", "", False, status="failed", reason=f"{exc!r}"[:500])
            )
        say(f"{name} took {time.perf_counter() - began:.1f}s")

    with tempfile.TemporaryDirectory(prefix="hearth-bench-files-") as tmp:
        if scale.kind == "school":
            say(f"building the school ({scale.pupils} pupils, {scale.years} years)")
            built = generate.build_school(
                scale.pupils, scale.years, today, quiet=args.quiet, form_size=scale.register_size
            )
            info.update(
                marks=built.marks,
                pupils=len(built.pupils),
                marks_from=built.mark_start.isoformat(),
                marks_to=built.mark_end.isoformat(),
                generation_seconds=built.timings,
                modules_seeded=built.seeded,
                module_seed_failures=built.seed_failures,
            )
            say(f"{built.marks} marks in {built.timings.get('marks', 0):.1f}s")
            attempt("attendance_summary", lambda: measures.summary(db, scale.name, built, scale.reps))
            attempt(
                "import",
                lambda: measures.import_measure(
                    db, scale.name, built, scale.import_rows, scale.import_pupils, scale.import_reps, env, Path(tmp)
                ),
            )
            attempt("pages", lambda: measures.pages(db, scale.name, built, env, scale.page_requests))
            attempt(
                "burst",
                lambda: measures.burst(
                    db, scale.name, built, env, scale.registers, scale.register_size, scale.burst_rounds
                ),
            )
        else:
            say(f"building the trust ({scale.schools} schools × {scale.pupils} pupils)")
            year_start = (today.year - 1) if today.month >= 9 else today.year - 2
            trust = generate.build_trust(scale.schools, scale.pupils, year_start)
            info.update(marks=trust.marks, pupils=trust.pupils, generation_seconds=trust.timings)
            say(f"{trust.marks} marks; generation {trust.timings}")
            attempt("trust_report", lambda: measures.trust_report(db, scale.name, trust, scale.reps))
    info["seconds"] = time.perf_counter() - started
    info["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    args.out.write_text(json.dumps({"info": info, "measures": [asdict(m) for m in done]}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
