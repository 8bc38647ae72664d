"""The read-only attendance API (issue 5): content, scoping, the small-number rule, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from apps.attendance.tests.factories import make_marks
from apps.audit.models import AuditEvent, Verb

pytestmark = pytest.mark.django_db

MON = dt.date(2025, 1, 13)


def test_marks_of_a_pupil_in_a_range(personas, client_for):
    make_marks(personas.pupil, {(MON, "AM"): "/", (MON, "PM"): "L", (MON + dt.timedelta(days=7), "AM"): "O"})
    response = client_for(personas.form_tutor).get(
        reverse("attendance-mark-list"), {"pupil": personas.pupil.pk, "from": "2025-01-13", "to": "2025-01-17"}
    )
    assert response.status_code == 200
    data = response.json()
    assert [(r["date"], r["session"], r["code"]) for r in data["results"]] == [
        ("2025-01-13", "AM", "/"),
        ("2025-01-13", "PM", "L"),
    ]
    assert data["results"][1]["meaning"].startswith("Late arrival before the register has closed")
    assert AuditEvent.objects.filter(verb=Verb.VIEW, pupil_id=personas.pupil.pk, actor=personas.form_tutor).exists()


def test_a_pupil_the_user_does_not_see_is_404_and_audited(personas, client_for):
    response = client_for(personas.form_tutor).get(reverse("attendance-mark-list"), {"pupil": personas.other_pupil.pk})
    assert response.status_code == 404
    assert AuditEvent.objects.filter(verb=Verb.DENIED, actor=personas.form_tutor).exists()
    other_school = client_for(personas.other_school_dsl).get(
        reverse("attendance-mark-list"), {"pupil": personas.pupil.pk}
    )
    assert other_school.status_code == 404


def test_bad_dates_get_a_clear_message(personas, client_for):
    client = client_for(personas.attendance_officer)
    url = reverse("attendance-mark-list")
    assert client.get(url, {"pupil": personas.pupil.pk, "from": "13/01/2025"}).json() == {
        "from": "Give the date as YYYY-MM-DD."
    }
    assert (
        "before the start"
        in client.get(url, {"pupil": personas.pupil.pk, "from": "2025-02-01", "to": "2025-01-01"}).json()["to"]
    )
    assert client.get(url).status_code == 400


def test_pupil_summary_is_exact(personas, client_for):
    make_marks(personas.pupil, {(MON, "AM"): "/", (MON, "PM"): "O", (MON + dt.timedelta(days=1), "AM"): "I"})
    data = (
        client_for(personas.teacher)
        .get(reverse("attendance-summary-list"), {"pupil": personas.pupil.pk, "from": "2025-01-13", "to": "2025-01-17"})
        .json()
    )
    (row,) = data["results"]
    assert (row["possible_sessions"], row["attended"], row["authorised_absence"], row["unauthorised_absence"]) == (
        3,
        1,
        1,
        1,
    )
    assert row["attendance_pct"] == "33.33"
    assert (row["persistent_absentees"], row["severe_absentees"]) == (1, 1)


def test_group_summary_withholds_small_groups_and_governors_cannot_ask_for_a_pupil(personas, client_for):
    make_marks(personas.pupil, {(MON, "AM"): "/", (MON, "PM"): "O"})
    governor = client_for(personas.governor)
    data = governor.get(
        reverse("attendance-summary-list"), {"by": "year", "from": "2025-01-13", "to": "2025-01-17"}
    ).json()
    assert data["results"][0] == {
        "group": "Year 9",
        "pupils": None,
        "withheld": True,
        "possible_sessions": None,
        "attended": None,
        "authorised_absence": None,
        "unauthorised_absence": None,
        "attendance_pct": None,
        "persistent_absentees": None,
        "severe_absentees": None,
    }
    assert governor.get(reverse("attendance-summary-list"), {"pupil": personas.pupil.pk}).status_code == 403
    assert client_for(personas.teacher).get(reverse("attendance-summary-list"), {"by": "year"}).status_code == 403
    assert governor.get(reverse("attendance-summary-list"), {"by": "shoe_size"}).status_code == 400


def test_endpoints_are_in_the_openapi_schema(personas, client_for):
    response = client_for(personas.attendance_officer).get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    marks = paths["/api/v1/attendance/marks/"]["get"]
    assert {p["name"] for p in marks["parameters"]} >= {"pupil", "from", "to"}
    assert "/api/v1/attendance/summary/" in paths
