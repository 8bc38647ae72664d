from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditEvent, Verb
from apps.chronology.models import Entry
from apps.people.tests.factories import PupilFactory
from apps.safeguarding import services
from apps.safeguarding.models import ConcernPupil, CPFileTransfer


def _log(personas, pupils, roles=None):
    return services.log_concern(
        personas.pastoral,
        school=personas.school,
        pupils=pupils,
        summary="Oliver pushed Amelia against the lockers.",
        occurred_at=timezone.now() - dt.timedelta(hours=2),
        category="CHILD_ON_CHILD",
        roles=roles or {},
    )


def test_transfer_due_date_uses_the_school_calendar_and_the_code_works_once(personas):
    transfer, code = services.prepare_transfer(
        personas.dsl, pupil=personas.pupil, destination_name="Hillside School", leaving_date=dt.date(2026, 11, 13)
    )
    assert transfer.due_on == dt.date(2026, 11, 20)
    assert code not in transfer.receipt_code_hash
    received = services.confirm_receipt(personas.other_school_dsl, school=personas.other_school, code=code.lower())
    assert received.received_by_school == "Hillside School"
    with pytest.raises(ValidationError):
        services.confirm_receipt(personas.other_school_dsl, school=personas.other_school, code=code)


def test_teacher_cannot_start_a_transfer(personas):
    with pytest.raises(PermissionDenied):
        services.prepare_transfer(
            personas.teacher, pupil=personas.pupil, destination_name="X", leaving_date=dt.date(2026, 11, 13)
        )


def test_pack_holds_only_this_pupils_part_and_the_export_is_audited(personas):
    _log(personas, [personas.pupil, personas.other_pupil], roles={personas.pupil.pk: ConcernPupil.Role.WITNESS})
    services.set_status(personas.dsl, pupil=personas.pupil, kind="cin", start_date=dt.date(2026, 1, 5))
    transfer, _code = services.prepare_transfer(
        personas.dsl, pupil=personas.pupil, destination_name="Hillside School", leaving_date=dt.date(2026, 11, 13)
    )
    pack = services.transfer_pack(personas.dsl, transfer=transfer)
    text = json.dumps(pack)
    assert "Oliver" not in text and personas.other_pupil.upn not in text
    assert pack["concerns"][0]["role"] == "witness" and pack["concerns"][0]["account"] is None
    assert pack["statuses"][0]["kind"] == "cin"
    assert AuditEvent.objects.filter(verb=Verb.EXPORT, pupil_id=personas.pupil.pk).exists()
    assert CPFileTransfer.objects.get().sent_at is not None


def test_receiving_school_imports_the_pack_into_the_new_pupils_chronology(personas):
    _log(personas, [personas.pupil])
    transfer, _code = services.prepare_transfer(
        personas.dsl, pupil=personas.pupil, destination_name="Hillside School", leaving_date=dt.date(2026, 11, 13)
    )
    pack = services.transfer_pack(personas.dsl, transfer=transfer)
    arrived: Any = PupilFactory(school=personas.other_school, upn=personas.pupil.upn)
    wrong = PupilFactory(school=personas.other_school)
    with pytest.raises(ValidationError):
        services.import_transfer_pack(personas.other_school_dsl, pupil=wrong, pack=pack)
    assert services.import_transfer_pack(personas.other_school_dsl, pupil=arrived, pack=pack) == 1
    entry = Entry.objects.get(pupil_id=arrived.pk)
    assert entry.transferred_from == "Brookfield Academy"
    assert "lockers" in entry.summary


def test_import_page_rejects_a_pdf_with_a_clear_message(client_for, personas):
    client = client_for(personas.dsl)
    upload = SimpleUploadedFile("file.pdf", b"%PDF-1.7", content_type="application/pdf")
    response = client.post(reverse("safeguarding:import_pack", args=[personas.pupil.pk]), {"pack": upload})
    assert response.status_code == 200
    assert "Choose the .json pack" in response.content.decode()


def test_pdf_and_json_downloads(client_for, personas):
    _log(personas, [personas.pupil])
    transfer, _code = services.prepare_transfer(
        personas.dsl, pupil=personas.pupil, destination_name="Hillside School", leaving_date=dt.date(2026, 11, 13)
    )
    client = client_for(personas.deputy_dsl)
    pdf = client.get(reverse("safeguarding:transfer_pdf", args=[transfer.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    data = client.get(reverse("safeguarding:transfer_pack", args=[transfer.pk])).json()
    assert data["format"] == "hearth.cp-file"
