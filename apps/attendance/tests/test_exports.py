"""CSV of every attendance table (issue 5): content, filename, formula-injection escaping, audit."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from apps.attendance import exports
from apps.attendance.tests.factories import make_marks
from apps.audit.models import AuditEvent, Verb
from apps.core.models import School


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 7700 900000", "'+44 7700 900000"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Amelia", "Amelia"),
        (-3, "-3"),
        (12.5, "12.5"),
        (None, ""),
        (True, "Yes"),
        (dt.date(2026, 11, 23), "23/11/2026"),
    ],
)
def test_safe_cell(value, expected):
    assert exports.safe_cell(value) == expected


@given(st.text())
def test_no_text_cell_ever_starts_a_formula(text):
    cell = exports.safe_cell(text)
    assert not cell.startswith(exports.FORMULA_STARTS)
    assert cell in (text, "'" + text)


def test_to_csv_round_trips():
    table = exports.Table("t", "Caption", ["Name", "Sessions"], [["=1+1", 3], ['Quote "me", please', 0]])
    rows = list(csv.reader(io.StringIO(exports.to_csv(table))))
    assert rows == [["Name", "Sessions"], ["'=1+1", "3"], ['Quote "me", please', "0"]]


def test_filename_names_school_table_and_range():
    school = School(name="St Mary's C of E (Aided)")
    name = exports.filename(school, "pa-rate-by-year", dt.date(2025, 9, 1), dt.date(2026, 7, 22))
    assert name == "st-marys-c-of-e-aided-pa-rate-by-year-20250901-20260722.csv"
    assert exports.filename(school, "first-day", dt.date(2025, 1, 13), dt.date(2025, 1, 13)).endswith(
        "first-day-20250113.csv"
    )


@pytest.mark.django_db
def test_first_day_csv_escapes_names_and_is_audited(personas, client_for):
    pupil = personas.pupil
    pupil.legal_surname = "=cmd|'/C calc'!A0"
    pupil.preferred_surname = ""
    pupil.save()
    day = dt.date(2025, 1, 13)
    make_marks(pupil, {(day, "AM"): "N"})
    response = client_for(personas.attendance_officer).get(
        reverse("attendance:export", args=["first-day"]), {"date": "2025-01-13"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="brookfield-academy-first-day-calls-20250113.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:2] == ["UPN", "Pupil"]
    assert rows[1][0] == pupil.upn
    assert not rows[1][1].startswith("=")
    assert rows[1][3] == "AM"
    assert AuditEvent.objects.filter(
        verb=Verb.EXPORT, target_id="first-day-calls", actor=personas.attendance_officer
    ).exists()


@pytest.mark.django_db
def test_unknown_table_is_404(personas, client_for):
    response = client_for(personas.attendance_officer).get(reverse("attendance:export", args=["nonsense"]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_rates_csv_withholds_small_groups(personas, client_for):
    day = dt.date(2025, 1, 13)
    make_marks(personas.pupil, {(day, "AM"): "O", (day, "PM"): "/"})
    response = client_for(personas.governor).get(
        reverse("attendance:rates"), {"by": "year", "from": "2025-01-13", "to": "2025-01-13", "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Group",
        "Pupils",
        "Persistent absentees",
        "PA rate %",
        "Severe absentees",
        "SA rate %",
        "Attendance %",
    ]
    assert rows[1][:2] == ["Year 9", "fewer than 3 pupils: withheld"]


@pytest.mark.django_db
def test_rates_csv_hand_worked(personas, client_for):
    from apps.people.tests.factories import PupilFactory

    day = dt.date(2025, 1, 13)
    year9 = personas.pupil.year_group
    others = [PupilFactory(school=personas.school, year_group=year9, form=personas.pupil.form) for _ in range(3)]
    make_marks(personas.pupil, {(day, "AM"): "O", (day, "PM"): "/"})  # 50%: PA and SA
    make_marks(others[0], {(day, "AM"): "I", (day, "PM"): "/"})  # 50%: PA and SA
    for p in others[1:]:
        make_marks(p, {(day, "AM"): "/", (day, "PM"): "/"})
    response = client_for(personas.headteacher).get(
        reverse("attendance:rates"), {"by": "year", "from": "2025-01-13", "to": "2025-01-13", "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1] == ["Year 9", "4", "2", "50.0", "2", "50.0", "75.0"]
    page = client_for(personas.headteacher).get(reverse("attendance:rates"), {"from": "2025-01-13", "to": "2025-01-13"})
    body = page.content.decode()
    assert 'role="img"' in body and "<caption>" in body and "format=csv" in body
