"""Reads of attendance, scoped to the school. Measures are counted set-based in SQL.

`attendance_summaries` is the agreed cross-module interface (architecture brief): other modules
call it with a school, pupil ids and a date range.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Count, F, Q, QuerySet

from apps.core.calendar import SchoolCalendar
from apps.core.models import School

from . import statutory
from .models import Mark
from .statutory import AttendanceSummary

#: Above this many pupils the selector reads the whole school and keeps the ones asked for,
#: instead of sending a long `IN (...)` list.
_IN_LIST_LIMIT = 500


def on_roll_marks(school: School, start: dt.date, end: dt.date) -> QuerySet[Mark]:
    """Marks in `[start, end]` for sessions while the pupil was on roll (domain §1.3)."""
    return (
        Mark.objects.filter(school=school, date__gte=start, date__lte=end)
        .filter(date__gte=F("pupil__admission_date"))
        .filter(Q(pupil__leaving_date__isnull=True) | Q(date__lte=F("pupil__leaving_date")))
    )


def _summary_annotations() -> dict[str, Count]:
    return {
        "possible": Count("pk", filter=~Q(code__in=statutory.NOT_POSSIBLE_CODES)),
        "attended": Count("pk", filter=Q(code__in=statutory.ATTENDED_CODES)),
        "authorised": Count("pk", filter=Q(code__in=statutory.AUTHORISED_CODES)),
        "unauthorised": Count("pk", filter=Q(code__in=statutory.UNAUTHORISED_CODES)),
    }


def attendance_summaries(
    school: School, pupil_ids: Iterable[int] | None, start: dt.date, end: dt.date
) -> dict[int, AttendanceSummary]:
    """Per pupil: possible sessions, attended, authorised and unauthorised absence from `start` to
    `end` (both included), counting only sessions while on roll (domain §1.3).

    Every pupil id asked for is in the answer (with zeros when they had no marks); with
    `pupil_ids=None`, every pupil of the school with a mark in the range."""
    wanted = None if pupil_ids is None else set(pupil_ids)
    qs = on_roll_marks(school, start, end)
    if wanted is not None and len(wanted) <= _IN_LIST_LIMIT:
        qs = qs.filter(pupil_id__in=wanted)
    rows = qs.values("pupil_id").annotate(**_summary_annotations()).order_by()
    result: dict[int, AttendanceSummary] = {}
    if wanted is not None:
        result = dict.fromkeys(wanted, AttendanceSummary())
    for row in cast(Iterable[dict[str, Any]], rows):
        pid = row["pupil_id"]
        if wanted is not None and pid not in wanted:
            continue
        result[pid] = AttendanceSummary(row["possible"], row["attended"], row["authorised"], row["unauthorised"])
    return result


def attendance_summary_total(
    school: School, pupil_ids: Iterable[int] | None, start: dt.date, end: dt.date
) -> AttendanceSummary:
    """One summary over all the pupils given (a group or the whole school)."""
    qs = on_roll_marks(school, start, end)
    if pupil_ids is not None:
        qs = qs.filter(pupil_id__in=list(pupil_ids))
    row = qs.aggregate(**_summary_annotations())
    return AttendanceSummary(
        row["possible"] or 0, row["attended"] or 0, row["authorised"] or 0, row["unauthorised"] or 0
    )


def marks_for(school: School, pupil_ids: Iterable[int], day: dt.date, session: str | None = None) -> QuerySet[Mark]:
    qs = Mark.objects.filter(school=school, pupil_id__in=list(pupil_ids), date=day)
    if session:
        qs = qs.filter(session=session)
    return qs


# Penalty-notice threshold (domain §1.6) ------------------------------------------------------


@dataclass(frozen=True)
class PenaltyFlag:
    pupil_id: int
    upn: str
    unauthorised_sessions: int
    window_start: dt.date
    window_end: dt.date


def penalty_window_on(calendar: SchoolCalendar, on: dt.date) -> tuple[dt.date, dt.date] | None:
    """The 10 most recent school weeks up to and including the week of `on` (statutory)."""
    # Ten school weeks can stretch over a summer holiday and two half-terms: a year back is ample.
    days = calendar.school_days(on - dt.timedelta(days=400), on + dt.timedelta(days=6 - on.weekday()))
    return statutory.penalty_window(days, on)


def penalty_threshold(
    school: School, on: dt.date, *, calendar: SchoolCalendar | None = None, pupil_ids: Iterable[int] | None = None
) -> list[PenaltyFlag]:
    """Pupils with at least 10 sessions of G/N/O/U in the rolling window on `on`, counting marks
    up to and including `on` while on roll (issue 5; domain §1.6). Ordered by UPN."""
    calendar = calendar or SchoolCalendar.for_school(school)
    window = penalty_window_on(calendar, on)
    if window is None:
        return []
    start, end = window
    qs = on_roll_marks(school, start, end).filter(code__in=statutory.PENALTY_CODES)
    if pupil_ids is not None:
        qs = qs.filter(pupil_id__in=list(pupil_ids))
    rows = (
        qs.values("pupil_id", "pupil__upn")
        .annotate(n=Count("pk"))
        .filter(n__gte=statutory.PENALTY_THRESHOLD_SESSIONS)
        .order_by("pupil__upn")
    )
    return [
        PenaltyFlag(r["pupil_id"], r["pupil__upn"], r["n"], start, end) for r in cast(Iterable[dict[str, Any]], rows)
    ]
