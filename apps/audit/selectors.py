"""Reading the audit log: scoped to the school, for the DSL team, the headteacher and
administrators. Reading the log is itself recorded."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from .models import AuditEvent, Verb
from .services import record

ACCESS_VERBS = (Verb.VIEW, Verb.PRINT, Verb.EXPORT, Verb.BREAK_GLASS)


def school_events(
    school: Any,
    viewer: Any,
    *,
    username: str = "",
    pupil_id: int | None = None,
    upn: str = "",
    verb: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Events in `school`, and sign-ins (which carry no school) of the school's staff, newest
    first, with the given filters. The read is recorded."""
    from apps.accounts.models import Membership

    staff_ids = Membership.objects.filter(school=school).values("user_id")
    qs = AuditEvent.objects.filter(Q(school=school) | Q(school__isnull=True, actor_id__in=staff_ids))
    if username:
        qs = qs.filter(actor_label__iexact=username.strip())
    if pupil_id is not None:
        qs = qs.filter(pupil_id=pupil_id)
    if upn:
        from apps.people.models import Pupil

        qs = qs.filter(pupil_id__in=Pupil.objects.filter(school=school, upn__iexact=upn).values("pk"))
    if verb:
        qs = qs.filter(verb=verb)
    if start:
        qs = qs.filter(at__date__gte=start)
    if end:
        qs = qs.filter(at__date__lte=end)
    record(viewer, Verb.VIEW, ("audit.log", ""), school=school, reason="audit.index")
    return qs.select_related("actor").order_by("-id")


def pupil_access(school: Any, viewer: Any, pupil: Any) -> tuple[list[dict[str, Any]], QuerySet[AuditEvent]]:
    """Who has looked at `pupil`'s records: one row per person (how often, when last), and every
    event naming the pupil, newest first. The read is recorded."""
    events = AuditEvent.objects.filter(school=school, pupil_id=pupil.pk)
    people: list[dict[str, Any]] = [
        dict(row)
        for row in (
            events.filter(verb__in=ACCESS_VERBS)
            .values("actor_id", "actor_label")
            .annotate(count=Count("id"), last=Max("at"))
            .order_by("-last")
        )
    ]
    record(viewer, Verb.VIEW, ("audit.pupil_access", pupil.pk), school=school, pupil=pupil, reason="audit.pupil_access")
    return people, events.select_related("actor").order_by("-id")


def pupils_named(school: Any, events: list[AuditEvent]) -> dict[int, Any]:
    """{pupil id: pupil} for the pupils the events name, in one query."""
    from apps.people.models import Pupil

    ids = {e.pupil_id for e in events if e.pupil_id}
    return {p.pk: p for p in Pupil.objects.filter(school=school, pk__in=ids)}


def recent_denials(school: Any, *, days: int = 7) -> int:
    """How many refused attempts to open a record in `school` in the last `days` days."""
    from django.utils import timezone

    since = timezone.now() - dt.timedelta(days=days)
    return AuditEvent.objects.filter(school=school, verb=Verb.DENIED, at__gte=since).count()
