"""Writing the audit log. Every module calls `record` (never the model directly)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import LEGACY_CHAIN, AuditChainHead, AuditEvent, Verb, chain_for

GENESIS_HASH = "0" * 64


def _target_label(target: Any) -> tuple[str, str]:
    if target is None:
        return "", ""
    meta = getattr(target, "_meta", None)
    if meta is not None:
        return meta.label_lower, str(target.pk)
    if isinstance(target, tuple):
        return str(target[0]), str(target[1])
    return str(target), ""


def record(
    actor: Any,
    verb: Verb | str,
    target: Any = None,
    *,
    school: Any = None,
    pupil: Any = None,
    reason: str = "",
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one event to the chain.

    `target` is a model instance, a `(type, id)` pair or None. `pupil` (instance or id) lets the
    DSL ask "who has looked at this pupil?". `reason` is a short code or label, never narrative.
    """
    target_type, target_id = _target_label(target)
    if school is None and target is not None:
        school = getattr(target, "school", None)
    pupil_id = getattr(pupil, "pk", pupil)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    school_id = getattr(school, "pk", school)
    chain = chain_for(school_id)
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            chain=chain, defaults={"last_hash": GENESIS_HASH}
        )
        event = AuditEvent(
            at=timezone.now(),
            school_id=school_id,
            actor=actor if is_user else None,
            actor_label=(actor.get_username() if is_user else str(actor or "system"))[:150],
            verb=str(verb),
            target_type=target_type,
            target_id=target_id,
            pupil_id=pupil_id,
            reason=reason[:200],
            ip_address=ip_address,
            chain=chain,
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save()
        head.last_hash = event.hash
        head.save(update_fields=["last_hash"])
    return event


def verify_chain() -> tuple[int, AuditEvent | None, str]:
    """Walk every chain (each school's, the global one and the closed legacy one) in one pass in
    id order. Returns (events checked, first broken event or None, problem)."""
    previous: dict[str, str] = {}
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.chain != LEGACY_CHAIN and event.chain != chain_for(event.school_id):
            return checked, event, "it is on another school's chain (the row was changed)"
        if event.prev_hash != previous.get(event.chain, GENESIS_HASH):
            return checked, event, "its link to the previous event does not match (a row was removed or reordered)"
        if event.compute_hash() != event.hash:
            return checked, event, "its content does not match its hash (the row was changed)"
        previous[event.chain] = event.hash
        checked += 1
    heads = dict(AuditChainHead.objects.values_list("chain", "last_hash"))
    for chain in sorted(set(heads) | set(previous)):
        if chain not in heads:
            return checked, None, f"chain {chain} has no head (its head row was removed)"
        if heads[chain] != previous.get(chain, GENESIS_HASH):
            problem = f"the newest event is missing from chain {chain} (rows were removed from the end)"
            return checked, None, problem
    return checked, None, ""
