from __future__ import annotations

from django.urls import reverse

from apps.chronology.models import Entry
from apps.safeguarding.models import Concern, Decision
from apps.safeguarding.tests.factories import concern_about


def test_log_form_preselects_the_pupil_from_their_profile(client_for, personas):
    client = client_for(personas.teacher)
    response = client.get(reverse("safeguarding:log_concern") + f"?pupil={personas.pupil.pk}")
    assert response.status_code == 200
    assert f'value="{personas.pupil.pk}" selected' in response.content.decode()


def test_teacher_logs_then_sees_a_receipt_but_not_the_dsl_work(client_for, personas):
    client = client_for(personas.teacher)
    response = client.post(
        reverse("safeguarding:log_concern"),
        {
            "pupils": [personas.pupil.pk],
            "summary": 'She said "I am scared".',
            "occurred_at": "2026-11-20T10:15",
            "categories": ["EMOT", "DOMESTIC_ABUSE"],
        },
    )
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert concern.categories == ["EMOT", "DOMESTIC_ABUSE"]
    from apps.safeguarding import services

    services.triage_concern(
        personas.dsl, concern=concern, decision=Decision.CSC_REFERRAL, reason="Disclosure of fear at home."
    )
    page = client.get(reverse("safeguarding:concern", args=[concern.pk])).content.decode()
    assert "Received" in page and personas.dsl.display_name in page
    assert "Disclosure of fear at home" not in page
    # The chronology shows the concern to the DSL, not to the teacher.
    profile = client.get(reverse("people:profile", args=[personas.pupil.pk])).content.decode()
    assert "I am scared" not in profile
    client = client_for(personas.dsl)
    profile = client.get(reverse("people:profile", args=[personas.pupil.pk])).content.decode()
    assert "I am scared" in profile
    assert Entry.objects.filter(pupil=personas.pupil).count() == 2


def test_bad_input_keeps_what_was_typed(client_for, personas):
    client = client_for(personas.teacher)
    response = client.post(
        reverse("safeguarding:log_concern"),
        {"pupils": [personas.pupil.pk], "summary": "Kept text here", "occurred_at": "2099-01-01T10:00"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "cannot be in the future" in body and "Kept text here" in body


def test_dsl_detail_shows_every_version(client_for, personas):
    concern = concern_about(personas.pupil, logged_by=personas.teacher)
    client = client_for(personas.dsl)
    client.post(
        reverse("safeguarding:amend", args=[concern.pk]), {"summary": "Right forearm.", "reason": "Corrected the arm."}
    )
    page = client.get(reverse("safeguarding:concern", args=[concern.pk])).content.decode()
    assert "Right forearm." in page and "my dad hit me" in page and "Corrected the arm." in page


def test_queue_page_and_home_panel_render_for_the_dsl(client_for, personas):
    concern_about(personas.pupil, logged_by=personas.teacher)
    client = client_for(personas.dsl)
    assert "Awaiting triage (1)" in client.get(reverse("safeguarding:queue")).content.decode()
    assert "awaiting triage" in client.get(reverse("home")).content.decode()


def test_marker_on_the_profile_says_who_to_speak_to_and_nothing_more(client_for, personas):
    concern_about(personas.pupil, logged_by=personas.pastoral)
    client = client_for(personas.teacher)
    page = client.get(reverse("people:profile", args=[personas.pupil.pk])).content.decode()
    assert "speak to the DSL team" in page
    assert "my dad hit me" not in page and "concern on file" not in page
