"""The foundation's record pages in a real browser: a pupil's chronology (filter, add a note), the
audit pages, the calendar and staff accounts. Each page is checked by axe (no serious or critical
violation) with no console error and no CSP violation."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.accounts.models import User
from apps.chronology.models import Confidentiality, Entry, Kind
from apps.chronology.services import add_entry
from apps.core.models import Closure
from conftest import verified_device

from .helpers import assert_accessible, sign_in


def test_pastoral_lead_reads_filters_and_adds_to_a_chronology(page: Page, live_server, personas):
    add_entry(
        pupil=personas.pupil,
        kind=Kind.ATTENDANCE,
        title="Attendance below 90%",
        occurred_at=timezone.make_aware(dt.datetime(2025, 10, 6, 9, 0)),
    )
    verified_device(personas.pastoral_lead)
    sign_in(page, live_server, personas.pastoral_lead, next_path=f"/pupils/{personas.pupil.pk}/")
    page.get_by_role("link", name="Full chronology, filters and print").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chronology")
    expect(page.get_by_text("Attendance below 90%")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Note").check()
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Attendance below 90%")).to_have_count(0)
    expect(page.get_by_text("Nothing recorded that you can see.")).to_be_visible()

    page.get_by_role("link", name="Add a note").click()
    assert_accessible(page)
    page.get_by_label("Short title").fill("Called mother about the trip")
    page.get_by_label("What happened").fill("Mother will send the form on Monday.")
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_role("status")).to_contain_text("The note is on the chronology")
    expect(page.get_by_text("Called mother about the trip")).to_be_visible()
    assert_accessible(page)
    entry = Entry.objects.get(title="Called mother about the trip")
    assert entry.confidentiality == Confidentiality.PASTORAL and entry.author == personas.pastoral_lead


def test_dsl_sees_who_viewed_a_pupil_and_the_audit_log(page: Page, live_server, personas):
    verified_device(personas.dsl)
    sign_in(page, live_server, personas.dsl, next_path=f"/pupils/{personas.pupil.pk}/")
    page.get_by_role("link", name="Who has viewed this pupil's records").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Who has viewed")
    expect(page.get_by_role("table").first).to_contain_text("dsl")
    assert_accessible(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    page.get_by_label("What happened").select_option("view")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("tbody")).to_contain_text("Viewed")
    assert_accessible(page)


def test_admin_manages_the_calendar_and_staff_accounts(page: Page, live_server, personas):
    verified_device(personas.admin)
    sign_in(page, live_server, personas.admin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("School calendar")
    assert_accessible(page)

    page.get_by_role("link", name="Add a closure or INSET day").click()
    assert_accessible(page)
    page.get_by_label("Kind").select_option("planned")
    page.get_by_label("First day (dd/mm/yyyy)").fill("03/03/2026")
    page.get_by_label("Reason shown on the calendar").fill("Polling station")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("added to the calendar")
    assert Closure.objects.filter(school=personas.school, reason="Polling station").exists()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff accounts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff accounts")
    assert_accessible(page)
    page.get_by_role("link", name="Add a member of staff").click()
    page.get_by_label("Username").fill("rpatel")
    page.get_by_label("First name").fill("Ravi")
    page.get_by_label("Last name").fill("Patel")
    page.get_by_label("Work email").fill("rpatel@example.org")
    page.get_by_label("Teacher", exact=True).check()
    page.get_by_role("button", name=re.compile("^Add and send")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ravi Patel")
    assert_accessible(page)
    assert User.objects.filter(username="rpatel", memberships__role="teacher").exists()
