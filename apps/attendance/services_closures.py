"""Closures from the school calendar written to the register in bulk (issue 5; domain §1.2).

A closure in the calendar (`apps.core.models.Closure`) takes its sessions out of the school's
sessions, so nobody takes a register for them. Schools still record the closure on every pupil's
register: `#` for a planned whole-school closure (INSET, a bank holiday in term, a planned closure)
and `Y4` for a closure of the whole site that was not planned (domain §1.2: "Unplanned whole
closure (planned closure is `#`)"). Both are "not possible" codes, so they never count in any
measure (domain §1.3).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from apps.audit import services as audit
from apps.audit.models import Verb
from apps.core.calendar import SchoolCalendar, calendar_for, daterange
from apps.core.models import Closure, School

from .models import Source
from .rules import may_manage
from .services import MarkRow, MarkWriteResult, apply_marks, with_retry

CLOSURE_REASON = "Closure in the school calendar"


def closure_code(closure: Closure) -> str:
    """`Y4` for an unexpected closure of the whole site, `#` for every planned kind."""
    return "Y4" if closure.kind == Closure.Kind.UNPLANNED else "#"


def closure_sessions(closure: Closure, calendar: SchoolCalendar) -> list[tuple[dt.date, str]]:
    """The sessions the closure takes away: weekdays inside a term, from its first to its last day,
    the morning, the afternoon or both."""
    wanted = ("AM", "PM") if closure.sessions == Closure.Sessions.BOTH else (closure.sessions,)
    return [
        (day, session)
        for day in daterange(closure.start_date, closure.end_date)
        if day.weekday() < 5 and calendar.term_containing(day) is not None
        for session in wanted
    ]


def pupils_on_roll(school: School, start: dt.date, end: dt.date) -> list[tuple[int, dt.date, dt.date | None]]:
    """(id, admission date, leaving date) of every pupil on roll at some point from start to end."""
    from apps.people.models import Pupil

    return list(
        Pupil.objects.filter(school=school, admission_date__lte=end)
        .exclude(leaving_date__lt=start)
        .values_list("pk", "admission_date", "leaving_date")
    )


def apply_calendar_closure(actor: Any, *, school: School, closure_id: int) -> MarkWriteResult:
    """Record the closure's code for every pupil on roll in each of its sessions, in one set-based
    write. Running it again changes nothing (idempotent); a different mark already held (e.g. an
    `N` recorded before the closure was added to the calendar) is amended with the reason kept in
    its history. Audited."""
    if not may_manage(actor, school):
        audit.record(actor, Verb.DENIED, school, school=school, reason="attendance.apply_calendar_closure")
        raise PermissionDenied("Only the attendance office can apply closures to the register.")
    closure = Closure.objects.filter(school=school, pk=closure_id).first()
    if closure is None:
        raise ValidationError("That closure is not in this school's calendar.")
    calendar = calendar_for(school)
    sessions = closure_sessions(closure, calendar)
    if not sessions:
        raise ValidationError(
            f"The closure from {closure.start_date:%d/%m/%Y} falls on no weekday in term: there is nothing to record."
        )
    code = closure_code(closure)
    pupils = pupils_on_roll(school, closure.start_date, closure.end_date)
    rows = [
        MarkRow(pid, day, session, code)
        for pid, admitted, left in pupils
        for day, session in sessions
        if admitted <= day and (left is None or day <= left)
    ]
    reason = f"{CLOSURE_REASON}: {closure.get_kind_display()}" + (f" ({closure.reason})" if closure.reason else "")

    def work() -> MarkWriteResult:
        result = apply_marks(school, rows, actor=actor, source=Source.CLOSURE, reason=reason[:300])
        audit.record(
            actor,
            Verb.UPDATE,
            closure,
            school=school,
            reason=f"attendance.calendar_closure:{code}:{closure.start_date:%Y%m%d}:{result.created}+{result.amended}",
        )
        return result

    return with_retry(work)
