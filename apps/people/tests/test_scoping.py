"""Who sees which pupil (issue 3, roles and access), search, the profile, and home panels."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent, Verb
from apps.people.models import PupilCarer
from apps.people.selectors import can_view_pupil, search_pupils, siblings, visible_pupils


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("dsl", {"pupil", "other_pupil", "sibling"}),
        ("attendance_officer", {"pupil", "other_pupil", "sibling"}),
        ("admin", {"pupil", "other_pupil", "sibling"}),
        ("head_of_year", {"pupil"}),
        ("form_tutor", {"pupil"}),
        ("teacher", {"pupil"}),
        ("other_teacher", set()),
        ("governor", set()),
        ("trust_officer", set()),
        ("other_school_dsl", set()),
    ],
)
def test_visible_pupils_by_role(personas, persona, expected):
    names = {"pupil": personas.pupil, "other_pupil": personas.other_pupil, "sibling": personas.sibling}
    seen = set(visible_pupils(personas.school, personas.users[persona]))
    assert seen == {names[n] for n in expected}
    for name, pupil in names.items():
        assert can_view_pupil(personas.users[persona], pupil) == (name in expected)


def test_search_by_name_preferred_name_and_upn(personas):
    personas.pupil.preferred_forename = "Millie"
    personas.pupil.save()
    assert search_pupils(personas.school, personas.dsl, "amel test") == [personas.pupil]
    assert search_pupils(personas.school, personas.dsl, "millie") == [personas.pupil]
    assert search_pupils(personas.school, personas.dsl, personas.pupil.upn.lower()) == [personas.pupil]
    # A teacher never finds a pupil they do not teach, even by exact UPN.
    assert search_pupils(personas.school, personas.teacher, personas.other_pupil.upn) == []
    assert search_pupils(personas.school, personas.dsl, "") == []


def test_siblings_are_found_through_shared_carers(personas):
    assert siblings(personas.pupil) == [personas.sibling]
    assert siblings(personas.other_pupil) == []


def test_profile_view_is_audited_and_a_refusal_is_404_and_audited(personas, client_for):
    assert client_for(personas.teacher).get(reverse("people:profile", args=[personas.pupil.pk])).status_code == 200
    assert AuditEvent.objects.filter(actor=personas.teacher, verb=Verb.VIEW, pupil_id=personas.pupil.pk).exists()
    response = client_for(personas.teacher).get(reverse("people:profile", args=[personas.other_pupil.pk]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(actor=personas.teacher, verb=Verb.DENIED).exists()
    missing = client_for(personas.teacher).get(reverse("people:profile", args=[987654]))
    assert missing.status_code == 404  # the same answer: nothing says whether the pupil exists


def test_contact_restriction_is_shown_and_contact_details_withheld(personas, client_for):
    link = PupilCarer.objects.get(pupil=personas.pupil)
    link.restriction = PupilCarer.Restriction.NO_CONTACT
    link.restriction_detail = "Court order 01/02/2025"
    link.save()
    link.carer.mobile = "07700 900123"
    link.carer.save()
    body = client_for(personas.form_tutor).get(reverse("people:profile", args=[personas.pupil.pk])).content.decode()
    assert "Contact restriction: No contact" in body
    assert "Court order 01/02/2025" in body
    assert "07700 900123" not in body


def test_governor_home_has_numbers_and_no_named_pupil(personas, client_for):
    body = client_for(personas.governor).get(reverse("home")).content.decode()
    assert "Pupils on roll" in body
    for pupil in (personas.pupil, personas.other_pupil, personas.sibling):
        assert pupil.legal_surname not in body


@pytest.mark.parametrize(
    ("persona", "panel"),
    [
        ("teacher", "My pupils"),
        ("form_tutor", "My pupils"),
        ("head_of_year", "My pupils"),
        ("admin", "Administration"),
        ("dsl", "Record access"),
        ("headteacher", "Pupils on roll"),
        ("trust_officer", "Pupils on roll"),
    ],
)
def test_each_role_gets_its_home_panels(personas, client_for, persona, panel):
    response = client_for(personas.users[persona]).get(reverse("home"))
    assert response.status_code == 200
    assert panel in response.content.decode()


def test_menu_offers_pupils_to_staff_only(personas, client_for):
    assert 'href="/pupils/"' in client_for(personas.teacher).get(reverse("home")).content.decode()
    assert 'href="/pupils/"' not in client_for(personas.governor).get(reverse("home")).content.decode()


def test_a_trust_officer_sees_numbers_for_each_of_their_trusts_schools(personas, client_for):
    from apps.core.tests.factories import TrustFactory

    trust = TrustFactory()
    for school in (personas.school, personas.other_school):
        school.trust = trust
        school.save()
    response = client_for(personas.trust_officer).get(reverse("home"))
    body = response.content.decode()
    assert "Your schools" in body and "Hillside School" in body
    assert personas.pupil.legal_surname not in body and personas.other_school_pupil.legal_surname not in body
    # A DSL of one school does not get the trust view.
    assert "Your schools" not in client_for(personas.dsl).get(reverse("home")).content.decode()
