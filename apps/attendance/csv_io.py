"""Attendance in and out as CSV: import (streaming, bulk, all-or-nothing), export and summaries.

Columns: `upn,date,session,code` and optionally `minutes_late` (issue 5, "Data in and out").
A clean file is imported set-based (`_staged_import`): streamed into a temporary staging table,
checked in SQL and once per distinct (date, session, code), written by `INSERT … SELECT` and the
set-based amend path, in one transaction. If any row fails those checks, nothing has been written
and the row-by-row path runs instead: it reads the file once, validating and writing in batches
inside one transaction; if any row is invalid, it keeps validating to report every bad row (line
numbers and reasons) and then rolls everything back, so nothing is half-imported. Memory stays
flat with file size on both paths: the staging table is on the database; the row-by-row path holds
only the current batch, the school's pupils and a bit per (pupil, session) to catch duplicates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
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
from .models import Mark, MarkHistory, Source
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


class _DryRun(Exception):
    """The staged import's dry run: the report is made, then everything is undone."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__("dry run")
        self.report = report


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
    if stream.seekable():
        staged = _staged_import(school, stream, columns, source_name=source_name, dry_run=dry_run, actor=actor)
        if staged is not None:
            return staged
        stream.seek(0)  # a row the set-based checks could not vouch for: the row-by-row path
        reader = csv.reader(stream)
        next(reader, None)
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


# The set-based import (PostgreSQL) ----------------------------------------------------------------

#: Distinct (date, session, code) texts the staged import checks in Python; a file with more
#: (not a real register export) takes the row-by-row path, so memory stays flat.
STAGED_KEYS_LIMIT = 50000
_STAGE_COLUMNS = {"upn": "upn", "date": "date_text", "session": "session_text", "code": "code_text"}


class _NotVouched(Exception):
    """The set-based checks found a row they cannot accept: the row-by-row path decides and
    words the messages."""


def _staged_import(
    school: School, stream: IO[str], columns: list[str], *, source_name: str, dry_run: bool, actor: Any
) -> ImportReport | None:
    """The import of a clean file, set-based (docs/performance.md, "Import"): the file is streamed
    by `COPY` into a temporary staging table, checked in SQL (pupil by UPN, on roll, Z only before
    admission, minutes late, a session given twice) and in Python once per distinct (date, session,
    code) text with the same functions as the row-by-row path, then written by `INSERT … SELECT`
    (new marks) and the set-based amend path (history rows, then `UPDATE … FROM`), all in the
    caller's one transaction. Returns None, having written nothing, as soon as any row fails a
    check: the row-by-row path then reports every bad line in the same words as always."""
    try:
        with transaction.atomic():
            return _staged(school, stream, columns, source_name=source_name, dry_run=dry_run, actor=actor)
    except _NotVouched:
        return None
    except _DryRun as done:
        return done.report


_TEMP_TABLES = ("att_import_stage", "att_import_keys", "att_import_pupils", "att_import_rows")


def _drop_temp_tables(cursor: Any) -> None:
    for table in _TEMP_TABLES:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


#: A line `\.` ends the data of a `COPY … FROM STDIN`, even in CSV format: the rows after it would be
#: silently left out, so a file holding one goes row by row, which rejects that line. A match that
#: straddles two chunks may be a false alarm; that only costs the slower path.
_END_OF_COPY = re.compile(r"(?:^|\n)\\\.\r?(?:\n|$)")


def _load_stage(cursor: Any, stream: IO[str], columns: list[str], stage_columns: list[str]) -> None:
    """The file's rows into the staging table as text: PostgreSQL `COPY` of the raw file, SQLite
    `executemany` of the parsed rows (blank lines skipped, as the row-by-row path does)."""
    stream.seek(0)
    if connection.vendor == "postgresql":
        import psycopg

        try:
            with (
                transaction.atomic(),
                cursor.cursor.copy(
                    f"COPY att_import_stage ({', '.join(stage_columns)}) FROM STDIN (FORMAT csv, HEADER true)"
                ) as copy,
            ):
                tail = ""
                while chunk := stream.read(1 << 20):
                    if _END_OF_COPY.search(tail + chunk):
                        raise _NotVouched  # PostgreSQL would stop at that line and drop the rest
                    copy.write(chunk)
                    tail = chunk[-3:]
        except psycopg.Error:  # a row with too few or too many values, a blank line: row by row
            raise _NotVouched from None
        return
    reader = csv.reader(stream)
    next(reader, None)
    width = len(columns)

    def rows() -> Iterator[list[str]]:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != width:
                raise _NotVouched
            yield [*row, row[upn_index].strip().upper()]  # the UPN as the row-by-row path matches it

    raw = connection.connection
    assert raw is not None
    upn_index = columns.index("upn")
    marks = ", ".join(["?"] * (width + 1))
    raw.executemany(f"INSERT INTO att_import_stage ({', '.join(stage_columns)}, upn_key) VALUES ({marks})", rows())  # noqa: S608 - our own tables


def _staged(
    school: School, stream: IO[str], columns: list[str], *, source_name: str, dry_run: bool, actor: Any
) -> ImportReport:
    from django.db import DataError

    postgresql = connection.vendor == "postgresql"
    temp = "CREATE TEMP TABLE {} ({}) ON COMMIT DROP" if postgresql else "CREATE TEMP TABLE {} ({})"
    stage_columns = [_STAGE_COLUMNS.get(c, "late_text") for c in columns]
    mark = connection.ops.quote_name(Mark._meta.db_table)
    history = connection.ops.quote_name(MarkHistory._meta.db_table)
    pupil = connection.ops.quote_name(Pupil._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    reason = f"Import of {source_name}"[:300]
    with connection.cursor() as cursor:
        _drop_temp_tables(cursor)  # left by an earlier import in the same (still open) transaction
        cursor.execute(
            temp.format(
                "att_import_stage",
                "upn text, date_text text, session_text text, code_text text, late_text text, upn_key text",
            )
        )
        _load_stage(cursor, stream, columns, stage_columns)
        if "minutes_late" in columns:
            # Only plain whole numbers are cast below (a cast takes forms Python's int refuses).
            plain = (
                "late_text !~ '^ *[0-9]{1,4} *$'"
                if postgresql
                else ("(trim(late_text) GLOB '*[^0-9]*' OR length(trim(late_text)) > 4)")
            )
            cursor.execute(
                f"SELECT EXISTS (SELECT 1 FROM att_import_stage WHERE trim(late_text) <> '' AND {plain})"  # noqa: S608
            )
            if cursor.fetchone()[0]:
                raise _NotVouched
        # Each distinct (date, session, code) text, checked as the row-by-row path checks it.
        cursor.execute(
            "SELECT date_text, session_text, code_text FROM att_import_stage GROUP BY 1, 2, 3 LIMIT %s",
            [STAGED_KEYS_LIMIT + 1],
        )
        found = cursor.fetchall()
        if len(found) > STAGED_KEYS_LIMIT:
            raise _NotVouched
        keys = []
        for date_text, session_text, code_text in found:
            try:
                day = parse_date(date_text or "")
            except ValueError:
                raise _NotVouched from None
            session = (session_text or "").strip().upper()
            if day < _EPOCH or session not in ("AM", "PM"):
                raise _NotVouched
            code = statutory.normalise_code(code_text or "", session)
            if statutory.code_problem(code, day):
                raise _NotVouched
            keys.append((date_text, session_text, code_text, day.isoformat(), session, code))
        cursor.execute(
            temp.format(
                "att_import_keys",
                "date_text text, session_text text, code_text text, day date, session text, code text",
            )
        )
        if postgresql:
            with cursor.cursor.copy("COPY att_import_keys FROM STDIN") as copy:
                for key in keys:
                    copy.write_row(key)
        else:
            cursor.executemany("INSERT INTO att_import_keys VALUES (%s, %s, %s, %s, %s, %s)", keys)
        cursor.execute("CREATE INDEX att_import_keys_text ON att_import_keys (date_text, session_text, code_text)")
        # The school's pupils by upper-case UPN, indexed (SQLite cannot index `upper(upn)` itself).
        cursor.execute(
            temp.format("att_import_pupils", "upn_key text, id bigint, admission_date date, leaving_date date")
        )
        cursor.execute(
            f"INSERT INTO att_import_pupils SELECT upper(upn), id, admission_date, leaving_date FROM {pupil} "  # noqa: S608
            "WHERE school_id = %s",
            [school.pk],
        )
        cursor.execute("CREATE INDEX att_import_pupils_key ON att_import_pupils (upn_key)")
        for table in ("att_import_stage", "att_import_keys", "att_import_pupils"):
            cursor.execute(f"ANALYZE {table}")  # temporary tables have no statistics until asked
        # Every row joined to its pupil (by UPN, as the row-by-row path matches it) and its key.
        late = (
            "CAST(NULLIF(trim(s.late_text), '') AS integer)" if "minutes_late" in columns else "CAST(NULL AS integer)"
        )
        as_table = (
            "CREATE TEMP TABLE att_import_rows ON COMMIT DROP AS"
            if postgresql
            else ("CREATE TEMP TABLE att_import_rows AS")
        )
        try:
            cursor.execute(
                f"{as_table} SELECT p.id AS pupil_id, k.day AS day, k.session AS session, k.code AS code, "  # noqa: S608
                f"{late} AS minutes_late, p.admission_date AS admission_date, p.leaving_date AS leaving_date "
                # Plain equality (a hash join): no key holds a NULL (an empty value fails its check), and a
                # row with one matches no key, so the row count below finds it.
                "FROM att_import_stage s JOIN att_import_keys k ON k.date_text = s.date_text "
                "AND k.session_text = s.session_text AND k.code_text = s.code_text "
                f"JOIN att_import_pupils p ON p.upn_key = {'upper(trim(s.upn))' if postgresql else 's.upn_key'}",
            )
        except DataError:
            raise _NotVouched from None
        cursor.execute("SELECT (SELECT count(*) FROM att_import_rows), (SELECT count(*) FROM att_import_stage)")
        rows, staged = cursor.fetchone()
        if rows != staged:  # an unknown or empty UPN, or two pupils with one UPN
            raise _NotVouched
        late_codes = summaries.sql_code_list(statutory.LATE_CODES)
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM att_import_rows WHERE "  # noqa: S608 - constant code list
            "(code = 'Z' AND day >= admission_date) "
            "OR (code <> 'Z' AND (day < admission_date OR day > leaving_date)) "
            f"OR (minutes_late IS NOT NULL AND (code NOT IN ({late_codes}) OR minutes_late NOT BETWEEN 0 AND 300))) "
            "OR EXISTS (SELECT 1 FROM att_import_rows GROUP BY pupil_id, day, session HAVING count(*) > 1)"
        )
        if cursor.fetchone()[0]:
            raise _NotVouched
        # No index on the rows: every later join probes the mark table's unique index from them.
        cursor.execute("ANALYZE att_import_rows")
        report = ImportReport(rows=rows, dry_run=dry_run)
        held = (
            f"FROM att_import_rows r JOIN {mark} m ON m.pupil_id = r.pupil_id AND m.date = r.day "
            "AND m.session = r.session"
        )
        differs = "(m.code <> r.code OR m.minutes_late IS DISTINCT FROM r.minutes_late)"
        cursor.execute(f"SELECT count(*), count(*) FILTER (WHERE {differs}) {held}")
        clashing, report.amended = cursor.fetchone()
        report.unchanged = clashing - report.amended
        report.created = rows - clashing
        if dry_run:
            raise _DryRun(report)
        if report.amended:
            # The amend path, set-based: the original entry kept in the history, then the change.
            cursor.execute(
                f"INSERT INTO {history} (mark_id, school_id, old_code, old_minutes_late, old_recorded_by_id, "
                "old_recorded_at, old_source, new_code, new_minutes_late, new_source, reason, amended_by_id, "
                "amended_by_label, amended_at) "
                "SELECT m.id, m.school_id, m.code, m.minutes_late, m.recorded_by_id, m.recorded_at, m.source, "
                f"r.code, r.minutes_late, %s, %s, NULL, %s, %s {held} WHERE {differs}",
                [Source.IMPORT, reason, "import", now],  # as apply_marks labels the import's amendments
            )
            cursor.execute(
                f"UPDATE {mark} AS m SET code = r.code, minutes_late = r.minutes_late, recorded_by_id = NULL, "  # noqa: S608 - our own tables
                "recorded_at = %s, source = %s FROM att_import_rows r WHERE m.pupil_id = r.pupil_id "
                f"AND m.date = r.day AND m.session = r.session AND {differs}",
                [now, Source.IMPORT],
            )
        # Only when some row meets a mark held (counted above) are the held ones left out.
        new_only = (
            f"WHERE NOT EXISTS (SELECT 1 FROM {mark} m WHERE m.pupil_id = r.pupil_id "  # noqa: S608 - our own tables
            "AND m.date = r.day AND m.session = r.session) "
            if clashing
            else ""
        )
        cursor.execute(
            f"INSERT INTO {mark} (school_id, pupil_id, date, session, code, minutes_late, recorded_by_id, "  # noqa: S608 - our own tables
            "recorded_at, source) "
            "SELECT %s, r.pupil_id, r.day, r.session, r.code, r.minutes_late, NULL, %s, %s "
            f"FROM att_import_rows r {new_only}ORDER BY r.pupil_id, r.day, r.session",
            [school.pk, now, Source.IMPORT],
        )
        cursor.execute("SELECT min(day), max(day) FROM att_import_rows")
        first, last = cursor.fetchone()
        _drop_temp_tables(cursor)
    if first is not None:
        first, last = (d if isinstance(d, dt.date) else dt.date.fromisoformat(d) for d in (first, last))
        summaries.refresh(school, years=range(summaries.school_year(first), summaries.school_year(last) + 1))
    audit.record(
        actor or "import",
        Verb.IMPORT,
        ("attendance.import", source_name[:64]),
        school=school,
        reason=f"attendance.import_csv:{report.rows}:{report.created}:{report.amended}",
    )
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
