"""Pure rules for safeguarding deadlines. Each function cites its source in the domain file
(`../shared/domain/england-standards.md`) and touches no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from apps.core.calendar import SchoolCalendar

# The time of day a "within N school days" deadline falls due on its last day (end of the school
# day, UK time). A school working to a stricter clock changes its settings, not this constant.
END_OF_SCHOOL_DAY = dt.time(18, 0)


def acknowledge_due_at(recorded_at: dt.datetime, minutes: int = 60) -> dt.datetime:
    """A concern marked "child at immediate risk" must be acknowledged by the DSL team within
    `minutes` of being recorded (school setting; the issue's default is 1 hour). Domain file §3.4:
    the DSL takes lead responsibility and refers on without delay."""
    return recorded_at + dt.timedelta(minutes=minutes)


def triage_due_at(recorded_at: dt.datetime, calendar: SchoolCalendar, school_days: int = 1) -> dt.datetime:
    """Every concern is triaged by the end of the `school_days`-th school day after the day it was
    recorded (school setting; default 1). KCSIE (domain file §3.3) requires decisions and their
    reasons in writing but sets no number; the default is the issue's. When the calendar has no
    term dates that far ahead, weekdays stand in so a deadline always exists."""
    day = timezone.localtime(recorded_at).date()
    try:
        due_day = calendar.add_school_days(day, max(1, school_days))
    except ValueError:
        due_day = add_weekdays(day, max(1, school_days))
    return timezone.make_aware(dt.datetime.combine(due_day, END_OF_SCHOOL_DAY))


def add_weekdays(day: dt.date, n: int) -> dt.date:
    """`n` Monday-to-Friday days after `day` (`day` itself does not count)."""
    result = day
    while n > 0:
        result += dt.timedelta(days=1)
        if result.weekday() < 5:
            n -= 1
    return result


def referral_response_due_on(referral_date: dt.date) -> dt.date:
    """Children's social care should acknowledge a referral and decide next steps within 1 working
    day (domain file §3.6, KCSIE para 67; §3.7 WT2023 "Referral decision within 1 working day").
    A working day is a council's, not a school's: Monday to Friday, holidays included. Bank
    holidays are not known here, so the reminder may come one day early after one."""
    return add_weekdays(referral_date, 1)


def cp_file_transfer_due_on(leaving_date: dt.date, calendar: SchoolCalendar) -> dt.date:
    """The CP file goes to the new school within 5 school days of an in-year move, or within the
    first 5 school days of the start of a new term (domain file §3.5, KCSIE). A pupil who leaves
    on a school day, with school days still to come in that term, is an in-year move; one who
    leaves at the end of a term is due by the 5th school day of the next term."""
    for start, end, _term in calendar.terms:
        if start <= leaving_date <= end and calendar.school_days(leaving_date + dt.timedelta(days=1), end):
            return calendar.add_school_days(leaving_date, 5)
    next_start = calendar.next_term_start(leaving_date)
    if next_start is None:
        return add_weekdays(leaving_date, 5)
    first_day = calendar.next_school_day(next_start)
    return calendar.add_school_days(first_day, 4)


def is_overdue(due: dt.datetime | dt.date | None, now: dt.datetime) -> bool:
    if due is None:
        return False
    if isinstance(due, dt.datetime):
        return now > due
    return timezone.localtime(now).date() > due


def distinct_staff_in_window(concerns: Iterable[tuple[int, dt.datetime]], *, now: dt.datetime, days: int = 30) -> int:
    """How many different members of staff logged a concern in the last `days` days. Three or more
    different staff within 30 days is flagged to the DSL (the issue's pattern rule; KCSIE expects
    the DSL to see the whole picture, domain file §3.3 "files organised chronologically")."""
    since = now - dt.timedelta(days=days)
    return len({staff for staff, at in concerns if at >= since})
