"""One audit chain per school (and a global one, and the closed legacy chain): each is linked
and verified on its own, so a change, a removal or a removed last row is found in any of them."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from apps.audit.models import GLOBAL_CHAIN, LEGACY_CHAIN, AuditChainHead, AuditEvent, Verb
from apps.audit.services import GENESIS_HASH, record, verify_chain


def _interleaved(personas, n=4):
    """Events of two schools and of no school, written in turn."""
    by_chain: dict[str, list[AuditEvent]] = {}
    for i in range(n):
        for school, chain in (
            (personas.school, f"school:{personas.school.pk}"),
            (personas.other_school, f"school:{personas.other_school.pk}"),
            (None, GLOBAL_CHAIN),
        ):
            event = record(personas.dsl, Verb.VIEW, ("thing", i), school=school, reason=f"r{i}")
            by_chain.setdefault(chain, []).append(event)
    return by_chain


def test_each_school_has_its_own_chain_and_all_verify(personas):
    by_chain = _interleaved(personas)
    assert set(by_chain) == {f"school:{personas.school.pk}", f"school:{personas.other_school.pk}", GLOBAL_CHAIN}
    for chain, events in by_chain.items():
        assert {e.chain for e in events} == {chain}
        assert events[0].prev_hash == GENESIS_HASH
        for before, after in itertools.pairwise(events):
            assert after.prev_hash == before.hash
        assert AuditChainHead.objects.get(chain=chain).last_hash == events[-1].hash
    assert verify_chain() == (AuditEvent.objects.count(), None, "")


@pytest.mark.parametrize("which", ["school", "other_school", "global"])
def test_tampering_is_found_in_every_chain(personas, which):
    chain = {
        "school": f"school:{personas.school.pk}",
        "other_school": f"school:{personas.other_school.pk}",
        "global": GLOBAL_CHAIN,
    }[which]
    events = _interleaved(personas)[chain]
    # a changed row
    AuditEvent.objects.filter(pk=events[1].pk).update(reason="tampered")
    _checked, broken, problem = verify_chain()
    assert broken is not None and broken.pk == events[1].pk and "content does not match" in problem
    with pytest.raises(CommandError, match=f"event {events[1].pk}"):
        call_command("audit_verify")
    # a removed row (the changed one): the next event in that chain no longer links
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    _checked, broken, problem = verify_chain()
    assert broken is not None and broken.pk == events[2].pk and "link to the previous event" in problem


@pytest.mark.parametrize("which", ["school", "global"])
def test_a_removed_last_row_is_found_in_any_chain(personas, which):
    chain = f"school:{personas.school.pk}" if which == "school" else GLOBAL_CHAIN
    events = _interleaved(personas)[chain]
    AuditEvent.objects.filter(pk=events[-1].pk).delete()
    _checked, broken, problem = verify_chain()
    assert broken is None and f"newest event is missing from chain {chain}" in problem


def test_a_whole_chain_removed_is_found(personas):
    chain = f"school:{personas.other_school.pk}"
    _interleaved(personas)
    AuditEvent.objects.filter(chain=chain).delete()
    _checked, broken, problem = verify_chain()
    assert broken is None and f"chain {chain}" in problem


def test_an_event_moved_to_another_schools_chain_is_found(personas):
    events = _interleaved(personas)[f"school:{personas.school.pk}"]
    AuditEvent.objects.filter(pk=events[0].pk).update(school=personas.other_school)
    _checked, broken, problem = verify_chain()
    assert broken is not None and broken.pk == events[0].pk and "another school's chain" in problem


def _legacy_events(personas, n=3) -> list[AuditEvent]:
    """Events as written before chains were split (what migration 0002 leaves): on the single
    chain, hashed without a chain name, the head row renamed `legacy`."""
    previous = GENESIS_HASH
    events = []
    for i in range(n):
        event = AuditEvent(
            at=timezone.now() - dt.timedelta(days=30, minutes=-i),
            school_id=personas.school.pk if i % 2 == 0 else None,
            actor=personas.dsl,
            actor_label=personas.dsl.get_username(),
            verb=Verb.VIEW,
            target_type="thing",
            target_id=str(i),
            reason="old",
            chain=LEGACY_CHAIN,
            prev_hash=previous,
        )
        event.hash = event.compute_hash()
        event.save()
        previous = event.hash
        events.append(event)
    AuditChainHead.objects.create(chain=LEGACY_CHAIN, last_hash=previous)
    return events


def test_the_legacy_chain_verifies_and_is_never_written_again(personas):
    legacy = _legacy_events(personas)
    assert "chain" not in legacy[0].payload()  # the hash the old code computed
    new = _interleaved(personas, 2)
    assert AuditChainHead.objects.get(chain=LEGACY_CHAIN).last_hash == legacy[-1].hash
    assert all(e.chain != LEGACY_CHAIN for events in new.values() for e in events)
    assert verify_chain() == (AuditEvent.objects.count(), None, "")


def test_tampering_with_the_legacy_chain_is_found(personas):
    legacy = _legacy_events(personas)
    _interleaved(personas, 2)
    AuditEvent.objects.filter(pk=legacy[-1].pk).delete()
    _checked, broken, problem = verify_chain()
    assert broken is None and f"chain {LEGACY_CHAIN}" in problem
    AuditEvent.objects.filter(pk=legacy[0].pk).update(reason="tampered")
    _checked, broken, problem = verify_chain()
    assert broken is not None and broken.pk == legacy[0].pk


def test_an_event_moved_onto_the_legacy_chain_is_found(personas):
    events = _interleaved(personas)[f"school:{personas.school.pk}"]
    AuditEvent.objects.filter(pk=events[0].pk).update(chain=LEGACY_CHAIN)
    _checked, broken, problem = verify_chain()
    assert broken is not None and broken.pk == events[0].pk and "content does not match" in problem


def test_a_removed_chain_head_is_found(personas):
    _interleaved(personas)
    AuditChainHead.objects.filter(chain=GLOBAL_CHAIN).delete()
    _checked, broken, problem = verify_chain()
    assert broken is None and f"chain {GLOBAL_CHAIN} has no head" in problem
