"""Per-school letter templates (issue 5): placeholder validation, safe filling, history, audit,
and letters starting from the school's wording."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from apps.attendance import letters, selectors, services
from apps.attendance.models import LadderStep, Letter, LetterTemplate, LetterTemplateVersion
from apps.audit.models import AuditEvent, Verb
from apps.chronology.models import Entry


def test_every_default_uses_only_known_placeholders():
    for stage in LadderStep.Stage.values:
        text = letters.default_text(stage)
        letters.check_template(text)
        assert "{carer_name}" in text and "{school_name}" in text


def test_unknown_placeholders_are_named_in_the_message():
    with pytest.raises(ValidationError) as caught:
        letters.check_template("Dear {carer}, about {pupil_name} and {attendance}. {carer} again.")
    message = caught.value.messages[0]
    assert "{carer}, {attendance}" in message
    assert "{pupil_name}" in message  # the allowed list is given


def test_empty_template_is_refused():
    with pytest.raises(ValidationError, match="empty"):
        letters.check_template("   \n")


def test_fill_substitutes_only_placeholders_and_never_renders_templates():
    text = "Dear {carer_name}, {{ settings.SECRET_KEY }} {% now 'Y' %} { lone brace {pupil_name}"
    filled = letters.fill(text, {"carer_name": "Jane {pupil_name}", "pupil_name": "Amelia"})
    # The carer's value is not substituted again; template syntax stays as written.
    assert filled == "Dear Jane {pupil_name}, {{ settings.SECRET_KEY }} {% now 'Y' %} { lone brace Amelia"


@given(st.text(alphabet=st.characters(blacklist_characters="{}")))
def test_text_without_braces_is_unchanged(text):
    letters.check_template(text) if text.strip() else None
    assert letters.fill(text, {"pupil_name": "X"}) == text


@pytest.mark.django_db
def test_saving_keeps_history_and_is_audited(personas):
    school, officer = personas.school, personas.attendance_officer
    assert selectors.letter_template_text(school, "meeting") == letters.default_text("meeting")
    first = services.save_letter_template(officer, school=school, stage="meeting", body="Dear {carer_name},\r\nOne.")
    services.save_letter_template(personas.headteacher, school=school, stage="meeting", body="Dear {carer_name},\nTwo.")
    services.save_letter_template(personas.headteacher, school=school, stage="meeting", body="Dear {carer_name},\nTwo.")
    template = LetterTemplate.objects.get(pk=first.pk)
    assert template.body == "Dear {carer_name},\nTwo." and template.updated_by == personas.headteacher
    versions = list(LetterTemplateVersion.objects.filter(template=template).order_by("edited_at", "id"))
    assert [(v.body, v.edited_by) for v in versions] == [
        ("Dear {carer_name},\nOne.", officer),
        ("Dear {carer_name},\nTwo.", personas.headteacher),
    ]  # an unchanged save adds nothing
    verbs = list(AuditEvent.objects.filter(target_type="attendance.lettertemplate").values_list("verb", flat=True))
    assert sorted(verbs) == [Verb.CREATE, Verb.UPDATE]
    assert selectors.letter_template_text(school, "meeting") == "Dear {carer_name},\nTwo."
    assert selectors.letter_template_text(personas.other_school, "meeting") == letters.default_text("meeting")


@pytest.mark.django_db
def test_only_editors_may_save_and_bad_placeholders_are_refused(personas):
    with pytest.raises(PermissionDenied):
        services.save_letter_template(personas.pastoral_lead, school=personas.school, stage="meeting", body="Hi")
    with pytest.raises(ValidationError, match=r"\{forename\}"):
        services.save_letter_template(
            personas.attendance_officer, school=personas.school, stage="meeting", body="Dear {forename}"
        )
    with pytest.raises(ValidationError, match="stage"):
        services.save_letter_template(personas.attendance_officer, school=personas.school, stage="nope", body="Hi")
    assert not LetterTemplate.objects.exists()


@pytest.mark.django_db
def test_edit_page_shows_the_error_and_keeps_the_text(personas, client_for):
    client = client_for(personas.attendance_officer)
    url = reverse("attendance:letter_template_edit", args=["contract"])
    response = client.post(url, {"body": "Dear {carer_name}, see {nonsense}."})
    assert response.status_code == 200
    body = response.content.decode()
    assert "{nonsense}" in body and "not recognised" in body
    assert "Dear {carer_name}, see {nonsense}." in body  # nothing typed is lost
    assert not LetterTemplate.objects.exists()
    assert client.get(reverse("attendance:letter_template_edit", args=["unknown"])).status_code == 404


@pytest.mark.django_db
def test_a_letter_starts_from_the_school_template_and_is_logged(personas, client_for):
    services.save_letter_template(
        personas.attendance_officer,
        school=personas.school,
        stage="meeting",
        body="Dear {carer_name}, {pupil_forename} in {form} at {school_name}: {unauthorised_sessions} unauthorised.",
    )
    client = client_for(personas.attendance_officer)
    carer = personas.pupil.carer_links.first().carer_id
    page = client.get(reverse("attendance:letter_new", args=[personas.pupil.pk]), {"stage": "meeting"})
    assert "Dear Jane Testpupil, Amelia in 9A at Brookfield Academy: 0 unauthorised." in page.content.decode()
    response = client.post(
        reverse("attendance:letter_new", args=[personas.pupil.pk]),
        {"stage": "meeting", "carer": carer, "body": "Dear Jane Testpupil, edited for this letter."},
    )
    assert response.status_code == 302
    letter = Letter.objects.get()
    assert letter.body == "Dear Jane Testpupil, edited for this letter."
    assert Entry.objects.filter(pupil=personas.pupil, title__startswith="Attendance letter").exists()
    pdf = client.get(reverse("attendance:letter_pdf", args=[letter.pk]))
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_demo_seeds_every_stage_with_history(personas):
    import datetime as dt
    import io
    import random

    from apps.attendance import demo
    from apps.demo.context import DemoContext

    ctx = DemoContext(
        rng=random.Random(1),
        today=dt.date(2025, 1, 24),
        pupils_wanted=0,
        years=1,
        stdout=io.StringIO(),
        school_spec={},
        school=personas.school,
    )
    demo._letter_templates(ctx, personas.attendance_officer)
    rows = selectors.letter_templates(personas.school)
    assert all(r.template is not None for r in rows) and len(rows) == len(LadderStep.Stage.values)
    for row in rows:
        letters.check_template(row.body)
    meeting = LetterTemplate.objects.get(school=personas.school, stage="meeting")
    assert "Please ring the attendance office" in meeting.body
    assert meeting.versions.count() == 2
