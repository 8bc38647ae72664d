"""Reads of support records, scoped to the school and to what the viewer may see.

Plans of a safeguarding kind (Early Help, CIN, CP contribution) are filtered in SQL to the DSL team
and the plan's keyworker; other plans to the pastoral team who may see the pupil.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404

from apps.accounts.models import DSL_TEAM, PASTORAL_TEAM, Membership, Role, User
from apps.accounts.selectors import roles_in
from apps.attendance.selectors import attendance_summaries
from apps.attendance.statutory import AttendanceSummary
from apps.audit import services as audit
from apps.audit.models import Verb
from apps.behaviour import selectors as behaviour_selectors
from apps.core.models import School
from apps.people.selectors import pupil_visibility

from . import statutory
from .models import (
    SAFEGUARDING_KINDS,
    GroupMember,
    GroupSession,
    Intervention,
    InterventionGroup,
    Placement,
    PlanAction,
    PlanReview,
    PlanStatus,
    PlanTarget,
    PlanVersion,
    Progress,
    Provider,
    ReintegrationPhase,
    SupportPlan,
    TargetProgress,
)
from .rules import LEAD_ROLES

# People ------------------------------------------------------------------------------------------


def is_dsl_team(user: Any, school: Any) -> bool:
    return bool(roles_in(user, school) & DSL_TEAM)


def is_support_team(user: Any, school: Any) -> bool:
    return bool(roles_in(user, school) & PASTORAL_TEAM)


def is_staff_of(user: Any, school: Any) -> bool:
    return user is not None and Membership.objects.filter(user=user, school=school, is_active=True).exists()


def dsl_team(school: School) -> list[User]:
    return list(
        User.objects.filter(memberships__school=school, memberships__role__in=DSL_TEAM, memberships__is_active=True)
        .distinct()
        .order_by("last_name")
    )


def support_staff(school: School) -> QuerySet[User]:
    """Staff who may hold a caseload: the pastoral team."""
    return (
        User.objects.filter(
            memberships__school=school, memberships__role__in=PASTORAL_TEAM, memberships__is_active=True
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def school_staff(school: School) -> QuerySet[User]:
    return (
        User.objects.filter(memberships__school=school, memberships__is_active=True)
        .exclude(memberships__role__in=[Role.GOVERNOR, Role.TRUST_OFFICER])
        .distinct()
        .order_by("last_name", "first_name")
    )


# Plans -----------------------------------------------------------------------------------------


def plan_visibility(school: School, viewer: Any) -> Q | None:
    """A filter on SupportPlan for what `viewer` may see: None for everything."""
    roles = roles_in(viewer, school)
    if not roles & PASTORAL_TEAM:
        return Q(keyworker=viewer)
    pupils = pupil_visibility(school, viewer)
    condition = Q() if pupils is None else Q(pupil__in=_pupil_ids(school, pupils))
    if not roles & DSL_TEAM:
        condition &= ~Q(kind__in=SAFEGUARDING_KINDS)
    if pupils is None and roles & DSL_TEAM:
        return None
    return condition | Q(keyworker=viewer)


def _pupil_ids(school: School, condition: Q) -> QuerySet[Any]:
    from apps.people.models import Pupil

    return Pupil.objects.filter(condition, school=school).values("pk")


def visible_pupil_ids(school: School, viewer: Any) -> set[int] | None:
    """The ids of the pupils the viewer sees, or None when they see every pupil of the school
    (for naming pupils in a report whose totals cover everyone)."""
    condition = pupil_visibility(school, viewer)
    if condition is None:
        return None
    return set(_pupil_ids(school, condition).values_list("pk", flat=True))


def visible_plans(school: School, viewer: Any) -> QuerySet[SupportPlan]:
    qs = SupportPlan.objects.filter(school=school).select_related(
        "pupil", "pupil__year_group", "pupil__form", "keyworker", "plan_type"
    )
    condition = plan_visibility(school, viewer)
    return qs if condition is None else qs.filter(condition)


def get_plan(school: School, viewer: Any, plan_id: int, *, audit_view: bool = True) -> SupportPlan:
    plan = visible_plans(school, viewer).filter(pk=plan_id).first()
    if plan is None:
        audit.record(viewer, Verb.DENIED, ("support.supportplan", plan_id), school=school, reason="support.view_plan")
        raise Http404("No such plan.")
    if audit_view:
        audit.record(viewer, Verb.VIEW, plan, pupil=plan.pupil)
    return plan


def current_version(plan: SupportPlan) -> PlanVersion:
    return get_version(plan, plan.current_version)


def get_version(plan: SupportPlan, number: int) -> PlanVersion:
    version = (
        PlanVersion.objects.filter(plan=plan, number=number)
        .select_related("created_by")
        .prefetch_related(
            Prefetch("targets", queryset=PlanTarget.objects.order_by("order", "id")),
            Prefetch("actions", queryset=PlanAction.objects.select_related("owner").order_by("due_on", "id")),
        )
        .first()
    )
    if version is None:
        raise Http404("No such version.")
    return version


def plan_versions(plan: SupportPlan) -> list[PlanVersion]:
    return list(plan.versions.select_related("created_by").order_by("number"))


def plan_reviews(plan: SupportPlan) -> list[PlanReview]:
    return list(
        plan.reviews.select_related("recorded_by", "version")
        .prefetch_related(Prefetch("progress", queryset=TargetProgress.objects.select_related("target")))
        .order_by("-held_on", "-id")
    )


def latest_ratings(plan: SupportPlan) -> dict[int, int]:
    """{target id: rating at the latest review that rated it}."""
    rows = (
        TargetProgress.objects.filter(review__plan=plan)
        .order_by("target_id", "-review__held_on", "-review_id")
        .values_list("target_id", "rating")
    )
    result: dict[int, int] = {}
    for target_id, rating in rows:
        result.setdefault(target_id, rating)
    return result


def review_period_start(plan: SupportPlan) -> dt.date:
    """The review period runs from the day after the last review (or the plan's start)."""
    last = plan.reviews.order_by("-held_on").values_list("held_on", flat=True).first()
    return last + dt.timedelta(days=1) if last else plan.started_on


@dataclass
class Figures:
    start: dt.date
    end: dt.date
    attendance: AttendanceSummary
    behaviour: dict[str, Any] | None
    attainment: list[dict[str, Any]] = field(default_factory=list)

    @property
    def attendance_pct(self) -> Decimal | None:
        return statutory.percentage(self.attendance.present, self.attendance.possible_sessions)


BEHAVIOUR_FIELDS = (
    "positive_points",
    "negative_points",
    "incidents",
    "detentions",
    "suspension_days",
    "internal_exclusions",
)


def behaviour_figures(value: Any) -> dict[str, Any]:
    """The totals as JSON-safe numbers (suspension days may be a Decimal: half days)."""
    result: dict[str, Any] = {}
    for name in BEHAVIOUR_FIELDS:
        number = getattr(value, name, 0) or 0
        result[name] = number if isinstance(number, int) else float(number)
    return result


def period_figures(school: School, pupil: Any, start: dt.date, end: dt.date) -> Figures:
    """Attendance, behaviour and attainment for one pupil over a review period."""
    summary = attendance_summaries(school, [pupil.pk], start, end)[pupil.pk]
    totals = behaviour_selectors.behaviour_totals(school=school, pupil_ids=[pupil.pk], start=start, end=end)
    return Figures(
        start, end, summary, behaviour_figures(totals.get(pupil.pk)), attainment_figures(school, pupil, start, end)
    )


def attainment_figures(school: School, pupil: Any, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Per subject (and measure): the latest value assessed in `start`..`end` against the latest
    before `start`, with the latest target given up to `end` (`summarise_attainment`)."""
    from .models import AttainmentRecord

    rows = AttainmentRecord.objects.filter(school=school, pupil=pupil, assessed_on__lte=end).values_list(
        "subject", "measure", "assessed_on", "value", "target"
    )
    return summarise_attainment(rows, start, end)


def summarise_attainment(
    rows: Iterable[tuple[str, str, dt.date, str, str]], start: dt.date, end: dt.date
) -> list[dict[str, Any]]:
    """(subject, measure, assessed on, value, target) rows, in any order, to one entry per subject
    and measure: the latest value in `start`..`end` ("now") and the latest before `start`
    ("before"), with the latest target given. JSON-safe (dates as ISO text), so a review keeps a
    copy. Rows after `end` are ignored; subjects with nothing up to `end` are left out."""
    result: dict[tuple[str, str], dict[str, Any]] = {}
    for subject, measure, on, value, target in sorted(rows, key=lambda r: (r[0], r[1], r[2]), reverse=True):
        if on > end:
            continue
        entry = result.setdefault(
            (subject, measure),
            {
                "subject": subject,
                "measure": measure,
                "now": None,
                "now_on": None,
                "before": None,
                "before_on": None,
                "target": "",
            },
        )
        if on >= start:
            if entry["now"] is None:
                entry["now"], entry["now_on"] = value, on.isoformat()
        elif entry["before"] is None:
            entry["before"], entry["before_on"] = value, on.isoformat()
        if not entry["target"] and target:  # newest first: the latest target given
            entry["target"] = target
    return [result[key] for key in sorted(result)]


def pupil_attainment(school: School, pupil: Any, *, limit: int = 200) -> list[Any]:
    from .models import AttainmentRecord

    return list(
        AttainmentRecord.objects.filter(school=school, pupil=pupil)
        .select_related("recorded_by")
        .order_by("subject", "-assessed_on", "-id")[:limit]
    )


# Plan types and the behaviour module's PSP ----------------------------------------------------------


def plan_types(school: School, *, active_only: bool = False) -> QuerySet[Any]:
    from .models import PlanType

    qs = PlanType.objects.filter(school=school)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.annotate(plans_count=Count("plans")).order_by("order", "name")


def get_plan_type(school: School, viewer: Any, type_id: int) -> Any:
    from .models import PlanType

    found = PlanType.objects.filter(school=school, pk=type_id).first()
    if found is None:
        audit.record(viewer, Verb.DENIED, ("support.plantype", type_id), school=school, reason="support.plan_type")
        raise Http404("No such plan type.")
    return found


def pupil_psps(school: School, viewer: Any, pupil: Any) -> list[Any]:
    """The pupil's PSPs in the behaviour module that the viewer may see (newest first)."""
    return [p for p in behaviour_selectors.psps(school, viewer, active_only=False) if p.pupil_id == pupil.pk]


@dataclass
class LinkedPSP:
    psp: Any
    actions: list[Any]
    reviews: list[Any]


def linked_psp(plan: SupportPlan, viewer: Any) -> LinkedPSP | None:
    """The behaviour module's PSP the plan carries, with its targets, actions and reviews, read
    through `apps.behaviour.selectors.get_psp` (which checks the viewer and audits the view)."""
    if plan.psp_id is None:
        return None
    try:
        psp = behaviour_selectors.get_psp(plan.school, viewer, plan.psp_id)
    except Http404:
        return None
    return LinkedPSP(psp, list(psp.actions.all()), list(psp.reviews.order_by("-date", "-id")))


def pupil_part_time_timetable_qs(school: School, pupil: Any) -> QuerySet[Any]:
    """The pupil's part-time timetables in the attendance module (from its selector), as a
    queryset for a choice field: a phase may be linked to one of them."""
    from django.utils import timezone

    from apps.attendance.models import PartTimeTimetable
    from apps.attendance.selectors import part_time_timetables

    ids = [
        r.timetable.pk
        for r in part_time_timetables(school, timezone.localdate(), active_only=False)
        if r.timetable.pupil_id == pupil.pk
    ]
    return PartTimeTimetable.objects.filter(pk__in=ids).order_by("-start_date")


def get_phase(school: School, viewer: Any, phase_id: int) -> Any:
    """A reintegration phase of a plan the viewer may see (404 otherwise, audited)."""
    from .models import ReintegrationPhase

    phase = (
        ReintegrationPhase.objects.filter(pk=phase_id, reintegration__plan__school=school)
        .select_related("reintegration__plan__pupil", "reintegration__plan__school")
        .first()
    )
    if phase is None or not visible_plans(school, viewer).filter(pk=phase.reintegration.plan_id).exists():
        audit.record(viewer, Verb.DENIED, ("support.reintegrationphase", phase_id), school=school, reason="support")
        raise Http404("No such phase.")
    return phase


def pupil_plans(school: School, viewer: Any, pupil: Any) -> list[SupportPlan]:
    return list(visible_plans(school, viewer).filter(pupil=pupil).order_by("-started_on"))


def plans_due_for_review(school: School, viewer: Any, today: dt.date, *, within_days: int = 14) -> list[SupportPlan]:
    """Active plans the viewer holds (or, for a lead, anyone's) due within `within_days` or overdue."""
    qs = visible_plans(school, viewer).filter(
        status=PlanStatus.ACTIVE, next_review_on__lte=today + dt.timedelta(days=within_days)
    )
    if not roles_in(viewer, school) & LEAD_ROLES:
        qs = qs.filter(keyworker=viewer)
    return list(qs.order_by("next_review_on")[:20])


# Caseloads ----------------------------------------------------------------------------------------


@dataclass
class CaseloadPlan:
    plan: SupportPlan
    overdue: bool
    due_soon: bool
    targets_at_risk: int
    #: Reduced-hours weeks of a reintegration plan with no part-time timetable linked (domain §1.8).
    part_time_unrecorded: int = 0


@dataclass
class Caseload:
    keyworker: Any
    plans: list[CaseloadPlan]
    overdue_actions: list[PlanAction]
    placements: list[Placement]

    @property
    def pupils(self) -> int:
        return len({p.plan.pupil_id for p in self.plans} | {p.pupil_id for p in self.placements})

    @property
    def overdue_reviews(self) -> int:
        return sum(1 for p in self.plans if p.overdue)


def _current_targets_at_risk(plan_ids: list[int], today: dt.date) -> dict[int, int]:
    """Targets of the current version due within 14 days (or past due) and not rated achieved at
    the latest review."""
    targets = PlanTarget.objects.filter(
        version__plan_id__in=plan_ids,
        version__number=F("version__plan__current_version"),
        due_on__lte=today + dt.timedelta(days=14),
    ).values_list("pk", "version__plan_id")
    target_plan = dict(targets)
    achieved = set(
        TargetProgress.objects.filter(target_id__in=target_plan, rating=Progress.ACHIEVED).values_list(
            "target_id", flat=True
        )
    )
    result: dict[int, int] = defaultdict(int)
    for target_id, plan_id in target_plan.items():
        if target_id not in achieved:
            result[plan_id] += 1
    return result


def caseload(school: School, keyworker: Any, today: dt.date) -> Caseload:
    plans = list(
        SupportPlan.objects.filter(school=school, keyworker=keyworker, status=PlanStatus.ACTIVE)
        .select_related("pupil", "pupil__year_group", "pupil__form", "plan_type")
        .order_by(F("next_review_on").asc(nulls_last=True), "id")
    )
    at_risk = _current_targets_at_risk([p.pk for p in plans], today)
    unrecorded = dict(
        ReintegrationPhase.objects.filter(
            reintegration__plan__in=[p.pk for p in plans], reduces_hours=True, part_time__isnull=True
        )
        .values("reintegration__plan_id")
        .annotate(n=Count("pk"))
        .values_list("reintegration__plan_id", "n")
    )
    actions = list(
        PlanAction.objects.filter(
            version__plan__school=school,
            owner=keyworker,
            completed_on__isnull=True,
            due_on__lt=today,
            version__plan__status=PlanStatus.ACTIVE,
            version__number=F("version__plan__current_version"),
        )
        .select_related("version__plan__pupil")
        .order_by("due_on")
    )
    placements = list(
        Placement.objects.filter(school=school, keyworker=keyworker)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("pupil", "provider")
    )
    return Caseload(
        keyworker=keyworker,
        plans=[
            CaseloadPlan(
                plan=p,
                overdue=statutory.review_is_overdue(p.next_review_on, today),
                due_soon=statutory.review_is_due_soon(p.next_review_on, today),
                targets_at_risk=at_risk.get(p.pk, 0),
                part_time_unrecorded=unrecorded.get(p.pk, 0),
            )
            for p in plans
        ],
        overdue_actions=actions,
        placements=placements,
    )


@dataclass
class TeamRow:
    keyworker: Any
    active_plans: int
    overdue_reviews: int
    overdue_actions: int


def team_caseloads(school: School, today: dt.date) -> list[TeamRow]:
    """One row per member of the pastoral team and anyone else holding plans."""
    plan_counts = (
        SupportPlan.objects.filter(school=school, status=PlanStatus.ACTIVE)
        .values("keyworker_id")
        .annotate(active=Count("pk"), overdue=Count("pk", filter=Q(next_review_on__lt=today)))
    )
    action_counts = dict(
        PlanAction.objects.filter(
            version__plan__school=school,
            version__plan__status=PlanStatus.ACTIVE,
            version__number=F("version__plan__current_version"),
            completed_on__isnull=True,
            due_on__lt=today,
        )
        .values("owner_id")
        .annotate(n=Count("pk"))
        .values_list("owner_id", "n")
    )
    counts: dict[int, dict[str, int]] = {
        r["keyworker_id"]: {"active": r["active"], "overdue": r["overdue"]} for r in plan_counts
    }
    users = {u.pk: u for u in support_staff(school)}
    extra = set(counts) - set(users)
    users.update({u.pk: u for u in User.objects.filter(pk__in=extra)})
    rows = [
        TeamRow(
            keyworker=user,
            active_plans=counts.get(pk, {}).get("active", 0),
            overdue_reviews=counts.get(pk, {}).get("overdue", 0),
            overdue_actions=action_counts.get(pk, 0),
        )
        for pk, user in users.items()
    ]
    return sorted(rows, key=lambda r: (-r.active_plans, r.keyworker.last_name))


def active_plans_of(school: School, keyworker_id: int) -> QuerySet[SupportPlan]:
    return SupportPlan.objects.filter(
        school=school, keyworker_id=keyworker_id, status=PlanStatus.ACTIVE
    ).select_related("pupil", "keyworker")


def get_action(school: School, viewer: Any, action_id: int) -> PlanAction:
    action = (
        PlanAction.objects.filter(pk=action_id, version__plan__school=school).select_related("version__plan").first()
    )
    if action is None or not visible_plans(school, viewer).filter(pk=action.version.plan_id).exists():
        audit.record(viewer, Verb.DENIED, ("support.planaction", action_id), school=school, reason="support.action")
        raise Http404("No such action.")
    return action


# Interventions -------------------------------------------------------------------------------------


def interventions(school: School) -> QuerySet[Intervention]:
    return (
        Intervention.objects.filter(school=school)
        .select_related("lead")
        .annotate(groups_count=Count("groups", distinct=True))
        .order_by("-is_active", "name")
    )


def get_intervention(school: School, viewer: Any, intervention_id: int) -> Intervention:
    found = Intervention.objects.filter(school=school, pk=intervention_id).select_related("lead").first()
    if found is None:
        audit.record(viewer, Verb.DENIED, ("support.intervention", intervention_id), school=school, reason="support")
        raise Http404("No such intervention.")
    return found


def get_group(school: School, viewer: Any, group_id: int) -> InterventionGroup:
    group = (
        InterventionGroup.objects.filter(school=school, pk=group_id).select_related("intervention", "runner").first()
    )
    if group is None:
        audit.record(viewer, Verb.DENIED, ("support.interventiongroup", group_id), school=school, reason="support")
        raise Http404("No such group.")
    return group


def groups_run_by(school: School, user: Any) -> QuerySet[InterventionGroup]:
    return InterventionGroup.objects.filter(school=school, runner=user).select_related("intervention")


def group_members(group: InterventionGroup) -> list[GroupMember]:
    return list(
        group.members.select_related("pupil", "pupil__year_group", "pupil__form").order_by("pupil__legal_surname")
    )


def members_on(group: InterventionGroup, day: dt.date) -> list[GroupMember]:
    return [m for m in group_members(group) if m.joined_on <= day and (m.left_on is None or m.left_on >= day)]


def group_sessions(group: InterventionGroup) -> list[GroupSession]:
    return list(
        group.sessions.select_related("taken_by").annotate(
            present_count=Count("attendance", filter=Q(attendance__present=True)),
            total_count=Count("attendance"),
        )
    )


def session_on(group: InterventionGroup, day: dt.date) -> GroupSession | None:
    return group.sessions.filter(held_on=day).prefetch_related("attendance").first()


@dataclass
class MemberImpact:
    member: GroupMember
    before_attendance: Decimal | None
    during_attendance: Decimal | None
    before_negative: int | None
    during_negative: int | None
    sessions_attended: int
    helped: bool

    @property
    def attendance_change(self) -> Decimal | None:
        return statutory.change(self.before_attendance, self.during_attendance)


@dataclass
class InterventionImpact:
    rows: list[MemberImpact] = field(default_factory=list)
    members: int = 0
    helped: int = 0
    cost_total: Decimal = Decimal("0.00")
    cost_per_helped: Decimal | None = None
    mean_attendance_before: Decimal | None = None
    mean_attendance_during: Decimal | None = None
    mean_rating_before: Decimal | None = None
    mean_rating_after: Decimal | None = None


def _mean(values: Iterable[Decimal | None]) -> Decimal | None:
    known = [v for v in values if v is not None]
    if not known:
        return None
    return (sum(known, Decimal(0)) / len(known)).quantize(Decimal("0.1"))


def intervention_impact(intervention: Intervention, today: dt.date) -> InterventionImpact:
    """Before and during figures for every member of every group of `intervention`: attendance
    for the 6 weeks before joining against joining to leaving (or today), and the same for
    negative behaviour points, with the cost per pupil helped."""
    members = list(
        GroupMember.objects.filter(group__intervention=intervention)
        .select_related("pupil", "group")
        .order_by("joined_on")
    )
    school = intervention.school
    attended = dict(
        GroupMember.objects.filter(group__intervention=intervention)
        .values("pk")
        .annotate(
            n=Count(
                "group__sessions__attendance",
                filter=Q(
                    group__sessions__attendance__pupil_id=F("pupil_id"), group__sessions__attendance__present=True
                ),
            )
        )
        .values_list("pk", "n")
    )
    # Batch by window: members who share a window are read together.
    windows: dict[tuple[dt.date, dt.date, dt.date, dt.date], list[GroupMember]] = defaultdict(list)
    for m in members:
        before, during = statutory.impact_windows(m.joined_on, min(m.left_on or today, today))
        windows[(before.start, before.end, during.start, during.end)].append(m)
    figures: dict[int, tuple[Any, Any, Any, Any]] = {}
    for (b_start, b_end, d_start, d_end), group in windows.items():
        ids = [m.pupil_id for m in group]
        att_before = attendance_summaries(school, ids, b_start, b_end)
        att_during = attendance_summaries(school, ids, d_start, d_end)
        beh_before = behaviour_selectors.behaviour_totals(school=school, pupil_ids=ids, start=b_start, end=b_end)
        beh_during = behaviour_selectors.behaviour_totals(school=school, pupil_ids=ids, start=d_start, end=d_end)
        for m in group:
            figures[m.pk] = (
                att_before[m.pupil_id],
                att_during[m.pupil_id],
                behaviour_figures(beh_before.get(m.pupil_id))["negative_points"],
                behaviour_figures(beh_during.get(m.pupil_id))["negative_points"],
            )
    rows = []
    for m in members:
        a_before, a_during, n_before, n_during = figures[m.pk]
        before_pct = statutory.percentage(a_before.present, a_before.possible_sessions)
        during_pct = statutory.percentage(a_during.present, a_during.possible_sessions)
        rows.append(
            MemberImpact(
                member=m,
                before_attendance=before_pct,
                during_attendance=during_pct,
                before_negative=n_before,
                during_negative=n_during,
                sessions_attended=attended.get(m.pk, 0),
                helped=statutory.pupil_improved(before_pct, during_pct, n_before, n_during),
            )
        )
    helped = sum(1 for r in rows if r.helped)
    return InterventionImpact(
        rows=rows,
        members=len(rows),
        helped=helped,
        cost_total=(intervention.cost_per_pupil * len(rows)).quantize(Decimal("0.01")),
        cost_per_helped=statutory.cost_per_pupil_helped(intervention.cost_per_pupil, len(rows), helped),
        mean_attendance_before=_mean(r.before_attendance for r in rows),
        mean_attendance_during=_mean(r.during_attendance for r in rows),
        mean_rating_before=statutory.mean_rating(m.entry_rating for m in members if m.entry_rating is not None),
        mean_rating_after=statutory.mean_rating(m.exit_rating for m in members if m.exit_rating is not None),
    )


@dataclass
class ProvisionMap:
    rows: list[GroupMember]
    by_year: list[tuple[int, int, Decimal]]
    by_need: list[tuple[str, int, Decimal]]
    total_cost: Decimal


def provision_map(school: School, viewer: Any, start: dt.date, end: dt.date) -> ProvisionMap:
    """Who receives what between `start` and `end`, with cost, by year group and by need."""
    from .models import Need

    qs = (
        GroupMember.objects.filter(group__school=school, joined_on__lte=end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=start))
        .select_related("pupil", "pupil__year_group", "group", "group__intervention")
        .order_by("pupil__year_group__number", "pupil__legal_surname", "joined_on")
    )
    condition = pupil_visibility(school, viewer)
    if condition is not None:
        qs = qs.filter(pupil__in=_pupil_ids(school, condition))
    rows = list(qs)
    years: dict[int, list[Decimal]] = defaultdict(list)
    needs: dict[str, list[Decimal]] = defaultdict(list)
    for m in rows:
        cost = m.group.intervention.cost_per_pupil
        years[m.pupil.year_group.number].append(cost)
        needs[m.need].append(cost)
    labels = dict(Need.choices)
    return ProvisionMap(
        rows=rows,
        by_year=[(y, len(c), sum(c, Decimal(0))) for y, c in sorted(years.items())],
        by_need=[(str(labels.get(n, n)), len(c), sum(c, Decimal(0))) for n, c in sorted(needs.items())],
        total_cost=sum((m.group.intervention.cost_per_pupil for m in rows), Decimal(0)),
    )


# Choosing group members ---------------------------------------------------------------------------

SEARCH_MIN_CHARS = 2
SEARCH_LIMIT = 20


def _candidates(group: InterventionGroup, viewer: Any, today: dt.date) -> QuerySet[Any]:
    """Pupils the viewer sees, on roll today, not already in the group."""
    from apps.people.selectors import visible_pupils

    return (
        visible_pupils(group.school, viewer, on_roll_on=today)
        .exclude(pk__in=GroupMember.objects.filter(group=group).values("pupil_id"))
        .order_by("legal_surname", "legal_forename", "pk")
    )


def search_candidates(group: InterventionGroup, viewer: Any, query: str, today: dt.date) -> list[Any]:
    """Up to `SEARCH_LIMIT` pupils matching `query` (at least 2 characters) by name, UPN or form."""
    query = query.strip()
    if len(query) < SEARCH_MIN_CHARS:
        return []
    condition = Q(upn__istartswith=query) | Q(form__name__iexact=query)
    for word in query.split():
        condition |= (
            Q(legal_forename__istartswith=word)
            | Q(legal_surname__istartswith=word)
            | Q(preferred_forename__istartswith=word)
            | Q(preferred_surname__istartswith=word)
        )
    words = query.split()
    if len(words) > 1:  # "amy smi": both words must match some name
        condition = Q()
        for word in words:
            condition &= (
                Q(legal_forename__istartswith=word)
                | Q(legal_surname__istartswith=word)
                | Q(preferred_forename__istartswith=word)
                | Q(preferred_surname__istartswith=word)
            )
    return list(_candidates(group, viewer, today).filter(condition)[:SEARCH_LIMIT])


def filter_candidates(group: InterventionGroup, viewer: Any, criteria: dict[str, Any], today: dt.date) -> list[Any]:
    """Every pupil matching the filter (year, form, sex, FSM, SEN, EAL, looked after)."""
    qs = _candidates(group, viewer, today)
    if criteria.get("year"):
        qs = qs.filter(year_group__number=criteria["year"])
    if criteria.get("form"):
        qs = qs.filter(form=criteria["form"])
    if criteria.get("sex"):
        qs = qs.filter(sex=criteria["sex"])
    for name in ("fsm", "eal", "looked_after"):
        if criteria.get(name) in ("yes", "no"):
            qs = qs.filter(**{name: criteria[name] == "yes"})
    sen = criteria.get("sen")
    if sen == "any":
        qs = qs.exclude(sen_status="N")
    elif sen in ("K", "E", "N"):
        qs = qs.filter(sen_status=sen)
    return list(qs)


def persistent_absentee_candidates(group: InterventionGroup, viewer: Any, today: dt.date) -> list[Any]:
    """Pupils the viewer sees who are persistently absent this school year so far (domain §1.3,
    through `apps.attendance.selectors.absence_list`), not already in the group."""
    from apps.attendance.selectors import absence_list, year_start

    rows = absence_list(group.school, viewer, year_start(today), today, band="pa")
    ids = {r.pupil.pk for r in rows}
    return [p for p in _candidates(group, viewer, today).filter(pk__in=ids)]


def behaviour_candidates(
    group: InterventionGroup, viewer: Any, today: dt.date, *, points: int, weeks: int
) -> list[Any]:
    """Pupils the viewer sees with at least `points` negative behaviour points in the last
    `weeks` weeks (`apps.behaviour.selectors.behaviour_totals`), not already in the group."""
    pupils = list(_candidates(group, viewer, today))
    totals = behaviour_selectors.behaviour_totals(
        school=group.school, pupil_ids=[p.pk for p in pupils], start=today - dt.timedelta(weeks=weeks), end=today
    )
    return [p for p in pupils if totals[p.pk].negative_points >= points]


def pupil_memberships(pupil: Any) -> list[GroupMember]:
    return list(pupil.intervention_memberships.select_related("group", "group__intervention").order_by("-joined_on"))


# Placements and reintegration ---------------------------------------------------------------------


def providers(school: School) -> QuerySet[Provider]:
    return Provider.objects.filter(school=school)


def visible_placements(school: School, viewer: Any) -> QuerySet[Placement]:
    qs = Placement.objects.filter(school=school).select_related("pupil", "pupil__year_group", "provider", "keyworker")
    condition = pupil_visibility(school, viewer)
    return qs if condition is None else qs.filter(pupil__in=_pupil_ids(school, condition))


def get_placement(school: School, viewer: Any, placement_id: int) -> Placement:
    placement = visible_placements(school, viewer).filter(pk=placement_id).first()
    if placement is None:
        audit.record(viewer, Verb.DENIED, ("support.placement", placement_id), school=school, reason="support")
        raise Http404("No such placement.")
    audit.record(viewer, Verb.VIEW, placement, pupil=placement.pupil)
    return placement


def placement_attendance(placement: Placement, today: dt.date) -> AttendanceSummary:
    end = min(placement.ends_on or today, today)
    if end < placement.starts_on:
        return AttendanceSummary()
    return attendance_summaries(placement.school, [placement.pupil_id], placement.starts_on, end)[placement.pupil_id]


def phase_attendance(plan: SupportPlan, today: dt.date) -> list[tuple[Any, AttendanceSummary | None]]:
    """Each phase of a reintegration timetable with the attendance it achieved so far."""
    reintegration = getattr(plan, "reintegration", None)
    if reintegration is None:
        return []
    result: list[tuple[Any, AttendanceSummary | None]] = []
    for phase in reintegration.phases.select_related("part_time").order_by("starts_on"):
        if phase.starts_on > today:
            result.append((phase, None))
            continue
        end = min(phase.ends_on, today)
        result.append((phase, attendance_summaries(plan.school, [plan.pupil_id], phase.starts_on, end)[plan.pupil_id]))
    return result


# Questionnaires ------------------------------------------------------------------------------------


def questionnaires(school: School) -> QuerySet[Any]:
    from .models import Questionnaire

    return Questionnaire.objects.filter(school=school).annotate(responses_count=Count("responses")).order_by("title")


def get_questionnaire(school: School, viewer: Any, questionnaire_id: int) -> Any:
    from .models import Questionnaire

    found = Questionnaire.objects.filter(school=school, pk=questionnaire_id).first()
    if found is None:
        audit.record(viewer, Verb.DENIED, ("support.questionnaire", questionnaire_id), school=school, reason="support")
        raise Http404("No such questionnaire.")
    return found


def invite_problem(invite: Any, now: Any = None) -> str | None:
    """Why a link cannot be used, in words for a pupil, or None."""
    from django.utils import timezone

    now = now or timezone.now()
    if invite is None:
        return "This link is not recognised. Ask the member of staff for a new one."
    if invite.used_at is not None:
        return "This link has already been used. Thank you for your answers."
    if invite.expires_at <= now:
        return "This link has expired. Ask the member of staff for a new one."
    return None


def get_invite(token: str) -> Any:
    from .models import QuestionnaireInvite
    from .services import token_hash

    return (
        QuestionnaireInvite.objects.select_related("questionnaire")
        .prefetch_related("questionnaire__questions")
        .filter(token_hash=token_hash(token))
        .first()
    )


@dataclass
class QuestionSummary:
    question: Any
    answered: int
    mean: Decimal | None
    texts: list[str]


def questionnaire_results(questionnaire: Any, viewer: Any) -> tuple[list[QuestionSummary], list[Any]]:
    """Per question: how many answered, the mean rating, and the free-text answers; and the named
    responses (none for an anonymous questionnaire), limited to pupils the viewer sees."""
    from .models import Answer

    rows = (
        Answer.objects.filter(response__questionnaire=questionnaire)
        .values("question_id")
        .annotate(n=Count("pk", filter=Q(rating__isnull=False)), total=models_sum("rating"))
    )
    stats: dict[int, Any] = {r["question_id"]: r for r in rows}
    texts: dict[int, list[str]] = defaultdict(list)
    for qid, text in (
        Answer.objects.filter(response__questionnaire=questionnaire)
        .exclude(text="")
        .values_list("question_id", "text")[:500]
    ):
        texts[qid].append(text)
    summaries = []
    for q in questionnaire.questions.all():
        s: dict[str, Any] = stats.get(q.pk, {})
        n = s.get("n") or 0
        mean = (Decimal(s["total"]) / n).quantize(Decimal("0.1")) if n else None
        summaries.append(QuestionSummary(q, n, mean, texts.get(q.pk, [])))
    named: list[Any] = []
    if not questionnaire.anonymous:
        qs = questionnaire.responses.filter(pupil__isnull=False).select_related("pupil")
        condition = pupil_visibility(questionnaire.school, viewer)
        if condition is not None:
            qs = qs.filter(pupil__in=_pupil_ids(questionnaire.school, condition))
        named = list(qs[:200])
    return summaries, named


@dataclass
class GroupResult:
    year: int | None
    responses: int
    shown: bool
    #: The mean rating per rating question, in question order (None when nobody answered it).
    means: list[Decimal | None]
    mean_score: Decimal | None


def questionnaire_by_year(questionnaire: Any) -> list[GroupResult]:
    """Results aggregated by year group, for named and anonymous questionnaires alike: responses
    and the mean of each rating question. A group with fewer than `statutory.MIN_GROUP_SHOWN`
    responses is counted but its figures are withheld (`shown` False), so nobody's answers can
    be picked out of a small group."""
    from .models import Answer, QuestionKind

    rating_ids = [q.pk for q in questionnaire.questions.all() if q.kind == QuestionKind.RATING]
    counts = dict(questionnaire.responses.values("year_number").annotate(n=Count("pk")).values_list("year_number", "n"))
    scores = dict(
        questionnaire.responses.values("year_number")
        .annotate(total=models_sum("total_score"))
        .values_list("year_number", "total")
    )
    ratings: dict[tuple[int | None, int], tuple[int, int]] = {}
    for year, qid, n, total in (
        Answer.objects.filter(response__questionnaire=questionnaire, rating__isnull=False)
        .values("response__year_number", "question_id")
        .annotate(n=Count("pk"), total=models_sum("rating"))
        .values_list("response__year_number", "question_id", "n", "total")
    ):
        ratings[(year, qid)] = (n, total)
    result = []
    for year in sorted(counts, key=lambda y: (y is None, y or 0)):
        n = counts[year]
        shown = statutory.group_shown(n)
        means: list[Decimal | None] = []
        for qid in rating_ids:
            answered, total = ratings.get((year, qid), (0, 0))
            means.append((Decimal(total) / answered).quantize(Decimal("0.1")) if shown and answered else None)
        mean_score = (Decimal(scores.get(year) or 0) / n).quantize(Decimal("0.1")) if shown else None
        result.append(GroupResult(year, n, shown, means, mean_score))
    return result


def models_sum(field_name: str) -> Any:
    from django.db.models import Sum

    return Sum(field_name)


def pupil_responses(pupil: Any) -> list[Any]:
    return list(pupil.questionnaire_responses.select_related("questionnaire").order_by("-submitted_at")[:10])


# Careers appointments ------------------------------------------------------------------------------


def appointments(school: School, viewer: Any, start: dt.date) -> list[Any]:
    """Slots from `start` on; a booked slot for a pupil the viewer may not see shows as booked
    without the name (the template hides it)."""
    from .models import Appointment

    rows = list(
        Appointment.objects.filter(school=school, starts_at__date__gte=start)
        .select_related("pupil", "pupil__form")
        .order_by("starts_at")[:200]
    )
    condition = pupil_visibility(school, viewer)
    if condition is not None:
        seen = set(_pupil_ids(school, condition).values_list("pk", flat=True))
        for row in rows:
            row.hidden = row.pupil_id is not None and row.pupil_id not in seen  # type: ignore[attr-defined]
    return rows


def get_appointment(school: School, viewer: Any, appointment_id: int) -> Any:
    from .models import Appointment

    found = Appointment.objects.filter(school=school, pk=appointment_id).select_related("pupil").first()
    if found is None or (found.pupil is not None and not _sees(school, viewer, found.pupil.pk)):
        audit.record(viewer, Verb.DENIED, ("support.appointment", appointment_id), school=school, reason="support")
        raise Http404("No such appointment.")
    return found


def _sees(school: School, viewer: Any, pupil_id: int) -> bool:
    condition = pupil_visibility(school, viewer)
    return condition is None or _pupil_ids(school, condition).filter(pk=pupil_id).exists()


def pupils_without_careers_appointment(school: School, viewer: Any, today: dt.date) -> list[Any]:
    """Pupils in Years 10 and 11, on roll today, with no careers appointment this school year."""
    from apps.core.calendar import academic_year_bounds
    from apps.people.selectors import visible_pupils

    from .models import Appointment, AppointmentKind

    start, end = academic_year_bounds(today)
    had = Appointment.objects.filter(
        school=school,
        kind=AppointmentKind.CAREERS,
        pupil__isnull=False,
        starts_at__date__gte=start,
        starts_at__date__lte=end,
    ).values("pupil_id")
    return list(
        visible_pupils(school, viewer, on_roll_on=today)
        .filter(year_group__number__in=[10, 11])
        .exclude(pk__in=had)
        .order_by("year_group__number", "legal_surname", "legal_forename")
    )
