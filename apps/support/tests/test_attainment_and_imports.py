"""Attainment beside reviews, the attainment and provider-attendance imports, the import_csv hook,
and the read-only API."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from apps.attendance.csv_io import ImportRejected
from apps.attendance.models import Mark
from apps.audit.models import AuditEvent, Verb
from apps.support import selectors, services
from apps.support.csv_import import import_attainment, import_provider_attendance
from apps.support.models import AttainmentRecord, PlanKind, PlanReview, ProviderKind
from apps.support.services import ProgressSpec
from apps.support.tests.factories import make_placement, make_plan, make_provider

MON = dt.date(2026, 9, 14)


def record(p, pupil, subject, on, value, target=""):
    return AttainmentRecord.objects.create(
        school=p.school, pupil=pupil, subject=subject, assessed_on=on, value=value, target=target
    )


# Attainment -------------------------------------------------------------------------------------------


def test_figures_are_the_latest_in_the_period_against_the_latest_before(personas):
    p = personas
    record(p, p.pupil, "English", dt.date(2026, 7, 1), "4", "6")
    record(p, p.pupil, "English", dt.date(2026, 9, 1), "4+")
    record(p, p.pupil, "English", dt.date(2026, 10, 1), "5-")
    record(p, p.pupil, "English", dt.date(2026, 10, 20), "5")
    record(p, p.pupil, "Maths", dt.date(2026, 10, 5), "3")
    record(p, p.pupil, "Science", dt.date(2026, 6, 1), "4")
    record(p, p.pupil, "History", dt.date(2026, 12, 1), "6")  # after the period: left out
    record(p, p.sibling, "English", dt.date(2026, 10, 2), "2")  # someone else
    rows = {r["subject"]: r for r in selectors.attainment_figures(p.school, p.pupil, MON, dt.date(2026, 10, 31))}
    assert set(rows) == {"English", "Maths", "Science"}
    assert (rows["English"]["before"], rows["English"]["now"], rows["English"]["now_on"]) == ("4+", "5", "2026-10-20")
    assert rows["English"]["target"] == "6"
    assert rows["Maths"]["before"] is None and rows["Maths"]["now"] == "3"
    assert rows["Science"]["now"] is None and rows["Science"]["before"] == "4"


def test_a_review_shows_and_keeps_the_attainment_for_its_period(personas, client_for):
    plan = make_plan(personas.pupil, personas.pastoral, started_on=MON)
    record(personas, personas.pupil, "English", dt.date(2026, 7, 1), "4")
    record(personas, personas.pupil, "English", dt.date(2026, 10, 20), "5")
    client = client_for(personas.pastoral)
    page = client.get(reverse("support:plan_review", args=[plan.pk])).content.decode()
    assert "Attainment: latest in the period" in page and "20/10/2026" in page and "01/07/2026" in page
    targets = list(selectors.current_version(plan).targets.all())
    review = services.record_review(
        personas.pastoral,
        plan=plan,
        held_on=dt.date(2026, 10, 26),
        decision="continue",
        progress={t.pk: ProgressSpec(2) for t in targets},
    )
    AttainmentRecord.objects.all().delete()  # later changes do not rewrite what the meeting saw
    kept = PlanReview.objects.get(pk=review.pk).attainment
    assert kept == [
        {
            "subject": "English",
            "measure": "Working-at grade",
            "now": "5",
            "now_on": "2026-10-20",
            "before": "4",
            "before_on": "2026-07-01",
            "target": "",
        }
    ]
    assert "Attainment at the review" in client.get(reverse("support:plan", args=[plan.pk])).content.decode()


def test_attainment_is_entered_on_the_pupils_page(personas, client_for):
    client = client_for(personas.pastoral)
    url = reverse("support:pupil_attainment", args=[personas.pupil.pk])
    response = client.post(
        url,
        {"subject": "Maths", "assessed_on": "2026-11-02", "measure": "Working-at grade", "value": "5", "target": "6"},
    )
    assert response.status_code == 302
    saved = AttainmentRecord.objects.get()
    assert (saved.value, saved.target, saved.source, saved.recorded_by) == ("5", "6", "Entered", personas.pastoral)
    assert AuditEvent.objects.filter(verb=Verb.CREATE, target_type="support.attainmentrecord").exists()
    refused = client.post(url, {"subject": "Maths", "assessed_on": "2099-01-01", "measure": "x", "value": "5"})
    assert "cannot be dated in the future" in refused.content.decode()
    assert AttainmentRecord.objects.count() == 1


def test_a_teacher_cannot_record_attainment(personas):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.record_attainment(personas.teacher, pupil=personas.pupil, subject="Maths", assessed_on=MON, value="5")


def test_the_attainment_import_takes_every_row_or_none(personas):
    good = (
        "upn,subject,assessed_on,value,target\n"
        f"{personas.pupil.upn},English,20/10/2026,5,6\n"
        f"{personas.sibling.upn},Maths,2026-10-21,3,\n"
    )
    result = import_attainment(personas.school, io.StringIO(good), source_name="autumn.csv", dry_run=True)
    assert (result.rows, result.written, AttainmentRecord.objects.count()) == (2, 2, 0)
    import_attainment(personas.school, io.StringIO(good), source_name="autumn.csv")
    assert AttainmentRecord.objects.filter(source="autumn.csv").count() == 2
    bad = (
        "upn,subject,assessed_on,value\n"
        f"{personas.pupil.upn},Science,21/10/2026,5\n"
        f"{personas.other_school_pupil.upn},English,31/02/2026,\n"
        f"{personas.pupil.upn},Science,2026-10-21,6\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        import_attainment(personas.school, io.StringIO(bad))
    errors = rejected.value.errors
    assert rejected.value.error_count == 2
    assert errors[0].startswith("Line 3:") and "no pupil at this school has UPN" in errors[0]
    assert "is not a date" in errors[0] and "the value is empty" in errors[0]
    assert errors[1] == "Line 4: the same pupil, subject and date is on line 2."
    assert AttainmentRecord.objects.count() == 2


def test_a_wrong_header_names_the_expected_columns(personas):
    with pytest.raises(ImportRejected) as rejected:
        import_attainment(personas.school, io.StringIO("pupil,subject,date,grade\nx,y,z,w\n"))
    assert rejected.value.errors == [
        "Line 1: the header is missing upn, assessed_on, value (expected upn,subject,assessed_on,value)."
    ]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "file.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_command_imports_attainment_through_the_hook(personas, tmp_path):
    path = write(tmp_path, f"upn,subject,assessed_on,value\n{personas.pupil.upn},English,20/10/2026,5\n")
    out = io.StringIO()
    call_command("import_csv", "attainment", str(path), "--school", personas.school.urn, "--dry-run", stdout=out)
    assert "1 would be imported" in out.getvalue() and not AttainmentRecord.objects.exists()
    call_command("import_csv", "attainment", str(path), "--school", personas.school.urn, stdout=out)
    assert AttainmentRecord.objects.get().source == "file.csv"
    bad = write(tmp_path, "upn,subject,assessed_on,value\nNOPE,English,20/10/2026,5\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 invalid row"):
        call_command("import_csv", "attainment", str(bad), "--school", personas.school.urn, stderr=err)
    assert "Line 2: no pupil at this school has UPN NOPE." in err.getvalue()


# Provider attendance ---------------------------------------------------------------------------------


def placement(p, kind=ProviderKind.APPROVED_ACTIVITY):
    return make_placement(
        school=p.school,
        pupil=p.pupil,
        keyworker=p.pastoral,
        provider=make_provider(school=p.school, kind=kind, name="Riverside Farm"),
        starts_on=MON,
        weekdays="0,2",
        sessions="AM,PM",
    )


def test_a_provider_file_writes_the_same_marks_as_entry(personas):
    found = placement(personas)
    upn = personas.pupil.upn
    text = f"upn,date,session,attended\n{upn},14/09/2026,AM,Y\n{upn},14/09/2026,PM,n\n{upn},2026-09-16,am,yes\n"
    result = import_provider_attendance(found, io.StringIO(text), actor=personas.pastoral)
    assert result.summary() == "3 row(s) checked; 3 imported. 2 attended, 1 missed."
    marks = {(m.date, m.session): m.code for m in Mark.objects.filter(pupil=personas.pupil)}
    assert marks == {(MON, "AM"): "B", (MON, "PM"): "N", (dt.date(2026, 9, 16), "AM"): "B"}


def test_a_provider_file_with_a_wrong_row_imports_nothing(personas):
    found = placement(personas, ProviderKind.LA_ARRANGED)
    upn = personas.pupil.upn
    text = (
        "upn,date,session,attended\n"
        f"{upn},14/09/2026,AM,Y\n"
        f"{upn},15/09/2026,AM,Y\n"  # a Tuesday: not a placement day
        f"{personas.sibling.upn},16/09/2026,XX,maybe\n"
        f"{upn},14/09/2026,AM,N\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        import_provider_attendance(found, io.StringIO(text), actor=personas.pastoral)
    errors = rejected.value.errors
    assert errors[0] == "Line 3: 15/09/2026 AM is not one of the placement's sessions."
    assert errors[1].startswith("Line 4: UPN") and "AM or PM" in errors[1] and "Y or N" in errors[1]
    assert errors[2] == "Line 5: the same session is on line 2."
    assert not Mark.objects.filter(pupil=personas.pupil).exists()


def test_the_placement_page_takes_the_file(personas, client_for):
    found = placement(personas)
    client = client_for(personas.pastoral)
    url = reverse("support:placement", args=[found.pk])
    upload = SimpleUploadedFile(
        "week.csv", f"upn,date,session,attended\n{personas.pupil.upn},14/09/2026,AM,Y\n".encode()
    )
    response = client.post(url, {"form": "import", "csv-file": upload})
    assert response.status_code == 302
    assert Mark.objects.get(pupil=personas.pupil).code == "B"
    bad = SimpleUploadedFile("week.csv", b"upn,date,session,attended\nX,99/99/2026,AM,Y\n")
    body = client.post(url, {"form": "import", "csv-file": bad}).content.decode()
    assert "nothing was imported" in body and "Line 2:" in body
    big = SimpleUploadedFile("big.csv", b"upn,date,session,attended\n" + b"x" * 1_000_001)
    assert "larger than 1000 kB" in client.post(url, {"form": "import", "csv-file": big}).content.decode()


def test_the_command_imports_a_provider_file_for_a_placement(personas, tmp_path):
    found = placement(personas)
    path = write(tmp_path, f"upn,date,session,attended\n{personas.pupil.upn},16/09/2026,PM,Y\n")
    with pytest.raises(CommandError, match="--placement ID"):
        call_command("import_csv", "provider_attendance", str(path), "--school", personas.school.urn)
    out = io.StringIO()
    call_command(
        "import_csv",
        "provider_attendance",
        str(path),
        "--school",
        personas.school.urn,
        "--placement",
        str(found.pk),
        stdout=out,
    )
    assert "1 attended, 0 missed" in out.getvalue()
    assert Mark.objects.get(pupil=personas.pupil, date=dt.date(2026, 9, 16), session="PM").code == "B"


def test_unknown_kinds_still_name_every_supported_kind(personas, tmp_path):
    with pytest.raises(CommandError, match="Supported: attendance, attainment, provider_attendance"):
        call_command("import_csv", "nonsense", str(write(tmp_path, "x\n")))


# API ----------------------------------------------------------------------------------------------------


def test_the_plan_api_gives_targets_and_reviews_to_those_who_see_the_plan(personas, client_for):
    plan = make_plan(personas.pupil, personas.pastoral)
    hidden = make_plan(personas.pupil, personas.dsl, kind=PlanKind.CP_CONTRIBUTION, title="CP")
    client = client_for(personas.pastoral)
    listed = client.get("/api/v1/support/plans/").json()["results"]
    assert [r["id"] for r in listed] == [plan.pk]
    detail = client.get(f"/api/v1/support/plans/{plan.pk}/").json()
    assert [t["description"] for t in detail["targets"]] == [
        "Arrive on time to period 5",
        "Attend lunch club twice a week",
    ]
    assert detail["reviews"] == [] and detail["type"] == "Pastoral support plan"
    assert client.get(f"/api/v1/support/plans/{hidden.pk}/").status_code == 404
    assert AuditEvent.objects.filter(verb=Verb.DENIED, reason="support.view_plan").exists()
    assert client_for(personas.teacher).get("/api/v1/support/plans/").status_code == 403


def test_the_intervention_api_lists_groups_with_visible_members(personas, client_for):
    from apps.support.tests.factories import MemberFactory, make_group

    group = make_group(school=personas.school, runner=personas.pastoral, intervention__school=personas.school)
    MemberFactory(group=group, pupil=personas.pupil)
    MemberFactory(group=group, pupil=personas.other_pupil)  # Year 10: not the head of Year 9's
    data = client_for(personas.head_of_year).get(f"/api/v1/support/interventions/{group.intervention_id}/").json()
    assert [m["pupil_id"] for m in data["groups"][0]["members"]] == [personas.pupil.pk]
    assert AuditEvent.objects.filter(verb=Verb.VIEW, reason="support.api").exists()


# The summary rule, for any rows ----------------------------------------------------------------------

DAYS = st.dates(min_value=dt.date(2025, 9, 1), max_value=dt.date(2026, 12, 31))
ROWS = st.lists(
    st.tuples(
        st.sampled_from(["English", "Maths"]),
        st.just("Working-at grade"),
        DAYS,
        st.sampled_from("123456789"),
        st.sampled_from(["", "6", "7"]),
    ),
    max_size=25,
)


@given(rows=ROWS, start=DAYS, length=st.integers(min_value=0, max_value=120))
def test_the_summary_is_the_latest_in_and_before_the_period(rows, start, length):
    end = start + dt.timedelta(days=length)
    summary = {r["subject"]: r for r in selectors.summarise_attainment(rows, start, end)}
    for subject in ("English", "Maths"):
        mine = [r for r in rows if r[0] == subject and r[2] <= end]
        if not mine:
            assert subject not in summary
            continue
        entry = summary[subject]
        inside = [r for r in mine if r[2] >= start]
        before = [r for r in mine if r[2] < start]
        latest_in = max((r[2] for r in inside), default=None)
        latest_before = max((r[2] for r in before), default=None)
        assert entry["now_on"] == (latest_in.isoformat() if latest_in else None)
        assert entry["before_on"] == (latest_before.isoformat() if latest_before else None)
        if latest_in:
            assert entry["now"] in {r[3] for r in inside if r[2] == latest_in}
        targets = [r for r in mine if r[4]]
        if targets:
            newest = max(r[2] for r in targets)
            assert entry["target"] in {r[4] for r in targets if r[2] == newest}
        else:
            assert entry["target"] == ""
