"""Per-pupil per-school-year attendance counts (`PupilYearSummary`), kept by the writers of marks
so that whole-year figures (a school's year, the trust report) read one row per pupil.

The counts are the domain §1.3 measures over the marks of one school year (1 September to
31 August) while the pupil was on roll: `sessions` (on-roll marks of any code), `possible` (not a
"not possible" code), `attended`, `authorised`, `unauthorised`. They equal what
`selectors.on_roll_marks` counts for the same year, exactly (tested: `tests/test_summaries.py`).

How they stay right:
- `apply_marks` (every register, record_marks, closures, the amend path of the import) calls
  `record_changes` in its transaction: the difference each written mark makes (old code out, new
  code in, only for sessions on roll) is added to the pupil's row by one `INSERT … ON CONFLICT DO
  UPDATE` (row locks only, so registers of different forms never wait on each other); a row that
  is missing, or was counted with other admission/leaving dates, is recomputed from the marks
  instead (`refresh`), so a write also heals a stale row.
- The import and the demo, which insert marks in bulk, call `refresh` for the years they touched;
  `manage.py rebuild_attendance_summaries` (and the bench generator after its COPY) calls
  `rebuild`. Both are set-based `INSERT … SELECT … GROUP BY pupil`.
- On-roll dates: each row keeps the admission and leaving dates it was counted with. Readers use a
  row only while they still equal the pupil's own; for a pupil whose dates changed since, they
  count from the marks (a handful of pupils, one query). So a change of dates made anywhere (a
  form, an import of pupils, the admin) can never make a figure wrong, only a little slower until
  the next write or rebuild.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, cast

from django.db import connection

from apps.core.models import School
from apps.people.models import Pupil

from . import statutory
from .models import Mark, PupilYearSummary
from .statutory import AttendanceSummary

#: The counted columns, in order.
COUNTS = ("sessions", "possible", "attended", "authorised", "unauthorised")

#: Above this many pupils a refresh recomputes the whole school year rather than an `IN` list.
_PUPIL_LIST_LIMIT = 500
#: Rows per `UPDATE … FROM (VALUES …)` (9 parameters a row: well within SQLite's variable limit).
_ADD_CHUNK = 1000


def school_year(day: dt.date) -> int:
    """The calendar year the school year containing `day` starts in (1 September)."""
    return day.year if day.month >= 9 else day.year - 1


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 9, 1), dt.date(year + 1, 8, 31)


def whole_year(start: dt.date, end: dt.date) -> int | None:
    """The school year `start`..`end` is exactly, or None."""
    year = school_year(start)
    return year if (start, end) == year_bounds(year) else None


def counts_of(code: str) -> tuple[int, int, int, int, int]:
    """What one on-roll mark with `code` adds to each of `COUNTS` (the same sets as
    `selectors._summary_annotations`)."""
    return (
        1,
        0 if code in statutory.NOT_POSSIBLE_CODES else 1,
        1 if code in statutory.ATTENDED_CODES else 0,
        1 if code in statutory.AUTHORISED_CODES else 0,
        1 if code in statutory.UNAUTHORISED_CODES else 0,
    )


def _on_roll(day: dt.date, admitted: dt.date, left: dt.date | None) -> bool:
    return admitted <= day and (left is None or day <= left)


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _as_date(value: Any) -> dt.date | None:
    """A date read by a raw query (SQLite gives ISO text)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _date(value: dt.date | None) -> Any:
    return connection.ops.adapt_datefield_value(value)


def sql_code_list(codes: Iterable[str]) -> str:
    """Attendance codes as a quoted SQL `IN (...)` list (our own constants, quotes doubled)."""
    return ", ".join("'" + c.replace("'", "''") + "'" for c in sorted(codes))


# Writing ------------------------------------------------------------------------------------------


Change = tuple[int, dt.date, str | None, str]  # pupil id, date, old code (None: new mark), new code


def record_changes(school: School, changes: Sequence[Change]) -> None:
    """Add the difference `changes` make to the pupils' rows (inside the caller's transaction,
    after the marks are written). Two queries for any number of changes."""
    if not changes:
        return

    pupil_ids = sorted({c[0] for c in changes})
    years = sorted({school_year(c[1]) for c in changes})
    # One read: each pupil's dates, and the dates each of their rows for these years was counted with.
    facts: dict[int, tuple[dt.date, dt.date | None]] = {}
    held: dict[tuple[int, int], tuple[dt.date, dt.date | None]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.id, p.admission_date, p.leaving_date, s.year, s.admission_date, s.leaving_date "  # noqa: S608
            f"FROM {_table(Pupil)} p LEFT JOIN {_table(PupilYearSummary)} s ON s.pupil_id = p.id "
            f"AND s.year IN ({', '.join(['%s'] * len(years))}) WHERE p.id IN ({', '.join(['%s'] * len(pupil_ids))})",
            [*years, *pupil_ids],
        )
        for pid, admitted, left, year, row_admitted, row_left in cursor.fetchall():
            facts[pid] = (_as_date(admitted), _as_date(left))  # type: ignore[assignment]
            if year is not None:
                held[(pid, year)] = (_as_date(row_admitted), _as_date(row_left))  # type: ignore[assignment]
    deltas: dict[tuple[int, int], list[int]] = {}
    for pupil_id, day, old, new in changes:
        key = (pupil_id, school_year(day))
        delta = deltas.setdefault(key, [0, 0, 0, 0, 0])
        admitted, left = facts[pupil_id]
        if not _on_roll(day, admitted, left):
            continue
        for i, n in enumerate(counts_of(new)):
            delta[i] += n
        if old is not None:
            for i, n in enumerate(counts_of(old)):
                delta[i] -= n
    # Fresh rows take the difference (one statement); a missing or stale row is recounted from
    # the marks (already written in this transaction), as are all of them if another writer
    # changed a row's dates meanwhile.
    recount: dict[int, set[int]] = {}
    adds: list[tuple[int, int, tuple[dt.date, dt.date | None], list[int]]] = []
    for (pid, year), delta in sorted(deltas.items()):
        if held.get((pid, year)) != facts[pid]:
            recount.setdefault(year, set()).add(pid)
        elif any(delta):
            adds.append((pid, year, facts[pid], delta))
    if adds and not _add(adds):
        for pid, year, _dates, _delta in adds:
            recount.setdefault(year, set()).add(pid)
    for year, pids in sorted(recount.items()):
        refresh(school, years=[year], pupil_ids=pids)


def _add(adds: list[tuple[int, int, tuple[dt.date, dt.date | None], list[int]]]) -> bool:
    """Add each delta to its pupil-year row if the row is still counted with those dates: one
    `UPDATE … FROM` a `VALUES` list (row locks only). False unless every row was found."""
    table = _table(PupilYearSummary)
    date = "%s::date" if connection.vendor == "postgresql" else "%s"
    row_sql = "(" + ", ".join(["%s", "%s", date, date, *(["%s"] * len(COUNTS))]) + ")"
    names = ", ".join(f"d_{c}" for c in COUNTS)
    updates = ", ".join(f"{c} = {table}.{c} + v.d_{c}" for c in COUNTS)
    found = 0
    with connection.cursor() as cursor:
        for i in range(0, len(adds), _ADD_CHUNK):
            chunk = adds[i : i + _ADD_CHUNK]
            params: list[Any] = []
            for pid, year, (admitted, left), delta in chunk:
                params += [pid, year, _date(admitted), _date(left), *delta]
            cursor.execute(
                f"WITH v (pupil_id, year, admission_date, leaving_date, {names}) AS "  # noqa: S608 - our own table
                f"(VALUES {', '.join([row_sql] * len(chunk))}) "
                f"UPDATE {table} SET {updates} FROM v "
                f"WHERE {table}.pupil_id = v.pupil_id AND {table}.year = v.year "
                f"AND {table}.admission_date = v.admission_date "
                f"AND {table}.leaving_date IS NOT DISTINCT FROM v.leaving_date",
                params,
            )
            if connection.vendor == "sqlite":
                # Python's sqlite3 gives no rowcount for a statement that begins with WITH.
                cursor.execute("SELECT changes()")
                found += cursor.fetchone()[0]
            else:
                found += cursor.rowcount
    return found == len(adds)


def _count_sql(school_filter: bool, pupil_count: int) -> str:
    """`INSERT … SELECT` of one school year's rows, counted from the marks (domain §1.3)."""
    summary, mark, pupil = _table(PupilYearSummary), _table(Mark), _table(Pupil)
    on_roll = "m.date >= p.admission_date AND (p.leaving_date IS NULL OR m.date <= p.leaving_date)"

    def counted(condition: str) -> str:
        return f"SUM(CASE WHEN {on_roll}{' AND ' + condition if condition else ''} THEN 1 ELSE 0 END)"

    where = "m.date >= %s AND m.date <= %s"
    if school_filter:
        where = "m.school_id = %s AND " + where
    if pupil_count:
        where += f" AND m.pupil_id IN ({', '.join(['%s'] * pupil_count)})"
    return (
        f"INSERT INTO {summary} (school_id, pupil_id, year, admission_date, leaving_date, {', '.join(COUNTS)}) "  # noqa: S608
        f"SELECT m.school_id, m.pupil_id, %s, p.admission_date, p.leaving_date, "
        f"{counted('')}, "
        f"{counted(f'm.code NOT IN ({sql_code_list(statutory.NOT_POSSIBLE_CODES)})')}, "
        f"{counted(f'm.code IN ({sql_code_list(statutory.ATTENDED_CODES)})')}, "
        f"{counted(f'm.code IN ({sql_code_list(statutory.AUTHORISED_CODES)})')}, "
        f"{counted(f'm.code IN ({sql_code_list(statutory.UNAUTHORISED_CODES)})')} "
        f"FROM {mark} m JOIN {pupil} p ON p.id = m.pupil_id "
        f"WHERE {where} "
        "GROUP BY m.school_id, m.pupil_id, p.admission_date, p.leaving_date"
    )


def _years_with_marks(school: School | None) -> list[int]:
    qs = Mark.objects.all() if school is None else Mark.objects.filter(school=school)
    from django.db.models import Max, Min

    found = qs.aggregate(first=Min("date"), last=Max("date"))
    if found["first"] is None:
        return []
    return list(range(school_year(found["first"]), school_year(found["last"]) + 1))


def refresh(school: School, *, years: Iterable[int] | None = None, pupil_ids: Iterable[int] | None = None) -> None:
    """Recount the rows of `school` for `years` (every year with marks when None), for the pupils
    given (every pupil when None), set-based from the marks. Run inside the writer's transaction."""
    wanted_years = sorted(set(years)) if years is not None else _years_with_marks(school)
    pids = None if pupil_ids is None else sorted(set(pupil_ids))
    if pids is not None and len(pids) > _PUPIL_LIST_LIMIT:
        pids = None
    table = _table(PupilYearSummary)
    with connection.cursor() as cursor:
        for year in wanted_years:
            start, end = year_bounds(year)
            pupil_sql = f" AND pupil_id IN ({', '.join(['%s'] * len(pids))})" if pids else ""
            cursor.execute(
                f"DELETE FROM {table} WHERE school_id = %s AND year = %s{pupil_sql}",  # noqa: S608
                [school.pk, year, *(pids or [])],
            )
            cursor.execute(
                _count_sql(True, len(pids or [])), [year, school.pk, _date(start), _date(end), *(pids or [])]
            )


def rebuild(school: School | None = None) -> int:
    """Recount every row (of one school, or of every school) from the marks. Returns the rows."""
    if school is not None:
        PupilYearSummary.objects.filter(school=school).delete()
    else:
        PupilYearSummary.objects.all().delete()
    with connection.cursor() as cursor:
        for year in _years_with_marks(school):
            start, end = year_bounds(year)
            if school is None:
                cursor.execute(_count_sql(False, 0), [year, _date(start), _date(end)])
            else:
                cursor.execute(_count_sql(True, 0), [year, school.pk, _date(start), _date(end)])
    qs = PupilYearSummary.objects.all() if school is None else PupilYearSummary.objects.filter(school=school)
    return qs.count()


# Reading ------------------------------------------------------------------------------------------


def _fresh_rows(school_ids: Sequence[int], year: int, pupil_ids: Iterable[int] | None) -> tuple[list[Any], set[int]]:
    """The rows of `year` still counted with the pupil's own dates, and the ids of the pupils whose
    rows are stale (their dates changed since)."""
    qs = PupilYearSummary.objects.filter(school_id__in=school_ids, year=year)
    if pupil_ids is not None:
        qs = qs.filter(pupil_id__in=list(pupil_ids))
    rows = qs.values_list(
        "school_id",
        "pupil_id",
        *COUNTS,
        "admission_date",
        "leaving_date",
        "pupil__admission_date",
        "pupil__leaving_date",
    ).order_by()
    fresh: list[Any] = []
    stale: set[int] = set()
    for row in rows:
        if (row[7], row[8]) == (row[9], row[10]):
            fresh.append(row)
        else:
            stale.add(row[1])
    return fresh, stale


def year_summaries(school: School, year: int, pupil_ids: Iterable[int] | None = None) -> dict[int, AttendanceSummary]:
    """`selectors.attendance_summaries` for one whole school year, from the summary rows: every
    pupil with a mark while on roll that year (or every pupil asked for, zeros when none)."""
    from .selectors import _summary_annotations, on_roll_marks

    wanted = None if pupil_ids is None else set(pupil_ids)
    ids_filter = wanted if wanted is not None and len(wanted) <= _PUPIL_LIST_LIMIT else None
    fresh, stale = _fresh_rows([school.pk], year, ids_filter)
    result: dict[int, AttendanceSummary] = {}
    if wanted is not None:
        result = dict.fromkeys(wanted, AttendanceSummary())
    for _school_id, pid, sessions, possible, attended, authorised, unauthorised, *_dates in fresh:
        if not sessions or (wanted is not None and pid not in wanted):
            continue
        result[pid] = AttendanceSummary(possible, attended, authorised, unauthorised)
    if stale:
        start, end = year_bounds(year)
        rows = (
            on_roll_marks(school, start, end)
            .filter(pupil_id__in=stale)
            .values("pupil_id")
            .annotate(**_summary_annotations())
            .order_by()
        )
        for row in cast(Iterable[dict[str, Any]], rows):
            pid = row["pupil_id"]
            if wanted is None or pid in wanted:
                result[pid] = AttendanceSummary(
                    row["possible"], row["attended"], row["authorised"], row["unauthorised"]
                )
    return result


def persistent_absence_by_school(schools: Sequence[School], year: int) -> dict[int, tuple[int, int, int]]:
    """Per school: (pupils with possible sessions, persistent absentees, severe absentees) over
    school year `year`, thresholds tested on exact integers (domain §1.3, as
    `statutory.AttendanceSummary.persistent_absentee`). Reads one row per pupil: the trust report."""
    result: dict[int, tuple[int, int, int]] = {s.pk: (0, 0, 0) for s in schools}
    by_pk = {s.pk: s for s in schools}
    fresh, stale = _fresh_rows(list(by_pk), year, None)
    summaries: list[tuple[int, AttendanceSummary]] = [
        (row[0], AttendanceSummary(row[3], row[4], row[5], row[6])) for row in fresh
    ]
    if stale:
        from .selectors import _summary_annotations

        start, end = year_bounds(year)
        from django.db.models import F, Q

        rows = (
            Mark.objects.filter(pupil_id__in=stale, date__gte=start, date__lte=end)
            .filter(date__gte=F("pupil__admission_date"))
            .filter(Q(pupil__leaving_date__isnull=True) | Q(date__lte=F("pupil__leaving_date")))
            .values("school_id", "pupil_id")
            .annotate(**_summary_annotations())
            .order_by()
        )
        summaries += [
            (r["school_id"], AttendanceSummary(r["possible"], r["attended"], r["authorised"], r["unauthorised"]))
            for r in cast(Iterable[dict[str, Any]], rows)
        ]
    for school_id, summary in summaries:
        if not summary.possible_sessions:
            continue
        pupils, pa, sa = result[school_id]
        result[school_id] = (pupils + 1, pa + summary.persistent_absentee, sa + summary.severe_absentee)
    return result
