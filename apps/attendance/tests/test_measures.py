from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from apps.attendance import selectors
from apps.attendance.tests.factories import make_marks
from apps.core.calendar import SchoolCalendar
from apps.core.panels import Panel
from apps.people.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

START = dt.date(2025, 1, 13)
END = dt.date(2025, 1, 24)


def week_of_marks(pupil: Any, absent: int, code: str = "I") -> None:
    """Ten sessions (13–17/01/2025), the first `absent` of them with `code`."""
    sessions = SchoolCalendar.for_school(pupil.school).sessions(START, dt.date(2025, 1, 17))
    make_marks(pupil, {s: (code if i < absent else "/") for i, s in enumerate(sessions)})


def test_pa_is_ten_percent_or_more_exactly(personas):
    week_of_marks(personas.pupil, 1)  # 1 of 10: exactly 10%
    week_of_marks(personas.other_pupil, 0)
    rows = selectors.absence_list(personas.school, personas.attendance_officer, START, END, band="pa")
    assert [r.pupil for r in rows] == [personas.pupil]


def test_sa_band_and_filters(personas):
    week_of_marks(personas.pupil, 5, "N")  # 50%: severe
    week_of_marks(personas.other_pupil, 2)  # 20%: persistent only
    officer = personas.attendance_officer
    assert [r.pupil for r in selectors.absence_list(personas.school, officer, START, END, band="sa")] == [
        personas.pupil
    ]
    pa = selectors.absence_list(personas.school, officer, START, END, band="pa")
    assert [r.pupil for r in pa] == [personas.pupil, personas.other_pupil]  # highest absence first
    assert [r.pupil for r in selectors.absence_list(personas.school, officer, START, END, year=10)] == [
        personas.other_pupil
    ]
    assert [r.pupil for r in selectors.absence_list(personas.school, officer, START, END, form="9A")] == [
        personas.pupil
    ]


def test_a_tutor_sees_only_their_form_in_the_list(personas):
    week_of_marks(personas.pupil, 5)
    week_of_marks(personas.other_pupil, 5)
    rows = selectors.absence_list(personas.school, personas.form_tutor, START, END)
    assert [r.pupil for r in rows] == [personas.pupil]


def test_sessions_before_joining_do_not_count(personas):
    joiner: Any = PupilFactory(
        school=personas.school, year_group=personas.pupil.year_group, admission_date=dt.date(2025, 1, 16)
    )
    week_of_marks(joiner, 6, "O")  # the O marks on 13–15/01 are before admission
    (row,) = selectors.absence_list(personas.school, personas.attendance_officer, START, END, band="all")
    assert row.summary.possible_sessions == 4
    assert row.summary.unauthorised_absence == 0


def test_group_breakdown_counts_pa_per_group(personas):
    week_of_marks(personas.pupil, 5)
    week_of_marks(personas.other_pupil, 0)
    groups, total = selectors.group_breakdown(personas.school, START, END, "year")
    by_label = {g.label: g for g in groups}
    assert by_label["Year 9"].persistent == 1 and by_label["Year 9"].severe == 1
    assert by_label["Year 10"].persistent == 0
    assert (total.pupils, total.persistent, total.summary.possible_sessions) == (2, 1, 20)


def test_pa_page_and_csv(personas, client_for):
    week_of_marks(personas.pupil, 3)
    client = client_for(personas.head_of_year)
    query = {"from": "2025-01-13", "to": "2025-01-24"}
    assert "Testpupil" in client.get(reverse("attendance:persistent_absence"), query).content.decode()
    csv = client.get(reverse("attendance:persistent_absence"), {**query, "format": "csv"}).content.decode()
    assert csv.splitlines()[1].endswith(",30.00")


def test_governor_sees_groups_without_names_and_small_groups_withheld(personas, client_for):
    from apps.people.tests.factories import PupilFactory

    week_of_marks(personas.pupil, 3)  # Year 9: one pupil, whose own figures a group of one would show
    for _ in range(3):  # Year 10: three pupils with the other pupil
        week_of_marks(PupilFactory(school=personas.school, year_group=personas.other_pupil.year_group), 0)
    week_of_marks(personas.other_pupil, 0)
    client = client_for(personas.governor)
    body = client.get(reverse("attendance:measures"), {"from": "2025-01-13", "to": "2025-01-24"}).content.decode()
    assert "Testpupil" not in body
    assert '<th scope="row">Year 9</th><td colspan="7">Fewer than 3 pupils' in body
    csv = client.get(
        reverse("attendance:measures"), {"from": "2025-01-13", "to": "2025-01-24", "format": "csv"}
    ).content.decode()
    rows = {line.split(",")[0]: line for line in csv.splitlines()[1:]}
    assert rows["Year 9"] == "Year 9,fewer than 3,,,,"
    # Year 10 is withheld with it: the whole-school row less Year 10 would be Year 9's pupil.
    assert rows["Year 10"] == "Year 10,fewer than 3,,,,"
    assert rows["Whole school"].startswith("Whole school,5,")


def test_home_panels_for_the_officer_and_the_tutor(personas, rf):
    from apps.attendance.home import panels

    for user, title in ((personas.attendance_officer, "Attendance today"), (personas.form_tutor, "Your registers")):
        request = rf.get("/")
        request.user = user
        request.school = personas.school
        request.roles = frozenset({"attendance_officer"} if user == personas.attendance_officer else {"form_tutor"})
        found: list[Panel] = panels(request)
        assert [p.title for p in found] == [title]


def test_profile_section_shows_attendance(personas, client_for):
    response = client_for(personas.teacher).get(reverse("people:profile", args=[personas.pupil.pk]))
    assert "Attendance this school year" in response.content.decode()


def test_pupil_page_shows_trend_and_punctuality(personas, client_for):
    from unittest import mock

    make_marks(personas.pupil, {(dt.date(2025, 1, 20), "AM"): "L", (dt.date(2025, 1, 20), "PM"): "U"})
    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2025, 1, 24)):
        body = client_for(personas.attendance_officer).get(reverse("attendance:pupil", args=[personas.pupil.pk]))
    text = body.content.decode()
    assert "Last 4 weeks" in text and "Last 8 weeks" in text and "Earlier this year" in text
    assert "1 late before the register closed (L), 1 after it closed (U)" in text


def test_the_pa_list_is_paged_and_the_csv_holds_every_row(personas, client_for, monkeypatch):
    from apps.attendance import views

    monkeypatch.setattr(views, "ABSENCE_LIST_PAGE_SIZE", 1)
    week_of_marks(personas.pupil, 5)  # 50%: first
    week_of_marks(personas.other_pupil, 2)  # 20%: second
    client = client_for(personas.attendance_officer)
    url = reverse("attendance:persistent_absence")
    query = {"from": "2025-01-13", "to": "2025-01-24"}
    first = client.get(url, query).content.decode()
    assert "Testpupil" in first and "Otherpupil" not in first and "page 1 of 2" in first
    assert "page=2" in first and 'rel="next"' in first
    second = client.get(url, {**query, "page": "2"}).content.decode()
    assert "Otherpupil" in second and "Testpupil" not in second and 'rel="prev"' in second
    csv = client.get(url, {**query, "format": "csv"}).content.decode()
    assert len(csv.splitlines()) == 3  # header and both pupils
