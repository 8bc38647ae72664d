"""Reads for the Closures page: the calendar's closures in a school year and whether their code
(`#` or `Y4`) is on the register for every pupil on roll (issue 5; domain §1.2)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from apps.core.calendar import academic_year_bounds, calendar_for
from apps.core.models import Closure, School

from .models import Mark
from .services_closures import closure_code, closure_sessions, pupils_on_roll


@dataclass(frozen=True)
class ClosureStatus:
    closure: Closure
    code: str
    sessions: int  # register sessions the closure takes away
    expected: int  # marks wanted: pupils on roll in each of those sessions
    recorded: int  # marks with the closure's code

    @property
    def state(self) -> str:
        if not self.expected:
            return "nothing"
        if self.recorded >= self.expected:
            return "applied"
        return "partly" if self.recorded else "not applied"


def closure_statuses(school: School, day: dt.date) -> list[ClosureStatus]:
    """The calendar's closures in the school year containing `day`, each with the number of marks
    it needs and the number held with its code. Two queries for marks, whatever the number of
    closures."""
    start, end = academic_year_bounds(day)
    closures = list(Closure.objects.filter(school=school, start_date__lte=end, end_date__gte=start))
    if not closures:
        return []
    calendar = calendar_for(school)
    pupils = pupils_on_roll(school, start, end)
    first = min(c.start_date for c in closures)
    last = max(c.end_date for c in closures)
    held = Counter(
        (d, s, c)
        for d, s, c in Mark.objects.filter(school=school, date__gte=first, date__lte=last, code__in=("#", "Y4"))
        .values_list("date", "session", "code")
        .iterator()
    )
    found = []
    for closure in closures:
        code = closure_code(closure)
        sessions = closure_sessions(closure, calendar)
        expected = sum(
            1 for _pid, admitted, left in pupils for d, _s in sessions if admitted <= d and (left is None or d <= left)
        )
        recorded = sum(held[(d, s, code)] for d, s in sessions)
        found.append(ClosureStatus(closure, code, len(sessions), expected, recorded))
    return found


def get_closure(school: School, viewer: object, closure_id: int) -> Closure:
    """One of the school's calendar closures, or 404 (the refusal audited)."""
    from django.http import Http404

    from apps.audit import services as audit
    from apps.audit.models import Verb

    closure = Closure.objects.filter(school=school, pk=closure_id).first()
    if closure is None:
        audit.record(viewer, Verb.DENIED, ("core.closure", closure_id), school=school, reason="attendance.closure")
        raise Http404("No such closure.")
    return closure
