"""School days and sessions, from a school's terms and closures.

A *school day* is a Monday to Friday that falls inside a half-term and is not closed all day. Each
school day has a morning (`AM`) and an afternoon (`PM`) session unless a closure takes one of them
(domain file §1.1, §7.1). Statutory deadlines ("within 5 school days", "within 15 school days") are
computed with `add_school_days`, so they skip weekends, holidays and INSET days.

`SchoolCalendar.for_school(school)` reads the school's calendar in two queries and answers every
question from memory, so a page that computes many deadlines does not query per deadline.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from .models import AcademicYear, Closure, School, Term

Session = Literal["AM", "PM"]
SESSIONS: tuple[Session, Session] = ("AM", "PM")


def academic_year_start(day: dt.date) -> dt.date:
    """1 September of the school year that contains `day` (years run 1 Sept to 31 Aug)."""
    year = day.year if day.month >= 9 else day.year - 1
    return dt.date(year, 9, 1)


def academic_year_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    start = academic_year_start(day)
    return start, dt.date(start.year + 1, 8, 31)


def academic_year_label(day: dt.date) -> str:
    start = academic_year_start(day)
    return f"{start.year}/{str(start.year + 1)[-2:]}"


def daterange(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


@dataclass
class SchoolCalendar:
    """An in-memory view of one school's calendar."""

    terms: list[tuple[dt.date, dt.date, Term]]
    closed_sessions: dict[dt.date, set[str]] = field(default_factory=dict)
    _days: list[dt.date] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        days: list[dt.date] = []
        for start, end, _term in sorted(self.terms, key=lambda t: t[0]):
            for day in daterange(start, end):
                if day.weekday() < 5 and len(self.closed_sessions.get(day, set())) < 2:
                    days.append(day)
        self._days = sorted(set(days))

    @classmethod
    def for_school(cls, school: School) -> SchoolCalendar:
        terms = [
            (t.start_date, t.end_date, t)
            for t in Term.objects.filter(academic_year__school=school).select_related("academic_year")
        ]
        closed: dict[dt.date, set[str]] = {}
        for closure in Closure.objects.filter(school=school):
            taken = {"AM", "PM"} if closure.sessions == Closure.Sessions.BOTH else {closure.sessions}
            for day in daterange(closure.start_date, closure.end_date):
                closed.setdefault(day, set()).update(taken)
        return cls(terms=terms, closed_sessions=closed)

    # Days -----------------------------------------------------------------------------------
    @property
    def first_day(self) -> dt.date | None:
        return self._days[0] if self._days else None

    @property
    def last_day(self) -> dt.date | None:
        return self._days[-1] if self._days else None

    def is_school_day(self, day: dt.date) -> bool:
        i = bisect.bisect_left(self._days, day)
        return i < len(self._days) and self._days[i] == day

    def school_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """School days from `start` to `end`, both included."""
        lo = bisect.bisect_left(self._days, start)
        hi = bisect.bisect_right(self._days, end)
        return self._days[lo:hi]

    def count_school_days(self, start: dt.date, end: dt.date) -> int:
        return bisect.bisect_right(self._days, end) - bisect.bisect_left(self._days, start)

    def add_school_days(self, day: dt.date, n: int) -> dt.date:
        """The school day `n` school days after `day` (before it, for negative `n`).

        `day` itself does not count, whether or not it is a school day: a duty "within 5 school
        days" of a Friday suspension falls on the following Friday in a normal week. Raises
        `ValueError` when the calendar does not reach far enough.
        """
        if n == 0:
            return day
        # Forwards, count from the first school day after `day`; backwards, from the last before it.
        i = bisect.bisect_right(self._days, day) + n - 1 if n > 0 else bisect.bisect_left(self._days, day) + n
        if i < 0 or i >= len(self._days):
            raise ValueError(
                f"The school calendar does not reach {abs(n)} school days from {day:%d/%m/%Y}: "
                "add the term dates for that year."
            )
        return self._days[i]

    def next_school_day(self, day: dt.date) -> dt.date:
        """`day` itself when it is a school day, otherwise the first school day after it."""
        return day if self.is_school_day(day) else self.add_school_days(day, 1)

    # Sessions -------------------------------------------------------------------------------
    def sessions_on(self, day: dt.date) -> list[Session]:
        if not self.is_school_day(day):
            return []
        closed = self.closed_sessions.get(day, set())
        return [s for s in SESSIONS if s not in closed]

    def sessions(self, start: dt.date, end: dt.date) -> list[tuple[dt.date, Session]]:
        """Every (date, session) the school meets from `start` to `end`, both included."""
        return [(day, s) for day in self.school_days(start, end) for s in self.sessions_on(day)]

    # Terms ----------------------------------------------------------------------------------
    def term_containing(self, day: dt.date) -> Term | None:
        for start, end, term in self.terms:
            if start <= day <= end:
                return term
        return None

    def next_term_start(self, day: dt.date) -> dt.date | None:
        starts = sorted(start for start, _end, _term in self.terms if start > day)
        return starts[0] if starts else None


def school_calendar(school: School) -> SchoolCalendar:
    return SchoolCalendar.for_school(school)


def current_academic_year(school: School, today: dt.date) -> AcademicYear | None:
    return AcademicYear.objects.filter(school=school, start_date__lte=today, end_date__gte=today).first()


def typical_half_terms(year_start: int) -> list[tuple[str, int, dt.date, dt.date]]:
    """A typical English secondary calendar for the school year starting in September
    `year_start`: six half-terms (season, half, first day, last day). Schools edit their own."""

    def weekday_on_or_after(day: dt.date, weekday: int) -> dt.date:
        return day + dt.timedelta(days=(weekday - day.weekday()) % 7)

    y, n = year_start, year_start + 1
    autumn1_start = weekday_on_or_after(dt.date(y, 9, 2), 0) if dt.date(y, 9, 2).weekday() > 2 else dt.date(y, 9, 2)
    autumn1_end = weekday_on_or_after(dt.date(y, 10, 20), 4)
    autumn2_start = autumn1_end + dt.timedelta(days=10)
    autumn2_end = weekday_on_or_after(dt.date(y, 12, 16), 4)
    spring1_start = weekday_on_or_after(dt.date(n, 1, 3), 0) if dt.date(n, 1, 3).weekday() > 2 else dt.date(n, 1, 3)
    spring1_end = weekday_on_or_after(dt.date(n, 2, 10), 4)
    spring2_start = spring1_end + dt.timedelta(days=10)
    spring2_end = weekday_on_or_after(dt.date(n, 3, 27), 4)
    summer1_start = spring2_end + dt.timedelta(days=17)
    summer1_end = weekday_on_or_after(dt.date(n, 5, 22), 4)
    summer2_start = summer1_end + dt.timedelta(days=10)
    summer2_end = weekday_on_or_after(dt.date(n, 7, 17), 4)
    return [
        ("autumn", 1, autumn1_start, autumn1_end),
        ("autumn", 2, autumn2_start, autumn2_end),
        ("spring", 1, spring1_start, spring1_end),
        ("spring", 2, spring2_start, spring2_end),
        ("summer", 1, summer1_start, summer1_end),
        ("summer", 2, summer2_start, summer2_end),
    ]


def early_may_bank_holiday(year: int) -> dt.date:
    first = dt.date(year, 5, 1)
    return first + dt.timedelta(days=(0 - first.weekday()) % 7)


# A per-process cache of each school's calendar, for the hot write paths -----------------------
#
# Building a calendar turns years of terms and closures into school days in Python; the morning
# registration burst did it on every save (28% of a save, docs/performance.md). `calendar_for`
# reads the raw rows on every call (two light `values_list` queries, no model instances) and
# compares them with the rows the cached calendar was built from: the calendar is rebuilt only
# when they differ. So any edit to a term or a closure, in any process, is seen by the very next
# call, and nothing has to remember to invalidate the cache. Calendars are read-only once built,
# so threads may share them.

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
