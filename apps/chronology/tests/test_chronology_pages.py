"""The chronology pages: confidentiality, filters, audit of sensitive reads, PDF, notes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditEvent, Verb
from apps.chronology.models import Confidentiality, Entry, Kind
from apps.chronology.services import add_entry


def _entries(personas):
    when = timezone.make_aware(dt.datetime(2025, 10, 1, 9, 0))
    made = {}
    for level in Confidentiality.values:
        made[level] = add_entry(
            pupil=personas.pupil,
            kind=Kind.NOTE if level != "safeguarding" else Kind.SAFEGUARDING,
            title=f"{level.title()} entry title",
            summary=f"{level} summary text",
            occurred_at=when,
            confidentiality=level,
            restricted_to=[personas.pastoral_lead] if level == "restricted" else (),
        )
    return made


def _page(client, personas, query=""):
    url = reverse("chronology:pupil", kwargs={"pupil_id": personas.pupil.pk})
    return client.get(f"{url}?{query}" if query else url)


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("teacher", {"general"}),
        ("form_tutor", {"general"}),
        ("pastoral", {"general", "pastoral"}),
        ("pastoral_lead", {"general", "pastoral", "restricted"}),
        ("dsl", {"general", "pastoral", "safeguarding"}),
        ("deputy_dsl", {"general", "pastoral", "safeguarding"}),
    ],
)
def test_each_role_sees_only_its_levels(client_for, personas, persona, visible):
    _entries(personas)
    response = _page(client_for(personas.users[persona]), personas)
    assert response.status_code == 200
    body = response.content.decode()
    for level in Confidentiality.values:
        if level in visible:
            assert f"{level.title()} entry title" in body
        else:
            # Hidden entries leave no trace: neither title, summary nor the level's label.
            assert f"{level.title()} entry title" not in body
            assert f"{level} summary text" not in body
    assert f"{len(visible)} entr" in body


def test_a_safeguarding_level_read_is_audited_and_a_general_one_is_not(client_for, personas):
    _entries(personas)
    _page(client_for(personas.dsl), personas)
    assert AuditEvent.objects.filter(
        actor=personas.dsl, verb=Verb.VIEW, target_type="chronology.safeguarding", pupil_id=personas.pupil.pk
    ).exists()
    _page(client_for(personas.teacher), personas)
    assert not AuditEvent.objects.filter(actor=personas.teacher, target_type="chronology.safeguarding").exists()
    # Every view of the record is audited, whoever looks.
    assert AuditEvent.objects.filter(actor=personas.teacher, verb=Verb.VIEW, pupil_id=personas.pupil.pk).exists()


def test_filter_by_kind_and_date(client_for, personas):
    _entries(personas)
    add_entry(
        pupil=personas.pupil,
        kind=Kind.ATTENDANCE,
        title="Attendance letter sent",
        occurred_at=timezone.make_aware(dt.datetime(2025, 11, 3, 9, 0)),
    )
    client = client_for(personas.dsl)
    body = _page(client, personas, "kind=attendance").content.decode()
    assert "Attendance letter sent" in body and "General entry title" not in body
    body = _page(client, personas, "start=01/11/2025").content.decode()
    assert "Attendance letter sent" in body and "Pastoral entry title" not in body
    body = _page(client, personas, "end=31/10/2025").content.decode()
    assert "Attendance letter sent" not in body and "Pastoral entry title" in body
    body = _page(client, personas, "start=01/11/2025&end=01/10/2025").content.decode()
    assert "before the" in body


def test_pupil_outside_the_teachers_groups_is_404(client_for, personas):
    response = client_for(personas.teacher).get(
        reverse("chronology:pupil", kwargs={"pupil_id": personas.other_pupil.pk})
    )
    assert response.status_code == 404


def test_pdf_holds_what_the_viewer_may_see_and_is_audited(client_for, personas):
    _entries(personas)
    response = client_for(personas.teacher).get(reverse("chronology:pupil_pdf", kwargs={"pupil_id": personas.pupil.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(actor=personas.teacher, verb=Verb.PRINT, pupil_id=personas.pupil.pk).exists()


def test_pdf_template_leaves_out_hidden_entries(personas):
    from django.template.loader import render_to_string

    from apps.chronology.selectors import pupil_chronology_for_print

    _entries(personas)
    entries = pupil_chronology_for_print(personas.school, personas.pastoral, personas.pupil)
    html = render_to_string(
        "chronology/pupil_pdf.html",
        {"pupil": personas.pupil, "entries": entries, "school": personas.school, "printed_by": personas.pastoral},
    )
    assert "Pastoral entry title" in html
    assert "Safeguarding entry title" not in html
    assert "Restricted entry title" not in html


def test_add_note_writes_the_chronology_and_the_audit_log(client_for, personas):
    client = client_for(personas.pastoral)
    url = reverse("chronology:add_note", kwargs={"pupil_id": personas.pupil.pk})
    response = client.post(
        url,
        {
            "kind": "contact",
            "title": "Called mother",
            "summary": "Discussed the trip.",
            "occurred_on": "03/11/2025",
            "occurred_time": "14:30",
            "confidentiality": "pastoral",
        },
    )
    assert response.status_code == 302
    entry = Entry.objects.get(title="Called mother")
    assert entry.author == personas.pastoral
    assert entry.confidentiality == Confidentiality.PASTORAL
    assert timezone.localtime(entry.occurred_at).strftime("%d/%m/%Y %H:%M") == "03/11/2025 14:30"
    assert AuditEvent.objects.filter(verb=Verb.CREATE, target_type="chronology.entry", target_id=str(entry.pk)).exists()


def test_a_note_in_the_future_is_refused_and_nothing_is_lost(client_for, personas):
    client = client_for(personas.pastoral)
    future = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(
        reverse("chronology:add_note", kwargs={"pupil_id": personas.pupil.pk}),
        {
            "kind": "note",
            "title": "Future",
            "summary": "Text the user typed",
            "occurred_on": future.strftime("%d/%m/%Y"),
            "occurred_time": "09:00",
            "confidentiality": "pastoral",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "cannot be dated in the future" in body
    assert "Text the user typed" in body
    assert not Entry.objects.filter(title="Future").exists()


def test_a_note_cannot_be_safeguarding_level(client_for, personas):
    client = client_for(personas.dsl)
    response = client.post(
        reverse("chronology:add_note", kwargs={"pupil_id": personas.pupil.pk}),
        {
            "kind": "note",
            "title": "Sneaky",
            "summary": "x",
            "occurred_on": "03/11/2025",
            "occurred_time": "09:00",
            "confidentiality": "safeguarding",
        },
    )
    assert response.status_code == 200
    assert not Entry.objects.filter(title="Sneaky").exists()


def test_teacher_is_offered_no_add_note_button(client_for, personas):
    body = _page(client_for(personas.teacher), personas).content.decode()
    assert "Add a note" not in body
    body = _page(client_for(personas.pastoral), personas).content.decode()
    assert "Add a note" in body


def test_subject_access_export_collects_what_the_preparer_may_see(client_for, personas):
    import json

    _entries(personas)
    response = client_for(personas.admin).post(
        reverse("chronology:subject_access", kwargs={"pupil_id": personas.pupil.pk}), {"received": "31/01/2026"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["pupil"]["upn"] == personas.pupil.upn
    assert data["about"]["respond_by"] == "2026-02-28"
    titles = {e["title"] for e in data["chronology"]}
    assert "General entry title" in titles
    # The administrator is not in the pastoral or DSL team: those entries are left for them to add.
    assert "Pastoral entry title" not in titles and "Safeguarding entry title" not in titles
    assert data["carers"] and data["carers"][0]["third_party"] is True
    assert AuditEvent.objects.filter(actor=personas.admin, verb=Verb.EXPORT, pupil_id=personas.pupil.pk).exists()
    dsl = json.loads(
        client_for(personas.dsl)
        .post(reverse("chronology:subject_access", kwargs={"pupil_id": personas.pupil.pk}), {"received": "31/01/2026"})
        .content
    )
    assert "Safeguarding entry title" in {e["title"] for e in dsl["chronology"]}


def test_a_restricted_note_is_read_only_by_the_people_named_and_its_author(client_for, personas):
    response = client_for(personas.pastoral).post(
        reverse("chronology:add_note", kwargs={"pupil_id": personas.pupil.pk}),
        {
            "kind": "note",
            "title": "Private family matter",
            "summary": "Details",
            "occurred_on": "03/11/2025",
            "occurred_time": "09:00",
            "confidentiality": "restricted",
            "restricted_to": [str(personas.senco.pk)],
        },
    )
    assert response.status_code == 302
    for persona, sees in [("pastoral", True), ("senco", True), ("pastoral_lead", False), ("dsl", False)]:
        body = _page(client_for(personas.users[persona]), personas).content.decode()
        assert ("Private family matter" in body) is sees, persona


def test_a_restricted_note_must_name_someone(client_for, personas):
    response = client_for(personas.pastoral).post(
        reverse("chronology:add_note", kwargs={"pupil_id": personas.pupil.pk}),
        {
            "kind": "note",
            "title": "Nobody named",
            "summary": "Details",
            "occurred_on": "03/11/2025",
            "occurred_time": "09:00",
            "confidentiality": "restricted",
        },
    )
    assert response.status_code == 200
    assert "Name at least one person" in response.content.decode()
    assert not Entry.objects.filter(title="Nobody named").exists()
