"""The safeguarding journey in a real browser: a teacher logs a concern with a body map from the pupil's profile,
the DSL triages it from the queue and refers it, and the chronology shows it to the DSL but not to
the teacher. Every page is checked by axe, with no console error and no CSP violation."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from conftest import verified_device

from .helpers import assert_accessible, sign_in


def test_teacher_logs_dsl_triages_and_refers_and_only_the_dsl_sees_it(
    page: Page, browser: Browser, live_server, personas
):
    pupil = personas.pupil
    sign_in(page, live_server, personas.teacher)
    page.goto(f"/pupils/{pupil.pk}/")
    page.get_by_role("link", name="Log a concern about this pupil").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a safeguarding concern")
    expect(page.get_by_label("Pupil or pupils")).to_have_values([str(pupil.pk)])
    assert_accessible(page)

    page.get_by_label("What did you see or hear?").fill('Amelia said "I don\'t want to go home tonight".')
    page.get_by_label("Emotional abuse").check()
    page.get_by_label("Where", exact=True).fill("Maths room")
    page.get_by_label("Body map mark 1: side").select_option("front")
    page.get_by_label("Mark 1: where").select_option("l_forearm")
    page.get_by_label("Mark 1: what you saw (size, colour, shape)").fill("2cm purple bruise")
    expect(page.locator("#draft-status")).to_have_text("Draft saved.")
    page.get_by_role("button", name="Submit the concern").click()
    expect(page.get_by_role("status")).to_contain_text("received")
    expect(page.get_by_text("Being handled by")).to_be_visible()
    assert_accessible(page)
    receipt_url = page.url

    dsl_context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    dsl_page = dsl_context.new_page()
    verified_device(personas.dsl)
    sign_in(dsl_page, live_server, personas.dsl)
    dsl_page.goto("/safeguarding/queue/")
    expect(dsl_page.get_by_role("heading", name=re.compile(r"Awaiting triage \(1\)"))).to_be_visible()
    assert_accessible(dsl_page)
    dsl_page.get_by_role("link", name=re.compile(r"^SG-")).first.click()
    account = dsl_page.get_by_role("region", name="Account").get_by_role("paragraph").first
    expect(account).to_contain_text("I don't want to go home tonight")
    expect(dsl_page.get_by_text("Front, left forearm: 2cm purple bruise")).to_be_visible()
    dsl_page.get_by_label("Decision", exact=True).select_option("csc_referral")
    dsl_page.get_by_label("Reason for the decision").fill("Disclosure of fear of going home; consulted MASH.")
    dsl_page.get_by_label("Referral reference (if any)").fill("MASH-12345")
    dsl_page.get_by_role("button", name="Record the decision").click()
    expect(dsl_page.get_by_role("heading", name="Referral to children's social care / MASH")).to_be_visible()
    assert_accessible(dsl_page)
    dsl_page.goto(f"/pupils/{pupil.pk}/")
    expect(dsl_page.get_by_text("DSL decision: Referral to children's social care / MASH")).to_be_visible()
    dsl_context.close()

    page.goto(f"/pupils/{pupil.pk}/")
    expect(page.get_by_text("Safeguarding concern logged")).to_have_count(0)
    expect(page.get_by_text("speak to the DSL team")).to_be_visible()
    page.goto(receipt_url)
    expect(page.get_by_text("Disclosure of fear of going home")).to_have_count(0)
    expect(page.get_by_text(personas.dsl.display_name)).to_be_visible()
