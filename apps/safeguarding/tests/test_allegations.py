from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from apps.accounts.models import Membership, Notification, Role
from apps.audit.models import AuditEvent, Verb
from apps.chronology.models import Entry
from apps.safeguarding import selectors, services


def _report(personas, subject=None):
    return services.report_allegation(
        personas.teacher,
        school=personas.school,
        kind="allegation",
        subject=subject,
        subject_name="" if subject else "Mr Visitor, contractor",
        summary="Took a pupil's phone number.",
        occurred_at=timezone.now(),
    )


def test_dsl_and_head_are_alerted_and_nothing_goes_on_a_pupils_chronology(personas):
    found = _report(personas)
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"dsl", "headteacher"}
    assert not Entry.objects.exists()
    assert selectors.get_allegation(personas.school, personas.headteacher, found.pk) == found
    assert AuditEvent.objects.filter(verb=Verb.VIEW, target_type="safeguarding.staffallegation").exists()


@pytest.mark.parametrize("name", ["deputy_dsl", "senior_leader", "pastoral_lead", "teacher", "governor"])
def test_nobody_else_sees_an_allegation(personas, name):
    found = _report(personas)
    with pytest.raises(Http404):
        selectors.get_allegation(personas.school, getattr(personas, name), found.pk)


def test_the_person_it_is_about_never_sees_it_even_as_dsl(personas):
    Membership.objects.create(user=personas.other_teacher, school=personas.school, role=Role.DSL)
    found = _report(personas, subject=personas.other_teacher)
    assert not Notification.objects.filter(user=personas.other_teacher).exists()
    with pytest.raises(Http404):
        selectors.get_allegation(personas.school, personas.other_teacher, found.pk)
    assert found not in selectors.allegations(personas.school, personas.other_teacher)
    with pytest.raises(PermissionDenied):
        services.close_allegation(personas.other_teacher, allegation=found, outcome="false", notes="Not true at all.")


def test_lado_referral_and_closing_with_an_outcome_and_reason(personas):
    found = _report(personas)
    services.refer_allegation_to_lado(personas.dsl, allegation=found, referred_on=timezone.localdate(), reference="L-1")
    services.close_allegation(personas.dsl, allegation=found, outcome="unsubstantiated", notes="LADO advised NFA.")
    found.refresh_from_db()
    assert found.lado_reference == "L-1" and found.get_outcome_display() == "Unsubstantiated"
