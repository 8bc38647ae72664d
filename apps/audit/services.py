"""Writing the audit log. Every module calls `record` (never the model directly)."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection, transaction
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
    )
    if connection.vendor == "postgresql" and _append_in_one_statement(event):
        return event
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            chain=chain, defaults={"last_hash": GENESIS_HASH}
        )
        event.prev_hash = head.last_hash
        event.hash = event.compute_hash()
        event.save()
        head.last_hash = event.hash
        head.save(update_fields=["last_hash"])
    return event


#: The marker put in place of `prev_hash` to split an event's hashed payload around it.
_LINK = "\u0000link\u0000"


def _append_in_one_statement(event: AuditEvent) -> bool:
    """PostgreSQL: lock the chain head, link and hash the event, insert it and move the head, in
    ONE statement, so the head's row lock is held for that statement and the commit only (the
    morning registration burst queues on it; docs/performance.md). The hash is the same SHA-256
    of the same JSON as `AuditEvent.compute_hash`: the payload is serialised here with a marker
    for `prev_hash`, and the database puts the head's hash (64 hex digits, nothing to escape) in
    its place. False when the chain has no head yet (the caller takes the ordinary path)."""
    event.prev_hash = _LINK
    body = json.dumps(event.payload(), sort_keys=True, separators=(",", ":"))
    marker = json.dumps(_LINK)[1:-1]  # as it appears inside the JSON text
    prefix, suffix = body.split(marker)
    head = connection.ops.quote_name(AuditChainHead._meta.db_table)
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    columns = "at, school_id, actor_id, actor_label, verb, target_type, target_id, pupil_id, reason, ip_address, chain"
    sql = f"""
        WITH old AS (SELECT last_hash FROM {head} WHERE chain = %(chain)s FOR UPDATE),
        moved AS (
            UPDATE {head} SET last_hash = encode(sha256(convert_to(
                %(prefix)s || (SELECT last_hash FROM old) || %(suffix)s, 'UTF8')), 'hex')
            WHERE chain = %(chain)s RETURNING last_hash
        )
        INSERT INTO {table} ({columns}, prev_hash, hash)
        SELECT %(at)s, %(school)s, %(actor)s, %(label)s, %(verb)s, %(ttype)s, %(tid)s, %(pupil)s, %(reason)s,
               %(ip)s, %(chain)s, old.last_hash, moved.last_hash
        FROM old, moved
        RETURNING id, prev_hash, hash
    """  # noqa: S608 - table names from our models, values as parameters
    # No savepoint: one statement is atomic, and a SAVEPOINT/RELEASE pair would be two more round
    # trips while the head is locked.
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "chain": event.chain,
                "prefix": prefix,
                "suffix": suffix,
                "at": event.at,
                "school": event.school_id,
                "actor": event.actor_id,
                "label": event.actor_label,
                "verb": event.verb,
                "ttype": event.target_type,
                "tid": event.target_id,
                "pupil": event.pupil_id,
                "reason": event.reason,
                "ip": event.ip_address,
            },
        )
        row = cursor.fetchone()
    if row is None:
        event.prev_hash = ""
        return False
    event.pk, event.prev_hash, event.hash = row
    event._state.adding = False
    event._state.db = connection.alias
    return True


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
