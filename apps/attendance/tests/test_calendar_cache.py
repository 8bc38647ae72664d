"""The per-process calendar cache (`apps.core.calendar.calendar_for`): edits are seen by the next save."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from apps.attendance import services
from apps.attendance.services import RegisterEntry
from apps.core import calendar as calendars
from apps.core.models import Closure, Term

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 1, 13)
TUESDAY = dt.date(2025, 1, 14)


def take(personas, day):
    return services.take_register(
        personas.form_tutor,
        form=personas.pupil.form,
        day=day,
        session="AM",
        entries=[RegisterEntry(personas.pupil.pk, "/")],
    )


def test_a_closure_added_after_a_save_is_seen_by_the_next_save(personas):
    assert take(personas, MONDAY).created == 1
    Closure.objects.create(
        school=personas.school, start_date=TUESDAY, end_date=TUESDAY, kind=Closure.Kind.UNPLANNED, reason="Snow"
    )
    with pytest.raises(ValidationError, match="not a school session"):
        take(personas, TUESDAY)


def test_a_closure_removed_or_a_term_moved_is_seen_too(personas):
    closure = Closure.objects.create(
        school=personas.school, start_date=TUESDAY, end_date=TUESDAY, kind=Closure.Kind.INSET
    )
    with pytest.raises(ValidationError, match="not a school session"):
        take(personas, TUESDAY)
    closure.delete()
    assert take(personas, TUESDAY).created == 1
    term = Term.objects.filter(
        academic_year__school=personas.school, start_date__lte=MONDAY, end_date__gte=MONDAY
    ).get()
    term.start_date = dt.date(2025, 1, 20)
    term.save()
    assert MONDAY not in calendars.calendar_for(personas.school).school_days(MONDAY, MONDAY)


def test_the_calendar_is_built_once_while_nothing_changes(personas):
    first = calendars.calendar_for(personas.school)
    assert calendars.calendar_for(personas.school) is first
    Closure.objects.create(school=personas.school, start_date=TUESDAY, end_date=TUESDAY, kind=Closure.Kind.INSET)
    second = calendars.calendar_for(personas.school)
    assert second is not first
    assert TUESDAY not in second.school_days(MONDAY, TUESDAY)
