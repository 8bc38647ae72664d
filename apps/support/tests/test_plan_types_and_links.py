"""Plan types the school configures, plans carrying the behaviour module's PSP, and reduced-hours
reintegration phases linked to the attendance module's part-time timetable."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from apps.attendance.models import Mark
from apps.audit.models import AuditEvent, Verb
from apps.behaviour.models import PSPReview
from apps.core.tests.factories import SchoolFactory
from apps.support import selectors, services
from apps.support.models import PlanKind, PlanType, SupportPlan
from apps.support.services import PlanContent, TargetSpec
from apps.support.tests.factories import make_part_time, make_plan, make_psp, make_reintegration

MON = dt.date(2026, 9, 14)


def content() -> PlanContent:
    return PlanContent(barriers="Finds crowded corridors hard.", targets=[TargetSpec("Arrive on time")])


def open_plan(p, actor=None, **extra) -> SupportPlan:
    return services.create_plan(
        actor or p.pastoral,
        pupil=p.pupil,
        title=extra.pop("title", "Settling in"),
        keyworker=extra.pop("keyworker", p.pastoral),
        started_on=MON,
        content=content(),
        **extra,
    )


# Plan types ----------------------------------------------------------------------------------------


def test_a_new_school_gets_the_default_types_once(db):
    school: Any = SchoolFactory()
    names = list(PlanType.objects.filter(school=school).values_list("name", flat=True))
    assert len(names) == len(services.DEFAULT_PLAN_TYPES) == 10
    assert names[0] == "Pastoral support plan"
    services.ensure_plan_types(school)  # first use again: nothing doubled
    assert PlanType.objects.filter(school=school).count() == 10


def test_a_plan_of_a_custom_type_takes_its_base_and_shows_its_name(personas):
    young_carer = services.save_plan_type(
        personas.pastoral_lead, school=personas.school, name="Young carer support plan", base=PlanKind.PASTORAL_SUPPORT
    )
    plan = open_plan(personas, plan_type=young_carer)
    assert plan.kind == PlanKind.PASTORAL_SUPPORT and plan.type_name == "Young carer support plan"
    assert str(plan).startswith("Young carer support plan:")
    assert plan.pupil.chronology_entries.filter(title__startswith="Young carer support plan opened").exists()


def test_a_plan_opened_by_kind_gets_the_schools_type_for_that_kind(personas):
    plan = open_plan(personas, kind=PlanKind.ATTENDANCE)
    assert plan.plan_type is not None and plan.plan_type.base == PlanKind.ATTENDANCE


def test_a_custom_type_on_a_safeguarding_base_stays_restricted(personas):
    private = services.save_plan_type(
        personas.headteacher, school=personas.school, name="Contextual safeguarding plan", base=PlanKind.CIN
    )
    with pytest.raises(PermissionDenied, match="Only the DSL team"):
        open_plan(personas, plan_type=private)
    plan = open_plan(personas, actor=personas.dsl, plan_type=private, keyworker=personas.dsl)
    assert plan.is_safeguarding
    assert not selectors.visible_plans(personas.school, personas.pastoral_lead).filter(pk=plan.pk).exists()
    assert selectors.visible_plans(personas.school, personas.deputy_dsl).filter(pk=plan.pk).exists()


def test_an_inactive_type_is_not_offered_and_is_refused(personas, client_for):
    retired = PlanType.objects.get(school=personas.school, base=PlanKind.BEHAVIOUR)
    services.save_plan_type(
        personas.pastoral_lead,
        school=personas.school,
        plan_type=retired,
        name=retired.name,
        base=retired.base,
        is_active=False,
        order=retired.order,
    )
    with pytest.raises(ValidationError, match="no longer offered"):
        open_plan(personas, plan_type=retired)
    body = client_for(personas.pastoral).get(reverse("support:plan_new", args=[personas.pupil.pk])).content.decode()
    assert "Behaviour support plan" not in body and "Attendance support plan" in body


def test_only_leads_set_up_types_and_refusals_are_audited(personas):
    with pytest.raises(PermissionDenied, match="senior leaders and the pastoral lead"):
        services.save_plan_type(personas.pastoral, school=personas.school, name="Mine", base=PlanKind.BEHAVIOUR)
    assert AuditEvent.objects.filter(verb=Verb.DENIED, reason="support.save_plan_type").exists()


def test_type_names_are_unique_and_a_used_base_cannot_change(personas):
    with pytest.raises(ValidationError) as error:
        services.save_plan_type(
            personas.pastoral_lead, school=personas.school, name="sen support plan", base=PlanKind.SEN_SUPPORT
        )
    assert "already a plan type with that name" in str(error.value)
    used: Any = open_plan(personas, kind=PlanKind.ATTENDANCE).plan_type
    with pytest.raises(ValidationError, match="cannot change"):
        services.save_plan_type(
            personas.pastoral_lead, school=personas.school, plan_type=used, name=used.name, base=PlanKind.CIN
        )
    renamed = services.save_plan_type(
        personas.pastoral_lead, school=personas.school, plan_type=used, name="Attendance plan", base=used.base
    )
    assert renamed.name == "Attendance plan"


def test_the_settings_page_adds_a_type(personas, client_for):
    client = client_for(personas.senior_leader)
    response = client.post(
        reverse("support:plan_types"),
        {
            "name": "Transition plan",
            "description": "Year 6 to 7",
            "base": "pastoral_support",
            "is_active": "on",
            "order": 5,
        },
    )
    assert response.status_code == 302
    assert PlanType.objects.get(school=personas.school, name="Transition plan").order == 5
    page = client.get(reverse("support:plan_types")).content.decode()
    assert "Transition plan" in page and "Safeguarding" in page


# PSP --------------------------------------------------------------------------------------------------


def test_a_plan_is_opened_from_a_psp_and_shows_its_targets_and_reviews(personas, client_for):
    psp = make_psp(personas.pupil, personas.pastoral, targets="Stay in period 5 every day")
    PSPReview.objects.create(
        psp=psp, date=dt.date(2026, 10, 26), progress="Better after lunch", outcome="continue", negative_points=4
    )
    client = client_for(personas.pastoral)
    form_page = client.get(reverse("support:plan_new", args=[personas.pupil.pk]) + f"?psp={psp.pk}").content.decode()
    assert f'<option value="{psp.pk}" selected>' in form_page
    psp_type = PlanType.objects.get(school=personas.school, base=PlanKind.PSP)
    response = client.post(
        reverse("support:plan_new", args=[personas.pupil.pk]),
        {
            "plan_type": psp_type.pk,
            "psp": psp.pk,
            "title": "PSP",
            "keyworker": personas.pastoral.pk,
            "started_on": "2026-09-14",
            "review_interval_weeks": "6",
            "barriers": "Leaves lessons after lunch.",
            "target_1": "Stay in period 5",
        },
    )
    assert response.status_code == 302
    plan = SupportPlan.objects.get()
    assert plan.psp == psp and plan.kind == PlanKind.PSP
    page = client.get(reverse("support:plan", args=[plan.pk])).content.decode()
    assert "Stay in period 5 every day" in page and "Better after lunch" in page and "26/10/2026" in page


def test_a_psp_links_only_to_a_psp_plan_of_the_same_pupil(personas):
    psp = make_psp(personas.pupil, personas.pastoral)
    with pytest.raises(ValidationError, match="Only a plan of a Pastoral Support Programme type"):
        open_plan(personas, kind=PlanKind.BEHAVIOUR, psp=psp)
    other = make_psp(personas.sibling, personas.pastoral)
    plan = open_plan(personas, kind=PlanKind.PSP)
    with pytest.raises(ValidationError, match="not this pupil's"):
        services.link_psp(personas.pastoral, plan=plan, psp=other)
    services.link_psp(personas.pastoral, plan=plan, psp=psp)
    plan.refresh_from_db()
    assert plan.psp_id == psp.pk
    assert AuditEvent.objects.filter(reason=f"support.link_psp:{psp.pk}").exists()


def test_the_plan_page_offers_to_link_the_pupils_psp(personas, client_for):
    make_psp(personas.pupil, personas.pastoral)
    plan = make_plan(personas.pupil, personas.pastoral, kind=PlanKind.PSP)
    page = client_for(personas.pastoral).get(reverse("support:plan", args=[plan.pk])).content.decode()
    assert "not linked to a PSP" in page and "Link the PSP" in page


# Reduced-hours phases and part-time timetables ---------------------------------------------------------


def test_a_phase_starts_a_part_time_timetable_through_attendance(personas):
    plan = make_reintegration(personas.pupil, personas.pastoral)
    phase = plan.reintegration.phases.order_by("starts_on").first()
    linked = services.link_phase_part_time(
        personas.pastoral,
        phase=phase,
        attended_sessions=["0AM", "1AM", "2AM", "3AM", "4AM"],
        parent_agreed_on=dt.date(2026, 9, 11),
        next_review=dt.date(2026, 9, 17),
        not_to_manage_behaviour=True,
    )
    timetable: Any = linked.part_time
    assert timetable.start_date == phase.starts_on and timetable.planned_end_date == phase.ends_on
    assert timetable.reason.startswith("Reintegration plan: Mornings only")
    # The attendance module codes the missed afternoons C2 (domain §1.8).
    assert Mark.objects.filter(pupil=personas.pupil, code="C2", session="PM", date=phase.starts_on).exists()


def test_the_attendance_rules_are_kept_and_explained(personas):
    plan = make_reintegration(personas.pupil, personas.pastoral)
    phase = plan.reintegration.phases.order_by("starts_on").first()
    with pytest.raises(ValidationError) as error:
        services.link_phase_part_time(personas.pastoral, phase=phase, attended_sessions=["0AM"])
    text = str(error.value)
    assert "agreement of the parent" in text and "not being used to manage behaviour" in text
    phase.refresh_from_db()
    assert phase.part_time_id is None


def test_someone_who_may_not_start_one_is_refused_clearly(personas):
    plan = make_reintegration(personas.pupil, personas.teacher)  # a teacher as keyworker
    phase = plan.reintegration.phases.order_by("starts_on").first()
    with pytest.raises(PermissionDenied, match="Only the attendance office starts a part-time timetable"):
        services.link_phase_part_time(
            personas.teacher,
            phase=phase,
            attended_sessions=["0AM"],
            parent_agreed_on=dt.date(2026, 9, 11),
            not_to_manage_behaviour=True,
        )
    assert AuditEvent.objects.filter(verb=Verb.DENIED, reason="attendance.start_part_time_timetable").exists()


def test_an_existing_timetable_is_linked_and_shown_with_its_review_state(personas, client_for):
    plan = make_reintegration(personas.pupil, personas.pastoral)
    phase = plan.reintegration.phases.order_by("starts_on").first()
    other = make_part_time(personas.sibling, personas.attendance_officer)
    with pytest.raises(ValidationError, match="not this pupil's"):
        services.link_phase_part_time(personas.pastoral, phase=phase, timetable=other)
    mine = make_part_time(personas.pupil, personas.attendance_officer, next_review=dt.date(2026, 9, 21))
    client = client_for(personas.pastoral)
    response = client.post(reverse("support:phase_part_time", args=[phase.pk]), {f"phase{phase.pk}-existing": mine.pk})
    assert response.status_code == 302
    phase.refresh_from_db()
    assert phase.part_time_id == mine.pk and phase.reduces_hours
    page = client.get(reverse("support:plan", args=[plan.pk])).content.decode()
    assert "From 14/09/2026 to 25/09/2026" in page and "Review overdue" in page
    with pytest.raises(ValidationError, match="already linked"):
        services.link_phase_part_time(personas.pastoral, phase=phase, timetable=mine)


def test_a_refused_link_on_the_page_keeps_the_form_and_says_why(personas, client_for):
    plan = make_reintegration(personas.pupil, personas.pastoral)
    phase = plan.reintegration.phases.order_by("starts_on").first()
    response = client_for(personas.pastoral).post(
        reverse("support:phase_part_time", args=[phase.pk]),
        {f"phase{phase.pk}-attended_sessions": ["0AM", "1AM"], f"phase{phase.pk}-parent_agreed_on": "2026-09-11"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "not being used to manage behaviour" in body
    assert 'value="2026-09-11"' in body


def test_the_printed_plan_carries_the_type_psp_and_phases(personas, client_for, monkeypatch):
    from apps.support import views

    psp = make_psp(personas.pupil, personas.pastoral, targets="Stay in period 5 every day")
    plan = make_plan(personas.pupil, personas.pastoral, kind=PlanKind.PSP, psp=psp)
    seen: dict[str, str] = {}
    real = views.render_to_string

    def capture(name: str, context: Any) -> str:
        seen["html"] = real(name, context)
        return seen["html"]

    monkeypatch.setattr(views, "render_to_string", capture)
    response = client_for(personas.pastoral).get(reverse("support:plan_pdf", args=[plan.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "Pastoral Support Programme" in seen["html"] and "Stay in period 5 every day" in seen["html"]
