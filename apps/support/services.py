"""Every write to support records: plans and their versions, reviews, caseloads, interventions
and groups, reintegration and off-site placements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.audit import services as audit
from apps.audit.models import Verb
from apps.chronology import services as chronology
from apps.chronology.models import Confidentiality, Kind

from . import selectors, statutory
from .models import (
    SAFEGUARDING_KINDS,
    GroupMember,
    GroupSession,
    Intervention,
    InterventionGroup,
    Placement,
    PlacementContact,
    PlanAction,
    PlanKind,
    PlanReview,
    PlanStatus,
    PlanTarget,
    PlanType,
    PlanVersion,
    Provider,
    Reintegration,
    ReintegrationPhase,
    ReintegrationReason,
    ReviewDecision,
    SessionAttendance,
    SupportPlan,
    TargetProgress,
)
from .rules import may_lead, may_view_plan, may_work_with


@dataclass
class TargetSpec:
    description: str
    success_measure: str = ""
    due_on: dt.date | None = None


@dataclass
class ActionSpec:
    description: str
    owner: Any
    due_on: dt.date
    completed_on: dt.date | None = None


@dataclass
class PlanContent:
    barriers: str
    targets: Sequence[TargetSpec]
    actions: Sequence[ActionSpec] = ()
    assessment_sources: str = ""
    strategies: str = ""
    pupil_views: str = ""
    parent_views: str = ""


@dataclass
class ProgressSpec:
    rating: int
    note: str = ""
    evidence: str = ""


@dataclass
class PhaseSpec:
    starts_on: dt.date
    ends_on: dt.date
    timetable: str
    lesson_support: str = ""
    reduces_hours: bool = False
    #: For a reduced-hours week: the weekday sessions the pupil attends ("0AM" ... "4PM").
    attended_sessions: tuple[str, ...] = ()


@dataclass
class PartTimeAgreement:
    """What the attendance module needs to start a part-time timetable (domain §1.8), given once
    for every reduced-hours week of a reintegration plan."""

    parent_agreed_on: dt.date | None
    not_to_manage_behaviour: bool
    la_notified_on: dt.date | None = None


def _deny(actor: Any, target: Any, *, pupil: Any, reason: str, message: str) -> PermissionDenied:
    audit.record(actor, Verb.DENIED, target, pupil=pupil, school=getattr(pupil, "school", None), reason=reason)
    return PermissionDenied(message)


def _require_pupil(actor: Any, pupil: Any, reason: str) -> None:
    if not may_work_with(actor, pupil):
        raise _deny(actor, pupil, pupil=pupil, reason=reason, message="Only the pastoral team can do this.")


def _require_plan(actor: Any, plan: SupportPlan, reason: str) -> None:
    if not plan.is_active:
        raise ValidationError("This plan is closed: open a new plan instead.")
    if not may_view_plan(actor, plan):
        raise _deny(actor, plan, pupil=plan.pupil, reason=reason, message="You cannot change this plan.")


def _confidentiality(plan: SupportPlan) -> str:
    return Confidentiality.SAFEGUARDING if plan.is_safeguarding else Confidentiality.PASTORAL


def _check_content(content: PlanContent) -> None:
    errors: list[str] = []
    if not content.barriers.strip():
        errors.append("Describe the barriers the plan addresses.")
    if not [t for t in content.targets if t.description.strip()]:
        errors.append("Give at least one target.")
    for action in content.actions:
        if action.owner is None:
            errors.append(f"Give an owner for the action “{action.description[:60]}”.")
    if errors:
        raise ValidationError(errors)


def _write_version(plan: SupportPlan, number: int, content: PlanContent, actor: Any, reason: str) -> PlanVersion:
    version = PlanVersion.objects.create(
        plan=plan,
        number=number,
        barriers=content.barriers.strip(),
        assessment_sources=content.assessment_sources[:200],
        strategies=content.strategies,
        pupil_views=content.pupil_views,
        parent_views=content.parent_views,
        change_reason=reason[:300],
        created_by=actor,
        created_at=timezone.now(),
    )
    PlanTarget.objects.bulk_create(
        PlanTarget(
            version=version,
            order=i,
            description=t.description[:300],
            success_measure=t.success_measure,
            due_on=t.due_on,
        )
        for i, t in enumerate((t for t in content.targets if t.description.strip()), start=1)
    )
    PlanAction.objects.bulk_create(
        PlanAction(
            version=version,
            description=a.description[:300],
            owner=a.owner,
            due_on=a.due_on,
            completed_on=a.completed_on,
        )
        for a in content.actions
        if a.description.strip()
    )
    return version


# Plan types -----------------------------------------------------------------------------------

#: The types every school starts with: (base, name, description), in this order.
DEFAULT_PLAN_TYPES: tuple[tuple[str, str, str], ...] = (
    (PlanKind.PASTORAL_SUPPORT, "Pastoral support plan", "Support for wellbeing, relationships and engagement."),
    (PlanKind.INDIVIDUAL_LEARNING, "Individual learning plan", "Targets for learning, with the strategies in lessons."),
    (PlanKind.SEN_SUPPORT, "SEN support plan", "Assess, plan, do, review for a pupil on SEN support."),
    (PlanKind.ATTENDANCE, "Attendance support plan", "Barriers to attendance and the support agreed with the family."),
    (PlanKind.BEHAVIOUR, "Behaviour support plan", "Strategies and targets for behaviour."),
    (
        PlanKind.PSP,
        "Pastoral Support Programme (PSP)",
        "For a pupil at risk of exclusion; links to the behaviour module's PSP.",
    ),
    (PlanKind.REINTEGRATION, "Reintegration plan", "Return after a suspension, long absence or off-site provision."),
    (
        PlanKind.EARLY_HELP,
        "Early Help plan (school's part)",
        "Safeguarding: seen by the DSL team and the keyworker only.",
    ),
    (
        PlanKind.CIN,
        "Child in Need plan (school's contribution)",
        "Safeguarding: seen by the DSL team and the keyworker only.",
    ),
    (
        PlanKind.CP_CONTRIBUTION,
        "Child protection plan (school's contribution)",
        "Safeguarding: seen by the DSL team and the keyworker only.",
    ),
)


def ensure_plan_types(school: Any) -> None:
    """Give `school` the default plan types if it has none (a new school, or first use). A school
    that has configured its types keeps them as they are."""
    if PlanType.objects.filter(school=school).exists():
        return
    PlanType.objects.bulk_create(
        [
            PlanType(school=school, base=base, name=name, description=description, order=i * 10)
            for i, (base, name, description) in enumerate(DEFAULT_PLAN_TYPES, start=1)
        ],
        ignore_conflicts=True,
    )


def default_plan_type(school: Any, kind: str) -> PlanType | None:
    """The school's first type with base `kind` (active ones first)."""
    ensure_plan_types(school)
    return PlanType.objects.filter(school=school, base=kind).order_by("-is_active", "order", "pk").first()


def _require_plan_type_manager(actor: Any, school: Any, reason: str) -> None:
    from .rules import may_manage_plan_types

    if not may_manage_plan_types(actor, school):
        raise _deny(
            actor,
            ("support.plantype", 0),
            pupil=None,
            reason=reason,
            message="Only senior leaders and the pastoral lead set up plan types.",
        )


def save_plan_type(
    actor: Any,
    *,
    school: Any,
    name: str,
    base: str,
    description: str = "",
    is_active: bool = True,
    order: int = 10,
    plan_type: PlanType | None = None,
) -> PlanType:
    """Add a plan type, or change one (`plan_type`). The base of a type that already has plans
    cannot change: it decides who sees those plans."""
    _require_plan_type_manager(actor, school, "support.save_plan_type")
    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Give the type a name."
    if base not in PlanKind.values:
        errors["base"] = "Choose what the type is based on."
    clash = PlanType.objects.filter(school=school, name__iexact=name)
    if plan_type is not None:
        if plan_type.school_id != school.pk:
            raise PermissionDenied("That plan type is not this school's.")
        clash = clash.exclude(pk=plan_type.pk)
        if base != plan_type.base and plan_type.plans.exists():
            errors["base"] = (
                "This type already has plans, so what it is based on cannot change (it decides who sees them). "
                "Make a new type instead."
            )
    if name and clash.exists():
        errors["name"] = "There is already a plan type with that name."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if plan_type is None:
            plan_type = PlanType.objects.create(
                school=school,
                name=name[:120],
                base=base,
                description=description[:300],
                is_active=is_active,
                order=order,
            )
            audit.record(actor, Verb.CREATE, plan_type, school=school)
        else:
            plan_type.name, plan_type.base, plan_type.description = name[:120], base, description[:300]
            plan_type.is_active, plan_type.order = is_active, order
            plan_type.save()
            audit.record(actor, Verb.UPDATE, plan_type, school=school)
    return plan_type


def _check_psp(psp: Any, pupil: Any) -> None:
    if psp is not None and (psp.school_id != pupil.school_id or psp.pupil_id != pupil.pk):
        raise ValidationError("That Pastoral Support Programme is not this pupil's.")


# Plans ----------------------------------------------------------------------------------------


def create_plan(
    actor: Any,
    *,
    pupil: Any,
    title: str,
    keyworker: Any,
    started_on: dt.date,
    content: PlanContent,
    kind: str = "",
    plan_type: PlanType | None = None,
    psp: Any = None,
    review_interval_weeks: int = statutory.DEFAULT_REVIEW_WEEKS,
    next_review_on: dt.date | None = None,
) -> SupportPlan:
    """Open a plan for `pupil` with its first version. The plan's type is one of the school's
    (`plan_type`), or the school's type for a fixed `kind`; its base kind decides who sees it. A
    plan of a PSP type may carry the behaviour module's PSP for the same pupil."""
    _require_pupil(actor, pupil, "support.create_plan")
    if plan_type is not None:
        if plan_type.school_id != pupil.school_id:
            raise PermissionDenied("That plan type is not this school's.")
        if not plan_type.is_active:
            raise ValidationError("That plan type is no longer offered: choose another.")
        kind = plan_type.base
    elif kind in PlanKind.values:
        plan_type = default_plan_type(pupil.school, kind)
    if kind in SAFEGUARDING_KINDS and not selectors.is_dsl_team(actor, pupil.school):
        raise _deny(
            actor,
            pupil,
            pupil=pupil,
            reason="support.create_plan",
            message="Only the DSL team opens this kind of plan.",
        )
    if kind not in PlanKind.values:
        raise ValidationError("Choose a kind of plan.")
    if psp is not None and kind != PlanKind.PSP:
        raise ValidationError("Only a plan of a Pastoral Support Programme type links to a PSP.")
    _check_psp(psp, pupil)
    _check_content(content)
    if not selectors.is_staff_of(keyworker, pupil.school):
        raise ValidationError("The keyworker must be a member of staff at this school.")
    with transaction.atomic():
        plan = SupportPlan.objects.create(
            school=pupil.school,
            pupil=pupil,
            kind=kind,
            plan_type=plan_type,
            psp=psp,
            title=title.strip()[:200],
            keyworker=keyworker,
            started_on=started_on,
            review_interval_weeks=review_interval_weeks,
            next_review_on=next_review_on or statutory.next_review_date(started_on, review_interval_weeks),
            created_by=actor,
        )
        _write_version(plan, 1, content, actor, "First version")
        chronology.add_entry(
            pupil=pupil,
            kind=Kind.SUPPORT,
            title=f"{plan.type_name} opened: {plan.title}",
            occurred_at=timezone.now(),
            author=actor,
            source=plan,
            source_url=reverse("support:plan", args=[plan.pk]),
            confidentiality=_confidentiality(plan),
        )
        audit.record(actor, Verb.CREATE, plan, pupil=pupil)
    return plan


def link_psp(actor: Any, *, plan: SupportPlan, psp: Any) -> SupportPlan:
    """Link a plan of a PSP type to the behaviour module's PSP for the same pupil."""
    _require_plan(actor, plan, "support.link_psp")
    if plan.kind != PlanKind.PSP:
        raise ValidationError("Only a plan of a Pastoral Support Programme type links to a PSP.")
    _check_psp(psp, plan.pupil)
    with transaction.atomic():
        plan.psp = psp
        plan.save(update_fields=["psp", "updated_at"])
        audit.record(actor, Verb.UPDATE, plan, pupil=plan.pupil, reason=f"support.link_psp:{psp.pk}")
    return plan


def amend_plan(actor: Any, *, plan: SupportPlan, content: PlanContent, reason: str) -> PlanVersion:
    """Write the next version of `plan`. The earlier versions stay as they were."""
    _require_plan(actor, plan, "support.amend_plan")
    if not reason.strip():
        raise ValidationError("Say why the plan is changing.")
    _check_content(content)
    with transaction.atomic():
        locked = SupportPlan.objects.select_for_update().get(pk=plan.pk)
        number = locked.current_version + 1
        version = _write_version(locked, number, content, actor, reason)
        locked.current_version = number
        locked.save(update_fields=["current_version", "updated_at"])
        plan.current_version = number
        chronology.add_entry(
            pupil=plan.pupil,
            kind=Kind.SUPPORT,
            title=f"{plan.type_name} amended (version {number})",
            author=actor,
            source=plan,
            source_url=reverse("support:plan", args=[plan.pk]),
            confidentiality=_confidentiality(plan),
        )
        audit.record(actor, Verb.AMEND, plan, pupil=plan.pupil, reason=f"support.amend_plan:v{number}")
    return version


def complete_action(actor: Any, *, action: PlanAction, on: dt.date | None = None) -> PlanAction:
    plan = action.version.plan
    _require_plan(actor, plan, "support.complete_action")
    if action.completed_on is not None:
        raise ValidationError("That action is already marked done.")
    with transaction.atomic():
        action.completed_on = on or timezone.localdate()
        action.save(update_fields=["completed_on"])
        audit.record(actor, Verb.UPDATE, action, pupil=plan.pupil, reason="support.complete_action")
    return action


def record_review(
    actor: Any,
    *,
    plan: SupportPlan,
    held_on: dt.date,
    decision: str,
    progress: dict[int, ProgressSpec],
    summary: str = "",
    attendees: str = "",
    period_start: dt.date | None = None,
    next_review_on: dt.date | None = None,
) -> PlanReview:
    """Record a review of the current version: progress against each target, the figures for the
    period (copied in), and the decision. `close` closes the plan; `escalate` marks it escalated
    and alerts the DSL team; `continue` and `amend` set the next review date (an amendment then
    writes the next version through `amend_plan`)."""
    _require_plan(actor, plan, "support.record_review")
    version = selectors.current_version(plan)
    targets = list(version.targets.all())
    errors: list[str] = []
    if decision not in ReviewDecision.values:
        errors.append("Choose a decision.")
    if held_on > timezone.localdate():
        errors.append("A review cannot be dated in the future.")
    if held_on < plan.started_on:
        errors.append("A review cannot be before the plan started.")
    missing = [t.description for t in targets if t.pk not in progress]
    if missing:
        errors.append("Rate progress against every target: " + "; ".join(m[:60] for m in missing))
    start = period_start or selectors.review_period_start(plan)
    if start > held_on:
        errors.append("The review period must start on or before the review date.")
    if decision in (ReviewDecision.CONTINUE, ReviewDecision.AMEND):
        next_review_on = next_review_on or statutory.next_review_date(held_on, plan.review_interval_weeks)
        if next_review_on <= held_on:
            errors.append("The next review must be after this one.")
    else:
        next_review_on = None
    if errors:
        raise ValidationError(errors)
    figures = selectors.period_figures(plan.school, plan.pupil, start, held_on)
    with transaction.atomic():
        review = PlanReview.objects.create(
            plan=plan,
            version=version,
            held_on=held_on,
            period_start=start,
            period_end=held_on,
            attendees=attendees[:300],
            summary=summary,
            decision=decision,
            next_review_on=next_review_on,
            possible_sessions=figures.attendance.possible_sessions,
            attended_sessions=figures.attendance.present,
            unauthorised_sessions=figures.attendance.unauthorised_absence,
            behaviour=figures.behaviour or {},
            attainment=figures.attainment,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        TargetProgress.objects.bulk_create(
            TargetProgress(
                review=review,
                target=t,
                rating=progress[t.pk].rating,
                note=progress[t.pk].note[:500],
                evidence=progress[t.pk].evidence[:300],
            )
            for t in targets
        )
        fields = ["next_review_on", "updated_at"]
        plan.next_review_on = next_review_on
        if decision == ReviewDecision.CLOSE:
            plan.status, plan.closed_on = PlanStatus.CLOSED, held_on
            fields += ["status", "closed_on"]
        elif decision == ReviewDecision.ESCALATE:
            plan.status = PlanStatus.ESCALATED
            fields += ["status"]
        plan.save(update_fields=fields)
        chronology.add_entry(
            pupil=plan.pupil,
            kind=Kind.SUPPORT,
            title=f"{plan.type_name} reviewed: {review.get_decision_display().lower()}",
            author=actor,
            source=plan,
            source_url=reverse("support:plan", args=[plan.pk]),
            confidentiality=_confidentiality(plan),
        )
        audit.record(actor, Verb.CREATE, review, pupil=plan.pupil, school=plan.school)
        if decision == ReviewDecision.ESCALATE:
            from apps.accounts.services import notify

            notify(
                selectors.dsl_team(plan.school),
                school=plan.school,
                title=f"A support plan for {plan.pupil.full_name} has been escalated",
                url=reverse("support:plan", args=[plan.pk]),
            )
    return review


def reassign_plans(actor: Any, *, plans: Iterable[SupportPlan], keyworker: Any, reason: str) -> int:
    """Move plans to another keyworker (the pastoral lead balancing caseloads)."""
    plans = list(plans)
    if not plans:
        return 0
    school = plans[0].school
    if not may_lead(actor, school):
        raise _deny(
            actor, plans[0], pupil=None, reason="support.reassign", message="Only the pastoral lead reassigns plans."
        )
    if any(p.school_id != school.pk for p in plans):
        raise PermissionDenied("Those plans are not all at this school.")
    if not selectors.is_staff_of(keyworker, school):
        raise ValidationError("The new keyworker must be a member of staff at this school.")
    if not reason.strip():
        raise ValidationError("Give a reason for the reassignment.")
    with transaction.atomic():
        moved = SupportPlan.objects.filter(pk__in=[p.pk for p in plans]).exclude(keyworker=keyworker)
        ids = list(moved.values_list("pk", flat=True))
        moved.update(keyworker=keyworker, updated_at=timezone.now())
        for plan in plans:
            if plan.pk in ids:
                audit.record(actor, Verb.UPDATE, plan, pupil=plan.pupil, reason=f"support.reassign:{keyworker.pk}")
    if ids:
        from apps.accounts.services import notify

        notify(
            [keyworker],
            school=school,
            title=f"{len(ids)} support plan{'s' if len(ids) != 1 else ''} reassigned to you",
            url=reverse("support:caseload"),
            email=False,
        )
    return len(ids)


# Interventions and groups --------------------------------------------------------------------------


def create_intervention(actor: Any, *, school: Any, **fields: Any) -> Intervention:
    if not selectors.is_support_team(actor, school):
        raise _deny(actor, ("support.intervention", 0), pupil=None, reason="support.create_intervention", message="")
    if Intervention.objects.filter(school=school, name__iexact=fields.get("name", "").strip()).exists():
        raise ValidationError({"name": "There is already an intervention with that name."})
    with transaction.atomic():
        intervention = Intervention.objects.create(school=school, **fields)
        audit.record(actor, Verb.CREATE, intervention)
    return intervention


def create_group(
    actor: Any,
    *,
    intervention: Intervention,
    name: str,
    runner: Any,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
) -> InterventionGroup:
    if not selectors.is_support_team(actor, intervention.school):
        raise _deny(actor, intervention, pupil=None, reason="support.create_group", message="")
    if ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": "A group cannot end before it starts."})
    with transaction.atomic():
        group = InterventionGroup.objects.create(
            school=intervention.school,
            intervention=intervention,
            name=name.strip()[:120],
            runner=runner,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        audit.record(actor, Verb.CREATE, group)
    return group


def add_member(
    actor: Any,
    *,
    group: InterventionGroup,
    pupil: Any,
    joined_on: dt.date,
    need: str,
    entry_score: int | None = None,
    entry_rating: int | None = None,
) -> GroupMember:
    _require_pupil(actor, pupil, "support.add_member")
    if pupil.school_id != group.school_id:
        raise PermissionDenied("That pupil is not at this school.")
    if GroupMember.objects.filter(group=group, pupil=pupil).exists():
        raise ValidationError(f"{pupil.full_name} is already in this group.")
    active = GroupMember.objects.filter(group=group, left_on__isnull=True).count()
    if active >= group.intervention.capacity:
        raise ValidationError(f"The group is full ({group.intervention.capacity} places).")
    with transaction.atomic():
        member = GroupMember.objects.create(
            group=group, pupil=pupil, joined_on=joined_on, need=need, entry_score=entry_score, entry_rating=entry_rating
        )
        chronology.add_entry(
            pupil=pupil,
            kind=Kind.SUPPORT,
            title=f"Joined {group.intervention.name} ({group.name})",
            occurred_at=timezone.make_aware(dt.datetime.combine(joined_on, dt.time(9))),
            author=actor,
            source=group,
            source_url=reverse("support:group", args=[group.pk]),
            confidentiality=Confidentiality.PASTORAL,
        )
        audit.record(actor, Verb.CREATE, member, pupil=pupil, school=group.school)
    return member


def add_members(
    actor: Any,
    *,
    group: InterventionGroup,
    pupils: Sequence[Any],
    joined_on: dt.date,
    need: str,
    entry_score: int | None = None,
    entry_rating: int | None = None,
) -> list[GroupMember]:
    """Add several pupils at once (from a search, a filter or an early-warning list): all of them
    or none. Pupils already in the group are named; the group's capacity is checked for the
    whole batch before anyone is added."""
    if not pupils:
        raise ValidationError("Choose at least one pupil.")
    already = GroupMember.objects.filter(group=group, pupil__in=[p.pk for p in pupils]).select_related("pupil")
    names = sorted(m.pupil.full_name for m in already)
    if names:
        raise ValidationError(
            f"Already in this group: {', '.join(names[:10])}{' and others' if len(names) > 10 else ''}."
        )
    active = GroupMember.objects.filter(group=group, left_on__isnull=True).count()
    free = max(group.intervention.capacity - active, 0)
    if len(pupils) > free:
        raise ValidationError(
            f"The group has {free} place{'s' if free != 1 else ''} left of {group.intervention.capacity}, "
            f"and {len(pupils)} pupil{'s were' if len(pupils) != 1 else ' was'} chosen: choose fewer pupils "
            "or raise the intervention's capacity."
        )
    with transaction.atomic():
        return [
            add_member(
                actor,
                group=group,
                pupil=pupil,
                joined_on=joined_on,
                need=need,
                entry_score=entry_score,
                entry_rating=entry_rating,
            )
            for pupil in pupils
        ]


def end_membership(
    actor: Any, *, member: GroupMember, left_on: dt.date, exit_score: int | None = None, exit_rating: int | None = None
) -> GroupMember:
    _require_pupil(actor, member.pupil, "support.end_membership")
    if left_on < member.joined_on:
        raise ValidationError("A pupil cannot leave a group before joining it.")
    with transaction.atomic():
        member.left_on, member.exit_score, member.exit_rating = left_on, exit_score, exit_rating
        member.save(update_fields=["left_on", "exit_score", "exit_rating"])
        chronology.add_entry(
            pupil=member.pupil,
            kind=Kind.SUPPORT,
            title=f"Finished {member.group.intervention.name} ({member.group.name})",
            occurred_at=timezone.make_aware(dt.datetime.combine(left_on, dt.time(15))),
            author=actor,
            source=member.group,
            confidentiality=Confidentiality.PASTORAL,
        )
        audit.record(actor, Verb.UPDATE, member, pupil=member.pupil, school=member.group.school)
    return member


def record_group_session(
    actor: Any, *, group: InterventionGroup, held_on: dt.date, present_ids: Iterable[int], notes: str = ""
) -> GroupSession:
    """Take (or retake) the register for one session of a group."""
    if not (selectors.is_support_team(actor, group.school) or group.runner_id == getattr(actor, "pk", None)):
        raise _deny(actor, group, pupil=None, reason="support.record_group_session", message="")
    if held_on > timezone.localdate():
        raise ValidationError("A session cannot be recorded in the future.")
    members = selectors.members_on(group, held_on)
    member_ids = {m.pupil_id for m in members}
    present = set(present_ids)
    if present - member_ids:
        raise ValidationError("Only members of the group can be marked present.")
    with transaction.atomic():
        session, created = GroupSession.objects.update_or_create(
            group=group, held_on=held_on, defaults={"notes": notes, "taken_by": actor}
        )
        SessionAttendance.objects.filter(session=session).delete()
        SessionAttendance.objects.bulk_create(
            SessionAttendance(session=session, pupil_id=pid, present=pid in present) for pid in sorted(member_ids)
        )
        audit.record(actor, Verb.CREATE if created else Verb.AMEND, session, school=group.school)
    return session


# Reintegration -------------------------------------------------------------------------------------


def create_reintegration(
    actor: Any,
    *,
    pupil: Any,
    keyworker: Any,
    reason: str,
    started_on: dt.date,
    content: PlanContent,
    phases: Sequence[PhaseSpec],
    meeting_on: dt.date | None = None,
    meeting_attendees: str = "",
    parent_attended: bool = False,
    check_in_with: str = "",
    reasonable_adjustments: str = "",
    review_interval_weeks: int = 2,
    part_time: PartTimeAgreement | None = None,
) -> SupportPlan:
    """A reintegration plan (domain §2.6): a plan of kind `reintegration` with the meeting, who
    the pupil checks in with and a phased timetable. A week that reduces hours is a part-time
    timetable (§1.8): each one is started here, in the same transaction, through
    `apps.attendance.services.start_part_time_timetable` (the sessions attended that week, the
    parent's agreement, a review on the week's last day) and linked to its phase, so the plan and
    its part-time timetables are recorded together or not at all."""
    from apps.attendance import rules as attendance_rules
    from apps.attendance import services as attendance

    errors = []
    if reason not in ReintegrationReason.values:
        errors.append("Choose why the pupil is being reintegrated.")
    for phase in phases:
        if phase.ends_on < phase.starts_on:
            errors.append(f"The phase starting {phase.starts_on:%d/%m/%Y} ends before it starts.")
    if not phases:
        errors.append("Give at least the first week of the timetable.")
    reduced = [(i, p) for i, p in enumerate(phases, start=1) if p.reduces_hours]
    for i, phase in reduced:
        if not phase.attended_sessions:
            errors.append(f"Week {i} has fewer hours: tick the sessions the pupil attends that week.")
    if reduced:
        if part_time is None or part_time.parent_agreed_on is None:
            errors.append(
                "A week with fewer hours is a part-time timetable: give the date the parent the pupil "
                "normally lives with agreed to it."
            )
        if part_time is None or not part_time.not_to_manage_behaviour:
            errors.append(
                "Confirm that the part-time timetable is not being used to manage behaviour: that is not allowed."
            )
    if errors:
        raise ValidationError(errors)
    # Refusals are checked and audited before the transaction that creates the plan: raised inside
    # it, the rollback would take the audit of the refusal with it.
    _require_pupil(actor, pupil, "support.create_plan")
    if reduced and not attendance_rules.may_manage(actor, pupil.school):
        raise _deny(
            actor,
            pupil,
            pupil=pupil,
            reason="attendance.start_part_time_timetable",
            message=(
                "Only the attendance office starts a part-time timetable: open the plan without "
                "the reduced week, or ask them to record it and link it to the week afterwards."
            ),
        )
    with transaction.atomic():
        plan = create_plan(
            actor,
            pupil=pupil,
            kind=PlanKind.REINTEGRATION,
            title=f"Reintegration {ReintegrationReason(reason).label.lower()}",
            keyworker=keyworker,
            started_on=started_on,
            content=content,
            review_interval_weeks=review_interval_weeks,
        )
        reintegration = Reintegration.objects.create(
            plan=plan,
            reason=reason,
            meeting_on=meeting_on,
            meeting_attendees=meeting_attendees[:300],
            parent_attended=parent_attended,
            check_in_with=check_in_with[:120],
            reasonable_adjustments=reasonable_adjustments,
        )
        for i, p in enumerate(phases, start=1):
            timetable = None
            if p.reduces_hours and part_time is not None:
                try:
                    timetable = attendance.start_part_time_timetable(
                        actor,
                        pupil=pupil,
                        start_date=p.starts_on,
                        planned_end_date=p.ends_on,
                        attended_sessions=list(p.attended_sessions),
                        reason=f"Reintegration plan: {p.timetable}"[:500],
                        parent_agreed_on=part_time.parent_agreed_on,
                        next_review=p.ends_on,
                        not_to_manage_behaviour=part_time.not_to_manage_behaviour,
                        la_notified_on=part_time.la_notified_on,
                    )
                except ValidationError as refused:
                    raise ValidationError([f"Week {i}: {m}" for m in refused.messages]) from None
                except PermissionDenied:
                    raise PermissionDenied(
                        "Only the attendance office starts a part-time timetable: open the plan without "
                        "the reduced week, or ask them to record it and link it to the week afterwards."
                    ) from None
            ReintegrationPhase.objects.create(
                reintegration=reintegration,
                starts_on=p.starts_on,
                ends_on=p.ends_on,
                timetable=p.timetable[:300],
                lesson_support=p.lesson_support[:300],
                reduces_hours=p.reduces_hours,
                part_time=timetable,
            )
    return plan


# Off-site provision ---------------------------------------------------------------------------------


def create_provider(actor: Any, *, school: Any, **fields: Any) -> Provider:
    if not selectors.is_support_team(actor, school):
        raise _deny(actor, ("support.provider", 0), pupil=None, reason="support.create_provider", message="")
    with transaction.atomic():
        provider = Provider.objects.create(school=school, **fields)
        audit.record(actor, Verb.CREATE, provider)
    return provider


def create_placement(
    actor: Any,
    *,
    pupil: Any,
    provider: Provider,
    starts_on: dt.date,
    weekdays: Sequence[int],
    sessions: Sequence[str],
    keyworker: Any,
    ends_on: dt.date | None = None,
    safeguarding_confirmed_on: dt.date | None = None,
    safeguarding_reference: str = "",
    review_interval_weeks: int = 6,
) -> Placement:
    _require_pupil(actor, pupil, "support.create_placement")
    if provider.school_id != pupil.school_id:
        raise PermissionDenied("That provider is not one of this school's.")
    errors = []
    if ends_on and ends_on < starts_on:
        errors.append("A placement cannot end before it starts.")
    if not weekdays or any(d not in range(5) for d in weekdays):
        errors.append("Choose the weekdays the pupil attends.")
    if not sessions or any(s not in ("AM", "PM") for s in sessions):
        errors.append("Choose the sessions (morning, afternoon) the pupil attends.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        placement = Placement.objects.create(
            school=pupil.school,
            pupil=pupil,
            provider=provider,
            starts_on=starts_on,
            ends_on=ends_on,
            weekdays=",".join(str(d) for d in sorted(set(weekdays))),
            sessions=",".join(s for s in ("AM", "PM") if s in sessions),
            safeguarding_confirmed_on=safeguarding_confirmed_on,
            safeguarding_reference=safeguarding_reference[:200],
            keyworker=keyworker,
            review_interval_weeks=review_interval_weeks,
            next_review_on=statutory.next_review_date(starts_on, review_interval_weeks),
        )
        chronology.add_entry(
            pupil=pupil,
            kind=Kind.SUPPORT,
            title=f"Off-site provision at {provider.name} from {starts_on:%d/%m/%Y}",
            author=actor,
            source=placement,
            source_url=reverse("support:placement", args=[placement.pk]),
            confidentiality=Confidentiality.PASTORAL,
        )
        audit.record(actor, Verb.CREATE, placement, pupil=pupil)
    return placement


def confirm_placement_safeguarding(
    actor: Any, *, placement: Placement, confirmed_on: dt.date, reference: str
) -> Placement:
    _require_pupil(actor, placement.pupil, "support.confirm_safeguarding")
    if confirmed_on > timezone.localdate():
        raise ValidationError("The confirmation cannot be dated in the future.")
    with transaction.atomic():
        placement.safeguarding_confirmed_on = confirmed_on
        placement.safeguarding_reference = reference[:200]
        placement.save(update_fields=["safeguarding_confirmed_on", "safeguarding_reference", "updated_at"])
        audit.record(actor, Verb.UPDATE, placement, pupil=placement.pupil, reason="support.safeguarding_confirmed")
    return placement


@dataclass
class PlacementAttendanceResult:
    attended: list[tuple[dt.date, str]] = field(default_factory=list)
    missed: list[tuple[dt.date, str]] = field(default_factory=list)
    #: Sessions left as the school recorded them: `(date, session, code held)`.
    kept: list[tuple[dt.date, str, str]] = field(default_factory=list)

    def kept_lines(self) -> list[str]:
        return kept_lines(self.kept)


def kept_lines(kept: Iterable[tuple[dt.date, str, str]]) -> list[str]:
    """Each kept session as a line for the summary: 14/09/2026 AM kept: already recorded as I by the school."""
    return [f"{d:%d/%m/%Y} {s} kept: already recorded as {c} by the school." for d, s, c in kept]


def placement_sessions_kept(
    placement: Placement, attended: Iterable[tuple[dt.date, str]], missed: Iterable[tuple[dt.date, str]]
) -> list[tuple[dt.date, str, str]]:
    """The reported sessions whose register mark a provider report must not change: a mark is
    there and it is not one a provider report writes (the placement's `B`/`D`/`K`, or `N`). Such a
    mark is the school's own decision (an `N` resolved to `I` with evidence, say), so re-importing a
    provider's cumulative file never undoes the attendance office's corrections."""
    from apps.attendance.models import Mark

    wanted = set(attended) | set(missed)
    if not wanted:
        return []
    provider_codes = {statutory.placement_code(placement.provider.kind), statutory.PROVIDER_ABSENCE_CODE}
    held = Mark.objects.filter(pupil=placement.pupil, date__in={d for d, _ in wanted}).values_list(
        "date", "session", "code"
    )
    return sorted((d, s, c) for d, s, c in held if (d, s) in wanted and c not in provider_codes)


def record_placement_attendance(
    actor: Any,
    *,
    placement: Placement,
    attended: Iterable[tuple[dt.date, str]],
    missed: Iterable[tuple[dt.date, str]] = (),
    calendar: Any = None,
) -> PlacementAttendanceResult:
    """Write the provider's report into the register through the attendance module: `B`, `D` or
    `K` for each session attended (domain §2.8, §1.2) and `N` (reason not yet established) for a
    session the provider says was missed, for the attendance office to resolve. A session already
    holding another mark (the school's own decision) is left alone and listed in `kept`
    (`placement_sessions_kept`). `actor` None is
    the system itself (`manage.py import_csv provider_attendance`)."""
    if actor is not None:
        _require_pupil(actor, placement.pupil, "support.record_placement_attendance")
    from apps.attendance import services as attendance

    code = statutory.placement_code(placement.provider.kind)
    attended, missed = sorted(set(attended)), sorted(set(missed))
    if set(attended) & set(missed):
        raise ValidationError("A session cannot be both attended and missed.")
    outside = [
        (d, s)
        for d, s in [*attended, *missed]
        if d < placement.starts_on
        or (placement.ends_on and d > placement.ends_on)
        or d.weekday() not in placement.weekday_numbers
        or s not in placement.session_list
    ]
    if outside:
        raise ValidationError(
            "These sessions are not part of the placement: " + ", ".join(f"{d:%d/%m/%Y} {s}" for d, s in outside[:5])
        )
    with transaction.atomic():
        kept = placement_sessions_kept(placement, attended, missed)
        if kept:
            leave = {(d, s) for d, s, _ in kept}
            attended = [x for x in attended if x not in leave]
            missed = [x for x in missed if x not in leave]
        if attended:
            attendance.record_marks(
                actor,
                school=placement.school,
                pupil=placement.pupil,
                sessions=attended,
                code=code,
                reason=f"Reported by {placement.provider.name}"[:300],
                calendar=calendar,
            )
        if missed:
            attendance.record_marks(
                actor,
                school=placement.school,
                pupil=placement.pupil,
                sessions=missed,
                code=statutory.PROVIDER_ABSENCE_CODE,
                reason=f"Absence reported by {placement.provider.name}"[:300],
                calendar=calendar,
            )
        audit.record(
            actor, Verb.UPDATE, placement, pupil=placement.pupil, reason=f"support.placement_attendance:{code}"
        )
    return PlacementAttendanceResult(attended=list(attended), missed=list(missed), kept=kept)


def add_placement_contact(actor: Any, *, placement: Placement, contacted_on: dt.date, note: str) -> PlacementContact:
    _require_pupil(actor, placement.pupil, "support.placement_contact")
    if not note.strip():
        raise ValidationError("Write what was discussed.")
    with transaction.atomic():
        contact = PlacementContact.objects.create(
            placement=placement, contacted_on=contacted_on, note=note.strip(), recorded_by=actor
        )
        audit.record(actor, Verb.CREATE, contact, pupil=placement.pupil, school=placement.school)
    return contact


def review_placement(
    actor: Any, *, placement: Placement, held_on: dt.date, outcome: str, next_review_on: dt.date | None = None
) -> PlacementContact:
    """Record a review of an off-site placement (its review schedule: good practice, not a rule in
    the domain file, whose §2.8 asks only for the provider's safeguarding confirmation): the
    outcome goes in the contact log as "Review: …" and the next review is set, the date given or
    the placement's interval from the review (moved off a weekend)."""
    _require_pupil(actor, placement.pupil, "support.review_placement")
    errors = []
    if not outcome.strip():
        errors.append("Write the outcome of the review.")
    if held_on > timezone.localdate():
        errors.append("A review cannot be recorded in the future.")
    following = next_review_on or statutory.next_review_date(held_on, placement.review_interval_weeks)
    if following <= held_on:
        errors.append("The next review must be after this one.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contact = PlacementContact.objects.create(
            placement=placement, contacted_on=held_on, note=f"Review: {outcome.strip()}", recorded_by=actor
        )
        placement.next_review_on = following
        placement.save(update_fields=["next_review_on"])
        chronology.add_entry(
            pupil=placement.pupil,
            kind=Kind.SUPPORT,
            title=f"Off-site placement at {placement.provider.name} reviewed",
            occurred_at=timezone.make_aware(dt.datetime.combine(held_on, dt.time(12))),
            author=actor,
            source=placement,
            confidentiality=Confidentiality.PASTORAL,
        )
        audit.record(actor, Verb.UPDATE, placement, pupil=placement.pupil, school=placement.school)
    return contact


def money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


# Questionnaires --------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    import hashlib

    return hashlib.sha256(token.encode()).hexdigest()


def create_questionnaire(
    actor: Any,
    *,
    school: Any,
    title: str,
    questions: Sequence[tuple[str, str]],
    introduction: str = "",
    anonymous: bool = False,
) -> Any:
    """`questions` are (text, kind) pairs in order."""
    from .models import Question, Questionnaire

    if not selectors.is_support_team(actor, school):
        raise _deny(actor, ("support.questionnaire", 0), pupil=None, reason="support.create_questionnaire", message="")
    questions = [(t.strip(), k) for t, k in questions if t.strip()]
    if not questions:
        raise ValidationError("Add at least one question.")
    with transaction.atomic():
        questionnaire = Questionnaire.objects.create(
            school=school, title=title.strip()[:200], introduction=introduction, anonymous=anonymous, created_by=actor
        )
        Question.objects.bulk_create(
            Question(questionnaire=questionnaire, order=i, text=text[:300], kind=kind)
            for i, (text, kind) in enumerate(questions, start=1)
        )
        audit.record(actor, Verb.CREATE, questionnaire)
    return questionnaire


def invite_pupils(actor: Any, *, questionnaire: Any, pupils: Iterable[Any]) -> list[tuple[Any, str]]:
    """One single-use link per pupil, valid for `QUESTIONNAIRE_LINK_DAYS`. Returns (pupil, token)
    pairs: the tokens are not stored and cannot be shown again."""
    import secrets

    from .models import QuestionnaireInvite

    pupils = list(pupils)
    for pupil in pupils:
        _require_pupil(actor, pupil, "support.invite_pupils")
        if pupil.school_id != questionnaire.school_id:
            raise PermissionDenied("That pupil is not at this school.")
    if not questionnaire.is_active:
        raise ValidationError("This questionnaire is closed.")
    now = timezone.now()
    made: list[tuple[Any, str]] = []
    with transaction.atomic():
        for pupil in pupils:
            token = secrets.token_urlsafe(24)
            QuestionnaireInvite.objects.create(
                questionnaire=questionnaire,
                pupil=pupil,
                token_hash=token_hash(token),
                created_by=actor,
                created_at=now,
                expires_at=now + dt.timedelta(days=statutory.QUESTIONNAIRE_LINK_DAYS),
            )
            made.append((pupil, token))
        audit.record(actor, Verb.CREATE, questionnaire, reason=f"support.invite:{len(made)}")
    return made


def submit_response(*, token: str, answers: dict[int, tuple[int | None, str]]) -> Any:
    """The pupil's answers, through their link. The link works once; an anonymous questionnaire's
    response keeps no link to the pupil. Raises `PermissionDenied` for a used, expired or unknown
    link (the page says which without revealing anything else)."""
    from .models import Answer, QuestionKind, QuestionnaireInvite, QuestionnaireResponse

    with transaction.atomic():
        invite = (
            QuestionnaireInvite.objects.select_for_update()
            .select_related("questionnaire", "pupil", "pupil__year_group")
            .filter(token_hash=token_hash(token))
            .first()
        )
        problem = selectors.invite_problem(invite)
        if problem:
            raise PermissionDenied(problem)
        assert invite is not None
        questions = list(invite.questionnaire.questions.all())
        errors = []
        for q in questions:
            rating, _text = answers.get(q.pk, (None, ""))
            if q.kind == QuestionKind.RATING and (
                rating is None or not statutory.RATING_MIN <= rating <= statutory.RATING_MAX
            ):
                errors.append(f"Choose an answer for: {q.text}")
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        if invite.questionnaire.anonymous:
            # The invite names the pupil; matching its "used at" time to the response's "submitted
            # at" time would name the response. An anonymous questionnaire keeps the day only, on both.
            now = timezone.make_aware(dt.datetime.combine(timezone.localdate(now), dt.time(0)))
        response = QuestionnaireResponse.objects.create(
            questionnaire=invite.questionnaire,
            pupil=None if invite.questionnaire.anonymous else invite.pupil,
            year_number=invite.pupil.year_group.number if invite.pupil.year_group_id else None,
            submitted_at=now,
            total_score=statutory.questionnaire_score(answers.get(q.pk, (None, ""))[0] for q in questions),
        )
        Answer.objects.bulk_create(
            Answer(
                response=response,
                question=q,
                rating=answers.get(q.pk, (None, ""))[0],
                text=answers.get(q.pk, (None, ""))[1][:2000],
            )
            for q in questions
        )
        invite.used_at = now
        invite.save(update_fields=["used_at"])
        audit.record(
            None, Verb.CREATE, response, school=invite.questionnaire.school, reason="support.questionnaire_link"
        )
    return response


# Careers appointments ---------------------------------------------------------------------------


def add_appointment_slots(
    actor: Any, *, school: Any, adviser: str, kind: str, first_at: dt.datetime, count: int, minutes: int, location: str
) -> list[Any]:
    """`count` back-to-back slots of `minutes` from `first_at`."""
    from .models import Appointment

    if not selectors.is_support_team(actor, school):
        raise _deny(actor, ("support.appointment", 0), pupil=None, reason="support.add_slots", message="")
    if not 1 <= count <= 20 or not 5 <= minutes <= 120:
        raise ValidationError("Make between 1 and 20 slots of 5 to 120 minutes.")
    with transaction.atomic():
        slots = Appointment.objects.bulk_create(
            Appointment(
                school=school,
                kind=kind,
                adviser=adviser.strip()[:120],
                starts_at=first_at + dt.timedelta(minutes=minutes * i),
                minutes=minutes,
                location=location[:120],
            )
            for i in range(count)
        )
        audit.record(actor, Verb.CREATE, ("support.appointment", slots[0].pk), school=school, reason=f"slots:{count}")
    return slots


def book_appointment(actor: Any, *, appointment: Any, pupil: Any, attendees: str = "", preparation: str = "") -> Any:
    _require_pupil(actor, pupil, "support.book_appointment")
    if pupil.school_id != appointment.school_id:
        raise PermissionDenied("That pupil is not at this school.")
    if appointment.pupil_id is not None:
        raise ValidationError("That slot is already booked.")
    when = timezone.localtime(appointment.starts_at)
    with transaction.atomic():
        appointment.pupil = pupil
        appointment.attendees = attendees[:200]
        appointment.preparation = preparation
        appointment.booked_by = actor
        appointment.save(update_fields=["pupil", "attendees", "preparation", "booked_by", "updated_at"])
        chronology.add_entry(
            pupil=pupil,
            kind=Kind.SUPPORT,
            title=f"{appointment.get_kind_display()} appointment booked for {when:%d/%m/%Y %H:%M}",
            author=actor,
            source=appointment,
            confidentiality=Confidentiality.PASTORAL,
        )
        audit.record(actor, Verb.UPDATE, appointment, pupil=pupil, reason="support.book_appointment")
    return appointment


def record_appointment_outcome(actor: Any, *, appointment: Any, attended: bool, outcome: str) -> Any:
    if appointment.pupil is None:
        raise ValidationError("Book a pupil into the slot first.")
    _require_pupil(actor, appointment.pupil, "support.appointment_outcome")
    with transaction.atomic():
        appointment.attended = attended
        appointment.outcome = outcome
        appointment.save(update_fields=["attended", "outcome", "updated_at"])
        audit.record(actor, Verb.UPDATE, appointment, pupil=appointment.pupil, reason="support.appointment_outcome")
    return appointment


# Attainment ---------------------------------------------------------------------------------------


def record_attainment(
    actor: Any,
    *,
    pupil: Any,
    subject: str,
    assessed_on: dt.date,
    value: str,
    target: str = "",
    measure: str = "Working-at grade",
    source: str = "Entered",
) -> Any:
    """One attainment figure for a pupil (a working-at grade in a subject, say), shown beside the
    reviews of the pupil's plans."""
    from .models import AttainmentRecord

    _require_pupil(actor, pupil, "support.record_attainment")
    errors: dict[str, str] = {}
    if not subject.strip():
        errors["subject"] = "Give the subject."
    if not value.strip():
        errors["value"] = "Give the value (for example the working-at grade)."
    if assessed_on > timezone.localdate():
        errors["assessed_on"] = "An assessment cannot be dated in the future."
    measure = (measure.strip() or "Working-at grade")[:60]
    if not errors:
        held = AttainmentRecord.objects.filter(
            pupil=pupil, subject__iexact=subject.strip()[:80], assessed_on=assessed_on, measure=measure
        ).first()
        if held is not None:
            errors["subject"] = (
                f"{held.value} is already recorded for {held.subject} on {assessed_on:%d/%m/%Y} "
                f"({held.measure}): a figure is recorded once per subject, date and measure."
            )
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            record = AttainmentRecord.objects.create(
                school=pupil.school,
                pupil=pupil,
                subject=subject.strip()[:80],
                assessed_on=assessed_on,
                measure=measure,
                value=value.strip()[:20],
                target=target.strip()[:20],
                source=source[:120],
                recorded_by=actor,
            )
            audit.record(actor, Verb.CREATE, record, pupil=pupil, school=pupil.school)
    except IntegrityError:
        raise ValidationError(
            {"subject": "That figure was recorded by someone else meanwhile: see it below."}
        ) from None
    return record


# Reintegration phases and part-time timetables ------------------------------------------------------


def link_phase_part_time(
    actor: Any,
    *,
    phase: ReintegrationPhase,
    timetable: Any = None,
    attended_sessions: Sequence[str] = (),
    parent_agreed_on: dt.date | None = None,
    next_review: dt.date | None = None,
    not_to_manage_behaviour: bool = False,
    la_notified_on: dt.date | None = None,
) -> ReintegrationPhase:
    """Mark a phase as reducing hours and link it to the attendance module's part-time timetable
    (domain §1.8): an existing `timetable` of the pupil's, or a new one made through
    `apps.attendance.services.start_part_time_timetable` from the phase's dates, the sessions the
    pupil attends and the plan as the reason. Starting one is attendance-office work: anyone else
    is refused with a message saying whom to ask."""
    from apps.attendance import rules as attendance_rules
    from apps.attendance import services as attendance

    plan = phase.reintegration.plan
    _require_plan(actor, plan, "support.link_phase_part_time")
    if timetable is not None:
        if timetable.school_id != plan.school_id or timetable.pupil_id != plan.pupil_id:
            raise ValidationError("That part-time timetable is not this pupil's.")
    elif not attendance_rules.may_manage(actor, plan.school):
        # Refused and audited outside the transaction below, so the audit of the refusal stays.
        raise _deny(
            actor,
            plan.pupil,
            pupil=plan.pupil,
            reason="attendance.start_part_time_timetable",
            message=(
                "Only the attendance office starts a part-time timetable. Ask them to record it, "
                "then link it to this phase."
            ),
        )
    with transaction.atomic():
        # The phase is locked first, so a double submit waits and then finds it linked: the check
        # and the new timetable are one transaction, and no timetable is left linked to nothing.
        locked = ReintegrationPhase.objects.select_for_update().get(pk=phase.pk)
        if locked.part_time_id is not None:
            raise ValidationError("This phase is already linked to a part-time timetable.")
        if timetable is None:
            timetable = attendance.start_part_time_timetable(
                actor,
                pupil=plan.pupil,
                start_date=locked.starts_on,
                planned_end_date=locked.ends_on,
                attended_sessions=list(attended_sessions),
                reason=f"Reintegration plan: {locked.timetable}"[:500],
                parent_agreed_on=parent_agreed_on,
                next_review=next_review or locked.ends_on,
                not_to_manage_behaviour=not_to_manage_behaviour,
                la_notified_on=la_notified_on,
            )
        locked.part_time = timetable
        locked.reduces_hours = True
        locked.save(update_fields=["part_time", "reduces_hours"])
        audit.record(actor, Verb.UPDATE, plan, pupil=plan.pupil, reason=f"support.phase_part_time:{timetable.pk}")
    phase.part_time = timetable
    phase.reduces_hours = True
    return phase


def import_attainment_file(
    actor: Any, *, school: Any, lines: Iterable[str], measure: str = "Working-at grade", source_name: str, dry_run: bool
) -> Any:
    """A school's attainment file (`upn,subject,assessed_on,value[,target]`) through the same
    importer as `manage.py import_csv attainment`: all or nothing, each wrong row reported with its
    line number (`ImportRejected`); `dry_run` checks the file and writes nothing. The pastoral lead,
    senior leaders and the data manager (`rules.ATTAINMENT_IMPORT_ROLES`) only."""
    from .csv_import import import_attainment
    from .rules import may_import_attainment

    if not may_import_attainment(actor, school):
        raise _deny(
            actor,
            ("support.attainmentrecord", 0),
            pupil=None,
            reason="support.import_attainment",
            message="Only the pastoral lead, senior leaders and the data manager import attainment files.",
        )
    measure = measure.strip() or "Working-at grade"
    if len(measure) > 60:
        raise ValidationError("The measure is longer than 60 characters.")
    return import_attainment(school, lines, actor=actor, source_name=source_name, measure=measure, dry_run=dry_run)
