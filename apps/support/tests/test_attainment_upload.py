"""The school-level attainment upload: the same importer as the command, all or nothing, a
"check the file" button that writes nothing, line-numbered errors, a size limit, and only the
pastoral lead, senior leaders and the data manager."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.audit.models import AuditEvent, Verb
from apps.support import services
from apps.support.csv_import import MAX_UPLOAD_BYTES
from apps.support.models import AttainmentRecord

URL = reverse("support:attainment_import")


def upload(text: str, name: str = "grades.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def good_file(p) -> str:
    return (
        "upn,subject,assessed_on,value,target\n"
        f"{p.pupil.upn},English,02/11/2026,5,6\n"
        f"{p.sibling.upn},Maths,2026-11-02,4,\n"
    )


def test_check_the_file_writes_nothing_and_import_writes_every_row(personas, client_for):
    client = client_for(personas.pastoral_lead)
    response = client.post(URL, {"file": upload(good_file(personas)), "measure": "Working-at grade", "check": "1"})
    body = response.content.decode()
    assert response.status_code == 200 and "The file is ready to import." in body
    assert "2 row(s) checked; 2 would be imported" in body
    assert not AttainmentRecord.objects.exists()

    response = client.post(URL, {"file": upload(good_file(personas)), "measure": "Working-at grade", "import": "1"})
    assert response.status_code == 302
    rows = AttainmentRecord.objects.order_by("subject")
    assert [(r.pupil_id, r.subject, r.value, r.target) for r in rows] == [
        (personas.pupil.pk, "English", "5", "6"),
        (personas.sibling.pk, "Maths", "4", ""),
    ]
    assert {r.source for r in rows} == {"File grades.csv"}
    assert "2 row(s) checked; 2 imported." in client.get(URL).content.decode()
    assert AuditEvent.objects.filter(verb=Verb.IMPORT, reason="support.attainment").count() == 1


def test_a_wrong_row_imports_nothing_and_is_named_by_its_line(personas, client_for):
    text = good_file(personas) + "UNKNOWN1,Science,31/02/2026,,\n"
    response = client_for(personas.pastoral_lead).post(URL, {"file": upload(text), "measure": "Grade", "import": "1"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "1 row is wrong: nothing was imported." in body
    assert "Line 4: no pupil at this school has UPN UNKNOWN1; “31/02/2026” is not a date" in body
    assert not AttainmentRecord.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("grades.xlsx", b"upn\n", "Choose a .csv file."),
        ("grades.csv", b"x" * (MAX_UPLOAD_BYTES + 1), "The file is larger than 1000 kB"),
        ("grades.csv", "upn,subject,assessed_on,value\nA,B,01/01/2026,\xe9\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_the_wrong_kind_of_file_is_refused_clearly(personas, client_for, name, content, message):
    response = client_for(personas.admin).post(
        URL, {"file": SimpleUploadedFile(name, content), "measure": "Grade", "import": "1"}
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not AttainmentRecord.objects.exists()


def test_only_the_lead_the_data_manager_and_leaders_import(personas):
    with pytest.raises(PermissionDenied, match="Only the pastoral lead"):
        services.import_attainment_file(
            personas.pastoral,
            school=personas.school,
            lines=good_file(personas).splitlines(),
            source_name="File x.csv",
            dry_run=True,
        )
    assert AuditEvent.objects.filter(verb=Verb.DENIED, reason="support.import_attainment").exists()


def test_the_pupil_page_points_importers_to_the_upload(personas, client_for):
    page = reverse("support:pupil_attainment", args=[personas.pupil.pk])
    assert URL in client_for(personas.pastoral_lead).get(page).content.decode()
    assert URL not in client_for(personas.pastoral).get(page).content.decode()
