"""Reads of safeguarding records, scoped to the school and to what the viewer may see.

Only the DSL team reads concerns (domain file §3.3: "only those responsible for safeguarding get
access"). The member of staff who logged a concern sees that it was received and who is handling
it, and their own account, never the DSL's work. Every read of a concern is audited here; a
refusal answers 404 (so nobody can probe for a concern) and is audited too.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from apps.accounts.models import DSL_TEAM
from apps.accounts.selectors import roles_in
from apps.audit import services as audit
from apps.audit.models import Verb
from apps.core.models import School
from apps.people.selectors import sibling_ids

from . import statutory
from .models import (
    SOCIAL_WORKER_STATUSES,
    Concern,
    ConcernAction,
    ConcernAttachment,
    ConcernDraft,
    ConcernPupil,
    CPFileTransfer,
    Decision,
    SafeguardingStatus,
    StaffAllegation,
    StatusKind,
    TriageDecision,
)


def is_dsl_team(viewer: Any, school: School) -> bool:
    return bool(roles_in(viewer, school) & DSL_TEAM)


def _require_dsl(viewer: Any, school: School, code: str) -> None:
    if not is_dsl_team(viewer, school):
        audit.record(viewer, Verb.DENIED, ("safeguarding", code), school=school, reason=code)
        raise PermissionDenied("Only the DSL team can see this.")


def _concerns(school: School) -> QuerySet[Concern]:
    return (
        Concern.objects.filter(school=school)
        .select_related("logged_by", "handled_by")
        .prefetch_related(Prefetch("pupil_links", queryset=ConcernPupil.objects.select_related("pupil__form")))
    )


# The concern's encrypted narrative: lists (the queue, the pattern checks) show none of it, so
# they defer it and no row is decrypted (Fernet per field per row) just to be listed.
NARRATIVE_FIELDS = ("summary", "immediate_action", "others_involved", "outcome")


def _listed_concerns(school: School) -> QuerySet[Concern]:
    return _concerns(school).defer(*NARRATIVE_FIELDS)


def _links_without_narrative(school: School) -> QuerySet[ConcernPupil]:
    return (
        ConcernPupil.objects.filter(concern__school=school)
        .select_related("pupil", "concern")
        .defer(*(f"concern__{name}" for name in NARRATIVE_FIELDS))
    )


def get_concern(school: School, viewer: Any, concern_id: int) -> Concern:
    """The concern, for the DSL team or its author; 404 (audited) for anyone else, including
    another school's DSL. The read is audited against each pupil."""
    concern = _concerns(school).filter(pk=concern_id).first()
    allowed = concern is not None and (is_dsl_team(viewer, school) or concern.logged_by_id == viewer.pk)
    if concern is None or not allowed:
        audit.record(
            viewer, Verb.DENIED, ("safeguarding.concern", concern_id), school=school, reason="safeguarding.view_concern"
        )
        raise Http404("No such concern.")
    reason = "safeguarding.view_concern" if is_dsl_team(viewer, school) else "safeguarding.view_own_concern"
    for link in concern.pupil_links.all():
        audit.record(viewer, Verb.VIEW, concern, pupil=link.pupil_id, reason=reason)
    return concern


def concern_history(concern: Concern) -> dict[str, Any]:
    """Everything the DSL sees on a concern: every version of the account, decisions with their
    responses, actions. Called only after `get_concern` admitted a DSL-team viewer."""
    return {
        "amendments": list(concern.amendments.select_related("amended_by")),
        "decisions": list(concern.decisions.select_related("decided_by").prefetch_related("responses")),
        "actions": list(concern.actions.select_related("owner", "completed_by")),
        "linked": list(concern.linked.all()),
    }


def current_account(concern: Concern) -> str:
    latest = concern.amendments.order_by("-created_at", "-id").first()
    return latest.summary if latest else concern.summary


def concerns_logged_by(school: School, viewer: Any, *, limit: int = 50) -> list[Concern]:
    """What the viewer has logged: the receipt they see (status and handler, no DSL work)."""
    return list(
        Concern.objects.filter(school=school, logged_by=viewer)
        .select_related("handled_by")
        .order_by("-recorded_at")[:limit]
    )


@dataclass
class QueueRow:
    concern: Concern
    due: dt.datetime | None
    overdue: bool
    remaining: dt.timedelta | None
    flags: list[str] = field(default_factory=list)


@dataclass
class PatternFlag:
    pupil: Any
    kind: str
    message: str
    evidence: list[Concern]


@dataclass
class Queue:
    untriaged: list[QueueRow]
    open: list[QueueRow]
    overdue_actions: list[ConcernAction]
    awaiting_response: list[TriageDecision]
    patterns: list[PatternFlag]
    transfers: list[CPFileTransfer] = field(default_factory=list)


def _row(concern: Concern, now: dt.datetime) -> QueueRow:
    if concern.status == Concern.Status.NEW:
        due = concern.triage_due_at
        if concern.immediate_risk and concern.acknowledged_at is None and concern.acknowledge_due_at:
            due = min(due, concern.acknowledge_due_at)
    else:
        due = None
    return QueueRow(
        concern=concern,
        due=due,
        overdue=statutory.is_overdue(due, now),
        remaining=(due - now) if due else None,
    )


def triage_queue(school: School, viewer: Any, *, now: dt.datetime | None = None) -> Queue:
    """The DSL's queue: untriaged concerns (immediate risk first, then oldest first), open concerns
    oldest first, overdue actions, referrals with no response by the due day, and patterns."""
    _require_dsl(viewer, school, "safeguarding.queue")
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    listed = list(
        _listed_concerns(school)
        .filter(status__in=[Concern.Status.NEW, Concern.Status.OPEN])
        .order_by("recorded_at", "id")
    )
    untriaged = [
        _row(c, now)
        for c in sorted(
            (c for c in listed if c.status == Concern.Status.NEW),
            key=lambda c: (not c.immediate_risk, c.recorded_at, c.pk),
        )
    ]
    open_rows = [_row(c, now) for c in listed if c.status == Concern.Status.OPEN]
    overdue_actions = list(
        ConcernAction.objects.filter(school=school, status=ConcernAction.Status.OPEN, due_on__lt=today)
        .select_related("owner", "concern")
        .defer("outcome", *(f"concern__{name}" for name in NARRATIVE_FIELDS))
        .order_by("due_on", "id")
    )
    awaiting = list(
        TriageDecision.objects.filter(
            school=school,
            decision=Decision.CSC_REFERRAL,
            response_due_on__lt=today,
            responses__isnull=True,
        )
        .exclude(concern__status=Concern.Status.CLOSED)
        .select_related("concern", "decided_by")
        .defer("reason", *(f"concern__{name}" for name in NARRATIVE_FIELDS))
        .order_by("response_due_on")
    )
    flags = pattern_flags(school, now=now)
    flagged: dict[int, list[str]] = defaultdict(list)
    for flag in flags:
        flagged[flag.pupil.pk].append(flag.message)
    for row in untriaged + open_rows:
        for link in row.concern.pupil_links.all():
            row.flags.extend(flagged.get(link.pupil_id, []))
    audit.record(viewer, Verb.VIEW, ("safeguarding.queue", school.pk), school=school, reason="safeguarding.queue")
    return Queue(untriaged, open_rows, overdue_actions, awaiting, flags, transfers_awaiting_receipt(school))


def queue_counts(school: School, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Counts for the DSL's home panel (no names, no narrative)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    new = Concern.objects.filter(school=school, status=Concern.Status.NEW)
    return {
        "untriaged": new.count(),
        "overdue_triage": new.filter(triage_due_at__lt=now).count(),
        "immediate_risk": new.filter(immediate_risk=True, acknowledged_at__isnull=True).count(),
        "open": Concern.objects.filter(school=school, status=Concern.Status.OPEN).count(),
        "overdue_actions": ConcernAction.objects.filter(
            school=school, status=ConcernAction.Status.OPEN, due_on__lt=today
        ).count(),
    }


def pattern_flags(school: School, *, now: dt.datetime | None = None) -> list[PatternFlag]:
    """Patterns the DSL should not have to spot alone (the issue):
    - concerns about a pupil from 3 or more different staff within 30 days (school setting);
    - 3 or more concerns about a pupil in the same category within 90 days;
    - a pupil with an open concern whose sibling has an open CP, CIN or looked-after status;
    - a pupil with an open concern whose attendance has fallen sharply in the last 4 weeks."""
    from .services import settings_for

    now = now or timezone.now()
    rules_ = settings_for(school)
    window = rules_.pattern_window_days
    since = now - dt.timedelta(days=max(window, 90))
    links = list(
        _links_without_narrative(school).filter(concern__recorded_at__gte=since).order_by("concern__recorded_at")
    )
    by_pupil: dict[int, list[ConcernPupil]] = defaultdict(list)
    for link in links:
        by_pupil[link.pupil_id].append(link)
    flags: list[PatternFlag] = []
    staff_since = now - dt.timedelta(days=window)
    for items in by_pupil.values():
        pupil = items[0].pupil
        recent = [i.concern for i in items if i.concern.recorded_at >= staff_since]
        staff = statutory.distinct_staff_in_window(
            [(c.logged_by_id, c.recorded_at) for c in recent], now=now, days=window
        )
        if staff >= rules_.pattern_distinct_staff:
            flags.append(PatternFlag(pupil, "staff", f"Concerns from {staff} different staff in {window} days", recent))
        by_category: dict[str, list[Concern]] = defaultdict(list)
        for i in items:
            for category in i.concern.categories:
                by_category[category].append(i.concern)
        for category, concerns in by_category.items():
            if len(concerns) >= 3:
                label = concerns[0].category_labels()[concerns[0].categories.index(category)]
                flags.append(
                    PatternFlag(
                        pupil, "category", f"{len(concerns)} concerns about {label.lower()} in 90 days", concerns
                    )
                )
    open_links = list(_links_without_narrative(school).exclude(concern__status=Concern.Status.CLOSED))
    open_by_pupil: dict[int, list[ConcernPupil]] = defaultdict(list)
    for link in open_links:
        open_by_pupil[link.pupil_id].append(link)
    if open_by_pupil:
        siblings = sibling_ids(list(open_by_pupil))
        with_worker = pupils_with_social_worker(school, today=timezone.localtime(now).date())
        for pupil_id, pupil_links in open_by_pupil.items():
            if siblings.get(pupil_id, set()) & with_worker:
                flags.append(
                    PatternFlag(
                        pupil_links[0].pupil,
                        "sibling",
                        "A sibling has an open CP, CIN or looked-after status",
                        [lk.concern for lk in pupil_links],
                    )
                )
    flags.extend(_attendance_fall_flags(school, open_by_pupil, now=now))
    return flags


# A fall worth showing the DSL: attendance in the last 4 weeks at least 10 points below the 8 weeks
# before, and under 90% (the persistent-absence line, domain file §1.3). Our choice, not statute.
FALL_RECENT_DAYS = 28
FALL_BEFORE_DAYS = 56
FALL_POINTS = 10


def _attendance_fall_flags(
    school: School, open_by_pupil: dict[int, list[ConcernPupil]], *, now: dt.datetime
) -> list[PatternFlag]:
    """Pupils with an open concern whose attendance has fallen sharply (the issue: "concerns
    together with a sudden fall in attendance"). Uses attendance's cross-module summary.
    `open_by_pupil`: each pupil's links to open concerns, in the order they were read."""
    if not open_by_pupil:
        return []
    try:
        from apps.attendance.selectors import attendance_summaries
    except ImportError:  # pragma: no cover - attendance not installed
        return []
    today = timezone.localtime(now).date()
    recent_start = today - dt.timedelta(days=FALL_RECENT_DAYS)
    before_start = recent_start - dt.timedelta(days=FALL_BEFORE_DAYS)
    ids = list(open_by_pupil)
    recent = attendance_summaries(school, ids, recent_start, today)
    before = attendance_summaries(school, ids, before_start, recent_start - dt.timedelta(days=1))
    flags = []
    for pid in ids:
        now_summary, then = recent.get(pid), before.get(pid)
        if not now_summary or not then or not now_summary.possible_sessions or not then.possible_sessions:
            continue
        drop = then.attendance_pct - now_summary.attendance_pct
        if drop >= FALL_POINTS and now_summary.attendance_pct < 90:
            pupil_links = open_by_pupil[pid]
            flags.append(
                PatternFlag(
                    pupil_links[0].pupil,
                    "attendance",
                    f"Attendance fell from {then.attendance_pct:.0f}% to {now_summary.attendance_pct:.0f}% "
                    "in the last 4 weeks",
                    [lk.concern for lk in pupil_links],
                )
            )
    return flags


def pupil_concerns(school: School, viewer: Any, pupil: Any) -> list[ConcernPupil]:
    """A pupil's concerns with their role in each, for the DSL team only; the read is audited."""
    _require_dsl(viewer, school, "safeguarding.pupil_file")
    links = list(
        ConcernPupil.objects.filter(concern__school=school, pupil=pupil)
        .select_related("concern__logged_by", "concern__handled_by")
        .order_by("-concern__recorded_at")
    )
    audit.record(viewer, Verb.VIEW, ("safeguarding.pupil_file", pupil.pk), school=school, pupil=pupil)
    return links


def pupil_statuses(school: School, viewer: Any, pupil: Any) -> list[SafeguardingStatus]:
    """Every status period for the pupil, current first (DSL team only, §3.6)."""
    _require_dsl(viewer, school, "safeguarding.statuses")
    return list(
        SafeguardingStatus.objects.filter(school=school, pupil=pupil)
        .select_related("recorded_by")
        .order_by("end_date", "-start_date")
    )


def get_status(school: School, viewer: Any, status_id: int) -> SafeguardingStatus:
    status = SafeguardingStatus.objects.filter(school=school, pk=status_id).select_related("pupil").first()
    if status is None or not is_dsl_team(viewer, school):
        audit.record(
            viewer, Verb.DENIED, ("safeguarding.status", status_id), school=school, reason="safeguarding.status"
        )
        raise Http404("No such status.")
    return status


def get_action(school: School, viewer: Any, action_id: int) -> ConcernAction:
    """An action, for the DSL team or its owner (who may complete it)."""
    action = ConcernAction.objects.filter(school=school, pk=action_id).select_related("concern").first()
    if action is None or not (is_dsl_team(viewer, school) or action.owner_id == viewer.pk):
        audit.record(
            viewer, Verb.DENIED, ("safeguarding.action", action_id), school=school, reason="safeguarding.action"
        )
        raise Http404("No such action.")
    return action


def actions_owned_by(school: School, viewer: Any) -> list[ConcernAction]:
    return list(
        ConcernAction.objects.filter(school=school, owner=viewer, status=ConcernAction.Status.OPEN)
        .select_related("concern")
        .order_by("due_on")
    )


def open_status_filter(today: dt.date) -> Q:
    return Q(end_date__isnull=True) | Q(end_date__gte=today)


def pupils_with_social_worker(school: School, *, today: dt.date | None = None) -> set[int]:
    """Ids of pupils with an open CP plan, CIN plan or looked-after status: a "child with a social
    worker" (domain file §3.6). Attendance uses this to alert the DSL when such a pupil is absent.
    No viewer: the caller passes only ids on, never the status itself."""
    today = today or timezone.localdate()
    return set(
        SafeguardingStatus.objects.filter(school=school, kind__in=SOCIAL_WORKER_STATUSES)
        .filter(open_status_filter(today), start_date__lte=today)
        .values_list("pupil_id", flat=True)
    )


def pupils_with_file(school: School, pupil_ids: list[int]) -> set[int]:
    """Which of these pupils have a safeguarding file (any concern or status). Used for the
    discreet marker only: it says who to speak to, nothing more."""
    with_concern = set(
        ConcernPupil.objects.filter(concern__school=school, pupil_id__in=pupil_ids).values_list("pupil_id", flat=True)
    )
    with_status = set(
        SafeguardingStatus.objects.filter(school=school, pupil_id__in=pupil_ids).values_list("pupil_id", flat=True)
    )
    return with_concern | with_status


def status_counts(school: School, *, today: dt.date | None = None) -> dict[str, int]:
    """Open statuses by kind, for the DSL's home panel."""
    today = today or timezone.localdate()
    counts = {k: 0 for k in StatusKind.values}
    for kind in (
        SafeguardingStatus.objects.filter(school=school)
        .filter(open_status_filter(today))
        .values_list("kind", flat=True)
    ):
        counts[kind] += 1
    return counts


def transfers(school: School, viewer: Any) -> list[CPFileTransfer]:
    """CP file transfers, those awaiting receipt first (DSL team only)."""
    _require_dsl(viewer, school, "safeguarding.transfers")
    return list(
        CPFileTransfer.objects.filter(school=school)
        .select_related("pupil", "prepared_by")
        .order_by(F("received_at").desc(nulls_first=True), "due_on")
    )


def get_transfer(school: School, viewer: Any, transfer_id: int) -> CPFileTransfer:
    transfer = CPFileTransfer.objects.filter(school=school, pk=transfer_id).select_related("pupil").first()
    if transfer is None or not is_dsl_team(viewer, school):
        audit.record(
            viewer,
            Verb.DENIED,
            ("safeguarding.cpfiletransfer", transfer_id),
            school=school,
            reason="safeguarding.transfer",
        )
        raise Http404("No such transfer.")
    return transfer


def transfers_awaiting_receipt(school: School) -> list[CPFileTransfer]:
    return list(
        CPFileTransfer.objects.filter(school=school, received_at__isnull=True)
        .select_related("pupil")
        .order_by("due_on")
    )


def concern_draft(school: School, viewer: Any) -> tuple[dict[str, Any], dt.datetime] | None:
    """The viewer's unfinished concern form, if any: (initial data, when it was saved)."""
    import json

    draft = ConcernDraft.objects.filter(school=school, user=viewer).first()
    if draft is None:
        return None
    try:
        data = json.loads(draft.data)
    except ValueError:
        return None
    return {k: v for k, v in data.items() if v not in ("", [], None)}, draft.updated_at


def get_attachment(school: School, viewer: Any, attachment_id: int) -> ConcernAttachment:
    """A concern's file, for the DSL team or its uploader; 404 (audited) otherwise. The download
    itself is audited against each pupil in the concern."""
    found = ConcernAttachment.objects.filter(school=school, pk=attachment_id).select_related("concern").first()
    if found is None or not (is_dsl_team(viewer, school) or found.uploaded_by_id == viewer.pk):
        audit.record(
            viewer, Verb.DENIED, ("safeguarding.attachment", attachment_id), school=school, reason="safeguarding.file"
        )
        raise Http404("No such file.")
    for pupil_id in found.concern.pupil_links.values_list("pupil_id", flat=True):
        audit.record(viewer, Verb.VIEW, found, pupil=pupil_id, reason="safeguarding.download_file")
    return found


def allegations(school: School, viewer: Any) -> list[StaffAllegation]:
    """Allegations and low-level concerns about staff: DSL and headteacher only, never those about
    the viewer. Reading the list is audited."""
    from .services import may_handle_allegation

    if not may_handle_allegation(viewer, None, school):
        audit.record(viewer, Verb.DENIED, ("safeguarding.allegations", school.pk), school=school, reason="allegations")
        raise PermissionDenied("Only the DSL and the headteacher can see this.")
    audit.record(viewer, Verb.VIEW, ("safeguarding.allegations", school.pk), school=school, reason="allegations")
    return list(
        StaffAllegation.objects.filter(school=school)
        .exclude(subject=viewer)
        .select_related("reported_by")
        .order_by(F("closed_at").desc(nulls_first=True), "-created_at")
    )


def get_allegation(school: School, viewer: Any, allegation_id: int) -> StaffAllegation:
    from .services import may_handle_allegation

    found = StaffAllegation.objects.filter(school=school, pk=allegation_id).select_related("reported_by").first()
    if found is None or not may_handle_allegation(viewer, found, school):
        audit.record(
            viewer, Verb.DENIED, ("safeguarding.staffallegation", allegation_id), school=school, reason="allegation"
        )
        raise Http404("No such record.")
    audit.record(viewer, Verb.VIEW, found, reason="safeguarding.view_allegation")
    return found
