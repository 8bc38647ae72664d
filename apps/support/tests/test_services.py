from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.accounts.models import Notification
from apps.attendance import services as attendance
from apps.attendance.models import Mark
from apps.audit.models import AuditEvent, Verb
from apps.chronology.models import Entry
from apps.support import selectors, services
from apps.support.models import (
    GroupMember,
    PlanKind,
    PlanStatus,
    PlanVersion,
    ProviderKind,
    SessionAttendance,
    SupportPlan,
)
from apps.support.services import ActionSpec, PhaseSpec, PlanContent, ProgressSpec, TargetSpec
from apps.support.tests.conftest import FakeTotals
from apps.support.tests.factories import MemberFactory, make_group, make_placement, make_plan, make_provider

MON = dt.date(2026, 9, 14)


def week(monday: dt.date) -> list[dt.date]:
    return [monday + dt.timedelta(days=i) for i in range(5)]


def content(p, *, targets=("Arrive on time to period 5",), owner=None) -> PlanContent:
    return PlanContent(
        barriers="Finds crowded corridors hard.",
        targets=[TargetSpec(t, "Register shows on time", MON + dt.timedelta(weeks=6)) for t in targets],
        actions=[ActionSpec("Early lesson pass", owner or p.pastoral, MON + dt.timedelta(days=7))],
        pupil_views="I get panicky when it's busy.",
    )


def open_plan(p, **extra) -> SupportPlan:
    return services.create_plan(
        p.pastoral,
        pupil=p.pupil,
        kind=extra.pop("kind", PlanKind.PASTORAL_SUPPORT),
        title="Settling in",
        keyworker=p.pastoral,
        started_on=MON,
        content=extra.pop("content", content(p)),
        **extra,
    )


def test_opening_a_plan_writes_version_one_chronology_and_audit(personas):
    plan = open_plan(personas)
    assert plan.current_version == 1
    assert plan.next_review_on == dt.date(2026, 10, 26)  # six weeks on
    version = selectors.current_version(plan)
    assert [t.description for t in version.targets.all()] == ["Arrive on time to period 5"]
    entry = Entry.objects.get(source_type="support.supportplan", source_id=str(plan.pk))
    assert entry.confidentiality == "pastoral"
    assert AuditEvent.objects.filter(verb=Verb.CREATE, target_type="support.supportplan").exists()


def test_a_teacher_cannot_open_a_plan_and_the_refusal_is_audited(personas):
    with pytest.raises(PermissionDenied):
        services.create_plan(
            personas.teacher,
            pupil=personas.pupil,
            kind=PlanKind.PASTORAL_SUPPORT,
            title="x",
            keyworker=personas.teacher,
            started_on=MON,
            content=content(personas),
        )
    assert not SupportPlan.objects.exists()
    assert AuditEvent.objects.filter(verb=Verb.DENIED, reason="support.create_plan").exists()


def test_only_the_dsl_team_opens_a_child_protection_contribution(personas):
    with pytest.raises(PermissionDenied):
        open_plan(personas, kind=PlanKind.CP_CONTRIBUTION)
    plan = services.create_plan(
        personas.dsl,
        pupil=personas.pupil,
        kind=PlanKind.CP_CONTRIBUTION,
        title="CP plan: school actions",
        keyworker=personas.pastoral,
        started_on=MON,
        content=content(personas),
    )
    assert Entry.objects.get(source_id=str(plan.pk)).confidentiality == "safeguarding"


def test_a_plan_needs_barriers_and_a_target(personas):
    with pytest.raises(ValidationError) as error:
        open_plan(personas, content=PlanContent(barriers=" ", targets=[TargetSpec("  ")]))
    assert "Describe the barriers the plan addresses." in error.value.messages
    assert "Give at least one target." in error.value.messages


def test_amending_writes_a_new_version_and_keeps_the_old_one(personas):
    plan = open_plan(personas)
    v2 = services.amend_plan(
        personas.pastoral,
        plan=plan,
        content=content(personas, targets=("Arrive on time to period 5", "Eat lunch in the canteen")),
        reason="Review of 05/10: lunch is the next step",
    )
    plan.refresh_from_db()
    assert (plan.current_version, v2.number) == (2, 2)
    v1 = PlanVersion.objects.get(plan=plan, number=1)
    assert v1.targets.count() == 1 and v2.targets.count() == 2
    assert v2.change_reason.startswith("Review of 05/10")


def test_amending_needs_a_reason(personas):
    plan = open_plan(personas)
    with pytest.raises(ValidationError):
        services.amend_plan(personas.pastoral, plan=plan, content=content(personas), reason="")
    assert PlanVersion.objects.filter(plan=plan).count() == 1


def record_week_of_marks(p, monday: dt.date, *, absent: int = 0) -> None:
    """Ten sessions Monday to Friday: the last `absent` of them unauthorised (O)."""
    sessions = [(d, s) for d in week(monday) for s in ("AM", "PM")]
    present, missing = sessions[: len(sessions) - absent], sessions[len(sessions) - absent :]
    attendance.record_marks(None, school=p.school, pupil=p.pupil, sessions=present, code="/", reason="")
    if missing:
        attendance.record_marks(None, school=p.school, pupil=p.pupil, sessions=missing, code="O", reason="")


def test_review_copies_in_the_period_figures_hand_worked(personas, behaviour):
    plan = open_plan(personas)
    record_week_of_marks(personas, MON, absent=2)
    behaviour[personas.pupil.pk] = FakeTotals(positive_points=12, negative_points=3, incidents=1)
    target = selectors.current_version(plan).targets.get()
    review = services.record_review(
        personas.pastoral,
        plan=plan,
        held_on=dt.date(2026, 9, 18),
        decision="continue",
        progress={target.pk: ProgressSpec(2, "On time 4 days of 5")},
    )
    # 10 possible sessions, 8 present, 2 unauthorised: 80%.
    assert (review.possible_sessions, review.attended_sessions, review.unauthorised_sessions) == (10, 8, 2)
    assert review.attendance_pct == Decimal(80)
    assert review.behaviour["positive_points"] == 12 and review.behaviour["negative_points"] == 3
    assert (review.period_start, review.period_end) == (MON, dt.date(2026, 9, 18))
    plan.refresh_from_db()
    assert plan.next_review_on == dt.date(2026, 10, 30)


def test_the_next_review_period_starts_the_day_after_the_last(personas):
    plan = open_plan(personas)
    target = selectors.current_version(plan).targets.get()
    services.record_review(
        personas.pastoral,
        plan=plan,
        held_on=dt.date(2026, 9, 18),
        decision="continue",
        progress={target.pk: ProgressSpec(1)},
    )
    assert selectors.review_period_start(plan) == dt.date(2026, 9, 19)


def test_a_review_must_rate_every_target(personas):
    plan = open_plan(personas, content=content(personas, targets=("A", "B")))
    first = selectors.current_version(plan).targets.all()[0]
    with pytest.raises(ValidationError) as error:
        services.record_review(
            personas.pastoral,
            plan=plan,
            held_on=dt.date(2026, 9, 18),
            decision="continue",
            progress={first.pk: ProgressSpec(1)},
        )
    assert "Rate progress against every target" in error.value.messages[0]


def test_closing_at_review_closes_the_plan_and_refuses_further_reviews(personas):
    plan = open_plan(personas)
    target = selectors.current_version(plan).targets.get()
    services.record_review(
        personas.pastoral,
        plan=plan,
        held_on=dt.date(2026, 10, 20),
        decision="close",
        progress={target.pk: ProgressSpec(3)},
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED and plan.closed_on == dt.date(2026, 10, 20) and plan.next_review_on is None
    with pytest.raises(ValidationError):
        services.record_review(
            personas.pastoral, plan=plan, held_on=dt.date(2026, 10, 21), decision="continue", progress={}
        )


def test_escalating_alerts_the_dsl_team(personas):
    plan = open_plan(personas)
    target = selectors.current_version(plan).targets.get()
    services.record_review(
        personas.pastoral,
        plan=plan,
        held_on=dt.date(2026, 10, 20),
        decision="escalate",
        progress={target.pk: ProgressSpec(0)},
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ESCALATED
    alerted = set(Notification.objects.values_list("user__username", flat=True))
    assert {"dsl", "deputy_dsl"} <= alerted


def test_completing_an_action(personas):
    plan = open_plan(personas)
    action = selectors.current_version(plan).actions.get()
    services.complete_action(personas.pastoral, action=action, on=dt.date(2026, 9, 16))
    action.refresh_from_db()
    assert action.completed_on == dt.date(2026, 9, 16)
    with pytest.raises(ValidationError):
        services.complete_action(personas.pastoral, action=action)


def test_safeguarding_kinds_are_hidden_from_pastoral_staff_who_are_not_the_keyworker(personas):
    cp = make_plan(personas.pupil, personas.pastoral, kind=PlanKind.CIN)
    ordinary = make_plan(personas.pupil, personas.pastoral)
    for name, expected in [
        ("dsl", {cp.pk, ordinary.pk}),
        ("pastoral", {cp.pk, ordinary.pk}),
        ("head_of_year", {ordinary.pk}),
        ("senco", {ordinary.pk}),
        ("teacher", set()),
    ]:
        seen = set(selectors.visible_plans(personas.school, personas.users[name]).values_list("pk", flat=True))
        assert seen == expected, name


def test_caseload_flags_overdue_reviews_actions_and_targets_at_risk(personas):
    plan = make_plan(personas.pupil, personas.pastoral, next_review_on=dt.date(2026, 11, 1))
    load = selectors.caseload(personas.school, personas.pastoral, dt.date(2026, 11, 23))
    assert load.pupils == 1 and load.overdue_reviews == 1
    assert [a.description for a in load.overdue_actions] == ["Early lesson pass"]
    assert load.plans[0].targets_at_risk == 1  # the dated target, not rated achieved
    assert selectors.caseload(personas.school, personas.pastoral_lead, dt.date(2026, 11, 23)).plans == []
    assert plan.pk == load.plans[0].plan.pk


def test_the_pastoral_lead_reassigns_a_caseload(personas):
    make_plan(personas.pupil, personas.pastoral)
    make_plan(personas.other_pupil, personas.pastoral)
    plans = list(selectors.active_plans_of(personas.school, personas.pastoral.pk))
    moved = services.reassign_plans(personas.pastoral_lead, plans=plans, keyworker=personas.senco, reason="Long leave")
    assert moved == 2
    assert set(SupportPlan.objects.values_list("keyworker__username", flat=True)) == {"senco"}
    assert Notification.objects.filter(user=personas.senco).exists()
    rows = {r.keyworker.username: r.active_plans for r in selectors.team_caseloads(personas.school, MON)}
    assert rows["senco"] == 2 and rows["pastoral"] == 0


def test_a_keyworker_cannot_reassign(personas):
    plan = make_plan(personas.pupil, personas.pastoral)
    with pytest.raises(PermissionDenied):
        services.reassign_plans(personas.pastoral, plans=[plan], keyworker=personas.senco, reason="x")


# Interventions -------------------------------------------------------------------------------


def test_adding_members_respects_capacity_and_writes_the_chronology(personas):
    group = make_group(school=personas.school, runner=personas.pastoral, intervention__school=personas.school)
    group.intervention.capacity = 1
    group.intervention.save()
    services.add_member(personas.pastoral, group=group, pupil=personas.pupil, joined_on=MON, need="semh")
    assert Entry.objects.filter(pupil=personas.pupil, title__startswith="Joined").exists()
    with pytest.raises(ValidationError, match="full"):
        services.add_member(personas.pastoral, group=group, pupil=personas.other_pupil, joined_on=MON, need="semh")


def test_taking_a_group_register(personas):
    group = make_group(school=personas.school, runner=personas.teacher, intervention__school=personas.school)
    MemberFactory(group=group, pupil=personas.pupil)
    MemberFactory(group=group, pupil=personas.sibling)
    session = services.record_group_session(
        personas.teacher, group=group, held_on=dt.date(2026, 9, 15), present_ids=[personas.pupil.pk], notes="Good"
    )
    marks = dict(SessionAttendance.objects.filter(session=session).values_list("pupil_id", "present"))
    assert marks == {personas.pupil.pk: True, personas.sibling.pk: False}
    with pytest.raises(ValidationError):
        services.record_group_session(
            personas.teacher, group=group, held_on=dt.date(2026, 9, 16), present_ids=[personas.other_pupil.pk]
        )
    with pytest.raises(PermissionDenied):
        services.record_group_session(personas.other_teacher, group=group, held_on=dt.date(2026, 9, 16), present_ids=[])


def test_intervention_impact_hand_worked(personas, behaviour):
    group = make_group(school=personas.school, runner=personas.pastoral, intervention__school=personas.school)
    MemberFactory(group=group, pupil=personas.pupil, joined_on=dt.date(2026, 10, 5), left_on=dt.date(2026, 10, 9))
    # Before: two weeks, 20 sessions, 5 missed = 75%. During: one week, all present = 100%.
    record_week_of_marks(personas, dt.date(2026, 9, 21), absent=3)
    record_week_of_marks(personas, dt.date(2026, 9, 28), absent=2)
    record_week_of_marks(personas, dt.date(2026, 10, 5))
    behaviour[personas.pupil.pk] = FakeTotals(negative_points=4)
    impact = selectors.intervention_impact(group.intervention, dt.date(2026, 11, 23))
    row = impact.rows[0]
    assert row.before_attendance == Decimal(75) and row.during_attendance == Decimal(100)
    assert row.attendance_change == Decimal(25)
    assert row.helped  # attendance up, behaviour the same
    assert (impact.members, impact.helped) == (1, 1)
    assert impact.cost_total == Decimal("40.00") and impact.cost_per_helped == Decimal("40.00")


def test_provision_map_totals_by_year_and_need(personas):
    group = make_group(school=personas.school, runner=personas.pastoral, intervention__school=personas.school)
    MemberFactory(group=group, pupil=personas.pupil, need="semh")
    MemberFactory(group=group, pupil=personas.other_pupil, need="attendance")
    data = selectors.provision_map(personas.school, personas.pastoral, dt.date(2026, 9, 1), dt.date(2027, 8, 31))
    assert data.by_year == [(9, 1, Decimal("40.00")), (10, 1, Decimal("40.00"))]
    assert data.total_cost == Decimal("80.00")
    # A head of year sees only their year's pupils.
    assert len(selectors.provision_map(personas.school, personas.head_of_year, MON, MON).rows) == 1
    assert GroupMember.objects.count() == 2


# Reintegration and placements -------------------------------------------------------------


def test_reintegration_plan_with_phases_and_attendance_per_phase(personas):
    plan = services.create_reintegration(
        personas.pastoral,
        pupil=personas.pupil,
        keyworker=personas.pastoral,
        reason="suspension",
        started_on=MON,
        content=content(personas),
        phases=[
            PhaseSpec(MON, dt.date(2026, 9, 18), "Mornings only"),
            PhaseSpec(dt.date(2026, 9, 21), dt.date(2026, 9, 25), "Full timetable"),
        ],
        meeting_on=dt.date(2026, 9, 11),
        check_in_with="Miss Costain",
    )
    assert plan.kind == PlanKind.REINTEGRATION and plan.review_interval_weeks == 2
    record_week_of_marks(personas, MON, absent=5)
    phases = selectors.phase_attendance(plan, dt.date(2026, 11, 23))
    first, second = phases[0][1], phases[1][1]
    assert not phases[0][0].reduces_hours
    assert first is not None and second is not None
    assert (first.possible_sessions, first.present) == (10, 5)
    assert second.possible_sessions == 0


@pytest.mark.parametrize(("kind", "code"), [(ProviderKind.APPROVED_ACTIVITY, "B"), (ProviderKind.LA_ARRANGED, "K")])
def test_provider_attendance_becomes_register_marks(personas, kind, code):
    placement = make_placement(
        school=personas.school, pupil=personas.pupil, keyworker=personas.pastoral, provider__school=personas.school
    )
    placement.provider.kind = kind
    placement.provider.save()
    services.record_placement_attendance(
        personas.pastoral,
        placement=placement,
        attended=[(MON, "AM"), (MON, "PM")],
        missed=[(dt.date(2026, 9, 16), "AM")],
    )
    marks = dict(Mark.objects.filter(pupil=personas.pupil).values_list("date", "code").order_by("date", "session"))
    assert marks == {MON: code, dt.date(2026, 9, 16): "N"}


def test_provider_attendance_outside_the_placement_days_is_refused(personas):
    placement = make_placement(
        school=personas.school, pupil=personas.pupil, keyworker=personas.pastoral, provider__school=personas.school
    )
    with pytest.raises(ValidationError, match="not part of the placement"):
        services.record_placement_attendance(
            personas.pastoral, placement=placement, attended=[(dt.date(2026, 9, 15), "AM")]
        )
    assert not Mark.objects.exists()


def test_dual_registration_is_coded_d_and_not_a_possible_session(personas):
    provider = make_provider(school=personas.school, kind=ProviderKind.DUAL_REGISTRATION)
    placement = services.create_placement(
        personas.pastoral,
        pupil=personas.pupil,
        provider=provider,
        starts_on=MON,
        weekdays=[0],
        sessions=["AM", "PM"],
        keyworker=personas.pastoral,
    )
    assert selectors.placement_attendance(placement, dt.date(2026, 11, 23)).possible_sessions == 0
    services.record_placement_attendance(personas.pastoral, placement=placement, attended=[(MON, "AM")])
    assert Mark.objects.get(pupil=personas.pupil).code == "D"
    assert selectors.placement_attendance(placement, dt.date(2026, 11, 23)).possible_sessions == 0


def test_a_placement_needs_days_and_sessions(personas):
    provider = make_provider(school=personas.school)
    with pytest.raises(ValidationError):
        services.create_placement(
            personas.pastoral,
            pupil=personas.pupil,
            provider=provider,
            starts_on=MON,
            weekdays=[],
            sessions=[],
            keyworker=personas.pastoral,
        )


def test_safeguarding_confirmation_and_contact_log(personas):
    placement = make_placement(
        school=personas.school, pupil=personas.pupil, keyworker=personas.pastoral, provider__school=personas.school
    )
    services.confirm_placement_safeguarding(
        personas.pastoral, placement=placement, confirmed_on=dt.date(2026, 9, 1), reference="Letter 01/09"
    )
    services.add_placement_contact(
        personas.pastoral, placement=placement, contacted_on=dt.date(2026, 9, 20), note="Settling well."
    )
    placement.refresh_from_db()
    assert placement.safeguarding_confirmed_on == dt.date(2026, 9, 1)
    assert placement.contacts.count() == 1


def test_a_placement_review_logs_the_outcome_and_sets_the_next_review(personas, client_for):
    placement = make_placement(
        school=personas.school, pupil=personas.pupil, keyworker=personas.pastoral, provider__school=personas.school
    )
    placement.next_review_on = dt.date(2026, 10, 1)
    placement.review_interval_weeks = 6
    placement.save()
    with pytest.raises(ValidationError, match="Write the outcome"):
        services.review_placement(personas.pastoral, placement=placement, held_on=dt.date(2026, 11, 2), outcome=" ")
    contact = services.review_placement(
        personas.pastoral, placement=placement, held_on=dt.date(2026, 11, 2), outcome="Settled; keep Tuesdays."
    )
    placement.refresh_from_db()
    assert contact.note == "Review: Settled; keep Tuesdays."
    assert placement.next_review_on == dt.date(2026, 12, 14)  # 6 weeks on, a Monday
    assert Entry.objects.filter(pupil=personas.pupil, title__contains="reviewed").exists()
    with pytest.raises(ValidationError, match="after this one"):
        services.review_placement(
            personas.pastoral,
            placement=placement,
            held_on=dt.date(2026, 11, 2),
            outcome="Again",
            next_review_on=dt.date(2026, 11, 2),
        )
    response = client_for(personas.pastoral).post(
        f"/support/placements/{placement.pk}/",
        {"form": "review", "review-held_on": "2026-11-16", "review-outcome": "Going well."},
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.next_review_on == dt.date(2026, 12, 28)
