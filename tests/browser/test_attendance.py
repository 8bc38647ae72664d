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
