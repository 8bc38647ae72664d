"""Writing to a pupil's chronology.

Modules call `add_entry` inside their own transaction, right after writing their record, so the
chronology and the record can never disagree. `add_entry` checks no permission itself: the
calling service already has.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from apps.audit import services as audit
from apps.audit.models import Verb

from .models import Confidentiality, Entry, Kind


def add_entry(
    *,
    pupil: Any,
    kind: Kind | str,
    title: str,
    summary: str = "",
    occurred_at: dt.datetime | None = None,
    author: Any = None,
    source: Any = None,
    source_url: str = "",
    confidentiality: Confidentiality | str = Confidentiality.GENERAL,
    restricted_to: Iterable[Any] = (),
    transferred_from: str = "",
) -> Entry:
    entry = Entry.objects.create(
        school_id=pupil.school_id,
        pupil=pupil,
        occurred_at=occurred_at or timezone.now(),
        kind=str(kind),
        title=title[:200],
        summary=summary,
        author=author if getattr(author, "is_authenticated", False) else None,
        source_type=source._meta.label_lower if source is not None else "",
        source_id=str(source.pk) if source is not None else "",
        source_url=source_url,
        confidentiality=str(confidentiality),
        transferred_from=transferred_from,
    )
    restricted = list(restricted_to)
    if restricted:
        entry.restricted_to.set(restricted)
    return entry


def record_note(
    actor: Any,
    *,
    pupil: Any,
    title: str,
    summary: str,
    occurred_at: dt.datetime,
    kind: Kind | str = Kind.NOTE,
    confidentiality: Confidentiality | str = Confidentiality.PASTORAL,
    restricted_to: Iterable[Any] = (),
) -> Entry:
    """A member of the pastoral team writes a note straight onto a pupil's chronology (a phone
    call home, a conversation with the pupil)."""
    from .rules import can_add_note  # local: rules import selectors from people

    if not can_add_note(actor, pupil):
        audit.record(actor, Verb.DENIED, pupil, pupil=pupil, reason="chronology.add_note")
        raise PermissionDenied("Only the pastoral team can add notes to a pupil's chronology.")
    if confidentiality == Confidentiality.SAFEGUARDING:
        raise PermissionDenied("Safeguarding information is recorded as a concern, not as a note.")
    from django.core.exceptions import ValidationError

    if occurred_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"occurred_at": "A note cannot be dated in the future."})
    readers = list(restricted_to)
    if confidentiality == Confidentiality.RESTRICTED:
        if not readers:
            raise ValidationError({"restricted_to": "Name at least one person who may read a restricted note."})
        readers.append(actor)  # the author can always read their own note
    elif readers:
        raise ValidationError({"restricted_to": "Only a restricted note is limited to named people."})
    with transaction.atomic():
        entry = add_entry(
            pupil=pupil,
            kind=kind,
            title=title,
            summary=summary,
            occurred_at=occurred_at,
            author=actor,
            confidentiality=confidentiality,
            restricted_to=readers,
        )
        audit.record(actor, Verb.CREATE, entry, pupil=pupil)
    return entry
