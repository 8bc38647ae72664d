from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from apps.accounts.tests.factories import MembershipFactory
from apps.audit.models import AuditEvent, Verb
from apps.safeguarding import selectors, services
from apps.safeguarding.models import ConcernPupil, StatusKind
from apps.safeguarding.tests.factories import ConcernActionFactory, SafeguardingStatusFactory, concern_about


def test_dsl_reads_a_concern_and_the_read_is_audited_against_the_pupil(personas):
    concern = concern_about(personas.pupil, logged_by=personas.teacher)
    assert selectors.get_concern(personas.school, personas.deputy_dsl, concern.pk) == concern
    assert AuditEvent.objects.filter(verb=Verb.VIEW, pupil_id=personas.pupil.pk, actor=personas.deputy_dsl).exists()


@pytest.mark.parametrize("name", ["other_teacher", "headteacher", "pastoral_lead", "governor", "form_tutor"])
def test_others_get_404_and_the_refusal_is_audited(personas, name):
    concern = concern_about(personas.pupil, logged_by=personas.teacher)
    with pytest.raises(Http404):
        selectors.get_concern(personas.school, getattr(personas, name), concern.pk)
    assert AuditEvent.objects.filter(verb=Verb.DENIED, target_id=str(concern.pk)).exists()


def test_another_schools_dsl_gets_404(personas):
    concern = concern_about(personas.pupil, logged_by=personas.teacher)
    with pytest.raises(Http404):
        selectors.get_concern(personas.other_school, personas.other_school_dsl, concern.pk)
    with pytest.raises(Http404):
        selectors.get_concern(personas.school, personas.other_school_dsl, concern.pk)


def test_queue_puts_immediate_risk_first_then_oldest(personas):
    now = timezone.now()
    old = concern_about(personas.pupil, logged_by=personas.teacher, recorded_at=now - dt.timedelta(days=3))
    new = concern_about(personas.other_pupil, logged_by=personas.teacher, recorded_at=now - dt.timedelta(hours=1))
    urgent = concern_about(
        personas.sibling,
        logged_by=personas.teacher,
        recorded_at=now - dt.timedelta(minutes=5),
        immediate_risk=True,
        acknowledge_due_at=now + dt.timedelta(minutes=55),
    )
    queue = selectors.triage_queue(personas.school, personas.dsl)
    assert [r.concern for r in queue.untriaged] == [urgent, old, new]
    assert queue.untriaged[0].due == urgent.acknowledge_due_at


def test_queue_shows_overdue_actions_and_refuses_a_teacher(personas):
    concern = concern_about(personas.pupil, logged_by=personas.teacher)
    ConcernActionFactory(concern=concern, owner=personas.pastoral, due_on=timezone.localdate() - dt.timedelta(days=1))
    assert len(selectors.triage_queue(personas.school, personas.dsl).overdue_actions) == 1
    assert selectors.queue_counts(personas.school)["overdue_actions"] == 1
    with pytest.raises(PermissionDenied):
        selectors.triage_queue(personas.school, personas.teacher)


def test_three_staff_in_thirty_days_is_flagged(personas):
    for name in ("teacher", "form_tutor", "pastoral"):
        concern_about(
            personas.pupil, logged_by=getattr(personas, name), recorded_at=timezone.now() - dt.timedelta(days=3)
        )
    flags = selectors.pattern_flags(personas.school)
    assert any(f.kind == "staff" and f.pupil == personas.pupil and len(f.evidence) == 3 for f in flags)


def test_sibling_with_an_open_cp_plan_is_flagged(personas):
    concern_about(personas.pupil, logged_by=personas.teacher)
    SafeguardingStatusFactory(pupil=personas.sibling, kind=StatusKind.CP, cp_category="NEGL")
    flags = selectors.pattern_flags(personas.school)
    assert [f.kind for f in flags if f.pupil == personas.pupil] == ["sibling"]


def test_pupils_with_social_worker_are_open_cp_cin_lac_only(personas):
    SafeguardingStatusFactory(pupil=personas.pupil, kind=StatusKind.CIN)
    SafeguardingStatusFactory(pupil=personas.other_pupil, kind=StatusKind.EARLY_HELP)
    SafeguardingStatusFactory(pupil=personas.sibling, kind=StatusKind.CP, end_date=dt.date(2025, 3, 1))
    assert selectors.pupils_with_social_worker(personas.school) == {personas.pupil.pk}
    assert selectors.pupils_with_social_worker(personas.other_school) == set()


def test_pupil_concerns_only_for_the_dsl_team(personas):
    concern_about(personas.pupil, logged_by=personas.teacher, role=ConcernPupil.Role.WITNESS)
    links = selectors.pupil_concerns(personas.school, personas.dsl, personas.pupil)
    assert [link.role for link in links] == ["witness"]
    with pytest.raises(PermissionDenied):
        selectors.pupil_concerns(personas.school, personas.senco, personas.pupil)


def test_author_sees_receipt_of_their_own_concern(personas):
    concern = services.log_concern(
        personas.teacher,
        school=personas.school,
        pupils=[personas.pupil],
        summary="Saw a bruise.",
        occurred_at=timezone.now(),
    )
    assert selectors.get_concern(personas.school, personas.teacher, concern.pk) == concern
    assert selectors.concerns_logged_by(personas.school, personas.teacher) == [concern]
    assert selectors.concerns_logged_by(personas.school, personas.other_teacher) == []


def test_dsl_in_two_schools_sees_only_the_school_in_hand(personas):
    MembershipFactory(user=personas.other_school_dsl, school=personas.school, role="teacher")
    concern = concern_about(personas.pupil, logged_by=personas.teacher)
    with pytest.raises(Http404):
        selectors.get_concern(personas.school, personas.other_school_dsl, concern.pk)


def test_an_open_concern_with_a_sharp_fall_in_attendance_is_flagged(personas):
    from apps.attendance.tests.factories import make_marks

    concern_about(personas.pupil, logged_by=personas.teacher)
    today = timezone.localdate()
    codes = {}
    for back in range(1, 85):
        day = today - dt.timedelta(days=back)
        if day.weekday() >= 5:
            continue
        recent = back <= 28
        for session in ("AM", "PM"):
            codes[(day, session)] = ("O" if back % 2 else "/") if recent else ("/" if session == "AM" else "\\")
    make_marks(personas.pupil, codes)
    flags = [f for f in selectors.pattern_flags(personas.school) if f.kind == "attendance"]
    assert len(flags) == 1 and "fell from 100%" in flags[0].message
