"""The audit log: the hash chain and its tamper detection, and the pages that read it."""

from __future__ import annotations

import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from apps.audit.models import AppendOnlyError, AuditChainHead, AuditEvent, Verb
from apps.audit.services import GENESIS_HASH, record, verify_chain


def _chain(personas, n=5):
    return [record(personas.dsl, Verb.VIEW, personas.pupil, pupil=personas.pupil, reason=f"r{i}") for i in range(n)]


def test_each_event_links_to_the_one_before(personas):
    events = _chain(personas)
    assert events[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    assert AuditChainHead.objects.get(chain=f"school:{personas.school.pk}").last_hash == events[-1].hash
    checked, broken, problem = verify_chain()
    assert problem == "" and broken is None and checked == AuditEvent.objects.count()


def test_events_cannot_be_changed_or_deleted_through_the_orm(personas):
    event = _chain(personas, 1)[0]
    event.reason = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_a_changed_row_is_found(personas):
    events = _chain(personas)
    AuditEvent.objects.filter(pk=events[2].pk).update(reason="tampered")
    _checked, broken, problem = verify_chain()
    assert broken is not None and broken.pk == events[2].pk
    assert "content does not match" in problem
    with pytest.raises(CommandError, match=f"event {events[2].pk}"):
        call_command("audit_verify")


def test_a_removed_row_is_found(personas):
    events = _chain(personas)
    AuditEvent.objects.filter(pk=events[1].pk).delete()  # a bulk delete skips the model's guard
    _checked, broken, problem = verify_chain()
    assert broken is not None and broken.pk == events[2].pk
    assert "link to the previous event" in problem


def test_a_removed_last_row_is_found(personas):
    events = _chain(personas)
    AuditEvent.objects.filter(pk=events[-1].pk).delete()  # a bulk delete skips the model's guard
    _checked, broken, problem = verify_chain()
    assert broken is None and "newest event is missing" in problem
    assert f"chain school:{personas.school.pk}" in problem


def test_audit_verify_reports_an_intact_chain(personas, capsys):
    _chain(personas)
    call_command("audit_verify")
    assert "Audit chain intact" in capsys.readouterr().out


def test_the_log_holds_no_narrative(personas):
    event = record(personas.dsl, Verb.VIEW, personas.pupil, reason="x" * 500)
    assert len(event.reason) == 200
    assert {f.name for f in AuditEvent._meta.get_fields()} >= {"actor", "verb", "target_type", "target_id", "reason"}
    assert not any(f.get_internal_type() == "TextField" for f in AuditEvent._meta.get_fields() if f.concrete)


def test_index_filters_and_stays_in_the_school(client_for, personas):
    record(personas.teacher, Verb.VIEW, personas.pupil, pupil=personas.pupil)
    record(personas.dsl, Verb.EXPORT, personas.pupil, pupil=personas.pupil)
    record(personas.other_school_dsl, Verb.VIEW, personas.other_school_pupil, pupil=personas.other_school_pupil)
    client = client_for(personas.dsl)
    body = client.get(reverse("audit:index")).content.decode()
    assert "teacher" in body and "Exported" in body
    assert "other_school_dsl" not in body
    body = client.get(reverse("audit:index"), {"verb": "export"}).content.decode()
    assert "(teacher)" not in body and "Exported" in body
    body = client.get(reverse("audit:index"), {"user": "teacher"}).content.decode()
    assert "(teacher)" in body and "(dsl)" not in body.split("<tbody>")[1]
    record(personas.teacher, Verb.VIEW, personas.other_pupil, pupil=personas.other_pupil)
    body = client.get(reverse("audit:index"), {"upn": personas.other_pupil.upn.lower()}).content.decode()
    assert personas.other_pupil.full_name in body and personas.pupil.full_name not in body
    # Reading the log is itself recorded.
    assert AuditEvent.objects.filter(actor=personas.dsl, target_type="audit.log").exists()


def test_pupil_access_lists_who_looked(client_for, personas):
    client_for(personas.teacher).get(reverse("people:profile", kwargs={"pupil_id": personas.pupil.pk}))
    client_for(personas.teacher).get(reverse("people:profile", kwargs={"pupil_id": personas.pupil.pk}))
    client_for(personas.pastoral).get(reverse("people:profile", kwargs={"pupil_id": personas.pupil.pk}))
    client_for(personas.pastoral).get(reverse("people:profile", kwargs={"pupil_id": personas.other_pupil.pk}))
    response = client_for(personas.dsl).get(reverse("audit:pupil_access", kwargs={"pupil_id": personas.pupil.pk}))
    people = {row["actor_label"]: row["count"] for row in response.context["people"]}
    assert people == {"teacher": 2, "pastoral": 1}


def test_pupil_access_for_another_schools_pupil_is_404(client_for, personas):
    response = client_for(personas.dsl).get(
        reverse("audit:pupil_access", kwargs={"pupil_id": personas.other_school_pupil.pk})
    )
    assert response.status_code == 404
