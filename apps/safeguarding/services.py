"""Every write to safeguarding records.

Each service checks the permission, checks the domain rule, writes in one transaction, writes the
pupil's chronology at safeguarding confidentiality and the audit record, then alerts people after
commit. Records are append-only (domain file §3.3): a concern's account is never rewritten;
amendments, decisions and responses are new rows.

Multi-pupil rule (the issue; architecture "each pupil's record shows only that pupil's part"): a
pupil's chronology entry never carries another pupil's name. The narrative goes onto a pupil's
chronology only when the concern is about that pupil alone; otherwise the entry says the pupil's
role and links to the concern, which only the DSL team can open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import DSL_TEAM
from apps.accounts.selectors import staff_with_role
from apps.accounts.services import notify
from apps.audit import services as audit
from apps.audit.models import Verb
from apps.chronology.models import Confidentiality, Kind
from apps.chronology.services import add_entry
from apps.core.calendar import SchoolCalendar
from apps.core.models import School

from . import statutory
from .models import (
    REFERRAL_DECISIONS,
    AbuseCategory,
    Concern,
    ConcernAction,
    ConcernAmendment,
    ConcernCategory,
    ConcernPupil,
    Decision,
    ReferralResponse,
    SafeguardingSettings,
    SafeguardingStatus,
    StatusKind,
    TriageDecision,
)
from .rules import can_amend_concern, can_log_concern, can_manage_concern, can_manage_status

MIN_REASON_LENGTH = 10


def settings_for(school: School) -> SafeguardingSettings:
    found = SafeguardingSettings.objects.filter(school=school).first()
    return found or SafeguardingSettings(school=school)


def _deny(actor: Any, target: Any, code: str, message: str, *, school: Any = None, pupil: Any = None) -> None:
    audit.record(actor, Verb.DENIED, target, school=school, pupil=pupil, reason=code)
    raise PermissionDenied(message)


def _concern_url(concern: Concern) -> str:
    return reverse("safeguarding:concern", args=[concern.pk])


def _dsl_team(school: School) -> list[Any]:
    return staff_with_role(school, *DSL_TEAM)


def _chronology_for_each_pupil(concern: Concern, *, title: str, narrative: str, actor: Any) -> None:
    """One safeguarding-level entry per pupil in the concern, each showing only that pupil's part."""
    links = list(concern.pupil_links.select_related("pupil"))
    single = len(links) == 1
    for link in links:
        role = ConcernPupil.Role(link.role).label
        entry_title = title if single else f"{title} ({role.lower()})"
        summary = narrative if single else "Several pupils are involved; the DSL team holds the full record."
        add_entry(
            pupil=link.pupil,
            kind=Kind.SAFEGUARDING,
            title=entry_title,
            summary=summary,
            occurred_at=timezone.now(),
            author=actor,
            source=concern,
            source_url=_concern_url(concern),
            confidentiality=Confidentiality.SAFEGUARDING,
        )


def _clean_categories(category: str | Sequence[str] | None) -> list[str]:
    if category is None or category == "":
        return [ConcernCategory.OTHER.value]
    chosen = [category] if isinstance(category, str) else list(category)
    valid = set(ConcernCategory.values)
    unknown = [c for c in chosen if c not in valid]
    if unknown:
        raise ValidationError({"categories": f"Unknown concern category: {', '.join(unknown)}."})
    return list(dict.fromkeys(chosen)) or [ConcernCategory.OTHER.value]


def log_concern(
    actor: Any,
    *,
    school: School,
    pupils: Iterable[Any],
    summary: str,
    occurred_at: dt.datetime,
    category: str | Sequence[str] = ConcernCategory.OTHER,
    source: str = "",
    location: str = "",
    immediate_risk: bool = False,
    immediate_action: str = "",
    others_involved: str = "",
    roles: Mapping[int, str] | None = None,
    recorded_at: dt.datetime | None = None,
    calendar: SchoolCalendar | None = None,
) -> Concern:
    """Any member of staff records what they saw or heard (KCSIE Part 2; domain file §3.3). The DSL
    team is alerted at once by a link-only notification (urgent when the child is at immediate
    risk). Other modules (behaviour) call this to escalate an incident, with `source` naming it."""
    if not can_log_concern(actor, school):
        _deny(actor, school, "safeguarding.log_concern", "Only staff of this school can log a concern.", school=school)
    pupil_list = list(dict.fromkeys(pupils))
    errors: dict[str, str] = {}
    if not pupil_list:
        errors["pupils"] = "Choose the pupil or pupils the concern is about."
    elif any(p.school_id != school.pk for p in pupil_list):
        errors["pupils"] = "Every pupil must be on roll at this school."
    if not summary or not summary.strip():
        errors["summary"] = "Write what you saw or heard, using the child's own words in quotes."
    now = timezone.now()
    recorded = recorded_at or now
    if occurred_at > now + dt.timedelta(minutes=5):
        errors["occurred_at"] = "When it happened cannot be in the future."
    elif occurred_at > recorded + dt.timedelta(minutes=5):
        errors["occurred_at"] = "When it happened cannot be after it was recorded."
    role_map = {int(k): v for k, v in (roles or {}).items()}
    if any(v not in ConcernPupil.Role.values for v in role_map.values()):
        errors["roles"] = "Each pupil's role must be subject, alleged perpetrator, witness or other."
    if errors:
        raise ValidationError(errors)
    categories = _clean_categories(category)
    rules_ = settings_for(school)
    calendar = calendar or SchoolCalendar.for_school(school)
    with transaction.atomic():
        concern = Concern.objects.create(
            school=school,
            logged_by=actor,
            occurred_at=occurred_at,
            recorded_at=recorded,
            location=location.strip()[:200],
            summary=summary.strip(),
            categories=categories,
            immediate_risk=immediate_risk,
            immediate_action=immediate_action.strip(),
            others_involved=others_involved.strip(),
            source=source[:120],
            triage_due_at=statutory.triage_due_at(recorded, calendar, rules_.triage_within_school_days),
            acknowledge_due_at=statutory.acknowledge_due_at(recorded, rules_.acknowledge_within_minutes)
            if immediate_risk
            else None,
        )
        ConcernPupil.objects.bulk_create(
            ConcernPupil(concern=concern, pupil=p, role=role_map.get(p.pk, ConcernPupil.Role.SUBJECT))
            for p in pupil_list
        )
        title = "Safeguarding concern logged" + (": child at immediate risk" if immediate_risk else "")
        _chronology_for_each_pupil(concern, title=title, narrative=concern.summary, actor=actor)
        for p in pupil_list:
            audit.record(actor, Verb.CREATE, concern, pupil=p, reason="safeguarding.log_concern")
        notify(
            _dsl_team(school),
            school=school,
            title=(
                f"Child at immediate risk: concern {concern.reference} needs you now"
                if immediate_risk
                else f"New safeguarding concern {concern.reference} to triage"
            ),
            url=_concern_url(concern),
            urgent=immediate_risk,
        )
    return concern


def _require_manager(actor: Any, concern: Concern, code: str) -> None:
    if not can_manage_concern(actor, concern):
        _deny(actor, concern, code, "Only the DSL team can do this.")


def acknowledge_concern(actor: Any, *, concern: Concern) -> Concern:
    """The DSL team takes a concern: it shows the author who is handling it."""
    _require_manager(actor, concern, "safeguarding.acknowledge")
    if concern.acknowledged_at is not None:
        return concern
    with transaction.atomic():
        concern.acknowledged_at = timezone.now()
        concern.handled_by = concern.handled_by or actor
        concern.save(update_fields=["acknowledged_at", "handled_by", "updated_at"])
        audit.record(actor, Verb.UPDATE, concern, reason="safeguarding.acknowledge")
    return concern


def amend_concern(actor: Any, *, concern: Concern, summary: str, reason: str) -> ConcernAmendment:
    """Correct or add to the account. The original and every earlier version stay (§3.3)."""
    if not can_amend_concern(actor, concern):
        _deny(actor, concern, "safeguarding.amend", "Only the author or the DSL team can amend a concern.")
    errors: dict[str, str] = {}
    if not summary.strip():
        errors["summary"] = "Write the amended account."
    if len(reason.strip()) < MIN_REASON_LENGTH:
        errors["reason"] = "Give the reason for the amendment (at least a short sentence)."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        amendment = ConcernAmendment.objects.create(
            school=concern.school,
            concern=concern,
            summary=summary.strip(),
            reason=reason.strip()[:300],
            amended_by=actor,
        )
        _chronology_for_each_pupil(
            concern, title="Safeguarding concern amended", narrative=f"Reason: {amendment.reason}", actor=actor
        )
        audit.record(actor, Verb.AMEND, concern, reason="safeguarding.amend")
    return amendment


def triage_concern(
    actor: Any,
    *,
    concern: Concern,
    decision: str,
    reason: str,
    referral_reference: str = "",
    referral_date: dt.date | None = None,
) -> TriageDecision:
    """The DSL's decision and its reason in writing (KCSIE, domain file §3.3). A referral records
    the date (and reference when known) and gets a response deadline of 1 working day (§3.6).
    No further action closes the concern with the reason as its outcome."""
    _require_manager(actor, concern, "safeguarding.triage")
    errors: dict[str, str] = {}
    if decision not in Decision.values:
        errors["decision"] = "Choose a decision."
    if len(reason.strip()) < MIN_REASON_LENGTH:
        errors["reason"] = "Write the reason for the decision: KCSIE requires decisions and reasons in writing."
    if concern.status == Concern.Status.CLOSED:
        errors["decision"] = "This concern is closed. Log a new concern, or reopen it first."
    is_referral = decision in REFERRAL_DECISIONS
    if is_referral and referral_date is None:
        referral_date = timezone.localdate()
    if referral_date and referral_date > timezone.localdate():
        errors["referral_date"] = "The referral date cannot be in the future."
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        made = TriageDecision.objects.create(
            school=concern.school,
            concern=concern,
            decision=decision,
            reason=reason.strip(),
            decided_by=actor,
            referral_reference=referral_reference.strip()[:60] if is_referral else "",
            referral_date=referral_date if is_referral else None,
            response_due_on=statutory.referral_response_due_on(referral_date)
            if decision == Decision.CSC_REFERRAL and referral_date
            else None,
        )
        fields = ["status", "updated_at"]
        if concern.triaged_at is None:
            concern.triaged_at = now
            fields.append("triaged_at")
        if concern.acknowledged_at is None:
            concern.acknowledged_at = now
            fields.append("acknowledged_at")
        if concern.handled_by_id is None:
            concern.handled_by = actor
            fields.append("handled_by")
        if decision == Decision.NO_FURTHER_ACTION:
            concern.status = Concern.Status.CLOSED
            concern.outcome = f"No further action: {reason.strip()}"
            concern.closed_at = now
            concern.closed_by = actor
            fields += ["outcome", "closed_at", "closed_by"]
        else:
            concern.status = Concern.Status.OPEN
        concern.save(update_fields=fields)
        label = Decision(decision).label
        _chronology_for_each_pupil(
            concern, title=f"DSL decision: {label}", narrative=f"Reason: {made.reason}", actor=actor
        )
        audit.record(actor, Verb.UPDATE, concern, reason=f"safeguarding.triage:{decision}")
    return made


def record_referral_response(
    actor: Any, *, decision: TriageDecision, outcome: str, received_on: dt.date
) -> ReferralResponse:
    _require_manager(actor, decision.concern, "safeguarding.referral_response")
    if decision.decision not in REFERRAL_DECISIONS:
        raise ValidationError({"outcome": "Only a referral has a response to record."})
    if len(outcome.strip()) < 3:
        raise ValidationError({"outcome": "Write what the agency decided."})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "The date received cannot be in the future."})
    with transaction.atomic():
        response = ReferralResponse.objects.create(
            school=decision.school,
            decision=decision,
            outcome=outcome.strip(),
            received_on=received_on,
            recorded_by=actor,
        )
        _chronology_for_each_pupil(
            decision.concern,
            title=f"Response to {decision.get_decision_display().lower()}",
            narrative=response.outcome,
            actor=actor,
        )
        audit.record(actor, Verb.UPDATE, decision.concern, reason="safeguarding.referral_response")
    return response


def add_action(actor: Any, *, concern: Concern, description: str, owner: Any, due_on: dt.date) -> ConcernAction:
    _require_manager(actor, concern, "safeguarding.add_action")
    errors: dict[str, str] = {}
    if not description.strip():
        errors["description"] = "Say what needs to be done."
    if owner is None or owner.pk not in staff_ids(concern.school):
        errors["owner"] = "The owner must be a member of staff at this school."
    if concern.status == Concern.Status.CLOSED:
        errors["description"] = "This concern is closed; actions cannot be added."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        action = ConcernAction.objects.create(
            school=concern.school,
            concern=concern,
            description=description.strip(),
            owner=owner,
            due_on=due_on,
            created_by=actor,
        )
        audit.record(actor, Verb.CREATE, action, reason="safeguarding.add_action")
        notify(
            [owner] if owner != actor else [],
            school=concern.school,
            title=f"Safeguarding action for you on {concern.reference}, due {due_on:%d/%m/%Y}",
            url=_concern_url(concern),
        )
    return action


def staff_ids(school: School) -> set[int]:
    from apps.accounts.selectors import staff_of

    return {u.pk for u in staff_of(school)}


def complete_action(actor: Any, *, action: ConcernAction, outcome: str, cancelled: bool = False) -> ConcernAction:
    """The owner or the DSL team marks an action done (with its outcome) or cancelled (with why)."""
    if not (can_manage_concern(actor, action.concern) or action.owner_id == getattr(actor, "pk", None)):
        _deny(actor, action, "safeguarding.complete_action", "Only the owner or the DSL team can complete this action.")
    if action.status != ConcernAction.Status.OPEN:
        raise ValidationError({"outcome": "This action is already finished."})
    if len(outcome.strip()) < 3:
        raise ValidationError({"outcome": "Write the outcome (or why the action is cancelled)."})
    with transaction.atomic():
        action.status = ConcernAction.Status.CANCELLED if cancelled else ConcernAction.Status.DONE
        action.outcome = outcome.strip()
        action.completed_at = timezone.now()
        action.completed_by = actor
        action.save(update_fields=["status", "outcome", "completed_at", "completed_by", "updated_at"])
        audit.record(actor, Verb.UPDATE, action, reason=f"safeguarding.action_{action.status}")
    return action


def close_concern(actor: Any, *, concern: Concern, outcome: str) -> Concern:
    """Close with a written outcome (§3.3 (b), (c): how it was followed up and resolved)."""
    _require_manager(actor, concern, "safeguarding.close")
    errors: dict[str, str] = {}
    if concern.status == Concern.Status.CLOSED:
        errors["outcome"] = "This concern is already closed."
    elif concern.triaged_at is None:
        errors["outcome"] = "Record a triage decision and its reason before closing."
    if len(outcome.strip()) < MIN_REASON_LENGTH:
        errors["outcome"] = "Write the outcome: how the concern was followed up and resolved."
    if concern.actions.filter(status=ConcernAction.Status.OPEN).exists():
        errors["outcome"] = "Finish or cancel the open actions before closing."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        concern.status = Concern.Status.CLOSED
        concern.outcome = outcome.strip()
        concern.closed_at = timezone.now()
        concern.closed_by = actor
        concern.save(update_fields=["status", "outcome", "closed_at", "closed_by", "updated_at"])
        _chronology_for_each_pupil(
            concern, title="Safeguarding concern closed", narrative=f"Outcome: {concern.outcome}", actor=actor
        )
        audit.record(actor, Verb.UPDATE, concern, reason="safeguarding.close")
    return concern


def link_concerns(actor: Any, *, concern: Concern, other: Concern) -> None:
    """The DSL links two concerns into one case (only the DSL may connect pupils' records)."""
    _require_manager(actor, concern, "safeguarding.link")
    if other.school_id != concern.school_id or other.pk == concern.pk:
        raise ValidationError({"other": "Choose another concern at this school."})
    with transaction.atomic():
        concern.linked.add(other)
        audit.record(actor, Verb.UPDATE, concern, reason=f"safeguarding.link:{other.pk}")


def set_status(
    actor: Any,
    *,
    pupil: Any,
    kind: str,
    start_date: dt.date,
    cp_category: str = "",
    social_worker_name: str = "",
    social_worker_contact: str = "",
    virtual_school_head: str = "",
) -> SafeguardingStatus:
    """Record that a pupil has a status (domain file §3.6). A CP plan needs its category (one of
    the four abuse categories, §3.2). Only one open period of a kind at a time."""
    school = pupil.school
    if not can_manage_status(actor, school):
        _deny(actor, pupil, "safeguarding.set_status", "Only the DSL team can record statuses.", pupil=pupil)
    errors: dict[str, str] = {}
    if kind not in StatusKind.values:
        errors["kind"] = "Choose a status."
    if kind == StatusKind.CP and cp_category not in AbuseCategory.values:
        errors["cp_category"] = "A child protection plan needs its category."
    if kind != StatusKind.CP and cp_category:
        cp_category = ""
    if start_date > timezone.localdate():
        errors["start_date"] = "The start date cannot be in the future."
    if SafeguardingStatus.objects.filter(school=school, pupil=pupil, kind=kind, end_date__isnull=True).exists():
        errors["kind"] = "This pupil already has an open status of that kind; end it first."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        status = SafeguardingStatus.objects.create(
            school=school,
            pupil=pupil,
            kind=kind,
            cp_category=cp_category,
            start_date=start_date,
            social_worker_name=social_worker_name.strip()[:120],
            social_worker_contact=social_worker_contact.strip(),
            virtual_school_head=virtual_school_head.strip()[:200],
            recorded_by=actor,
        )
        add_entry(
            pupil=pupil,
            kind=Kind.SAFEGUARDING,
            title=f"{status.get_kind_display()} started",
            occurred_at=timezone.make_aware(dt.datetime.combine(start_date, dt.time(9, 0))),
            author=actor,
            source=status,
            confidentiality=Confidentiality.SAFEGUARDING,
        )
        audit.record(actor, Verb.CREATE, status, pupil=pupil, reason="safeguarding.set_status")
    return status


def end_status(actor: Any, *, status: SafeguardingStatus, end_date: dt.date, reason: str) -> SafeguardingStatus:
    if not can_manage_status(actor, status.school):
        _deny(actor, status, "safeguarding.end_status", "Only the DSL team can end a status.", pupil=status.pupil_id)
    errors: dict[str, str] = {}
    if status.end_date is not None:
        errors["end_date"] = "This status has already ended."
    elif end_date < status.start_date:
        errors["end_date"] = "A status cannot end before it started."
    if end_date > timezone.localdate():
        errors["end_date"] = "The end date cannot be in the future."
    if len(reason.strip()) < 3:
        errors["reason"] = "Give the reason the status ended (e.g. stepped down to CIN)."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        status.end_date = end_date
        status.end_reason = reason.strip()[:200]
        status.save(update_fields=["end_date", "end_reason", "updated_at"])
        add_entry(
            pupil=status.pupil,
            kind=Kind.SAFEGUARDING,
            title=f"{status.get_kind_display()} ended",
            summary=f"Reason: {status.end_reason}",
            occurred_at=timezone.make_aware(dt.datetime.combine(end_date, dt.time(9, 0))),
            author=actor,
            source=status,
            confidentiality=Confidentiality.SAFEGUARDING,
        )
        audit.record(actor, Verb.UPDATE, status, pupil=status.pupil_id, reason="safeguarding.end_status")
    return status


def escalate_overdue(*, school: School, now: dt.datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Alert the DSL and deputies about concerns past their time limit (triage, or acknowledgement
    of an immediate risk), and each owner and the DSL team about actions past their due date. Each
    item is escalated once. Run by `manage.py safeguarding_escalate` (e.g. every 15 minutes)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    late = Concern.objects.filter(school=school, status=Concern.Status.NEW, escalated_at__isnull=True).filter(
        models.Q(triage_due_at__lt=now)
        | models.Q(immediate_risk=True, acknowledged_at__isnull=True, acknowledge_due_at__lt=now)
    )
    actions = ConcernAction.objects.filter(
        school=school, status=ConcernAction.Status.OPEN, due_on__lt=today, reminded_at__isnull=True
    ).select_related("owner", "concern")
    counts = {"concerns": late.count(), "actions": actions.count()}
    if dry_run:
        return counts
    team = _dsl_team(school)
    with transaction.atomic():
        for concern in late:
            notify(
                team,
                school=school,
                title=f"Overdue: concern {concern.reference} has passed its time limit",
                url=_concern_url(concern),
                urgent=True,
            )
            concern.escalated_at = now
            concern.save(update_fields=["escalated_at", "updated_at"])
            audit.record("system", Verb.UPDATE, concern, reason="safeguarding.escalate")
        for action in actions:
            notify(
                {action.owner, *team},
                school=school,
                title=f"Overdue action on {action.concern.reference} (was due {action.due_on:%d/%m/%Y})",
                url=_concern_url(action.concern),
            )
            action.reminded_at = now
            action.save(update_fields=["reminded_at", "updated_at"])
            audit.record("system", Verb.UPDATE, action, reason="safeguarding.remind_action")
    return counts
