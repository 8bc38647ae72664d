"""Reads of the calendar for the calendar pages, scoped to the school."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import Http404

from apps.audit import services as audit
from apps.audit.models import Verb

from .calendar import SchoolCalendar
from .models import AcademicYear, Closure, School, Term


@dataclass
class TermRow:
    term: Term
    school_days: int
    sessions: int


@dataclass
class YearView:
    year: AcademicYear
    terms: list[TermRow]
    closures: list[Closure]
    school_days: int
    sessions: int


def academic_years(school: School) -> list[AcademicYear]:
    return list(AcademicYear.objects.filter(school=school).order_by("start_date"))


def year_view(school: School, year: AcademicYear) -> YearView:
    """One school year: its half-terms with the school days and sessions in each, its closures,
    and the year's totals (domain file §7.1: maintained schools meet for at least 380 sessions)."""
    calendar = SchoolCalendar.for_school(school)
    rows = [
        TermRow(
            term=t,
            school_days=calendar.count_school_days(t.start_date, t.end_date),
            sessions=len(calendar.sessions(t.start_date, t.end_date)),
        )
        for t in year.terms.order_by("start_date")
    ]
    closures = list(
        Closure.objects.filter(school=school, start_date__lte=year.end_date, end_date__gte=year.start_date).order_by(
            "start_date"
        )
    )
    return YearView(
        year=year,
        terms=rows,
        closures=closures,
        school_days=sum(r.school_days for r in rows),
        sessions=sum(r.sessions for r in rows),
    )


def pick_year(school: School, year_id: str | None, today: dt.date) -> AcademicYear | None:
    years = AcademicYear.objects.filter(school=school)
    if year_id and year_id.isdigit():
        chosen = years.filter(pk=int(year_id)).first()
        if chosen:
            return chosen
    return years.filter(start_date__lte=today, end_date__gte=today).first() or years.order_by("-start_date").first()


def get_term(school: School, viewer: Any, term_id: int) -> Term:
    term = Term.objects.filter(pk=term_id, academic_year__school=school).select_related("academic_year").first()
    if term is None:
        audit.record(viewer, Verb.DENIED, ("core.term", term_id), school=school, reason="core.edit_term")
        raise Http404("No such term.")
    return term


def get_closure(school: School, viewer: Any, closure_id: int) -> Closure:
    closure = Closure.objects.filter(pk=closure_id, school=school).first()
    if closure is None:
        audit.record(viewer, Verb.DENIED, ("core.closure", closure_id), school=school, reason="core.remove_closure")
        raise Http404("No such closure.")
    return closure
