from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from apps.attendance import selectors, services, statutory
from apps.attendance.models import LaNotification
from apps.attendance.tests.factories import make_marks
from apps.core.calendar import SchoolCalendar


def absent_days(pupil, days, code="O"):
    make_marks(pupil, {(d, s): code for d in days for s in ("AM", "PM")})


@pytest.mark.django_db
def test_ten_consecutive_unauthorised_days_across_a_half_term_are_listed(personas):
    cal = SchoolCalendar.for_school(personas.school)
    days = cal.school_days(dt.date(2025, 2, 1), dt.date(2025, 3, 10))
    gap = next(i for i in range(1, len(days)) if (days[i] - days[i - 1]).days > 3)  # the February half-term
    run = days[gap - 5 : gap + 5]
    absent_days(personas.pupil, run)
    absent_days(personas.other_pupil, run[:9])
    (row,) = selectors.long_absences(personas.school, dt.date(2025, 3, 10))
    assert (row.pupil, row.reason, row.first, row.last, row.days) == (
        personas.pupil,
        "unauthorised",
        run[0],
        run[-1],
        10,
    )
    assert row.told is None


@pytest.mark.django_db
def test_a_present_day_breaks_the_run(personas):
    cal = SchoolCalendar.for_school(personas.school)
    days = cal.school_days(dt.date(2025, 1, 6), dt.date(2025, 1, 31))[:11]
    absent_days(personas.pupil, days[:5] + days[6:11])
    make_marks(personas.pupil, {(days[5], "AM"): "/", (days[5], "PM"): "O"})
    assert selectors.long_absences(personas.school, dt.date(2025, 2, 3)) == []


@pytest.mark.django_db
def test_fifteen_days_of_illness_and_recording_the_la_was_told(personas, client_for):
    cal = SchoolCalendar.for_school(personas.school)
    absent_days(personas.pupil, cal.school_days(dt.date(2024, 10, 1), dt.date(2024, 12, 1))[::2][:15], "I")
    (row,) = selectors.long_absences(personas.school, dt.date(2025, 1, 10))
    assert (row.reason, row.days) == ("illness", 15)
    response = client_for(personas.attendance_officer).post(
        reverse("attendance:la_notify", args=[personas.pupil.pk]),
        {"reason": "illness", "absence_from": "2024-10-01", "told_on": "2025-01-10"},
    )
    assert response.status_code == 302
    assert LaNotification.objects.get().told_on == dt.date(2025, 1, 10)
    (row,) = selectors.long_absences(personas.school, dt.date(2025, 1, 10))
    assert row.told is not None


@pytest.mark.django_db
def test_a_teacher_cannot_record_an_la_notification(personas):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.record_la_notification(
            personas.teacher,
            pupil=personas.pupil,
            reason="illness",
            absence_from=dt.date(2025, 1, 6),
            told_on=dt.date(2025, 1, 7),
        )


@given(st.lists(st.booleans(), max_size=60))
def test_latest_run_matches_a_reference(flags):
    start = dt.date(2025, 1, 6)
    days = [(start + dt.timedelta(days=i), f) for i, f in enumerate(flags)]
    expected = None
    i = 0
    while i < len(days):
        if days[i][1]:
            j = i
            while j + 1 < len(days) and days[j + 1][1]:
                j += 1
            expected = (days[i][0], days[j][0], j - i + 1)
            i = j + 1
        else:
            i += 1
    assert statutory.latest_run(days) == expected
