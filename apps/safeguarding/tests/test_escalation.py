from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from apps.accounts.models import Notification
from apps.safeguarding.models import Concern
from apps.safeguarding.tests.factories import ConcernActionFactory, concern_about


def test_overdue_triage_and_actions_are_escalated_once(personas):
    late = concern_about(
        personas.pupil, logged_by=personas.teacher, triage_due_at=timezone.now() - dt.timedelta(hours=1)
    )
    concern_about(personas.other_pupil, logged_by=personas.teacher)  # still within its limit
    ConcernActionFactory(concern=late, owner=personas.pastoral, due_on=timezone.localdate() - dt.timedelta(days=2))
    out = StringIO()
    call_command("safeguarding_escalate", "--dry-run", stdout=out)
    assert "Would escalate 1 overdue concern(s) and 1 overdue action(s)" in out.getvalue()
    assert not Notification.objects.exists()
    call_command("safeguarding_escalate", stdout=StringIO())
    assert set(Notification.objects.filter(urgent=True).values_list("user__username", flat=True)) == {
        "dsl",
        "deputy_dsl",
    }
    assert Notification.objects.filter(user=personas.pastoral).count() == 1
    assert Concern.objects.get(pk=late.pk).escalated_at is not None
    before = Notification.objects.count()
    call_command("safeguarding_escalate", stdout=StringIO())
    assert Notification.objects.count() == before


def test_unacknowledged_immediate_risk_escalates_after_an_hour(personas):
    now = timezone.now()
    concern_about(
        personas.pupil,
        logged_by=personas.teacher,
        immediate_risk=True,
        acknowledge_due_at=now - dt.timedelta(minutes=1),
    )
    call_command("safeguarding_escalate", stdout=StringIO())
    assert Notification.objects.filter(urgent=True, title__contains="time limit").count() == 2
