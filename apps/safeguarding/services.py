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

import base64
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
    BodyMapMark,
    BodyRegion,
    Concern,
    ConcernAction,
    ConcernAmendment,
    ConcernAttachment,
    ConcernCategory,
    ConcernDraft,
    ConcernPupil,
    CPFileTransfer,
    Decision,
    ReferralReminder,
    ReferralResponse,
    SafeguardingSettings,
    SafeguardingStatus,
    StaffAllegation,
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


ALLOWED_UPLOADS = {
    # extension: (content type, the bytes the file must start with)
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}


def check_upload(upload: Any) -> tuple[str, str]:
    """Validate an attachment: a PDF, PNG or JPEG by both name and content, no larger than
    HEARTH_MAX_UPLOAD_BYTES. Returns (safe original name, content type). The uploaded name is only
    ever shown, never used as a path."""
    import os

    from django.conf import settings
    from django.utils.text import get_valid_filename

    raw = str(getattr(upload, "name", "") or "")
    base = os.path.basename(raw.replace("\\", "/")).strip()
    extension = base.rsplit(".", 1)[-1].lower() if "." in base else ""
    if extension not in ALLOWED_UPLOADS:
        raise ValidationError("Attach a PDF, PNG or JPEG file (photographs of marks, letters, forms).")
    limit = settings.HEARTH_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(f"The file is {upload.size / 1048576:.1f} MB; the limit is {limit // 1048576} MB.")
    content_type, signatures = ALLOWED_UPLOADS[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(f"The file is named .{extension} but its content is not a {extension.upper()} file.")
    try:
        name = get_valid_filename(base)[:120]
    except Exception:  # a name of only unsafe characters
        name = f"attachment.{extension}"
    return name, content_type


def _store_attachment(actor: Any, concern: Concern, upload: Any) -> ConcernAttachment:
    import hashlib

    name, content_type = check_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = ConcernAttachment(
        school=concern.school,
        concern=concern,
        original_name=name,
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    attachment.file.save("upload", upload, save=False)
    attachment.save()
    audit.record(actor, Verb.CREATE, attachment, reason="safeguarding.attach")
    return attachment


def add_attachment(actor: Any, *, concern: Concern, upload: Any) -> ConcernAttachment:
    """The author or the DSL team adds a file to a concern (write-once)."""
    if not can_amend_concern(actor, concern):
        _deny(actor, concern, "safeguarding.attach", "Only the author or the DSL team can add a file.")
    try:
        check_upload(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    with transaction.atomic():
        return _store_attachment(actor, concern, upload)


def _clean_body_map(marks: Sequence[Mapping[str, str]], errors: dict[str, str]) -> list[dict[str, str]]:
    cleaned = []
    for i, mark in enumerate(marks, start=1):
        side, region, note = mark.get("side", ""), mark.get("region", ""), (mark.get("note") or "").strip()
        if not (side or region or note):
            continue
        if side not in BodyMapMark.Side.values or region not in BodyRegion.values or not note:
            errors["body_map"] = f"Mark {i} on the body map needs a side, a place and a note of what you saw."
            continue
        cleaned.append({"side": side, "region": region, "note": note})
    return cleaned


def save_draft(actor: Any, *, school: School, data: Mapping[str, Any]) -> ConcernDraft:
    """Keep an unfinished concern form for its author (survives a session timeout and a reload)."""
    import json

    if not can_log_concern(actor, school):
        _deny(actor, school, "safeguarding.save_draft", "Only staff of this school can log a concern.", school=school)
    draft, _ = ConcernDraft.objects.update_or_create(
        user=actor, school=school, defaults={"data": json.dumps(dict(data))[:20000]}
    )
    return draft


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
    body_map: Sequence[Mapping[str, str]] = (),
    attachments: Sequence[Any] = (),
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
    marks = _clean_body_map(body_map, errors)
    for upload in attachments:
        try:
            check_upload(upload)
        except ValidationError as error:
            errors["attachment"] = " ".join(error.messages)
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
        BodyMapMark.objects.bulk_create(
            BodyMapMark(school=school, concern=concern, side=m["side"], region=m["region"], note=m["note"])
            for m in marks
        )
        for upload in attachments:
            _store_attachment(actor, concern, upload)
        ConcernDraft.objects.filter(user=actor, school=school).delete()
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


def close_concern(actor: Any, *, concern: Concern, outcome: str, share_with_author: bool = False) -> Concern:
    """Close with a written outcome (§3.3 (b), (c): how it was followed up and resolved). The DSL
    may share the outcome with the member of staff who logged the concern."""
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
        concern.outcome_shared_with_author = share_with_author
        concern.save(
            update_fields=["status", "outcome", "closed_at", "closed_by", "outcome_shared_with_author", "updated_at"]
        )
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


def update_settings(
    actor: Any,
    *,
    school: School,
    acknowledge_within_minutes: int,
    triage_within_school_days: int,
    pattern_window_days: int,
    pattern_distinct_staff: int,
) -> SafeguardingSettings:
    """The DSL sets the school's time limits and pattern thresholds (school policy, not statute)."""
    from apps.accounts.selectors import roles_in

    if "dsl" not in roles_in(actor, school):
        _deny(actor, school, "safeguarding.settings", "Only the DSL can change these.", school=school)
    errors: dict[str, str] = {}
    if not 5 <= acknowledge_within_minutes <= 24 * 60:
        errors["acknowledge_within_minutes"] = "Between 5 minutes and 24 hours."
    if not 1 <= triage_within_school_days <= 5:
        errors["triage_within_school_days"] = "Between 1 and 5 school days."
    if not 7 <= pattern_window_days <= 365:
        errors["pattern_window_days"] = "Between 7 and 365 days."
    if not 2 <= pattern_distinct_staff <= 10:
        errors["pattern_distinct_staff"] = "Between 2 and 10 members of staff."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        found, _ = SafeguardingSettings.objects.update_or_create(
            school=school,
            defaults={
                "acknowledge_within_minutes": acknowledge_within_minutes,
                "triage_within_school_days": triage_within_school_days,
                "pattern_window_days": pattern_window_days,
                "pattern_distinct_staff": pattern_distinct_staff,
            },
        )
        audit.record(actor, Verb.UPDATE, found, school=school, reason="safeguarding.settings")
    return found


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
    of an immediate risk) and referrals children's social care has not answered within 1 working
    day (§3.6), and each owner and the DSL team about actions past their due date. Each item is
    escalated once. Run by `manage.py safeguarding_escalate` (e.g. every 15 minutes)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    late = Concern.objects.filter(school=school, status=Concern.Status.NEW, escalated_at__isnull=True).filter(
        models.Q(triage_due_at__lt=now)
        | models.Q(immediate_risk=True, acknowledged_at__isnull=True, acknowledge_due_at__lt=now)
    )
    actions = ConcernAction.objects.filter(
        school=school, status=ConcernAction.Status.OPEN, due_on__lt=today, reminded_at__isnull=True
    ).select_related("owner", "concern")
    transfers = CPFileTransfer.objects.filter(
        school=school, received_at__isnull=True, due_on__lt=today, escalated_at__isnull=True
    )
    due_soon = ConcernAction.objects.filter(
        school=school,
        status=ConcernAction.Status.OPEN,
        due_on__gte=today,
        due_on__lte=today + dt.timedelta(days=1),
        due_reminder_at__isnull=True,
    ).select_related("owner", "concern")
    unanswered = (
        TriageDecision.objects.filter(
            school=school,
            decision=Decision.CSC_REFERRAL,
            response_due_on__lt=today,
            responses__isnull=True,
            reminder__isnull=True,
        )
        .exclude(concern__status=Concern.Status.CLOSED)
        .select_related("concern")
    )
    counts = {
        "concerns": late.count(),
        "actions": actions.count(),
        "transfers": transfers.count(),
        "due_soon": due_soon.count(),
        "referrals": unanswered.count(),
    }
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
        for action in due_soon:
            notify(
                [action.owner],
                school=school,
                title=f"Reminder: safeguarding action on {action.concern.reference} due {action.due_on:%d/%m/%Y}",
                url=_concern_url(action.concern),
            )
            action.due_reminder_at = now
            action.save(update_fields=["due_reminder_at", "updated_at"])
        for referral in unanswered:
            notify(
                team,
                school=school,
                title=(
                    f"No response yet to the referral on {referral.concern.reference} "
                    f"(due {referral.response_due_on:%d/%m/%Y}): chase children's social care"
                ),
                url=_concern_url(referral.concern),
                urgent=True,
            )
            reminder = ReferralReminder.objects.create(school=school, decision=referral, sent_at=now)
            audit.record("system", Verb.CREATE, reminder, reason="safeguarding.remind_referral")
        for transfer in transfers:
            notify(
                team,
                school=school,
                title=f"CP file transfer to {transfer.destination_name} is late (due {transfer.due_on:%d/%m/%Y})",
                url=reverse("safeguarding:transfers"),
                urgent=True,
            )
            transfer.escalated_at = now
            transfer.save(update_fields=["escalated_at", "updated_at"])
            audit.record("system", Verb.UPDATE, transfer, reason="safeguarding.escalate_transfer")
    return counts


# Child protection file transfer (domain file §3.5) ----------------------------------------------

PACK_FORMAT = "hearth.cp-file"
PACK_VERSION = 1


def _hash_code(code: str) -> str:
    import hashlib

    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def prepare_transfer(
    actor: Any,
    *,
    pupil: Any,
    destination_name: str,
    leaving_date: dt.date,
    destination_urn: str = "",
    calendar: SchoolCalendar | None = None,
) -> tuple[CPFileTransfer, str]:
    """Start a CP file transfer. Returns the transfer and its one-time receipt code (shown once to
    the sending DSL, who sends it with the pack). Due date by the §3.5 rule."""
    import secrets

    school = pupil.school
    if not can_manage_status(actor, school):
        _deny(actor, pupil, "safeguarding.prepare_transfer", "Only the DSL team can transfer a CP file.", pupil=pupil)
    errors: dict[str, str] = {}
    if not destination_name.strip():
        errors["destination_name"] = "Name the receiving school."
    if destination_urn and not (destination_urn.isdigit() and len(destination_urn) == 6):
        errors["destination_urn"] = "A URN is 6 digits."
    if CPFileTransfer.objects.filter(school=school, pupil=pupil, received_at__isnull=True).exists():
        errors["destination_name"] = "A transfer for this pupil is already waiting for receipt."
    if errors:
        raise ValidationError(errors)
    calendar = calendar or SchoolCalendar.for_school(school)
    code = "-".join(secrets.token_hex(2).upper() for _ in range(3))
    with transaction.atomic():
        transfer = CPFileTransfer.objects.create(
            school=school,
            pupil=pupil,
            destination_name=destination_name.strip()[:200],
            destination_urn=destination_urn,
            leaving_date=leaving_date,
            due_on=statutory.cp_file_transfer_due_on(leaving_date, calendar),
            prepared_by=actor,
            receipt_code_hash=_hash_code(code),
        )
        add_entry(
            pupil=pupil,
            kind=Kind.SAFEGUARDING,
            title=f"CP file transfer to {transfer.destination_name} started (due {transfer.due_on:%d/%m/%Y})",
            author=actor,
            source=transfer,
            confidentiality=Confidentiality.SAFEGUARDING,
        )
        audit.record(actor, Verb.CREATE, transfer, pupil=pupil, reason="safeguarding.prepare_transfer")
    return transfer, code


def _when(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _pack_body_map(concern: Concern) -> list[dict[str, str]]:
    return [
        {"side": m.side, "region": m.region, "region_label": m.get_region_display(), "note": m.note}
        for m in concern.body_marks.all()
    ]


def _pack_attachments(concern: Concern) -> list[dict[str, Any]]:
    """Each file with its name, type, size and SHA-256, the content in base64 (the receiving DSL
    can check the hash: the file is the one the author attached)."""
    files = []
    for a in concern.attachments.all():
        with a.file.open("rb") as handle:
            content = handle.read()
        files.append(
            {
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "data_base64": base64.b64encode(content).decode("ascii"),
            }
        )
    return files


def transfer_pack(actor: Any, *, transfer: CPFileTransfer) -> dict[str, Any]:
    """The machine-readable CP file (documented in docs/safeguarding.md). Only this pupil's part of
    a multi-pupil concern travels: other pupils are never named by the export, and the account of
    a concern where this pupil was only a witness or other is withheld. Audited as an export and
    marks the transfer sent."""
    school = transfer.school
    if not can_manage_status(actor, school):
        _deny(actor, transfer, "safeguarding.export_transfer", "Only the DSL team can export a CP file.")
    pupil = transfer.pupil
    links = (
        ConcernPupil.objects.filter(concern__school=school, pupil=pupil)
        .select_related("concern__logged_by")
        .order_by("concern__recorded_at")
    )
    concerns = []
    for link in links:
        c = link.concern
        shares_account = link.role in {ConcernPupil.Role.SUBJECT, ConcernPupil.Role.ALLEGED_PERPETRATOR}
        others = c.pupil_links.exclude(pupil=pupil).count()
        concerns.append(
            {
                "reference": c.reference,
                "role": link.role,
                "other_pupils_involved": others,
                "occurred_at": _when(c.occurred_at),
                "recorded_at": _when(c.recorded_at),
                "logged_by": c.logged_by.display_name,
                "location": c.location,
                "categories": c.categories,
                "immediate_risk": c.immediate_risk,
                "account": c.summary if shares_account else None,
                "immediate_action": c.immediate_action if shares_account else None,
                "body_map": _pack_body_map(c) if shares_account else [],
                "attachments": _pack_attachments(c) if shares_account else [],
                "amendments": [
                    {
                        "at": _when(a.created_at),
                        "by": a.amended_by.display_name,
                        "reason": a.reason,
                        "account": a.summary if shares_account else None,
                    }
                    for a in c.amendments.select_related("amended_by")
                ],
                "decisions": [
                    {
                        "decision": d.decision,
                        "decision_label": d.get_decision_display(),
                        "reason": d.reason,
                        "at": _when(d.created_at),
                        "by": d.decided_by.display_name,
                        "referral_reference": d.referral_reference,
                        "referral_date": d.referral_date.isoformat() if d.referral_date else None,
                        "responses": [
                            {"received_on": r.received_on.isoformat(), "outcome": r.outcome} for r in d.responses.all()
                        ],
                    }
                    for d in c.decisions.select_related("decided_by").prefetch_related("responses")
                ],
                "actions": [
                    {
                        "description": a.description,
                        "owner": a.owner.display_name,
                        "due_on": a.due_on.isoformat(),
                        "status": a.status,
                        "outcome": a.outcome,
                    }
                    for a in c.actions.select_related("owner")
                ],
                "status": c.status,
                "outcome": c.outcome,
                "closed_at": _when(c.closed_at),
            }
        )
    statuses = [
        {
            "kind": s.kind,
            "kind_label": s.get_kind_display(),
            "cp_category": s.cp_category,
            "start_date": s.start_date.isoformat(),
            "end_date": s.end_date.isoformat() if s.end_date else None,
            "social_worker_name": s.social_worker_name,
            "social_worker_contact": s.social_worker_contact,
            "virtual_school_head": s.virtual_school_head,
        }
        for s in SafeguardingStatus.objects.filter(school=school, pupil=pupil).order_by("start_date")
    ]
    pack = {
        "format": PACK_FORMAT,
        "version": PACK_VERSION,
        "exported_at": _when(timezone.now()),
        "from_school": {"name": school.name, "urn": school.urn, "laestab": school.laestab},
        "to_school": {"name": transfer.destination_name, "urn": transfer.destination_urn},
        "pupil": {
            "upn": pupil.upn,
            "legal_forename": pupil.legal_forename,
            "legal_surname": pupil.legal_surname,
            "preferred_forename": pupil.preferred_forename,
            "date_of_birth": pupil.date_of_birth.isoformat(),
            "leaving_date": transfer.leaving_date.isoformat(),
        },
        "statuses": statuses,
        "concerns": concerns,
    }
    with transaction.atomic():
        if transfer.sent_at is None:
            transfer.sent_at = timezone.now()
            transfer.save(update_fields=["sent_at", "updated_at"])
        audit.record(actor, Verb.EXPORT, transfer, pupil=pupil, reason="safeguarding.export_transfer")
    return pack


def confirm_receipt(actor: Any, *, school: School, code: str) -> CPFileTransfer:
    """The receiving DSL (signed in at their own school) confirms receipt with the one-time code
    (§3.5: confirmation of receipt must be obtained). The code works once."""
    if not can_manage_status(actor, school):
        _deny(actor, school, "safeguarding.confirm_receipt", "Only a DSL can confirm receipt.", school=school)
    transfer = CPFileTransfer.objects.filter(receipt_code_hash=_hash_code(code), received_at__isnull=True).first()
    if transfer is None:
        audit.record(actor, Verb.DENIED, ("safeguarding.cpfiletransfer", "code"), school=school, reason="bad_code")
        raise ValidationError({"code": "That receipt code is not recognised or has already been used."})
    with transaction.atomic():
        transfer.received_at = timezone.now()
        transfer.received_by_name = actor.display_name[:200]
        transfer.received_by_school = school.name[:200]
        transfer.save(update_fields=["received_at", "received_by_name", "received_by_school", "updated_at"])
        audit.record(actor, Verb.UPDATE, transfer, school=transfer.school, reason="safeguarding.receipt_confirmed")
        notify(
            _dsl_team(transfer.school),
            school=transfer.school,
            title=f"CP file received by {school.name}",
            url=reverse("safeguarding:transfers"),
            email=False,
        )
    return transfer


def import_transfer_pack(actor: Any, *, pupil: Any, pack: Mapping[str, Any]) -> int:
    """The receiving school files a pack from another Hearth school: each concern and status lands
    in the new pupil's chronology at safeguarding confidentiality, marked as transferred. Checks the
    pack is a Hearth CP file for this pupil (same UPN) before writing anything."""
    school = pupil.school
    if not can_manage_status(actor, school):
        _deny(actor, pupil, "safeguarding.import_transfer", "Only the DSL team can import a CP file.", pupil=pupil)
    if not isinstance(pack, Mapping) or pack.get("format") != PACK_FORMAT or pack.get("version") != PACK_VERSION:
        raise ValidationError({"pack": "This is not a Hearth CP file (format hearth.cp-file, version 1)."})
    upn = str((pack.get("pupil") or {}).get("upn", ""))
    if upn != pupil.upn:
        raise ValidationError({"pack": f"The pack is for UPN {upn or 'unknown'}, not {pupil.upn}. Nothing imported."})
    origin = str((pack.get("from_school") or {}).get("name", "another school"))[:200]
    made = 0

    def parse_when(value: Any) -> dt.datetime:
        try:
            parsed = dt.datetime.fromisoformat(str(value))
        except ValueError:
            return timezone.now()
        return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)

    with transaction.atomic():
        for item in pack.get("concerns") or []:
            lines = [f"Role: {item.get('role')}", f"Categories: {', '.join(item.get('categories') or [])}"]
            if item.get("account"):
                lines.append(f"Account: {item['account']}")
            for d in item.get("decisions") or []:
                lines.append(f"Decision: {d.get('decision_label')}. Reason: {d.get('reason')}")
            if item.get("outcome"):
                lines.append(f"Outcome: {item['outcome']}")
            add_entry(
                pupil=pupil,
                kind=Kind.SAFEGUARDING,
                title=f"Transferred concern {item.get('reference', '')}".strip(),
                summary="\n".join(lines),
                occurred_at=parse_when(item.get("recorded_at")),
                author=actor,
                confidentiality=Confidentiality.SAFEGUARDING,
                transferred_from=origin,
            )
            made += 1
        for s in pack.get("statuses") or []:
            add_entry(
                pupil=pupil,
                kind=Kind.SAFEGUARDING,
                title=f"Transferred status: {s.get('kind_label')} from {s.get('start_date')}"
                + (f" to {s['end_date']}" if s.get("end_date") else " (open when sent)"),
                occurred_at=parse_when(s.get("start_date")),
                author=actor,
                confidentiality=Confidentiality.SAFEGUARDING,
                transferred_from=origin,
            )
            made += 1
        audit.record(actor, Verb.IMPORT, pupil, pupil=pupil, reason="safeguarding.import_transfer")
    return made


# Allegations and low-level concerns about staff (KCSIE Part 4) -----------------------------------

ALLEGATION_ROLES = frozenset({"dsl", "headteacher"})


def allegation_readers(school: School, *, excluding: Any = None) -> list[Any]:
    """The DSL and the headteacher, never the person the allegation is about."""
    return [u for u in staff_with_role(school, *ALLEGATION_ROLES) if excluding is None or u.pk != excluding.pk]


def may_handle_allegation(actor: Any, allegation: StaffAllegation | None, school: School) -> bool:
    from apps.accounts.selectors import roles_in

    if not roles_in(actor, school) & ALLEGATION_ROLES:
        return False
    return allegation is None or allegation.subject_id != getattr(actor, "pk", None)


def report_allegation(
    actor: Any,
    *,
    school: School,
    kind: str,
    subject_name: str,
    summary: str,
    occurred_at: dt.datetime,
    subject: Any = None,
) -> StaffAllegation:
    """Any member of staff reports a concern about an adult in school. The DSL and head are told by
    a link-only alert; the person it is about is never told by Hearth."""
    if not can_log_concern(actor, school):
        _deny(actor, school, "safeguarding.report_allegation", "Only staff can report this.", school=school)
    errors: dict[str, str] = {}
    if kind not in StaffAllegation.Kind.values:
        errors["kind"] = "Choose an allegation or a low-level concern."
    if not subject_name.strip() and subject is None:
        errors["subject_name"] = "Say who it is about."
    if not summary.strip():
        errors["summary"] = "Write what was alleged or what you saw."
    if occurred_at > timezone.now() + dt.timedelta(minutes=5):
        errors["occurred_at"] = "When it happened cannot be in the future."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        allegation = StaffAllegation.objects.create(
            school=school,
            kind=kind,
            subject=subject,
            subject_name=(subject_name.strip() or (subject.display_name if subject else ""))[:200],
            summary=summary.strip(),
            occurred_at=occurred_at,
            reported_by=actor,
        )
        audit.record(actor, Verb.CREATE, allegation, reason="safeguarding.report_allegation")
        notify(
            allegation_readers(school, excluding=subject),
            school=school,
            title=f"Concern about an adult in school ({allegation.reference}) needs your attention",
            url=reverse("safeguarding:allegation", args=[allegation.pk]),
            urgent=kind == StaffAllegation.Kind.ALLEGATION,
        )
    return allegation


def refer_allegation_to_lado(
    actor: Any, *, allegation: StaffAllegation, referred_on: dt.date, reference: str = "", advice: str = ""
) -> StaffAllegation:
    if not may_handle_allegation(actor, allegation, allegation.school):
        _deny(actor, allegation, "safeguarding.lado", "Only the DSL or the headteacher can do this.")
    if referred_on > timezone.localdate():
        raise ValidationError({"referred_on": "The referral date cannot be in the future."})
    with transaction.atomic():
        allegation.lado_referred_on = referred_on
        allegation.lado_reference = reference.strip()[:60]
        allegation.lado_advice = advice.strip()
        allegation.save(update_fields=["lado_referred_on", "lado_reference", "lado_advice", "updated_at"])
        audit.record(actor, Verb.UPDATE, allegation, reason="safeguarding.lado_referral")
    return allegation


def close_allegation(actor: Any, *, allegation: StaffAllegation, outcome: str, notes: str) -> StaffAllegation:
    if not may_handle_allegation(actor, allegation, allegation.school):
        _deny(actor, allegation, "safeguarding.close_allegation", "Only the DSL or the headteacher can do this.")
    errors: dict[str, str] = {}
    if allegation.closed_at is not None:
        errors["outcome"] = "This is already closed."
    if outcome not in StaffAllegation.Outcome.values:
        errors["outcome"] = "Choose the outcome."
    if len(notes.strip()) < MIN_REASON_LENGTH:
        errors["notes"] = "Record how it was dealt with and why (KCSIE: decisions and reasons in writing)."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        allegation.outcome = outcome
        allegation.outcome_notes = notes.strip()
        allegation.closed_at = timezone.now()
        allegation.closed_by = actor
        allegation.save(update_fields=["outcome", "outcome_notes", "closed_at", "closed_by", "updated_at"])
        audit.record(actor, Verb.UPDATE, allegation, reason=f"safeguarding.close_allegation:{outcome}")
    return allegation
