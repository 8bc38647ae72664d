"""Writes to tenancy and the calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from apps.audit import services as audit
from apps.audit.models import Verb

from .calendar import early_may_bank_holiday, typical_half_terms
from .models import AcademicYear, Closure, School, Term


def _require_admin(actor: Any, school: School) -> None:
    from apps.accounts.rules import is_admin

    if actor is not None and not is_admin(actor, school):
        audit.record(actor, Verb.DENIED, school, school=school, reason="core.calendar")
        raise PermissionDenied("Only a system administrator can change the school calendar.")


def create_academic_year(
    actor: Any, *, school: School, start_year: int, half_terms: list[tuple[str, int, dt.date, dt.date]] | None = None
) -> AcademicYear:
    """A school year from 1 September `start_year` with its six half-terms (typical dates when
    none are given) and the early May bank holiday as a closure. `actor` None is the system."""
    _require_admin(actor, school)
    if AcademicYear.objects.filter(school=school, start_date=dt.date(start_year, 9, 1)).exists():
        raise ValidationError(f"The school year {start_year}/{str(start_year + 1)[-2:]} is already on the calendar.")
    terms = half_terms or typical_half_terms(start_year)
    for season, half, start, end in terms:
        if end < start:
            raise ValidationError(f"{season.title()} {half} ends before it starts.")
        if not dt.date(start_year, 9, 1) <= start <= end <= dt.date(start_year + 1, 8, 31):
            raise ValidationError(
                f"{season.title()} {half} falls outside the school year {start_year}/{start_year + 1}."
            )
    with transaction.atomic():
        year = AcademicYear.objects.create(
            school=school, start_date=dt.date(start_year, 9, 1), end_date=dt.date(start_year + 1, 8, 31)
        )
        Term.objects.bulk_create(
            Term(academic_year=year, season=season, half=half, start_date=start, end_date=end)
            for season, half, start, end in terms
        )
        holiday = early_may_bank_holiday(start_year + 1)
        Closure.objects.create(
            school=school,
            start_date=holiday,
            end_date=holiday,
            kind=Closure.Kind.BANK_HOLIDAY,
            reason="Early May bank holiday",
        )
        audit.record(actor, Verb.CREATE, year, school=school)
    return year


def add_closure(
    actor: Any,
    *,
    school: School,
    start_date: dt.date,
    end_date: dt.date,
    kind: str,
    sessions: str = "both",
    reason: str = "",
) -> Closure:
    _require_admin(actor, school)
    if end_date < start_date:
        raise ValidationError({"end_date": "A closure cannot end before it starts."})
    if kind not in Closure.Kind.values:
        raise ValidationError({"kind": "Choose the kind of closure."})
    if sessions != Closure.Sessions.BOTH and end_date != start_date:
        raise ValidationError({"sessions": "A morning-only or afternoon-only closure covers one day."})
    with transaction.atomic():
        closure = Closure.objects.create(
            school=school, start_date=start_date, end_date=end_date, kind=kind, sessions=sessions, reason=reason
        )
        audit.record(actor, Verb.CREATE, closure, school=school)
    return closure


def update_term(actor: Any, *, term: Term, start_date: dt.date, end_date: dt.date) -> Term:
    """Move a half-term's dates. It must stay inside its school year and not overlap another
    half-term of that year."""
    school = term.academic_year.school
    _require_admin(actor, school)
    year = term.academic_year
    if end_date < start_date:
        raise ValidationError({"end_date": "A term cannot end before it starts."})
    if not year.start_date <= start_date <= end_date <= year.end_date:
        raise ValidationError(f"{term} must fall inside the school year {year} (01/09 to 31/08).")
    clash = (
        Term.objects.filter(academic_year=year, start_date__lte=end_date, end_date__gte=start_date)
        .exclude(pk=term.pk)
        .first()
    )
    if clash is not None:
        raise ValidationError(
            f"These dates overlap {clash} ({clash.start_date:%d/%m/%Y} to {clash.end_date:%d/%m/%Y})."
        )
    with transaction.atomic():
        term.start_date, term.end_date = start_date, end_date
        term.save(update_fields=["start_date", "end_date"])
        audit.record(actor, Verb.UPDATE, term, school=school)
    return term


def remove_closure(actor: Any, *, closure: Closure) -> None:
    """Take a closure off the calendar (entered by mistake, or the school opened after all)."""
    _require_admin(actor, closure.school)
    with transaction.atomic():
        audit.record(actor, Verb.DELETE, closure, school=closure.school, reason="core.remove_closure")
        closure.delete()
