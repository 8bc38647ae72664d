"""The set-based (staged) import writes exactly what the row-by-row import writes, and
hands any file it cannot vouch for to the row-by-row path (csv_io._staged_import)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db import transaction

from apps.attendance import csv_io, summaries
from apps.attendance.models import Mark, MarkHistory, PupilYearSummary
from apps.attendance.tests.factories import make_marks

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 1, 13)


def state() -> tuple[Any, ...]:
    marks = sorted(
        Mark.objects.values_list("pupil_id", "date", "session", "code", "minutes_late", "source", "recorded_by_id")
    )
    history = sorted(
        MarkHistory.objects.values_list(
            "mark__pupil_id",
            "mark__date",
            "mark__session",
            "old_code",
            "new_code",
            "old_minutes_late",
            "new_minutes_late",
            "new_source",
            "reason",
            "amended_by_id",
            "amended_by_label",
        )
    )
    rows = sorted(PupilYearSummary.objects.values_list("pupil_id", "year", *summaries.COUNTS))
    return marks, history, rows


def both_ways(personas: Any, text: str, monkeypatch: Any, **kwargs: Any) -> tuple[Any, Any]:
    make_marks(personas.pupil, {(DAY, "AM"): "N", (DAY, "PM"): "\\", (DAY + dt.timedelta(days=1), "AM"): "/"})
    results = []
    real = csv_io._staged_import
    for staged in (False, True):
        with transaction.atomic():
            used: list[bool] = []

            def spy(*args: Any, used: list[bool] = used, staged: bool = staged, **kw: Any) -> Any:
                found = real(*args, **kw) if staged else None
                used.append(found is not None)
                return found

            monkeypatch.setattr(csv_io, "_staged_import", spy)
            try:
                report = csv_io.import_attendance(personas.school, io.StringIO(text), source_name="m.csv", **kwargs)
                outcome: Any = (report.rows, report.created, report.amended, report.unchanged, report.dry_run)
            except csv_io.ImportRejected as rejected:
                outcome = ("rejected", rejected.errors)
            results.append((outcome, state(), used))
            transaction.set_rollback(True)
    return results[0], results[1]


def test_a_clean_file_is_imported_set_based_exactly_as_row_by_row(personas, monkeypatch):
    pupil, other = personas.pupil, personas.other_pupil
    text = (
        "UPN,Date,Session,Code,Minutes_Late\n"
        f"{pupil.upn},{DAY},AM,I,\n"  # amended: N → I
        f"{pupil.upn},{DAY:%d/%m/%Y},PM,\\,\n"  # unchanged
        f" {pupil.upn.lower()} ,{DAY + dt.timedelta(days=1)},am,L,12\n"  # amended: / → L with minutes
        f"{other.upn},{DAY},AM,/,\n"  # new
        f"{other.upn},{DAY},PM,/,\n"  # new: / in the afternoon is \\
        f"{other.upn},2025-09-08,AM,U,40\n"  # new, next school year
    )
    row_by_row, staged = both_ways(personas, text, monkeypatch)
    assert staged[2] == [True] and row_by_row[2] == [False]
    assert staged[0] == row_by_row[0] == (6, 3, 2, 1, False)
    assert staged[1] == row_by_row[1]


def test_a_dry_run_counts_the_same_and_writes_nothing(personas, monkeypatch):
    text = f"upn,date,session,code\n{personas.pupil.upn},{DAY},AM,O\n{personas.other_pupil.upn},{DAY},AM,/\n"
    row_by_row, staged = both_ways(personas, text, monkeypatch, dry_run=True)
    assert staged[2] == [True]
    assert staged[0] == row_by_row[0] == (2, 1, 1, 0, True)
    assert staged[1] == row_by_row[1]


@pytest.mark.parametrize(
    "bad_row",
    [
        "NOSUCHUPN,2025-01-13,AM,/",
        "{upn},2025-02-30,AM,/",
        "{upn},2025-01-13,XM,/",
        "{upn},2025-01-13,AM,Q9",
        "{upn},2025-01-13,AM",
        "{upn},2025-01-13,AM,/,extra",
        "{upn},2010-01-13,AM,/",
        "{upn},2025-01-13,AM,Z",
        "{upn},2025-01-14,AM,/",
        "\\.\n{upn},2025-01-15,AM,/",  # PostgreSQL's end-of-data line: the row after it must not vanish
    ],
)
def test_a_file_with_any_bad_row_is_left_to_the_row_by_row_path(personas, monkeypatch, bad_row):
    upn = personas.pupil.upn
    text = f"upn,date,session,code\n{upn},2025-01-14,AM,/\n{bad_row.format(upn=upn)}\n"
    row_by_row, staged = both_ways(personas, text, monkeypatch)
    assert staged[2] == [False]  # the staged path declined, having written nothing
    assert staged[0] == row_by_row[0] and staged[0][0] == "rejected"
    assert staged[1] == row_by_row[1]
