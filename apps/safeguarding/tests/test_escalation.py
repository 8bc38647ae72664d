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


def test_owner_is_reminded_once_the_day_before_an_action_is_due(personas):
    concern = concern_about(personas.pupil, logged_by=personas.teacher)
    ConcernActionFactory(concern=concern, owner=personas.pastoral, due_on=timezone.localdate() + dt.timedelta(days=1))
    call_command("safeguarding_escalate", stdout=StringIO())
    call_command("safeguarding_escalate", stdout=StringIO())
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["pastoral"]


def test_an_unanswered_referral_is_chased_once_after_one_working_day(personas):
    from apps.safeguarding import services
    from apps.safeguarding.models import Decision, ReferralReminder

    concern = concern_about(personas.pupil, logged_by=personas.teacher)
    referred_on = timezone.localdate() - dt.timedelta(days=7)
    decision = services.triage_concern(
        personas.dsl,
        concern=concern,
        decision=Decision.CSC_REFERRAL,
        reason="Disclosure of harm at home; referred to the MASH by phone and form.",
        referral_reference="MASH-0001",
        referral_date=referred_on,
    )
    assert decision.response_due_on is not None and decision.response_due_on < timezone.localdate()
    Notification.objects.all().delete()  # the alerts from logging and triage are not under test

    out = StringIO()
    call_command("safeguarding_escalate", stdout=out)
    assert "1 referral(s) without a response" in out.getvalue()
    chased = Notification.objects.filter(title__contains="No response yet", urgent=True)
    assert set(chased.values_list("user__username", flat=True)) == {"dsl", "deputy_dsl"}
    assert ReferralReminder.objects.filter(decision=decision).exists()
    call_command("safeguarding_escalate", stdout=StringIO())
    assert Notification.objects.filter(title__contains="No response yet").count() == 2


def test_a_referral_with_a_response_is_not_chased(personas):
    from apps.safeguarding import services
    from apps.safeguarding.models import Decision

    concern = concern_about(personas.pupil, logged_by=personas.teacher)
    decision = services.triage_concern(
        personas.dsl,
        concern=concern,
        decision=Decision.CSC_REFERRAL,
        reason="Disclosure of harm at home; referred to the MASH by phone and form.",
        referral_date=timezone.localdate() - dt.timedelta(days=7),
    )
    services.record_referral_response(
        personas.dsl,
        decision=decision,
        outcome="Strategy discussion held; section 47 enquiry.",
        received_on=timezone.localdate() - dt.timedelta(days=6),
    )
    call_command("safeguarding_escalate", stdout=StringIO())
    assert not Notification.objects.filter(title__contains="No response yet").exists()
