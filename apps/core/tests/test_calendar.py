"""The academic calendar: school days, sessions and `add_school_days` (domain file §7.1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from apps.audit.models import AuditEvent, Verb
from apps.core import services
from apps.core.calendar import (
    SchoolCalendar,
    academic_year_bounds,
    academic_year_label,
    academic_year_start,
    typical_half_terms,
)
from apps.core.models import Closure, Term


def pure_calendar(closures: dict[dt.date, set[str]] | None = None) -> SchoolCalendar:
    """A calendar for 2025/26 built in memory (no database), with typical half-terms."""
    terms = [(start, end, Term(season=s, half=h)) for s, h, start, end in typical_half_terms(2025)]
    return SchoolCalendar(terms=terms, closed_sessions=closures or {})


CAL = pure_calendar()
FIRST = typical_half_terms(2025)[0][2]
LAST = typical_half_terms(2025)[-1][3]


def test_first_and_last_days():
    assert (CAL.first_day, CAL.last_day) == (FIRST, LAST)


def test_school_years_run_from_september_to_august():
    assert academic_year_start(dt.date(2025, 9, 1)) == dt.date(2025, 9, 1)
    assert academic_year_start(dt.date(2026, 8, 31)) == dt.date(2025, 9, 1)
    assert academic_year_bounds(dt.date(2026, 1, 5)) == (dt.date(2025, 9, 1), dt.date(2026, 8, 31))
    assert academic_year_label(dt.date(2025, 12, 25)) == "2025/26"


def test_weekends_and_holidays_are_not_school_days():
    assert CAL.is_school_day(dt.date(2025, 9, 3))  # a Wednesday in autumn 1
    assert not CAL.is_school_day(dt.date(2025, 9, 6))  # Saturday
    assert not CAL.is_school_day(dt.date(2025, 12, 25))  # Christmas holiday
    assert not CAL.is_school_day(dt.date(2025, 8, 31))


def test_a_normal_week_has_five_days_and_ten_sessions():
    monday = dt.date(2025, 9, 8)
    friday = monday + dt.timedelta(days=4)
    assert CAL.count_school_days(monday, friday + dt.timedelta(days=2)) == 5
    assert len(CAL.sessions(monday, friday)) == 10
    assert CAL.sessions_on(monday) == ["AM", "PM"]


def test_a_morning_closure_leaves_the_afternoon_session():
    day = dt.date(2025, 9, 10)
    cal = pure_calendar({day: {"AM"}})
    assert cal.is_school_day(day)
    assert cal.sessions_on(day) == ["PM"]


def test_a_full_day_closure_is_not_a_school_day():
    day = dt.date(2025, 9, 10)
    cal = pure_calendar({day: {"AM", "PM"}})
    assert not cal.is_school_day(day)
    # Five school days from the Monday now end a day later.
    assert cal.add_school_days(dt.date(2025, 9, 8), 5) == dt.date(2025, 9, 16)


def test_add_school_days_does_not_count_the_start_day():
    friday = dt.date(2025, 9, 12)
    assert CAL.add_school_days(friday, 5) == dt.date(2025, 9, 19)
    assert CAL.add_school_days(friday, 1) == dt.date(2025, 9, 15)
    assert CAL.add_school_days(friday, 0) == friday
    assert CAL.add_school_days(dt.date(2025, 9, 15), -1) == friday


def test_add_school_days_skips_the_half_term_holiday():
    last_of_autumn1 = typical_half_terms(2025)[0][3]
    first_of_autumn2 = typical_half_terms(2025)[1][2]
    assert CAL.add_school_days(last_of_autumn1, 1) == first_of_autumn2


def test_add_school_days_beyond_the_calendar_says_what_to_do():
    with pytest.raises(ValueError, match="add the term dates"):
        CAL.add_school_days(LAST, 1)


days = st.dates(min_value=FIRST - dt.timedelta(days=10), max_value=LAST)


@given(day=days, n=st.integers(min_value=1, max_value=60))
def test_add_then_count_agree(day, n):
    """The school day n school days after `day` is a school day, and exactly n school days lie in
    between (the start day not counted)."""
    try:
        target = CAL.add_school_days(day, n)
    except ValueError:
        return
    assert CAL.is_school_day(target)
    assert target > day
    assert CAL.count_school_days(day + dt.timedelta(days=1), target) == n


@given(day=st.dates(min_value=FIRST, max_value=LAST), n=st.integers(min_value=1, max_value=60))
def test_forwards_then_backwards_returns_to_the_same_school_day(day, n):
    """From a school day, n forwards then n back is where we started; from a holiday, it is the
    last school day before the holiday."""
    try:
        target = CAL.add_school_days(day, n)
    except ValueError:
        return
    back = CAL.add_school_days(target, -n)
    if CAL.is_school_day(day):
        assert back == day
    else:
        assert back < day and CAL.count_school_days(back + dt.timedelta(days=1), day) == 0


@given(start=days, length=st.integers(min_value=0, max_value=120))
def test_sessions_are_two_per_school_day_without_closures(start, length):
    end = start + dt.timedelta(days=length)
    assert len(CAL.sessions(start, end)) == 2 * CAL.count_school_days(start, end)
    assert all(day.weekday() < 5 for day in CAL.school_days(start, end))


def test_the_typical_year_meets_for_at_least_380_sessions():
    assert len(CAL.sessions(dt.date(2025, 9, 1), dt.date(2026, 8, 31))) >= 380


# The database-backed calendar and its services ------------------------------------------------


def test_for_school_reads_closures(personas):
    cal = SchoolCalendar.for_school(personas.school)
    inset = Closure.objects.filter(school=personas.school, kind=Closure.Kind.INSET).earliest("start_date")
    assert not cal.is_school_day(inset.start_date)


def test_only_an_admin_changes_the_calendar(personas):
    with pytest.raises(PermissionDenied):
        services.add_closure(
            personas.dsl,
            school=personas.school,
            start_date=dt.date(2026, 3, 2),
            end_date=dt.date(2026, 3, 2),
            kind="inset",
        )
    assert AuditEvent.objects.filter(actor=personas.dsl, verb=Verb.DENIED).exists()


def test_a_year_cannot_be_added_twice(personas):
    with pytest.raises(ValidationError, match="already on the calendar"):
        services.create_academic_year(personas.admin, school=personas.school, start_year=2025)


def test_terms_may_not_overlap(personas):
    year = personas.school.academic_years.get(start_date=dt.date(2025, 9, 1))
    spring1 = year.terms.get(season="spring", half=1)
    autumn2 = year.terms.get(season="autumn", half=2)
    with pytest.raises(ValidationError, match="overlap"):
        services.update_term(personas.admin, term=spring1, start_date=autumn2.end_date, end_date=spring1.end_date)
    with pytest.raises(ValidationError, match="inside the school year"):
        services.update_term(personas.admin, term=spring1, start_date=spring1.start_date, end_date=dt.date(2026, 9, 30))


def test_edit_term_page_moves_the_dates_and_the_school_days(client_for, personas):
    year = personas.school.academic_years.get(start_date=dt.date(2025, 9, 1))
    spring1 = year.terms.get(season="spring", half=1)
    new_start = spring1.start_date + dt.timedelta(days=7)
    response = client_for(personas.admin).post(
        reverse("core:edit_term", kwargs={"term_id": spring1.pk}),
        {"start_date": new_start.strftime("%d/%m/%Y"), "end_date": spring1.end_date.strftime("%d/%m/%Y")},
    )
    assert response.status_code == 302
    spring1.refresh_from_db()
    assert spring1.start_date == new_start
    assert not SchoolCalendar.for_school(personas.school).is_school_day(new_start - dt.timedelta(days=3))
    assert AuditEvent.objects.filter(verb=Verb.UPDATE, target_type="core.term", target_id=str(spring1.pk)).exists()


def test_edit_term_page_explains_an_overlap(client_for, personas):
    year = personas.school.academic_years.get(start_date=dt.date(2025, 9, 1))
    spring1 = year.terms.get(season="spring", half=1)
    response = client_for(personas.admin).post(
        reverse("core:edit_term", kwargs={"term_id": spring1.pk}),
        {"start_date": "01/12/2025", "end_date": spring1.end_date.strftime("%d/%m/%Y")},
    )
    assert response.status_code == 200
    assert "overlap" in response.content.decode()


def test_another_schools_term_is_404(client_for, personas):
    term = Term.objects.filter(academic_year__school=personas.other_school).earliest("start_date")
    response = client_for(personas.admin).get(reverse("core:edit_term", kwargs={"term_id": term.pk}))
    assert response.status_code == 404


def test_add_and_remove_a_closure(client_for, personas):
    client = client_for(personas.admin)
    day = dt.date(2026, 3, 3)
    assert SchoolCalendar.for_school(personas.school).is_school_day(day)
    response = client.post(
        reverse("core:add_closure"),
        {"kind": "planned", "start_date": "03/03/2026", "sessions": "both", "reason": "Polling station"},
    )
    assert response.status_code == 302
    assert not SchoolCalendar.for_school(personas.school).is_school_day(day)
    closure = Closure.objects.get(school=personas.school, reason="Polling station")
    response = client.post(reverse("core:remove_closure", kwargs={"closure_id": closure.pk}))
    assert response.status_code == 302
    assert SchoolCalendar.for_school(personas.school).is_school_day(day)
    assert AuditEvent.objects.filter(verb=Verb.DELETE, target_type="core.closure").exists()


def test_a_half_day_closure_over_several_days_is_refused(client_for, personas):
    response = client_for(personas.admin).post(
        reverse("core:add_closure"),
        {"kind": "planned", "start_date": "03/03/2026", "end_date": "05/03/2026", "sessions": "AM"},
    )
    assert response.status_code == 200
    assert "covers one day" in response.content.decode()


def test_calendar_page_shows_days_and_sessions(client_for, personas):
    body = client_for(personas.teacher).get(reverse("core:calendar")).content.decode()
    assert "school days" in body and "Change dates" not in body
    body = client_for(personas.admin).get(reverse("core:calendar")).content.decode()
    assert "Change dates" in body
