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


def test_a_teacher_takes_a_lesson_register_by_keyboard_and_the_officer_follows_up_the_truancy(
    page: Page, live_server, personas
):
    """Lesson registers on: the pupil is present at registration, the teacher marks them absent
    from P2 by keyboard alone, and the attendance officer logs the follow-up from the truancy list."""
    from apps.attendance import services_lessons
    from apps.attendance.models import LessonMark, LessonPeriod, TruancyFollowUp
    from apps.attendance.tests.factories import make_marks
    from apps.people.models import TeachingGroup

    officer = personas.attendance_officer
    services_lessons.update_settings(officer, school=personas.school, lesson_registers=True)
    services_lessons.set_lesson_periods(
        officer, school=personas.school, text="P1 09:00-10:00 AM\nP2 10:00-11:00 AM\nP4 13:40-14:40 PM"
    )
    make_marks(personas.pupil, {(MONDAY, "AM"): "/", (MONDAY, "PM"): "\\"})
    group = TeachingGroup.objects.get(school=personas.school, name="9X/Ma1")
    period = LessonPeriod.objects.get(school=personas.school, name="P2")

    sign_in(page, live_server, personas.teacher)
    page.goto(f"{live_server.url}/attendance/lessons/{group.pk}/{period.pk}/?date=2025-01-13")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lesson register: 9X/Ma1, P2")
    assert_accessible(page)
    mark = page.get_by_label(f"Mark for {personas.pupil.full_name}: / present, A absent, L late")
    mark.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("a")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Lesson register saved: 1 new")
    assert_accessible(page)
    assert LessonMark.objects.get(pupil=personas.pupil, period=period, date=MONDAY).status == "absent"

    page.context.clear_cookies()
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/attendance/truancy/?date=2025-01-13")
    expect(page.get_by_role("heading", level=1)).to_have_text("Post-registration truancy")
    expect(page.get_by_role("heading", name="To follow up (1)")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What was found").focus()
    page.keyboard.press("Tab")  # the note
    page.keyboard.type("Found in the library")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Followed up (1)")).to_be_visible()
    expect(page.get_by_text("Found in the library")).to_be_visible()
    assert_accessible(page)
    follow_up = TruancyFollowUp.objects.get(pupil=personas.pupil, date=MONDAY)
    assert follow_up.outcome == "found_in_school" and follow_up.recorded_by == officer


def test_the_head_and_governors_attendance_report_pages_are_accessible(page: Page, live_server, personas):
    from apps.attendance.services_governor import produce_report
    from apps.attendance.tests.factories import make_marks

    make_marks(personas.pupil, {(MONDAY, "AM"): "/", (MONDAY, "PM"): "N"})
    produce_report(None, school=personas.school, on=dt.date(2025, 1, 20))
    sign_in(page, live_server, personas.headteacher)
    page.goto(f"{live_server.url}/attendance/reports/governors/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance reports for the headteacher and governors")
    assert_accessible(page)
    page.get_by_role("link", name="01/12/2024 to 31/12/2024", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance report: 01/12/2024 to 31/12/2024")
    assert_accessible(page)
