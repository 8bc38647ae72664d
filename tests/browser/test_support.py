"""Support in a real browser: a keyworker runs a plan review with the figures already there,
takes a group register, and a pupil answers a questionnaire through a one-time link. Each page
is checked by axe-core, with no console error and no CSP violation."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Page, expect

from apps.attendance import services as attendance
from apps.support import services
from apps.support.models import PlanReview, SessionAttendance
from apps.support.tests.factories import MemberFactory, make_group, make_plan

from .helpers import assert_accessible, sign_in

MON = dt.date(2026, 9, 14)


def test_a_keyworker_runs_a_plan_review_with_the_figures_there(page: Page, live_server, personas):
    plan = make_plan(personas.pupil, personas.pastoral, started_on=MON, next_review_on=dt.date(2026, 10, 26))
    sessions = [(MON + dt.timedelta(days=d), s) for d in range(5) for s in ("AM", "PM")]
    attendance.record_marks(
        None, school=personas.school, pupil=personas.pupil, sessions=sessions[:9], code="/", reason=""
    )
    attendance.record_marks(
        None, school=personas.school, pupil=personas.pupil, sessions=sessions[9:], code="O", reason=""
    )
    targets = list(plan.versions.get().targets.all())

    sign_in(page, live_server, personas.pastoral, next_path="/support/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")
    expect(page.get_by_text("Review overdue")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("^Review")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review: Settling into Year 9")
    expect(page.get_by_test_id("review-attendance")).to_contain_text("90.0% (9 of 10 sessions)")
    assert_accessible(page)

    page.get_by_label("Who attended").fill("Amelia, her mother, Miss Persona")
    for target in targets:
        page.locator(f'input[name="rating_{target.pk}"][value="2"]').check()
    page.get_by_label("Summary of the discussion").fill("Mornings better; lunch still hard.")
    page.get_by_label("Continue the plan as it is").check()
    page.get_by_role("button", name="Record the review").click()

    expect(page.get_by_role("status")).to_contain_text("Review recorded.")
    expect(page.get_by_role("heading", name=re.compile("Continue the plan"))).to_be_visible()
    assert_accessible(page)
    review = PlanReview.objects.get()
    assert (review.possible_sessions, review.attended_sessions) == (10, 9)


def test_a_keyworker_takes_a_friendship_group_register(page: Page, live_server, personas):
    group = make_group(school=personas.school, runner=personas.pastoral, intervention__school=personas.school)
    MemberFactory(group=group, pupil=personas.pupil)
    MemberFactory(group=group, pupil=personas.sibling)

    sign_in(page, live_server, personas.pastoral, next_path=f"/support/groups/{group.pk}/register/?date=2026-09-15")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Register")
    assert_accessible(page)
    page.get_by_label("Isla Testpupil").uncheck()
    page.get_by_label("Notes on the session").fill("Board games; good turn-taking.")
    page.get_by_role("button", name="Save the register").click()
    expect(page.get_by_role("status")).to_contain_text("Register saved for 15/09/2026")
    assert_accessible(page)
    present = dict(SessionAttendance.objects.values_list("pupil__legal_forename", "present"))
    assert present == {"Amelia": True, "Isla": False}


def test_a_pupil_answers_a_questionnaire_through_a_one_time_link(page: Page, live_server, personas):
    questionnaire = services.create_questionnaire(
        personas.pastoral,
        school=personas.school,
        title="Wellbeing check",
        questions=[("I feel safe at school", "rating"), ("Anything else you want to tell us?", "text")],
    )
    [(_, token)] = services.invite_pupils(personas.pastoral, questionnaire=questionnaire, pupils=[personas.pupil])

    page.goto(f"{live_server.url}/support/q/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Wellbeing check")
    assert_accessible(page)
    page.get_by_label("4").check()
    page.get_by_label("Anything else you want to tell us?").fill("Lunchtimes are noisy.")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Thank you: your answers have been saved.")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/support/q/{token}/")
    expect(page.get_by_text("already been used")).to_be_visible()
