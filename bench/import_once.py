"""One import run in its own process, so its peak memory (RSS) is its own (started by
`bench.measures.import_measure`). Everything it writes is rolled back, so every run starts from
the same state.

--mode hearth: `manage.py import_csv attendance FILE --school URN` (all validation, all writes).
--mode floor: the same rows into an unindexed table: PostgreSQL COPY, SQLite executemany.
Prints JSON: seconds, rows, max_rss_mb."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import time
from pathlib import Path


class _Rollback(Exception):
    pass


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["hearth", "floor"], required=True)
    parser.add_argument("--file", type=Path, required=True)
    parser.add_argument("--school", required=True)
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    rows = 0
    with args.file.open(encoding="utf-8") as f:
        rows = sum(1 for _ in f) - 1
    connection.ensure_connection()
    started = time.perf_counter()
    try:
        with transaction.atomic():
            if args.mode == "hearth":
                out = io.StringIO()
                call_command("import_csv", "attendance", str(args.file), school=args.school, stdout=out)
            elif connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("CREATE TABLE bench_floor (upn text, date date, session text, code text)")
                    raw = cursor.cursor
                    with (
                        raw.copy("COPY bench_floor FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,  # type: ignore[union-attr]
                        args.file.open("rb") as f,
                    ):
                        while data := f.read(1 << 20):
                            copy.write(data)
            else:
                raw_connection = connection.connection
                assert raw_connection is not None
                raw_connection.execute("CREATE TABLE bench_floor (upn text, date text, session text, code text)")
                with args.file.open(encoding="utf-8", newline="") as f:
                    reader = csv.reader(f)
                    next(reader)
                    raw_connection.executemany("INSERT INTO bench_floor VALUES (?, ?, ?, ?)", reader)
            elapsed = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": elapsed, "rows": rows, "max_rss_mb": round(rss_mb, 1)}))


if __name__ == "__main__":
    main()
