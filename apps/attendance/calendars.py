"""A per-process cache of each school's `SchoolCalendar`, for the hot write paths.

Building a calendar turns four years of terms and closures into school days in Python; the morning
registration burst did it on every save (28% of a save, docs/performance.md). Here the raw rows
are read on every call (two light `values_list` queries, no model instances) and compared with the
rows the cached calendar was built from: the calendar is rebuilt only when they differ. So any
edit to a term or a closure, in any process, is seen by the very next call, and nothing has to
remember to invalidate the cache. Calendars are read-only once built, so threads may share them.
"""

from __future__ import annotations

from typing import Any

from apps.core.calendar import SchoolCalendar
from apps.core.models import Closure, School, Term

# {school id: (the raw rows the calendar was built from, the calendar)}
_CACHE: dict[int, tuple[tuple[Any, ...], SchoolCalendar]] = {}


def _fingerprint(school_id: int) -> tuple[Any, ...]:
    terms = tuple(
        Term.objects.filter(academic_year__school_id=school_id)
        .order_by("pk")
        .values_list("pk", "academic_year_id", "season", "half", "start_date", "end_date")
    )
    closures = tuple(
        Closure.objects.filter(school_id=school_id)
        .order_by("pk")
        .values_list("pk", "start_date", "end_date", "sessions")
    )
    return (terms, closures)


def calendar_for(school: School) -> SchoolCalendar:
    """The school's calendar, as `SchoolCalendar.for_school` builds it, rebuilt only when its
    terms or closures changed since the last build in this process."""
    key = _fingerprint(school.pk)
    hit = _CACHE.get(school.pk)
    if hit is not None and hit[0] == key:
        return hit[1]
    calendar = SchoolCalendar.for_school(school)
    # Should an edit land between the two reads, the next call sees a different fingerprint and
    # rebuilds: a stale calendar is never kept.
    _CACHE[school.pk] = (key, calendar)
    return calendar


def clear() -> None:
    _CACHE.clear()
