from __future__ import annotations

import datetime as dt

from django.urls import reverse

from apps.attendance import services as attendance
from apps.audit.models import AuditEvent, Verb
from apps.support.models import PlanReview, PlanType, SessionAttendance, SupportPlan
from apps.support.tests.factories import MemberFactory, make_group, make_placement, make_plan

MON = dt.date(2026, 9, 14)


def test_caseload_lists_my_plans_with_overdue_flags(personas, client_for):
    make_plan(personas.pupil, personas.pastoral, next_review_on=dt.date(2026, 10, 1))
    response = client_for(personas.pastoral).get(reverse("support:caseload"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Amelia Testpupil" in body and "Review overdue" in body and "Early lesson pass" in body


def test_review_page_shows_the_period_figures(personas, client_for):
    plan = make_plan(personas.pupil, personas.pastoral, started_on=MON)
    sessions = [(MON + dt.timedelta(days=d), s) for d in range(5) for s in ("AM", "PM")]
    attendance.record_marks(
        None, school=personas.school, pupil=personas.pupil, sessions=sessions[:9], code="/", reason=""
    )
    attendance.record_marks(
        None, school=personas.school, pupil=personas.pupil, sessions=sessions[9:], code="I", reason=""
    )
    response = client_for(personas.pastoral).get(reverse("support:plan_review", args=[plan.pk]))
    assert response.status_code == 200
    assert "90.0% (9 of 10 sessions)" in response.content.decode()


def test_posting_a_review_records_it_and_amend_goes_to_the_amend_page(personas, client_for):
    plan = make_plan(personas.pupil, personas.pastoral)
    targets = list(plan.versions.get().targets.all())
    data = {"held_on": "2026-10-20", "decision": "amend", "summary": "Better mornings."}
    data |= {f"rating_{t.pk}": "2" for t in targets}
    response = client_for(personas.pastoral).post(reverse("support:plan_review", args=[plan.pk]), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("support:plan_amend", args=[plan.pk])
    review = PlanReview.objects.get()
    assert review.progress.count() == 2


def test_a_review_without_ratings_shows_errors_and_keeps_the_input(personas, client_for):
    plan = make_plan(personas.pupil, personas.pastoral)
    response = client_for(personas.pastoral).post(
        reverse("support:plan_review", args=[plan.pk]),
        {"held_on": "2026-10-20", "decision": "continue", "summary": "Kept"},
    )
    assert response.status_code == 200
    assert "Kept" in response.content.decode()
    assert not PlanReview.objects.exists()


def test_opening_a_plan_through_the_form(personas, client_for):
    data = {
        "plan_type": PlanType.objects.get(school=personas.school, base="attendance").pk,
        "title": "Mornings",
        "keyworker": personas.pastoral.pk,
        "started_on": "2026-11-02",
        "review_interval_weeks": "4",
        "barriers": "Caring for a younger sibling before school.",
        "target_1": "Arrive by 8:40 four days a week",
        "target_1_due": "2026-12-11",
        "action_1": "Breakfast club place",
        "action_1_owner": personas.pastoral_lead.pk,
        "action_1_due": "2026-11-09",
    }
    response = client_for(personas.pastoral).post(reverse("support:plan_new", args=[personas.pupil.pk]), data)
    assert response.status_code == 302
    plan = SupportPlan.objects.get()
    assert plan.next_review_on == dt.date(2026, 11, 30)
    assert plan.kind == "attendance" and plan.type_name == "Attendance support plan"
    assert plan.versions.get().actions.get().owner == personas.pastoral_lead


def test_an_action_without_an_owner_is_refused_with_a_message(personas, client_for):
    data = {
        "plan_type": PlanType.objects.get(school=personas.school, base="attendance").pk,
        "title": "Mornings",
        "keyworker": personas.pastoral.pk,
        "started_on": "2026-11-02",
        "review_interval_weeks": "4",
        "barriers": "Caring.",
        "target_1": "Arrive by 8:40",
        "action_1": "Breakfast club place",
    }
    response = client_for(personas.pastoral).post(reverse("support:plan_new", args=[personas.pupil.pk]), data)
    assert response.status_code == 200
    assert "Say who will do this action." in response.content.decode()
    assert not SupportPlan.objects.exists()


def test_plan_pdf_is_a_pdf_and_the_print_is_audited(personas, client_for):
    plan = make_plan(personas.pupil, personas.pastoral)
    response = client_for(personas.pastoral).get(reverse("support:plan_pdf", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content[:4] == b"%PDF"
    assert AuditEvent.objects.filter(verb=Verb.PRINT, target_type="support.supportplan").exists()


def test_version_compare_page(personas, client_for):
    plan = make_plan(personas.pupil, personas.pastoral)
    response = client_for(personas.pastoral).get(reverse("support:plan_version", args=[plan.pk, 1]) + "?compare=1")
    assert response.status_code == 200
    response = client_for(personas.pastoral).get(reverse("support:plan_version", args=[plan.pk, 7]))
    assert response.status_code == 404


def test_taking_the_register_through_the_page(personas, client_for):
    group = make_group(school=personas.school, runner=personas.pastoral, intervention__school=personas.school)
    MemberFactory(group=group, pupil=personas.pupil)
    url = reverse("support:group_register", args=[group.pk])
    client = client_for(personas.pastoral)
    assert "Amelia Testpupil" in client.get(url + "?date=2026-09-15").content.decode()
    response = client.post(url, {"held_on": "2026-09-15", f"present_{personas.pupil.pk}": "on", "notes": "Calm"})
    assert response.status_code == 302
    assert SessionAttendance.objects.get().present


def test_placement_page_records_provider_attendance(personas, client_for):
    placement = make_placement(
        school=personas.school, pupil=personas.pupil, keyworker=personas.pastoral, provider__school=personas.school
    )
    url = reverse("support:placement", args=[placement.pk])
    response = client_for(personas.pastoral).post(
        url, {"form": "attendance", "att-day": "2026-09-14", "att-am": "attended", "att-pm": "missed"}
    )
    assert response.status_code == 302
    from apps.attendance.models import Mark

    assert dict(Mark.objects.values_list("session", "code")) == {"AM": "B", "PM": "N"}


def test_home_panel_and_profile_section(personas, client_for):
    plan = make_plan(personas.pupil, personas.pastoral, next_review_on=dt.date(2026, 10, 1))
    client = client_for(personas.pastoral)
    home = client.get(reverse("home")).content.decode()
    assert "Plans due for review" in home and plan.title in home
    profile = client.get(reverse("people:profile", args=[personas.pupil.pk])).content.decode()
    assert "Open a plan" in profile and plan.title in profile
    teacher_profile = client_for(personas.teacher).get(reverse("people:profile", args=[personas.pupil.pk]))
    assert plan.title not in teacher_profile.content.decode()


def test_adding_several_pupils_to_a_group_is_all_or_nothing(personas, client_for):
    group = make_group(school=personas.school, runner=personas.pastoral, intervention__school=personas.school)
    group.intervention.capacity = 1
    group.intervention.save()
    url = reverse("support:group", args=[group.pk])
    client = client_for(personas.pastoral)
    data = {"pupils": [personas.pupil.pk, personas.sibling.pk], "need": "semh", "joined_on": "2026-09-15"}
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200 and "The group has 1 place left of 1, and 2 pupils were chosen" in body
    # The chosen pupils are shown again, ticked, so nothing is lost.
    assert f'value="{personas.sibling.pk}" id="cand-{personas.sibling.pk}" checked' in body
    assert not group.members.exists()
    group.intervention.capacity = 4
    group.intervention.save()
    assert client.post(url, data).status_code == 302
    assert group.members.count() == 2
