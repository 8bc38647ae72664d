from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.accounts.models import Notification
from apps.audit.models import AuditEvent, Verb
from apps.chronology.models import Confidentiality, Entry
from apps.safeguarding import services
from apps.safeguarding.models import (
    AppendOnlyError,
    Concern,
    ConcernAction,
    ConcernPupil,
    Decision,
    SafeguardingStatus,
    StatusKind,
)


def _log(personas, actor=None, pupils=None, **kwargs):
    return services.log_concern(
        actor or personas.teacher,
        school=personas.school,
        pupils=pupils or [personas.pupil],
        summary=kwargs.pop("summary", 'Amelia said "he hurts me".'),
        occurred_at=kwargs.pop("occurred_at", timezone.now() - dt.timedelta(hours=1)),
        **kwargs,
    )


def test_teacher_logs_a_concern_and_the_dsl_team_is_alerted_with_a_link_only(personas):
    concern = _log(personas, category="PHYS")
    assert concern.status == Concern.Status.NEW
    assert concern.categories == ["PHYS"]
    alerted = set(Notification.objects.filter(url__contains=f"/{concern.pk}/").values_list("user__username", flat=True))
    assert alerted == {"dsl", "deputy_dsl"}
    assert all("Amelia" not in n.title for n in Notification.objects.all())
    entry = Entry.objects.get(pupil=personas.pupil)
    assert entry.confidentiality == Confidentiality.SAFEGUARDING
    assert "he hurts me" in entry.summary
    assert AuditEvent.objects.filter(verb=Verb.CREATE, target_type="safeguarding.concern").exists()


def test_keyword_interface_for_behaviour_escalation(personas):
    concern = services.log_concern(
        personas.pastoral,
        school=personas.school,
        pupils=[personas.pupil],
        summary="Escalated from a behaviour incident.",
        occurred_at=timezone.now(),
        category="CHILD_ON_CHILD",
        source="behaviour.incident:12",
    )
    assert concern.source == "behaviour.incident:12"


def test_immediate_risk_is_urgent_and_has_a_one_hour_acknowledgement_limit(personas):
    concern = _log(personas, immediate_risk=True)
    assert Notification.objects.filter(urgent=True).count() == 2
    assert concern.acknowledge_due_at - concern.recorded_at == dt.timedelta(hours=1)


def test_governor_cannot_log_and_the_refusal_is_audited(personas):
    with pytest.raises(PermissionDenied):
        _log(personas, actor=personas.governor)
    assert AuditEvent.objects.filter(verb=Verb.DENIED, reason="safeguarding.log_concern").exists()
    assert not Concern.objects.exists()


def test_pupil_from_another_school_is_refused_with_a_clear_message(personas):
    with pytest.raises(ValidationError) as error:
        _log(personas, pupils=[personas.other_school_pupil])
    assert "on roll at this school" in str(error.value)


def test_future_date_and_empty_account_are_refused(personas):
    with pytest.raises(ValidationError) as error:
        _log(personas, summary=" ", occurred_at=timezone.now() + dt.timedelta(days=1))
    assert set(error.value.message_dict) == {"summary", "occurred_at"}


def test_triage_deadline_is_one_school_day_and_skips_the_holiday(personas):
    # Friday 19 December 2025 is the last day of the autumn term; the next school day is in January.
    recorded = timezone.make_aware(dt.datetime(2025, 12, 19, 14, 0))
    concern = _log(personas, recorded_at=recorded, occurred_at=recorded - dt.timedelta(hours=1))
    due = timezone.localtime(concern.triage_due_at)
    assert due.date() == dt.date(2026, 1, 5)
    assert due.weekday() == 0


def test_multi_pupil_concern_keeps_each_pupils_chronology_to_their_own_part(personas):
    _log(
        personas,
        pupils=[personas.pupil, personas.other_pupil],
        summary="Oliver pushed Amelia and took her phone.",
        roles={personas.other_pupil.pk: ConcernPupil.Role.ALLEGED_PERPETRATOR},
        actor=personas.pastoral,
    )
    for pupil in (personas.pupil, personas.other_pupil):
        entry = Entry.objects.get(pupil=pupil)
        assert "Oliver" not in entry.summary and "Amelia" not in entry.summary
        assert "Oliver" not in entry.title and "Amelia" not in entry.title
    assert "alleged perpetrator" in Entry.objects.get(pupil=personas.other_pupil).title


def test_amendment_keeps_the_original_and_needs_a_reason(personas):
    concern = _log(personas)
    with pytest.raises(ValidationError):
        services.amend_concern(personas.teacher, concern=concern, summary="New text", reason="")
    services.amend_concern(personas.teacher, concern=concern, summary="Left arm, not right.", reason="Wrong arm first")
    concern.refresh_from_db()
    assert concern.summary == 'Amelia said "he hurts me".'
    assert concern.amendments.get().summary == "Left arm, not right."


def test_another_teacher_cannot_amend_someone_elses_concern(personas):
    concern = _log(personas)
    with pytest.raises(PermissionDenied):
        services.amend_concern(personas.other_teacher, concern=concern, summary="x", reason="because I say so")


def test_the_account_cannot_be_rewritten_or_deleted(personas):
    concern = _log(personas)
    concern.summary = "Rewritten"
    with pytest.raises(AppendOnlyError):
        concern.save()
    with pytest.raises(AppendOnlyError):
        concern.save(update_fields=["summary"])
    with pytest.raises(AppendOnlyError):
        concern.delete()
    amendment = services.amend_concern(
        personas.dsl, concern=Concern.objects.get(), summary="a", reason="typo fixed here"
    )
    with pytest.raises(AppendOnlyError):
        amendment.save()


@pytest.mark.parametrize("decision", [d.value for d in Decision])
def test_every_triage_decision_is_recorded_with_its_reason(personas, decision):
    concern = _log(personas)
    made = services.triage_concern(
        personas.dsl, concern=concern, decision=decision, reason="Considered the history and the disclosure."
    )
    concern.refresh_from_db()
    assert made.reason.startswith("Considered")
    assert concern.triaged_at is not None and concern.handled_by == personas.dsl
    if decision == Decision.NO_FURTHER_ACTION:
        assert concern.status == Concern.Status.CLOSED
        assert "No further action" in concern.outcome
    else:
        assert concern.status == Concern.Status.OPEN
    if decision == Decision.CSC_REFERRAL:
        assert made.referral_date == timezone.localdate()
        assert made.response_due_on is not None
    titles = list(Entry.objects.filter(pupil=personas.pupil).values_list("title", flat=True))
    assert any(t.startswith("DSL decision") for t in titles)


def test_triage_without_a_reason_is_refused(personas):
    concern = _log(personas)
    with pytest.raises(ValidationError) as error:
        services.triage_concern(personas.dsl, concern=concern, decision="monitor", reason="ok")
    assert "reason" in error.value.message_dict


def test_teacher_cannot_triage(personas):
    concern = _log(personas)
    with pytest.raises(PermissionDenied):
        services.triage_concern(
            personas.teacher, concern=concern, decision="monitor", reason="Looks fine to me, honestly."
        )


def test_actions_and_closing_with_an_outcome(personas):
    concern = _log(personas)
    services.triage_concern(personas.dsl, concern=concern, decision="early_help", reason="Family asked for support.")
    action = services.add_action(
        personas.dsl,
        concern=concern,
        description="Early Help assessment",
        owner=personas.pastoral,
        due_on=timezone.localdate() + dt.timedelta(days=5),
    )
    assert Notification.objects.filter(user=personas.pastoral).exists()
    with pytest.raises(ValidationError):
        services.close_concern(personas.dsl, concern=concern, outcome="All resolved with the family now.")
    services.complete_action(personas.pastoral, action=action, outcome="Assessment done")
    assert ConcernAction.objects.get().status == ConcernAction.Status.DONE
    services.close_concern(personas.dsl, concern=concern, outcome="All resolved with the family now.")
    concern.refresh_from_db()
    assert concern.status == Concern.Status.CLOSED


def test_cp_status_needs_a_category_and_history_is_kept(personas):
    with pytest.raises(ValidationError):
        services.set_status(personas.dsl, pupil=personas.pupil, kind=StatusKind.CP, start_date=dt.date(2026, 1, 5))
    status = services.set_status(
        personas.dsl, pupil=personas.pupil, kind=StatusKind.CP, cp_category="NEGL", start_date=dt.date(2026, 1, 5)
    )
    services.end_status(personas.dsl, status=status, end_date=dt.date(2026, 6, 1), reason="Stepped down to CIN")
    services.set_status(personas.dsl, pupil=personas.pupil, kind=StatusKind.CIN, start_date=dt.date(2026, 6, 1))
    assert SafeguardingStatus.objects.filter(pupil=personas.pupil).count() == 2
    assert Entry.objects.filter(pupil=personas.pupil, confidentiality=Confidentiality.SAFEGUARDING).count() == 3


def test_pastoral_lead_cannot_set_a_status(personas):
    with pytest.raises(PermissionDenied):
        services.set_status(personas.pastoral_lead, pupil=personas.pupil, kind="cin", start_date=dt.date(2026, 1, 5))
