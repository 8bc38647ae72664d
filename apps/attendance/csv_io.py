"""Attendance in and out as CSV: import (streaming, bulk, all-or-nothing), export and summaries.

Columns: `upn,date,session,code` and optionally `minutes_late` (issue 5, "Data in and out").
The importer reads the file once, row by row, validating and writing in batches inside one
transaction; if any row is invalid, it keeps validating to report every bad row (line numbers and
reasons) and then rolls everything back, so nothing is half-imported. Memory stays flat with file
size: only the current batch, the school's pupils and a bit per (pupil, session) to catch
duplicate rows are held.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from apps.audit import services as audit
from apps.audit.models import Verb
from apps.core.models import School
from apps.people.models import Pupil

from . import statutory, summaries
from .models import Mark, Source
from .selectors import attendance_summaries
from .services import MarkRow, apply_marks

REQUIRED_COLUMNS = ("upn", "date", "session", "code")
OPTIONAL_COLUMNS = ("minutes_late",)
BATCH_SIZE = 20000
# Distinct (code, session, date) checks remembered: a school year has ~380 sessions and a few dozen
# codes, so a real file needs a few thousand; the bound keeps memory flat for any file.
CODE_CHECKS_KEPT = 50000
MAX_ERRORS_KEPT = 500
_EPOCH = dt.date(1990, 1, 1)


class ImportRejected(Exception):
    """The file had invalid rows; nothing was written."""

    def __init__(self, errors: list[str], error_count: int) -> None:
        super().__init__(f"{error_count} invalid row(s)")
        self.errors = errors
        self.error_count = error_count


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    amended: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[str] = field(default_factory=list)
    error_count: int = 0

    def summary(self) -> str:
        verb = "Would import" if self.dry_run else "Imported"
        return (
            f"{verb} {self.rows} row(s): {self.created} new mark(s), {self.amended} amended, "
            f"{self.unchanged} unchanged."
        )


def parse_date(text: str) -> dt.date:
    """ISO (2025-01-13) or British (13/01/2025) dates."""
    text = text.strip()
    if "/" in text:
        day, month, year = text.split("/")
        if len(year) != 4:
            raise ValueError
        return dt.date(int(year), int(month), int(day))
    if len(text) != 10:
        raise ValueError
    return dt.date.fromisoformat(text)


class _SeenSessions:
    """One bit per (pupil, date, session): catches a session given twice in one file."""

    def __init__(self) -> None:
        self.bits: dict[int, bytearray] = {}

    def add(self, pupil_id: int, day: dt.date, session: str) -> bool:
        """Record the session; False when it was already seen."""
        index = (day - _EPOCH).days * 2 + (session == "PM")
        if index < 0:
            index = 0  # dates before 1990 are refused elsewhere
        byte, bit = divmod(index, 8)
        bits = self.bits.get(pupil_id)
        if bits is None:
            bits = self.bits[pupil_id] = bytearray()
        if byte >= len(bits):
            bits.extend(bytes(byte - len(bits) + 64))
        if bits[byte] & (1 << bit):
            return False
        bits[byte] |= 1 << bit
        return True


@dataclass(frozen=True)
class _PupilFacts:
    pk: int
    name: str
    admission: dt.date
    leaving: dt.date | None


class _Writer:
    """Writes batches: straight bulk inserts while no earlier mark can clash, otherwise the
    set-based amend path that keeps history."""

    def __init__(self, school: School, reason: str, now: dt.datetime) -> None:
        self.school = school
        self.reason = reason
        self.now = now
        self.report = ImportReport()
        # Marks that existed before this import started (later ids are ours, and cannot clash
        # because a session given twice in the file is refused).
        self.before_max_id = Mark.objects.order_by("-id").values_list("id", flat=True).first() or 0
        self.school_has_marks = Mark.objects.filter(school=school).exists()
        # School years that marks were inserted into without `apply_marks`: their per-pupil
        # summaries are recounted set-based once, at the end (`finish`).
        self.inserted_years: set[int] = set()

    def write(self, batch: list[MarkRow]) -> None:
        if not batch:
            return
        if self._may_clash(batch):
            result = apply_marks(self.school, batch, actor="import", source=Source.IMPORT, reason=self.reason)
            self.report.created += result.created
            self.report.amended += result.amended
            self.report.unchanged += result.unchanged
        else:
            self._insert(batch)
            self.report.created += len(batch)
            dates = [r.date for r in batch]
            first, last = summaries.school_year(min(dates)), summaries.school_year(max(dates))
            self.inserted_years.update(range(first, last + 1))

    def finish(self) -> None:
        """Recount the per-pupil per-year summaries of the years inserted into (one set-based
        `INSERT … SELECT` per year, in the import's transaction)."""
        if self.inserted_years:
            summaries.refresh(self.school, years=self.inserted_years)

    def _may_clash(self, batch: list[MarkRow]) -> bool:
        if not self.school_has_marks:
            return False
        dates = [r.date for r in batch]
        return Mark.objects.filter(
            school=self.school,
            id__lte=self.before_max_id,
            date__gte=min(dates),
            date__lte=max(dates),
            pupil_id__in={r.pupil_id for r in batch},
        ).exists()

    def _insert(self, batch: list[MarkRow]) -> None:
        table = Mark._meta.db_table
        columns = "school_id, pupil_id, date, session, code, minutes_late, recorded_by_id, recorded_at, source"
        school_id = self.school.pk
        if connection.vendor == "postgresql":
            # One CSV payload per batch (psycopg's per-row `write_row` cost more than the COPY).
            # Every value is ours: integers, ISO dates, AM/PM, a validated code (quoted, so the
            # PM present mark, a backslash, is taken literally), an empty field for NULL.
            now_text = self.now.isoformat()
            payload = "".join(
                f'{school_id},{r.pupil_id},{r.date.isoformat()},{r.session},"{r.code}",'
                f"{'' if r.minutes_late is None else r.minutes_late},,{now_text},import\n"
                for r in batch
            )
            with connection.cursor() as cursor:
                raw = cursor.cursor
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as copy:  # type: ignore[union-attr]
                    copy.write(payload)
            return
        recorded_at = connection.ops.adapt_datetimefield_value(self.now)
        params = [
            (school_id, r.pupil_id, r.date.isoformat(), r.session, r.code, r.minutes_late, None, recorded_at, "import")
            for r in batch
        ]
        with connection.cursor() as cursor:
            # Table and column names are constants from the model, never input.
            sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"  # noqa: S608
            cursor.executemany(sql, params)


class _Rollback(Exception):
    pass


def import_attendance(
    school: School, stream: IO[str], *, source_name: str = "file", dry_run: bool = False, actor: Any = None
) -> ImportReport:
    """Import attendance marks from a CSV text stream. Raises `ImportRejected` (having written
    nothing) when any row is invalid; with `dry_run`, validates and counts, then writes nothing."""
    reader = csv.reader(stream)
    header = next(reader, None)
    if header is None:
        raise ImportRejected(["The file is empty: it needs a header row upn,date,session,code."], 1)
    columns = [h.strip().lower().lstrip("\ufeff") for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    unknown = [c for c in columns if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if missing or unknown or len(set(columns)) != len(columns):
        problems = []
        if missing:
            problems.append(f"missing column(s): {', '.join(missing)}")
        if unknown:
            problems.append(f"unknown column(s): {', '.join(unknown)}")
        if len(set(columns)) != len(columns):
            problems.append("a column appears twice")
        raise ImportRejected(
            [f"Line 1: the header must be upn,date,session,code[,minutes_late]; {'; '.join(problems)}."], 1
        )
    i_upn, i_date, i_session, i_code = (columns.index(c) for c in REQUIRED_COLUMNS)
    i_late = columns.index("minutes_late") if "minutes_late" in columns else None
    width = len(columns)

    pupils = {
        upn.upper(): _PupilFacts(pk, f"{pf or lf} {ps or ls}", adm, leave)
        for pk, upn, pf, lf, ps, ls, adm, leave in Pupil.objects.filter(school=school).values_list(
            "pk",
            "upn",
            "preferred_forename",
            "legal_forename",
            "preferred_surname",
            "legal_surname",
            "admission_date",
            "leaving_date",
        )
    }
    dates: dict[str, dt.date] = {}
    code_checks: dict[tuple[str, str, dt.date], tuple[str, str | None]] = {}
    seen = _SeenSessions()
    errors: list[str] = []
    error_count = 0
    now = timezone.now()
    reason = f"Import of {source_name}"[:300]

    def reject(line: int, message: str) -> None:
        nonlocal error_count
        error_count += 1
        if len(errors) < MAX_ERRORS_KEPT:
            errors.append(f"Line {line}: {message}")

    try:
        with transaction.atomic():
            writer = _Writer(school, reason, now)
            batch: list[MarkRow] = []
            for row in reader:
                line = reader.line_num
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue  # blank line
                writer.report.rows += 1
                if len(row) != width:
                    reject(line, f"expected {width} values, found {len(row)}.")
                    continue
                upn = row[i_upn].strip().upper()
                facts = pupils.get(upn)
                if facts is None:
                    reject(line, f"no pupil with UPN “{upn}” at {school.name}." if upn else "the UPN is empty.")
                    continue
                date_text = row[i_date]
                day = dates.get(date_text)
                if day is None:
                    try:
                        day = parse_date(date_text)
                    except ValueError:
                        reject(line, f"“{date_text}” is not a date (use 2025-01-13 or 13/01/2025).")
                        continue
                    if day < _EPOCH:
                        reject(line, f"{day:%d/%m/%Y} is before 1990.")
                        continue
                    if len(dates) < 20000:
                        dates[date_text] = day
                session = row[i_session].strip().upper()
                if session not in ("AM", "PM"):
                    reject(line, f"“{row[i_session]}” is not a session: use AM or PM.")
                    continue
                code_key = (row[i_code], session, day)
                checked = code_checks.get(code_key)
                if checked is None:
                    normalised = statutory.normalise_code(row[i_code], session)
                    checked = (normalised, statutory.code_problem(normalised, day))
                    if len(code_checks) < CODE_CHECKS_KEPT:
                        code_checks[code_key] = checked
                code, code_error = checked
                minutes_late: int | None = None
                if i_late is not None and row[i_late].strip():
                    try:
                        minutes_late = int(row[i_late])
                    except ValueError:
                        reject(line, f"minutes late “{row[i_late]}” is not a whole number.")
                        continue
                if problem := code_error or _row_problem(facts, day, code, minutes_late, check_code=False):
                    reject(line, problem)
                    continue
                if not seen.add(facts.pk, day, session):
                    reject(line, f"{upn} {day:%d/%m/%Y} {session} appears more than once in the file.")
                    continue
                if error_count:
                    continue  # keep validating, stop writing
                batch.append(MarkRow(facts.pk, day, session, code, minutes_late))
                if len(batch) >= BATCH_SIZE:
                    writer.write(batch)
                    batch = []
            if error_count:
                raise _Rollback
            writer.write(batch)
            report = writer.report
            report.dry_run = dry_run
            if dry_run:
                raise _Rollback
            writer.finish()
            audit.record(
                actor or "import",
                Verb.IMPORT,
                ("attendance.import", source_name[:64]),
                school=school,
                reason=f"attendance.import_csv:{report.rows}:{report.created}:{report.amended}",
            )
    except _Rollback:
        if error_count:
            raise ImportRejected(errors, error_count) from None
    return report


def _row_problem(
    facts: _PupilFacts, day: dt.date, code: str, minutes_late: int | None, *, check_code: bool = True
) -> str | None:
    """Why this row cannot be imported, or None. The importer checks the code itself, once per
    distinct (code, session, date), and passes `check_code=False`."""
    if check_code and (problem := statutory.code_problem(code, day)):
        return problem
    on_roll = facts.admission <= day and (facts.leaving is None or day <= facts.leaving)
    if code == "Z":
        if day >= facts.admission:
            return "Z is only for a prospective pupil before they join the admission register."
    elif not on_roll:
        return f"{facts.name} was not on roll on {day:%d/%m/%Y}."
    if minutes_late is not None:
        if code not in statutory.LATE_CODES:
            return f"minutes late go only with L or U, not with {code}."
        if not 0 <= minutes_late <= 300:
            return "minutes late must be between 0 and 300."
    return None


# Export ---------------------------------------------------------------------------------------

EXPORT_COLUMNS = ("upn", "date", "session", "code", "minutes_late")


def export_rows(school: School, start: dt.date, end: dt.date) -> Iterator[tuple[str, str, str, str, str]]:
    """Every mark held from `start` to `end`, in the import's columns (so it re-imports to the
    same state). Streams from the database in chunks."""
    qs = (
        Mark.objects.filter(school=school, date__gte=start, date__lte=end)
        .order_by("date", "session", "pupil_id")
        .values_list("pupil__upn", "date", "session", "code", "minutes_late")
    )
    for upn, day, session, code, late in qs.iterator(chunk_size=10000):
        yield upn, day.isoformat(), session, code, "" if late is None else str(late)


def write_export(school: School, start: dt.date, end: dt.date, out: IO[str]) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for row in export_rows(school, start, end):
        writer.writerow(row)
        count += 1
    return count


# Summary --------------------------------------------------------------------------------------

SUMMARY_COLUMNS = (
    "upn",
    "possible_sessions",
    "present",
    "authorised_absence",
    "unauthorised_absence",
    "attendance_pct",
    "persistent_absentee",
    "severe_absentee",
)


def summary_rows(school: School, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """One row per pupil on roll at any time from `start` to `end`, ordered by UPN."""
    pupils = list(
        Pupil.objects.filter(school=school, admission_date__lte=end)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=start))
        .order_by("upn")
        .values_list("pk", "upn")
    )
    summaries = attendance_summaries(school, [pk for pk, _ in pupils], start, end)
    rows = []
    for pk, upn in pupils:
        s = summaries[pk]
        rows.append(
            {
                "upn": upn,
                "possible_sessions": s.possible_sessions,
                "present": s.present,
                "authorised_absence": s.authorised_absence,
                "unauthorised_absence": s.unauthorised_absence,
                "attendance_pct": statutory.display_pct(s.attendance_pct, 2) if s.possible_sessions else "",
                "persistent_absentee": s.persistent_absentee,
                "severe_absentee": s.severe_absentee,
            }
        )
    return rows


def rows_as_csv(columns: Iterable[str], rows: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    cols = list(columns)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(cols)
    for row in rows:
        writer.writerow([("true" if row[c] else "false") if isinstance(row[c], bool) else row[c] for c in cols])
    return out.getvalue()
