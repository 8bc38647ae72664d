"""Reading a pupil's chronology: each viewer sees only the entries their role allows, and hidden
entries are filtered out in SQL so nothing hints that they exist."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from apps.accounts.models import DSL_TEAM, PASTORAL_TEAM
from apps.accounts.selectors import roles_in
from apps.audit import services as audit
from apps.audit.models import Verb

from .models import Confidentiality, Entry


def visible_levels(viewer: Any, school: Any) -> set[str]:
    roles = roles_in(viewer, school)
    levels = {Confidentiality.GENERAL.value}
    if roles & PASTORAL_TEAM:
        levels.add(Confidentiality.PASTORAL.value)
    if roles & DSL_TEAM:
        levels.add(Confidentiality.SAFEGUARDING.value)
    return levels


def entry_visibility(viewer: Any, school: Any) -> Q:
    return Q(confidentiality__in=visible_levels(viewer, school)) | Q(
        confidentiality=Confidentiality.RESTRICTED, restricted_to=viewer
    )


def pupil_chronology(
    school: Any,
    viewer: Any,
    pupil: Any,
    *,
    kinds: list[str] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Entry]:
    """Entries on `pupil`'s chronology that `viewer` may read, newest first. The caller has already
    fetched `pupil` through `people.selectors.get_pupil`, which checked the viewer may see them.
    Reading safeguarding-level entries is recorded in the audit log."""
    qs = (
        Entry.objects.filter(school=school, pupil=pupil)
        .filter(entry_visibility(viewer, school))
        .select_related("author")
        .distinct()
        .order_by("-occurred_at", "-id")
    )
    if kinds:
        qs = qs.filter(kind__in=kinds)
    if start:
        qs = qs.filter(occurred_at__date__gte=start)
    if end:
        qs = qs.filter(occurred_at__date__lte=end)
    if Confidentiality.SAFEGUARDING.value in visible_levels(viewer, school):
        audit.record(viewer, Verb.VIEW, ("chronology.safeguarding", pupil.pk), school=school, pupil=pupil)
    return qs


def pupil_chronology_for_print(
    school: Any,
    viewer: Any,
    pupil: Any,
    *,
    kinds: list[str] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[Entry]:
    """The entries `viewer` may read, for a printed copy. Printing is recorded in the audit log
    (a copy has left the system), whatever the levels it holds."""
    entries = list(pupil_chronology(school, viewer, pupil, kinds=kinds, start=start, end=end))
    audit.record(viewer, Verb.PRINT, ("chronology.pupil", pupil.pk), school=school, pupil=pupil, reason="pdf")
    return entries
