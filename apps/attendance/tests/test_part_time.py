from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.attendance import selectors, services
from apps.attendance.models import Mark, PartTimeTimetable, Source
from apps.attendance.tests.factories import make_marks

pytestmark = pytest.mark.django_db

START = dt.date(2025, 1, 13)


def start(personas, **overrides):
    kwargs = dict(
        pupil=personas.pupil,
        start_date=START,
        planned_end_date=dt.date(2025, 2, 14),
        attended_sessions=[f"{d}AM" for d in range(5)],  # mornings only
        reason="Medical condition: phased return",
        parent_agreed_on=dt.date(2025, 1, 10),
        next_review=dt.date(2025, 1, 27),
        not_to_manage_behaviour=True,
    )
    kwargs.update(overrides)
    return services.start_part_time_timetable(personas.attendance_officer, **kwargs)


def test_missed_sessions_up_to_today_are_c2_and_held_marks_are_kept(personas):
    make_marks(personas.pupil, {(dt.date(2025, 1, 14), "PM"): "V"})
    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2025, 1, 17)):
        start(personas)
    marks = dict(((d, s), (c, src)) for d, s, c, src in Mark.objects.values_list("date", "session", "code", "source"))
    # 13–16/01 afternoons (today 17/01 not included): C2, except the trip on 14/01 kept.
    assert marks[(dt.date(2025, 1, 13), "PM")] == ("C2", Source.PART_TIME)
    assert marks[(dt.date(2025, 1, 14), "PM")] == ("V", Source.REGISTER)
    assert (dt.date(2025, 1, 13), "AM") not in marks
    assert (dt.date(2025, 1, 17), "PM") not in marks


def test_the_register_suggests_c2_for_a_missed_session(personas):
    with mock.patch("django.utils.timezone.localdate", return_value=START):
        start(personas)
    rows = {r.pupil.pk: r for r in selectors.register_rows(personas.pupil.form, dt.date(2025, 1, 20), "PM")}
    assert rows[personas.pupil.pk].suggested == "C2"
    am = {r.pupil.pk: r for r in selectors.register_rows(personas.pupil.form, dt.date(2025, 1, 20), "AM")}
    assert am[personas.pupil.pk].suggested == "/"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"parent_agreed_on": None}, "agreement of the parent"),
        ({"not_to_manage_behaviour": False}, "not being used to manage behaviour"),
        ({"next_review": dt.date(2025, 3, 1)}, "first review"),
        ({"attended_sessions": [f"{d}{s}" for d in range(5) for s in ("AM", "PM")]}, "full-time"),
    ],
)
def test_the_rules_for_starting_one(personas, overrides, message):
    with pytest.raises(ValidationError, match=message):
        start(personas, **overrides)
    assert not PartTimeTimetable.objects.exists()


def test_overdue_review_and_passed_end_are_flagged_and_a_review_clears_it(personas):
    with mock.patch("django.utils.timezone.localdate", return_value=START):
        timetable = start(personas)
    (row,) = selectors.part_time_timetables(personas.school, dt.date(2025, 2, 17))
    assert row.review_overdue and row.past_end
    services.review_part_time_timetable(
        personas.attendance_officer,
        timetable=timetable,
        held_on=dt.date(2025, 2, 17),
        outcome="Back full-time",
        next_review=None,
        end=True,
    )
    assert selectors.part_time_timetables(personas.school, dt.date(2025, 2, 17)) == []


def test_part_time_pages(personas, client_for):
    client = client_for(personas.attendance_officer)
    response = client.post(
        reverse("attendance:part_time_new", args=[personas.pupil.pk]),
        {
            "start_date": "2025-01-13",
            "planned_end_date": "2025-02-14",
            "attended_sessions": ["0AM", "1AM", "2AM"],
            "reason": "Reintegration after illness",
            "parent_agreed_on": "2025-01-10",
            "next_review": "2025-01-27",
            "not_to_manage_behaviour": "on",
        },
    )
    assert response.status_code == 302
    body = client.get(reverse("attendance:part_time")).content.decode()
    assert "Reintegration after illness" in body
    assert "3 of 10" in body
