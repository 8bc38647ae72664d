"""PostgreSQL only: a writer holding one school's chain head does not hold up another school's
writers (the point of one chain per school), and does hold up its own school's (so no chain
forks). A blocked writer gives up after `lock_timeout`, which makes the check deterministic."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import OperationalError, connection, connections, transaction

from apps.audit.models import AuditEvent, Verb
from apps.audit.services import record, verify_chain
from apps.core.tests.factories import SchoolFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


def _record_in_thread(school: Any) -> str:
    outcome: list[str] = []

    def run() -> None:
        try:
            with transaction.atomic():
                with connections["default"].cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '3s'")
                record("system", Verb.VIEW, ("thing", 1), school=school, reason="other writer")
            outcome.append("written")
        except OperationalError:
            outcome.append("blocked")
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return outcome[0]


@pytest.mark.django_db(transaction=True)
def test_a_held_school_chain_blocks_only_its_own_school():
    school, other = SchoolFactory(), SchoolFactory()
    record("system", Verb.VIEW, ("thing", 0), school=school)
    record("system", Verb.VIEW, ("thing", 0), school=other)
    with transaction.atomic():
        record("system", Verb.VIEW, ("thing", 0), school=school, reason="holds the head")
        assert _record_in_thread(other) == "written"
        assert _record_in_thread(None) == "written"
        assert _record_in_thread(school) == "blocked"
    assert AuditEvent.objects.count() == 5
    assert verify_chain() == (5, None, "")


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_of_one_school_keep_one_unbroken_chain():
    """The one-statement append (PostgreSQL): many writers of one school at once, each inside a
    longer transaction as a register save is, still link every event to the one before it."""
    school: Any = SchoolFactory()
    record("system", Verb.VIEW, ("thing", 0), school=school)  # the chain head exists: the fast path

    def writer(n: int) -> None:
        try:
            for i in range(5):
                with transaction.atomic():
                    event = record("system", Verb.CREATE, ("thing", f"{n}:{i}"), school=school)
                    assert event.hash == event.compute_hash() and event.pk is not None
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    events = list(AuditEvent.objects.filter(school_id=school.pk).order_by("id"))
    assert len(events) == 41
    assert verify_chain() == (41, None, "")
    # Each event's link is the hash of the event before it in the chain: no fork, no gap.
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
