"""Support in a real browser: a keyworker runs a plan review with the figures already there,
takes a group register, adds group members by search with the keyboard alone, prints a plan
(the PDF link answers a PDF), opens a reintegration plan whose reduced week starts its part-time
timetable, and a pupil answers a questionnaire through a one-time link; the pastoral lead checks
and imports an attainment file. Each page is checked by axe-core, with no console error and no
CSP violation."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Page, expect

from apps.attendance import services as attendance
from apps.support import services
from apps.support.models import AttainmentRecord, GroupMember, PlanReview, SessionAttendance, SupportPlan
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


def test_a_keyworker_adds_group_members_by_search_with_the_keyboard(page: Page, live_server, personas):
    group = make_group(school=personas.school, runner=personas.pastoral, intervention__school=personas.school)
    MemberFactory(group=group, pupil=personas.pupil)

    sign_in(page, live_server, personas.pastoral, next_path=f"/support/groups/{group.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(group.name)
    search = page.get_by_label("Find a pupil by name, UPN or form")
    search.focus()
    page.keyboard.type("Testpupil")  # htmx searches as you type: no button pressed
    found = page.locator("#candidates")
    expect(found.get_by_role("heading", level=3)).to_contain_text("1 pupil")
    # Amelia is already a member, so only Isla is offered.
    expect(found.get_by_label(re.compile("^Isla Testpupil"))).to_be_visible()
    expect(found.get_by_label(re.compile("^Amelia Testpupil"))).to_have_count(0)
    assert_accessible(page)

    # From the search box, Tab moves on through the page; reach the pupil's box and tick it with Space.
    box = found.get_by_label(re.compile("^Isla Testpupil"))
    for _ in range(40):
        page.keyboard.press("Tab")
        if box.evaluate("el => el === document.activeElement"):
            break
    expect(box).to_be_focused()
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    found.get_by_label("Main need").select_option("semh")
    button = found.get_by_role("button", name="Add the ticked pupils to the group")
    button.focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("1 pupil added to the group.")
    expect(page.get_by_role("table", name="Members")).to_contain_text("Isla Testpupil")
    assert_accessible(page)
    assert set(GroupMember.objects.filter(group=group).values_list("pupil__legal_forename", flat=True)) == {
        "Amelia",
        "Isla",
    }


def test_a_keyworker_prints_a_plan_for_a_parents_meeting(page: Page, live_server, personas):
    plan = make_plan(personas.pupil, personas.pastoral, started_on=MON)
    sign_in(page, live_server, personas.pastoral, next_path=f"/support/plans/{plan.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Settling into Year 9")
    assert_accessible(page)
    link = page.get_by_role("link", name="Print (PDF)").first
    href = link.get_attribute("href")
    assert href == f"/support/plans/{plan.pk}/pdf/"
    response = page.request.get(f"{live_server.url}{href}")  # the page's own cookies: signed in
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:4] == b"%PDF"


def test_a_reintegration_plan_with_a_reduced_week_starts_its_part_time_timetable(page: Page, live_server, personas):
    sign_in(page, live_server, personas.pastoral, next_path=f"/support/pupils/{personas.pupil.pk}/reintegration/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reintegration plan")
    assert_accessible(page)
    page.get_by_label("Reintegration after").select_option("long_absence")
    page.get_by_label("Return date").fill("2026-09-14")
    page.get_by_label("Barriers identified").fill("Anxiety after a long absence.")
    page.get_by_label("Target 1", exact=True).fill("Attend every morning")
    page.get_by_label("Week 1: from").fill("2026-09-14")
    page.get_by_label("Week 1: to").fill("2026-09-18")
    page.get_by_label("Week 1: timetable").fill("Mornings only")
    page.get_by_label("Week 1: fewer hours than the full day (part-time timetable)").check()
    week_one = page.get_by_role("group", name="Week 1: if fewer hours, the sessions the pupil attends")
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
        week_one.get_by_label(f"{day} morning").check()
    page.get_by_label("Parent agreed to the part-time timetable on").fill("2026-09-11")
    page.get_by_label("I confirm the part-time timetable is not being used to manage behaviour").check()
    page.get_by_role("button", name="Open the plan").click()

    expect(page.get_by_role("status")).to_contain_text("1 part-time timetable recorded in attendance")
    expect(page.get_by_role("table", name="Phased timetable and the attendance it achieved")).to_contain_text(
        "From 14/09/2026 to 18/09/2026"
    )
    assert_accessible(page)
    plan = SupportPlan.objects.get()
    assert plan.reintegration.phases.get().part_time.attended_sessions


def test_the_pastoral_lead_checks_then_imports_an_attainment_file(page: Page, live_server, personas, tmp_path):
    bad = tmp_path / "grades.csv"
    bad.write_text(f"upn,subject,assessed_on,value\n{personas.pupil.upn},English,02/11/2026,5\nNOPE,Maths,x,\n")
    good = tmp_path / "fixed.csv"
    good.write_text(f"upn,subject,assessed_on,value\n{personas.pupil.upn},English,02/11/2026,5\n")

    sign_in(page, live_server, personas.pastoral_lead, next_path="/support/attainment/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import attainment")
    assert_accessible(page)
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("alert")).to_contain_text("1 row is wrong: nothing was imported.")
    expect(page.get_by_role("list", name="Rows with problems")).to_contain_text("Line 3: no pupil at this school")
    assert_accessible(page)

    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("status")).to_contain_text("The file is ready to import.")
    assert not AttainmentRecord.objects.exists()
    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status")).to_contain_text("1 row(s) checked; 1 imported.")
    assert_accessible(page)
    assert AttainmentRecord.objects.get().value == "5"


def test_the_impact_provision_and_questionnaire_reports_are_accessible(page: Page, live_server, personas):
    group = make_group(school=personas.school, runner=personas.pastoral, intervention__school=personas.school)
    MemberFactory(group=group, pupil=personas.pupil, entry_score=12, exit_score=18, entry_rating=3, exit_rating=7)
    questionnaire = services.create_questionnaire(
        personas.pastoral,
        school=personas.school,
        title="Friendship survey",
        anonymous=True,
        questions=[("I have a friend to talk to", "rating")],
    )
    [(_, token)] = services.invite_pupils(personas.pastoral, questionnaire=questionnaire, pupils=[personas.pupil])
    services.submit_response(token=token, answers={questionnaire.questions.get().pk: (4, "")})

    sign_in(page, live_server, personas.pastoral, next_path=f"/support/interventions/{group.intervention_id}/")
    expect(page.get_by_role("table", name="Before and during, per pupil")).to_contain_text("12 → 18")
    expect(page.get_by_role("link", name="Download this table (CSV)")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/support/provision-map/")
    expect(page.get_by_role("link", name="Download by need (CSV)")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/support/questionnaires/{questionnaire.pk}/")
    expect(page.get_by_role("table", name=re.compile("^By year group"))).to_contain_text(
        "Not shown: fewer than 5 responses"
    )
    assert_accessible(page)
