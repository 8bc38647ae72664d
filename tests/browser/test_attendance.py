"""Taking a register in a real browser, by keyboard: present by default, a code typed for the
exception, Enter saves through htmx; the page is accessible, with no console or CSP error."""

from __future__ import annotations

import datetime as dt
from typing import Any

from playwright.sync_api import Page, expect

from apps.attendance.models import Mark, RegisterTaken
from apps.people.tests.factories import PupilFactory

from .helpers import assert_accessible, sign_in

MONDAY = dt.date(2025, 1, 13)


def test_a_form_tutor_takes_the_register_by_keyboard(page: Page, live_server, personas):
    classmate: Any = PupilFactory(
        school=personas.school,
        year_group=personas.pupil.year_group,
        form=personas.pupil.form,
        legal_forename="Ben",
        legal_surname="Classmate",
    )
    sign_in(page, live_server, personas.form_tutor)
    page.goto(f"{live_server.url}/attendance/registers/{personas.pupil.form_id}/?date=2025-01-13&session=AM")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register: 9A")
    assert_accessible(page)

    code = page.get_by_label(f"Code for {personas.pupil.full_name}")
    expect(code).to_have_value("/")
    code.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("n")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Register saved: 2 new")
    assert_accessible(page)

    marks = dict(Mark.objects.filter(date=MONDAY, session="AM").values_list("pupil_id", "code"))
    assert marks == {personas.pupil.pk: "N", classmate.pk: "/"}
    assert RegisterTaken.objects.filter(form=personas.pupil.form, date=MONDAY, session="AM").exists()


def test_the_attendance_officers_pages_are_accessible(page: Page, live_server, personas):
    from apps.attendance.tests.factories import make_marks

    make_marks(personas.pupil, {(MONDAY, "AM"): "N", (MONDAY, "PM"): "N"})
    sign_in(page, live_server, personas.attendance_officer)
    pupil = personas.pupil.pk
    for path, heading in [
        ("/attendance/first-day/?date=2025-01-13", "First-day calls"),
        ("/attendance/registers/completion/?date=2025-01-13&session=AM", "Register completion"),
        ("/attendance/persistent-absence/?from=2025-01-13&to=2025-01-17", "Persistent and severe absence"),
        ("/attendance/measures/?from=2025-01-13&to=2025-01-17", "Attendance measures"),
        (f"/attendance/pupils/{pupil}/?from=2025-01-13&to=2025-01-17", "Attendance: Amelia Testpupil"),
        (f"/attendance/pupils/{pupil}/ladder/", "Attendance support and legal steps: Amelia Testpupil"),
        (f"/attendance/pupils/{pupil}/part-time/", "Start a part-time timetable: Amelia Testpupil"),
        ("/attendance/penalties/?on=2025-01-17", "Penalty-notice threshold"),
        ("/attendance/long-absence/", "Long absence: children absent from education"),
        ("/attendance/leave/", "Leave of absence requests"),
        ("/attendance/part-time/", "Part-time timetables"),
        ("/attendance/closures/", "Partial closures and disruption"),
    ]:
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(page)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Attendance today")).to_be_visible()
    assert_accessible(page)


def test_a_tutors_home_page_links_to_their_register(page: Page, live_server, personas):
    sign_in(page, live_server, personas.form_tutor)
    expect(page.get_by_role("heading", name="Your registers")).to_be_visible()
    assert_accessible(page)
