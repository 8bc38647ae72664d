"""Designs the bench measures beside Hearth's own, to price a fix before its owner makes it.
Nothing here is used by the product.

`lean_import`: the attendance import's fast path (a school with no marks yet in the file's range)
with the two changes docs/performance.md proposes for `apps/attendance/csv_io.py`:
1. validation remembered per distinct (code, session, date): a 1 M-row file has a few thousand;
2. on PostgreSQL one `COPY` text payload per batch instead of `write_row` per row;
and, for the model, without the three single-column foreign-key indexes the composite indexes
already cover (`school_id`, `pupil_id`) or nothing reads (`recorded_by_id`)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils import timezone

REDUNDANT_INDEX_COLUMNS = ("school_id", "pupil_id", "recorded_by_id")


def drop_redundant_mark_indexes() -> list[str]:
    """Inside the caller's transaction (rolled back by the bench)."""
    dropped = []
    with connection.cursor() as cursor:
        for index, info in connection.introspection.get_constraints(cursor, "attendance_mark").items():
            columns = info["columns"] or []
            single = len(columns) == 1 and columns[0] in REDUNDANT_INDEX_COLUMNS
            if info["index"] and not info["unique"] and not info["primary_key"] and single:
                cursor.execute(f'DROP INDEX "{index}"')
                dropped.append(index)
    return dropped


def lean_import(school: Any, path: Path) -> int:
    from apps.attendance import statutory
    from apps.people.models import Pupil

    pupils = {
        upn.upper(): (pk, admitted, left)
        for pk, upn, admitted, left in Pupil.objects.filter(school=school).values_list(
            "pk", "upn", "admission_date", "leaving_date"
        )
    }
    checked: dict[tuple[str, str, str], tuple[dt.date, str, str, str | None]] = {}
    seen: set[tuple[int, dt.date, str]] = set()
    now = timezone.now()
    errors = 0
    rows = 0
    batch: list[tuple[int, dt.date, str, str]] = []

    def flush() -> None:
        if not batch:
            return
        if connection.vendor == "postgresql":
            stamp = now.isoformat()
            text = "".join(f"{school.pk},{p},{d.isoformat()},{s},{c},,,{stamp},import\n" for p, d, s, c in batch)
            with connection.cursor() as cursor:
                raw = cursor.cursor
                with raw.copy(  # type: ignore[union-attr]
                    "COPY attendance_mark (school_id, pupil_id, date, session, code, minutes_late, recorded_by_id,"
                    " recorded_at, source) FROM STDIN WITH (FORMAT csv)"
                ) as copy:
                    copy.write(text)
        else:
            stamp_db = connection.ops.adapt_datetimefield_value(now)
            raw_connection = connection.connection
            assert raw_connection is not None
            raw_connection.executemany(
                "INSERT INTO attendance_mark (school_id, pupil_id, date, session, code, minutes_late, recorded_by_id,"
                " recorded_at, source) VALUES (?, ?, ?, ?, ?, NULL, NULL, ?, 'import')",
                [(school.pk, p, d.isoformat(), s, c, stamp_db) for p, d, s, c in batch],
            )
        batch.clear()

    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        for upn, date_text, session_text, raw_code in reader:
            rows += 1
            facts = pupils.get(upn.strip().upper())
            key = (raw_code, session_text, date_text)
            found = checked.get(key)
            if found is None:
                day = dt.date.fromisoformat(date_text.strip())
                session = session_text.strip().upper()
                code = statutory.normalise_code(raw_code, session)
                found = checked[key] = (day, session, code, statutory.code_problem(code, day))
            day, session, code, problem = found
            if facts is None or problem or day < facts[1] or (facts[2] is not None and day > facts[2]):
                errors += 1
                continue
            mark = (facts[0], day, session)
            if mark in seen:
                errors += 1
                continue
            seen.add(mark)
            batch.append((facts[0], day, session, code))
            if len(batch) >= 20_000:
                flush()
    flush()
    if errors:
        raise ValueError(f"{errors} invalid rows")
    return rows
