from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditEvent, Verb
from apps.safeguarding import services
from apps.safeguarding.models import BodyMapMark, Concern, ConcernAttachment, ConcernDraft

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.HEARTH_MAX_UPLOAD_BYTES = 1024
    return tmp_path


def _log(personas, **kwargs):
    return services.log_concern(
        personas.teacher,
        school=personas.school,
        pupils=[personas.pupil],
        summary="Bruise seen on the arm.",
        occurred_at=timezone.now() - dt.timedelta(hours=1),
        **kwargs,
    )


def test_a_png_is_stored_outside_the_web_root_under_a_random_name(personas, private_media):
    concern = _log(personas, attachments=[SimpleUploadedFile("../../etc/passwd.png", PNG)])
    stored = ConcernAttachment.objects.get(concern=concern)
    assert stored.original_name == "passwd.png"
    path = Path(stored.file.path).resolve()
    assert private_media.resolve() in path.parents
    assert "passwd" not in path.name and ".." not in str(stored.file.name)
    with pytest.raises(ValueError):
        stored.file.url  # noqa: B018 - no public URL exists


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("script.exe", b"MZ\x90\x00", "Attach a PDF, PNG or JPEG"),
        ("photo.png", b"<script>alert(1)</script>", "content is not a PNG"),
        ("note.pdf", b"%PDF-" + b"x" * 2000, "the limit is"),
        ("noextension", b"%PDF-1.7", "Attach a PDF, PNG or JPEG"),
    ],
)
def test_wrong_type_disguised_or_oversized_files_are_refused_and_nothing_is_saved(personas, name, content, message):
    with pytest.raises(ValidationError) as error:
        _log(personas, attachments=[SimpleUploadedFile(name, content)])
    assert message in str(error.value)
    assert not Concern.objects.exists()


def test_only_the_dsl_team_and_the_uploader_can_download_and_each_download_is_audited(client_for, personas):
    concern = _log(personas, attachments=[SimpleUploadedFile("note.png", PNG)])
    stored = ConcernAttachment.objects.get(concern=concern)
    url = reverse("safeguarding:attachment", args=[stored.pk])
    response = client_for(personas.dsl).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(verb=Verb.VIEW, target_type="safeguarding.concernattachment").exists()
    assert client_for(personas.teacher).get(url).status_code == 200
    assert client_for(personas.headteacher).get(url).status_code == 404
    assert client_for(personas.other_school_dsl).get(url).status_code == 404


def test_another_teacher_cannot_add_a_file(personas):
    concern = _log(personas)
    with pytest.raises(PermissionDenied):
        services.add_attachment(personas.other_teacher, concern=concern, upload=SimpleUploadedFile("a.png", PNG))


def test_body_map_marks_are_kept_and_shown_to_the_dsl(client_for, personas):
    concern = _log(personas, body_map=[{"side": "front", "region": "l_forearm", "note": "2cm purple bruise"}])
    assert BodyMapMark.objects.get(concern=concern).get_region_display() == "Left forearm"
    page = client_for(personas.dsl).get(reverse("safeguarding:concern", args=[concern.pk])).content.decode()
    assert "Front, left forearm: 2cm purple bruise" in page and "<svg" in page


def test_an_incomplete_body_map_mark_is_refused_with_its_number(personas):
    with pytest.raises(ValidationError) as error:
        _log(personas, body_map=[{}, {"side": "back", "region": "", "note": "scratch"}])
    assert "Mark 2" in str(error.value)


def test_a_draft_survives_and_is_restored_then_removed_on_submit(client_for, personas):
    client = client_for(personas.teacher)
    response = client.post(
        reverse("safeguarding:save_draft"), {"summary": "Half-written account", "pupils": [personas.pupil.pk]}
    )
    assert response.status_code == 204
    client = client_for(personas.teacher)  # a new session, as after a timeout
    page = client.get(reverse("safeguarding:log_concern")).content.decode()
    assert "Half-written account" in page and "has been restored" in page
    client.post(
        reverse("safeguarding:log_concern"),
        {"pupils": [personas.pupil.pk], "summary": "Finished account", "occurred_at": "2026-11-20T10:15"},
    )
    assert Concern.objects.count() == 1
    assert not ConcernDraft.objects.exists()


def test_dsl_can_share_the_outcome_with_the_author(client_for, personas):
    concern = _log(personas)
    services.triage_concern(personas.dsl, concern=concern, decision="monitor", reason="Watch and review in a week.")
    services.close_concern(
        personas.dsl, concern=concern, outcome="Explained by a sports injury.", share_with_author=True
    )
    page = client_for(personas.teacher).get(reverse("safeguarding:concern", args=[concern.pk])).content.decode()
    assert "Explained by a sports injury." in page
    assert "Watch and review in a week." not in page


def test_the_transfer_pack_carries_the_body_map_and_the_files_with_their_hashes(personas):
    import base64
    import hashlib

    concern = _log(
        personas,
        attachments=[SimpleUploadedFile("photo.png", PNG)],
        body_map=[{"side": "front", "region": "l_upper_arm", "note": "Two small round bruises"}],
    )
    transfer, _code = services.prepare_transfer(
        personas.dsl, pupil=personas.pupil, destination_name="Hillside School", leaving_date=dt.date(2026, 11, 13)
    )
    pack = services.transfer_pack(personas.dsl, transfer=transfer)
    (item,) = [c for c in pack["concerns"] if c["reference"] == concern.reference]
    assert item["body_map"] == [
        {"side": "front", "region": "l_upper_arm", "region_label": "Left upper arm", "note": "Two small round bruises"}
    ]
    (attached,) = item["attachments"]
    content = base64.b64decode(attached["data_base64"])
    assert content == PNG
    assert attached["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert (attached["name"], attached["content_type"], attached["size"]) == ("photo.png", "image/png", len(PNG))
