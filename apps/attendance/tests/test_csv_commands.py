from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from apps.attendance.models import Mark, MarkHistory
from apps.attendance.statutory import normalise_code
from apps.attendance.tests.factories import make_marks
from apps.core.calendar import SchoolCalendar

pytestmark = pytest.mark.django_db


def write(tmp_path, text, name="marks.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def run(personas):
    """Run a command for the persona school; returns (stdout, stderr)."""

    def go(*args):
        out, err = io.StringIO(), io.StringIO()
        if "--school" not in args:
            args = (*args, "--school", personas.school.urn)
        call_command(*args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    return go


def test_an_import_creates_marks_from_iso_and_british_dates(personas, tmp_path, run):
    upn = personas.pupil.upn
    path = write(
        tmp_path,
        f"upn,date,session,code,minutes_late\n{upn},2025-01-13,AM,/,\n{upn},13/01/2025,PM,L,7\n",
    )
    out, _ = run("import_csv", "attendance", str(path), "--school", personas.school.urn)
    assert "2 new mark(s)" in out
    marks = {(m.session, m.code, m.minutes_late) for m in Mark.objects.filter(pupil=personas.pupil)}
    assert marks == {("AM", "/", None), ("PM", "L", 7)}


def test_an_import_with_bad_rows_reports_each_line_and_imports_nothing(personas, tmp_path, run):
    upn = personas.pupil.upn
    rows = [
        "upn,date,session,code",
        f"{upn},2025-01-13,AM,/",
        "X999999999999,2025-01-13,AM,/",
        f"{upn},2025-02-30,AM,/",
        f"{upn},2025-01-14,XX,/",
        f"{upn},2025-01-14,AM,H",
        f"{upn},2025-01-14,PM,Q9",
        f"{upn},2025-01-13,AM,I",
    ]
    path = write(tmp_path, "\n".join(rows) + "\n")
    with pytest.raises(CommandError, match="6 invalid row"):
        out, err = io.StringIO(), io.StringIO()
        call_command("import_csv", "attendance", str(path), "--school", personas.school.urn, stdout=out, stderr=err)
    messages = err.getvalue()
    assert "Line 3: no pupil with UPN" in messages
    assert "Line 4: “2025-02-30” is not a date" in messages
    assert "Line 5: “XX” is not a session" in messages
    assert "Line 6: “H” was removed on 19/08/2024" in messages
    assert "Line 7: “Q9” is not an attendance code" in messages
    assert "Line 8:" in messages and "more than once" in messages
    assert not Mark.objects.exists()


def test_a_row_for_an_existing_mark_amends_it_with_the_import_as_the_reason(personas, tmp_path, run):
    day = dt.date(2025, 1, 13)
    make_marks(personas.pupil, {(day, "AM"): "N", (day, "PM"): "\\"})
    path = write(
        tmp_path, f"upn,date,session,code\n{personas.pupil.upn},{day},AM,I\n{personas.pupil.upn},{day},PM,\\\n"
    )
    out, _ = run("import_csv", "attendance", str(path))
    assert "0 new mark(s), 1 amended, 1 unchanged" in out
    history = MarkHistory.objects.get()
    assert (history.old_code, history.new_code, history.reason) == ("N", "I", "Import of marks.csv")


def test_a_dry_run_reports_and_changes_nothing(personas, tmp_path, run):
    path = write(tmp_path, f"upn,date,session,code\n{personas.pupil.upn},2025-01-13,AM,/\n")
    out, _ = run("import_csv", "attendance", str(path), "--dry-run")
    assert "Would import 1 row(s): 1 new mark(s)" in out
    assert not Mark.objects.exists()


def test_a_wrong_header_is_refused_with_the_expected_columns(personas, tmp_path, run):
    path = write(tmp_path, "pupil,day,session,code\n")
    with pytest.raises(CommandError, match="1 invalid row"):
        run("import_csv", "attendance", str(path))


def test_other_kinds_are_not_supported_yet(personas, tmp_path, run):
    path = write(tmp_path, "x\n")
    with pytest.raises(CommandError, match="“pupils” is not supported yet"):
        run("import_csv", "pupils", str(path))


def test_an_export_reimports_to_the_same_state(personas, tmp_path, run):
    calendar = SchoolCalendar.for_school(personas.school)
    days = calendar.school_days(dt.date(2025, 1, 6), dt.date(2025, 1, 31))
    codes = ["/", "L", "N", "I", "G", "V", "D", "#"]
    make_marks(
        personas.pupil,
        {(d, s): normalise_code(codes[i % len(codes)], s) for i, d in enumerate(days) for s in ("AM", "PM")},
    )
    Mark.objects.filter(code="L").update(minutes_late=12)
    before = sorted(Mark.objects.values_list("pupil_id", "date", "session", "code", "minutes_late"))
    out_path = tmp_path / "export.csv"
    run("export_csv", "attendance", "--from", "2025-01-01", "--to", "31/01/2025", "--out", str(out_path))
    Mark.objects.all().delete()
    run("import_csv", "attendance", str(out_path))
    after = sorted(Mark.objects.values_list("pupil_id", "date", "session", "code", "minutes_late"))
    assert after == before
    out, _ = run("import_csv", "attendance", str(out_path))
    assert f"0 new mark(s), 0 amended, {len(before)} unchanged" in out


def test_the_summary_command_gives_the_agreed_columns(personas, run):
    day = dt.date(2025, 1, 13)
    make_marks(personas.pupil, {(day, "AM"): "/", (day, "PM"): "N"})
    out, _ = run("attendance_summary", "--from", "2025-01-13", "--to", "2025-01-13", "--school", personas.school.urn)
    lines = out.splitlines()
    assert lines[0] == (
        "upn,possible_sessions,present,authorised_absence,unauthorised_absence,"
        "attendance_pct,persistent_absentee,severe_absentee"
    )
    assert f"{personas.pupil.upn},2,1,0,1,50.00,true,true" in lines
    out, _ = run("attendance_summary", "--from", "2025-01-13", "--to", "2025-01-13", "--format", "json")
    row = next(r for r in json.loads(out) if r["upn"] == personas.pupil.upn)
    assert row["persistent_absentee"] is True and row["possible_sessions"] == 2


def test_the_penalty_threshold_command_lists_pupils_with_ten_unauthorised_sessions(personas, run):
    calendar = SchoolCalendar.for_school(personas.school)
    days = calendar.school_days(dt.date(2025, 1, 6), dt.date(2025, 1, 10))
    make_marks(personas.pupil, {(d, s): "G" for d in days for s in ("AM", "PM")})
    out, _ = run("penalty_threshold", "--on", "2025-01-10")
    assert out.splitlines()[0] == "upn,unauthorised_sessions,window_start,window_end"
    (row,) = out.splitlines()[1:]
    upn, n, start, end = row.split(",")
    # Ten school weeks back skips the Christmas holiday and the October half-term.
    assert (upn, n, start, end) == (personas.pupil.upn, "10", "2024-10-14", "2025-01-10")
    # On the Thursday only 8 of the sessions have happened.
    out, _ = run("penalty_threshold", "--on", "2025-01-09", "--format", "json")
    assert json.loads(out) == []


def test_a_code_checked_once_is_still_reported_on_every_line_it_is_wrong(personas, tmp_path, run):
    """The importer remembers each (code, session, date) check: a repeated bad code is still
    reported line by line, and a good code still meets each pupil's own on-roll check."""
    upn, other = personas.pupil.upn, personas.other_pupil.upn
    rows = ["upn,date,session,code", f"{upn},2025-01-14,AM,H", f"{other},2025-01-14,AM,H"]
    path = write(tmp_path, "\n".join(rows) + "\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 invalid row"):
        call_command("import_csv", "attendance", str(path), "--school", personas.school.urn, stderr=err)
    assert "Line 2: “H” was removed" in err.getvalue() and "Line 3: “H” was removed" in err.getvalue()
    personas.other_pupil.admission_date = dt.date(2025, 1, 20)
    personas.other_pupil.save()
    rows = ["upn,date,session,code", f"{upn},2025-01-14,PM,\\", f"{other},2025-01-14,PM,\\"]
    path = write(tmp_path, "\n".join(rows) + "\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 invalid row"):
        call_command("import_csv", "attendance", str(path), "--school", personas.school.urn, stderr=err)
    assert "Line 3:" in err.getvalue() and "not on roll on 14/01/2025" in err.getvalue()
    rows = ["upn,date,session,code,minutes_late", f"{upn},2025-01-14,PM,\\,", f"{upn},2025-01-15,AM,L,9"]
    out, _ = run("import_csv", "attendance", str(write(tmp_path, "\n".join(rows) + "\n")))
    assert "2 new mark(s)" in out
    marks = {(m.session, m.code, m.minutes_late) for m in Mark.objects.filter(pupil=personas.pupil)}
    assert marks == {("PM", "\\", None), ("AM", "L", 9)}
