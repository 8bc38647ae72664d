"""The DSL's queue at scale: its queries do not grow with the concerns listed, and listing a
concern never decrypts its narrative (the queue shows none of it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.core import fields
from apps.people.tests.factories import PupilFactory
from apps.safeguarding import selectors
from apps.safeguarding.models import Concern, Decision, TriageDecision
from apps.safeguarding.tests.factories import ConcernActionFactory, SafeguardingStatusFactory, concern_about


def _add_pupils_with_concerns(personas: Any, n: int) -> None:
    """n pupils, each with three concerns in the same category from three different staff (so
    both pattern checks fire), one new and two open, and an overdue action."""
    now = timezone.now()
    staff = [personas.teacher, personas.pastoral, personas.form_tutor]
    for i in range(n):
        pupil = PupilFactory(school=personas.school, year_group=personas.pupil.year_group, form=personas.pupil.form)
        for j, author in enumerate(staff):
            concern = concern_about(
                pupil,
                logged_by=author,
                recorded_at=now - dt.timedelta(days=j + 1, minutes=i),
                status=Concern.Status.NEW if j == 0 else Concern.Status.OPEN,
                immediate_risk=(i + j) % 4 == 0,
            )
        ConcernActionFactory(
            concern=concern, owner=personas.pastoral, due_on=timezone.localdate() - dt.timedelta(days=1)
        )


def _queue_queries(client: Any) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("safeguarding:queue"))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_queue_queries_do_not_grow_with_the_concerns_listed(client_for, personas):
    SafeguardingStatusFactory(pupil=personas.sibling)  # a sibling flag for `pupil`
    concern_about(personas.pupil, logged_by=personas.teacher)
    client = client_for(personas.dsl)
    _add_pupils_with_concerns(personas, 2)
    _queue_queries(client)  # the school's first audit event creates its audit chain head
    small, page = _queue_queries(client)
    assert "Awaiting triage (3)" in page and "Open concerns (4)" in page
    _add_pupils_with_concerns(personas, 10)
    large, page = _queue_queries(client)
    assert "Awaiting triage (13)" in page and "Open concerns (24)" in page
    assert "different staff" in page and "A sibling has an open CP" in page
    assert large == small


def test_the_queue_decrypts_no_narrative(personas, monkeypatch):
    SafeguardingStatusFactory(pupil=personas.sibling)
    referred = concern_about(personas.pupil, logged_by=personas.teacher, status=Concern.Status.OPEN)
    TriageDecision.objects.create(
        school=personas.school,
        concern=referred,
        decision=Decision.CSC_REFERRAL,
        reason="Disclosure of harm at home.",
        decided_by=personas.dsl,
        referral_date=timezone.localdate() - dt.timedelta(days=5),
        response_due_on=timezone.localdate() - dt.timedelta(days=2),
    )
    _add_pupils_with_concerns(personas, 3)
    decrypted: list[str] = []
    real = fields.decrypt_text

    def counting(value: str) -> str:
        plain = real(value)
        decrypted.append(plain)
        return plain

    monkeypatch.setattr(fields, "decrypt_text", counting)
    queue = selectors.triage_queue(personas.school, personas.dsl)
    assert len(queue.untriaged) == 3 and len(queue.open) == 7 and len(queue.awaiting_response) == 1
    assert {f.kind for f in queue.patterns} >= {"staff", "category", "sibling"}
    # Only what the queue shows: each overdue action's description.
    assert decrypted == ["Phone home"] * len(queue.overdue_actions)
    # The narrative is still there when a listed concern is opened.
    assert "my dad hit me" in queue.open[0].concern.summary


def test_a_long_open_list_is_paged_oldest_first(client_for, personas):
    now = timezone.now()
    concerns = [
        concern_about(
            PupilFactory(school=personas.school, year_group=personas.pupil.year_group, form=personas.pupil.form),
            logged_by=personas.teacher,
            recorded_at=now - dt.timedelta(hours=60 - i),
            status=Concern.Status.OPEN,
        )
        for i in range(53)
    ]
    client = client_for(personas.dsl)
    first = client.get(reverse("safeguarding:queue")).content.decode()
    assert "Open concerns (53, showing 1–50)" in first and "Page 1 of 2" in first
    assert concerns[0].reference in first and concerns[49].reference in first
    assert concerns[50].reference not in first
    second = client.get(reverse("safeguarding:queue"), {"page": 2}).content.decode()
    assert "Open concerns (53, showing 51–53)" in second and "Page 2 of 2" in second
    assert concerns[50].reference in second and concerns[52].reference in second
    assert concerns[0].reference not in second
