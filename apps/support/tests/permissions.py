"""Who may open each support URL. Plans are about the persona pupil (Year 9) with `pastoral` as
keyworker; objects are written straight to the tables so a refused request is the only writer."""

from __future__ import annotations

from typing import Any

from apps.support.models import PlanKind
from apps.support.tests.factories import (
    GroupFactory,
    MemberFactory,
    PlacementFactory,
    make_part_time,
    make_plan,
    make_psp,
    make_reintegration,
)
from tests.permissions import ANONYMOUS, PASTORAL_TEAM, SIGNED_IN, Case

PLAN_TYPE_MANAGERS = frozenset({"pastoral_lead", "headteacher", "senior_leader"})
ATTAINMENT_IMPORTERS = PLAN_TYPE_MANAGERS | frozenset({"admin"})

LEADS = frozenset({"pastoral_lead", "dsl", "deputy_dsl", "headteacher", "senior_leader"})
OTHER_SCHOOL_TEAM = frozenset({"other_school_dsl"})


def _plan(p: Any) -> dict[str, Any]:
    return {"plan_id": make_plan(p.pupil, p.pastoral).pk}


def _cp_plan(p: Any) -> dict[str, Any]:
    return {"plan_id": make_plan(p.pupil, p.pastoral, kind=PlanKind.CP_CONTRIBUTION).pk}


def _version(p: Any) -> dict[str, Any]:
    return {"plan_id": make_plan(p.pupil, p.pastoral).pk, "number": 1}


def _action(p: Any) -> dict[str, Any]:
    plan = make_plan(p.pupil, p.pastoral)
    return {"action_id": plan.versions.get().actions.get().pk}


def _pupil(p: Any) -> dict[str, Any]:
    return {"pupil_id": p.pupil.pk}


def _group(p: Any) -> Any:
    group = GroupFactory(school=p.school, runner=p.pastoral, intervention__school=p.school)
    MemberFactory(group=group, pupil=p.pupil)
    return group


def _group_kwargs(p: Any) -> dict[str, Any]:
    return {"group_id": _group(p).pk}


def _intervention_kwargs(p: Any) -> dict[str, Any]:
    return {"intervention_id": _group(p).intervention_id}


def _placement(p: Any) -> dict[str, Any]:
    placement: Any = PlacementFactory(school=p.school, pupil=p.pupil, keyworker=p.pastoral, provider__school=p.school)
    return {"placement_id": placement.pk}


def _review_data(p: Any) -> dict[str, Any]:
    return {"held_on": "2026-10-01", "decision": "continue"}


def _questionnaire(p: Any) -> Any:
    from apps.support.models import Question, Questionnaire

    questionnaire = Questionnaire.objects.create(school=p.school, title="Wellbeing check", created_by=p.pastoral)
    Question.objects.create(questionnaire=questionnaire, order=1, text="I feel safe at school")
    return questionnaire


def _questionnaire_kwargs(p: Any) -> dict[str, Any]:
    return {"questionnaire_id": _questionnaire(p).pk}


def _token_kwargs(p: Any) -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    from apps.support.models import QuestionnaireInvite
    from apps.support.services import token_hash

    token = f"tok{QuestionnaireInvite.objects.count()}-abcdefghijklmnop"
    QuestionnaireInvite.objects.create(
        questionnaire=_questionnaire(p),
        pupil=p.pupil,
        token_hash=token_hash(token),
        created_by=p.pastoral,
        created_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    return {"token": token}


def _slot_kwargs(p: Any) -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    from apps.support.models import Appointment

    slot = Appointment.objects.create(
        school=p.school,
        adviser="Ms Careers",
        starts_at=timezone.make_aware(dt.datetime(2026, 11, 26, 10, 0)),
        pupil=p.pupil,
        booked_by=p.pastoral,
    )
    return {"appointment_id": slot.pk}


def _psp_plan(p: Any) -> dict[str, Any]:
    return {"plan_id": make_plan(p.pupil, p.pastoral, kind=PlanKind.PSP, title="PSP").pk}


def _psp_data(p: Any) -> dict[str, Any]:
    return {"psp": make_psp(p.pupil, p.pastoral).pk}


def _phase(p: Any) -> dict[str, Any]:
    plan = make_reintegration(p.pupil, p.pastoral)
    return {"phase_id": plan.reintegration.phases.order_by("starts_on").first().pk}


def _phase_data(p: Any) -> dict[str, Any]:
    """Link the attendance office's existing record (the pastoral team may do this)."""
    from apps.support.models import ReintegrationPhase

    phase = ReintegrationPhase.objects.filter(reduces_hours=True, part_time__isnull=True).latest("pk")
    return {f"phase{phase.pk}-existing": make_part_time(p.pupil, p.attendance_officer).pk}


def _plan_type(p: Any) -> dict[str, Any]:
    from apps.support.models import PlanType
    from apps.support.services import ensure_plan_types

    ensure_plan_types(p.school)
    return {"type_id": PlanType.objects.filter(school=p.school).order_by("pk").first().pk}  # type: ignore[union-attr]


CASES = [
    Case("support:caseload", PASTORAL_TEAM | OTHER_SCHOOL_TEAM),
    Case("support:team", LEADS | OTHER_SCHOOL_TEAM),
    Case(
        "support:reassign",
        LEADS | OTHER_SCHOOL_TEAM,
        method="POST",
        data=lambda p: {"from_keyworker": p.pastoral.pk, "to_keyworker": p.pastoral_lead.pk, "reason": "Leave"},
    ),
    Case("support:plan_new", PASTORAL_TEAM, kwargs=_pupil),
    Case("support:reintegration_new", PASTORAL_TEAM, kwargs=_pupil),
    Case("support:placement_new", PASTORAL_TEAM, kwargs=_pupil),
    Case("support:plan", PASTORAL_TEAM, kwargs=_plan),
    Case("support:plan", frozenset({"dsl", "deputy_dsl", "pastoral"}), kwargs=_cp_plan, note="cp"),
    Case("support:plan_version", PASTORAL_TEAM, kwargs=_version),
    Case("support:plan_version", PASTORAL_TEAM, kwargs=_version, query="compare=1", note="compare"),
    Case("support:plan_amend", PASTORAL_TEAM, kwargs=_plan),
    Case("support:plan_review", PASTORAL_TEAM, kwargs=_plan),
    Case("support:plan_review", PASTORAL_TEAM, kwargs=_plan, method="POST", data=_review_data, note="submit"),
    Case("support:plan_pdf", PASTORAL_TEAM, kwargs=_plan),
    Case("support:action_done", PASTORAL_TEAM, kwargs=_action, method="POST"),
    Case("support:interventions", PASTORAL_TEAM | OTHER_SCHOOL_TEAM),
    Case("support:intervention", PASTORAL_TEAM, kwargs=_intervention_kwargs),
    Case("support:group", PASTORAL_TEAM, kwargs=_group_kwargs),
    Case("support:group_register", PASTORAL_TEAM, kwargs=_group_kwargs),
    Case("support:provision_map", PASTORAL_TEAM | OTHER_SCHOOL_TEAM),
    Case("support:placements", PASTORAL_TEAM | OTHER_SCHOOL_TEAM),
    Case("support:placement", PASTORAL_TEAM, kwargs=_placement),
    Case("support:questionnaires", PASTORAL_TEAM | OTHER_SCHOOL_TEAM),
    Case("support:questionnaire", PASTORAL_TEAM, kwargs=_questionnaire_kwargs),
    # The pupil's one-time link needs no sign-in: anyone holding a live link reaches that one page.
    Case("support:answer", SIGNED_IN | ANONYMOUS, kwargs=_token_kwargs),
    Case("support:appointments", PASTORAL_TEAM | OTHER_SCHOOL_TEAM),
    Case("support:appointment", PASTORAL_TEAM, kwargs=_slot_kwargs),
    Case("support:plan_link_psp", PASTORAL_TEAM, kwargs=_psp_plan, method="POST", data=_psp_data),
    Case("support:phase_part_time", PASTORAL_TEAM, kwargs=_phase, method="POST", data=_phase_data),
    Case("support:plan_types", PLAN_TYPE_MANAGERS),
    Case("support:plan_type", PLAN_TYPE_MANAGERS, kwargs=_plan_type),
    Case("support:pupil_attainment", PASTORAL_TEAM, kwargs=_pupil),
    Case(
        "support:pupil_attainment",
        PASTORAL_TEAM,
        kwargs=_pupil,
        method="POST",
        data=lambda p: {"subject": "English", "assessed_on": "2026-11-02", "measure": "Working-at grade", "value": "5"},
        note="record",
    ),
    Case("support:attainment_import", ATTAINMENT_IMPORTERS),
    Case(
        "support:attainment_import",
        ATTAINMENT_IMPORTERS,
        method="POST",
        data=lambda p: {"measure": "Working-at grade", "check": "1"},
        note="check",
    ),
    # The API: plans as the plan pages (the persona pupil's ordinary plan: the pastoral team);
    # interventions and groups as the intervention pages.
    Case("support-plan-list", PASTORAL_TEAM | OTHER_SCHOOL_TEAM, note="api", ok=frozenset({200})),
    Case(
        "support-plan-detail",
        PASTORAL_TEAM,
        kwargs=lambda p: {"pk": make_plan(p.pupil, p.pastoral).pk},
        note="api",
        ok=frozenset({200}),
    ),
    Case("support-intervention-list", PASTORAL_TEAM | OTHER_SCHOOL_TEAM, note="api", ok=frozenset({200})),
    Case(
        "support-intervention-detail",
        PASTORAL_TEAM,
        kwargs=lambda p: {"pk": _group(p).intervention_id},
        note="api",
        ok=frozenset({200}),
    ),
]
