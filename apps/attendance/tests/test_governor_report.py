"""The attendance report for the headteacher and governors (issue 5: "attendance data to the Head
Teacher/Management Committee according to agreed schedules")."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Notification
from apps.attendance import governor_report, services_governor, services_lessons
from apps.attendance.governor_report import FEWER, WITHHELD, period_for, same_day_last_year
from apps.attendance.models import AttendanceSettings, GovernorReport, PenaltyNotice
from apps.attendance.tests.factories import make_marks
from apps.audit.models import AuditEvent, Verb
from apps.core.calendar import calendar_for
from apps.people.tests.factories import CarerFactory, PupilFactory

DEC_1, DEC_2 = dt.date(2025, 12, 1), dt.date(2025, 12, 2)
JAN_5 = dt.date(2026, 1, 5)  # a Monday: December 2025 is the latest complete month


def _two_days(pupil, codes, days=(DEC_1, DEC_2)):
    cells = [(d, s) for d in days for s in ("AM", "PM")]
    make_marks(pupil, dict(zip(cells, codes, strict=True)))


def _tables(figures):
    return {t["slug"]: t for t in figures["tables"]}


@pytest.fixture
def school_with_marks(personas):
    """Year 9: four pupils (one full, one ill, one truanting, one late); Year 10 and Year 7: one
    pupil each (withheld). Last year, three Year 9 pupils attended every session."""
    year9, form = personas.pupil.year_group, personas.pupil.form
    p2, p3, p4 = (PupilFactory(school=personas.school, year_group=year9, form=form) for _ in range(3))
    _two_days(personas.pupil, ["/", "\\", "/", "\\"])
    _two_days(p2, ["/", "\\", "I", "I"])
    _two_days(p3, ["/", "\\", "O", "O"])
    _two_days(p4, ["L", "L", "L", "L"])
    _two_days(personas.other_pupil, ["/", "\\", "/", "\\"])
    _two_days(personas.sibling, ["N", "N", "/", "\\"])
    for pupil in (personas.pupil, p2, p3):
        _two_days(pupil, ["/", "\\", "/", "\\"], days=(dt.date(2024, 12, 2), dt.date(2024, 12, 3)))
    return personas


# Periods --------------------------------------------------------------------------------------------


def test_weekly_period_is_the_monday_to_sunday_week_before_the_day():
    assert period_for("weekly", dt.date(2025, 1, 13), None) == (dt.date(2025, 1, 6), dt.date(2025, 1, 12))
    assert period_for("weekly", dt.date(2025, 1, 19), None) == (dt.date(2025, 1, 6), dt.date(2025, 1, 12))
    assert period_for("weekly", dt.date(2025, 1, 20), None) == (dt.date(2025, 1, 13), dt.date(2025, 1, 19))


def test_monthly_period_is_the_previous_calendar_month():
    assert period_for("monthly", dt.date(2025, 3, 1), None) == (dt.date(2025, 2, 1), dt.date(2025, 2, 28))
    assert period_for("monthly", dt.date(2025, 1, 31), None) == (dt.date(2024, 12, 1), dt.date(2024, 12, 31))


@pytest.mark.django_db
def test_half_termly_period_is_the_latest_half_term_that_ended(personas):
    calendar = calendar_for(personas.school)
    terms = sorted((s, e) for s, e, _t in calendar.terms)
    first, second = terms[0], terms[1]
    assert period_for("half_termly", second[0], calendar) == first
    assert period_for("half_termly", first[1] + dt.timedelta(days=1), calendar) == first
    with pytest.raises(ValidationError, match="No half-term"):
        period_for("half_termly", first[1], calendar)


def test_group_labels_sort_in_natural_order():
    from apps.attendance.selectors import label_order

    labels = ["Year 10", "Year 7", "Year 11", "Year 9", "10B", "9A", "10A", "No form", "Yes", "No"]
    assert sorted(labels, key=label_order) == [
        "9A", "10A", "10B", "No", "No form", "Year 7", "Year 9", "Year 10", "Year 11", "Yes"
    ]  # fmt: skip


def test_unknown_schedule_and_leap_day():
    with pytest.raises(ValidationError, match="Unknown report schedule"):
        period_for("fortnightly", dt.date(2025, 1, 13), None)
    assert same_day_last_year(dt.date(2028, 2, 29)) == dt.date(2027, 2, 28)
    assert same_day_last_year(dt.date(2026, 1, 5)) == dt.date(2025, 1, 5)


# Figures ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_figures_whole_school_by_year_trend_and_withholding(school_with_marks):
    f = governor_report.build_figures(school_with_marks.school, "monthly", DEC_1, dt.date(2025, 12, 31))
    t = _tables(f)
    # 6 pupils, 24 sessions: 18 attended (L counts), 2 authorised (I), 4 unauthorised (O, N).
    # PA: the ill pupil, the truant and the Year 7 pupil (each 50%); all three are also SA.
    period, ytd, last = t["whole-school"]["rows"]
    assert period[1:] == ["6", "75.0", "8.3", "16.7", "3", "50.0", "3", "50.0"]
    assert ytd[1:] == period[1:]  # no marks earlier this school year
    assert last[0].startswith("Same point last year (01/09/2024 to 31/12/2024)")
    assert last[1:] == ["3", "100.0", "0.0", "0.0", "0", "0.0", "0", "0.0"]
    assert f["trend"]["attendance"] == "Down 25.0 percentage points (worse)."
    assert f["trend"]["pa_rate"] == "Up 50.0 percentage points (worse)."
    assert [row[0] for row in t["by-year"]["rows"]] == ["Year 7", "Year 9", "Year 10"]  # natural order
    years = {row[0]: row for row in t["by-year"]["rows"]}
    assert years["Year 10"][2] == WITHHELD and set(years["Year 10"][3:]) == {""}
    assert years["Year 7"][2] == WITHHELD and years["Year 7"][1] == ""
    # Years 7 and 10 hold two pupils between them: the whole school less Year 9 would be those two,
    # so Year 9 is withheld as well (apps.core.disclosure.withheld_groups); the same for the forms.
    assert years["Year 9"][2] == WITHHELD
    forms = {row[0]: row for row in t["by-form"]["rows"]}
    assert forms["9A"][1] == WITHHELD
    (p_period, _p_ytd) = t["punctuality"]["rows"]
    assert p_period[1:4] == ["6", "4", "0"]  # four L marks, no U
    assert p_period[4] == "16.7"  # 4 of 24 possible sessions
    assert t["children-missing-education"]["rows"][2][1] == "0"
    assert [r[1] for r in t["penalty-notices"]["rows"]] == ["0", "0"]
    # No name anywhere in the stored figures.
    text = repr(f)
    for pupil in (school_with_marks.pupil, school_with_marks.sibling, school_with_marks.other_pupil):
        assert pupil.legal_surname not in text and pupil.upn not in text


@pytest.mark.django_db
def test_cme_and_penalty_counts_are_withheld_when_small(personas):
    school = personas.school
    days = calendar_for(school).school_days(dt.date(2025, 11, 3), dt.date(2025, 11, 28))[:10]
    make_marks(personas.sibling, {(d, s): "O" for d in days for s in ("AM", "PM")})
    carer: Any = CarerFactory(school=school)
    pupils = [personas.pupil, personas.other_pupil, personas.sibling]

    def notice(pupil, on, status=PenaltyNotice.Status.ISSUED):
        PenaltyNotice.objects.create(
            school=school,
            pupil=pupil,
            carer=carer,
            issued_on=on,
            sequence=1,
            amount_full=160,
            amount_reduced=80,
            status=status,
            issued_by=personas.attendance_officer,
            created_at=timezone.now(),
        )

    for pupil in pupils:
        notice(pupil, dt.date(2025, 12, 10))
    notice(personas.pupil, dt.date(2025, 10, 1))
    notice(personas.other_pupil, dt.date(2025, 12, 11), PenaltyNotice.Status.WITHDRAWN)
    t = _tables(governor_report.build_figures(school, "monthly", DEC_1, dt.date(2025, 12, 31)))
    cme = {row[0][:2]: row[1] for row in t["children-missing-education"]["rows"]}
    assert cme["10"] == FEWER and cme["15"] == "0" and cme["Al"] == FEWER
    assert [r[1] for r in t["penalty-notices"]["rows"]] == ["3", "4"]


# Producing, storing and telling ---------------------------------------------------------------------


@pytest.mark.django_db
def test_produce_stores_the_report_and_pdf_and_tells_head_and_governors_with_a_link(school_with_marks):
    p = school_with_marks
    report, made = services_governor.produce_report(p.attendance_officer, school=p.school, on=JAN_5)
    assert made and report.schedule == "monthly"
    assert (report.start, report.end) == (DEC_1, dt.date(2025, 12, 31))
    assert bytes(report.pdf).startswith(b"%PDF")
    assert report.produced_by == p.attendance_officer
    told = Notification.objects.filter(school=p.school)
    assert {n.user for n in told} == {p.headteacher, p.governor}
    url = reverse("attendance:governor_report", args=[report.pk])
    assert {n.url for n in told} == {url}
    assert all("%" not in n.title for n in told)  # a link only, never a figure
    assert AuditEvent.objects.filter(verb=Verb.CREATE, reason="attendance.governor_report:monthly").exists()


@pytest.mark.django_db
def test_a_past_report_stays_as_it_was_sent(school_with_marks):
    p = school_with_marks
    report, _ = services_governor.produce_report(None, school=p.school, on=JAN_5)
    figures, pdf = report.figures, bytes(report.pdf)
    make_marks(p.other_pupil, {(dt.date(2025, 12, 3), "AM"): "O"})
    again, made = services_governor.produce_report(p.headteacher, school=p.school, on=dt.date(2026, 1, 20))
    assert not made and again.pk == report.pk
    assert again.figures == figures and bytes(again.pdf) == pdf
    assert Notification.objects.filter(school=p.school).count() == 2  # told once only


@pytest.mark.django_db
def test_a_report_for_a_day_in_the_future_is_refused(personas):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="in the future"):
        services_governor.produce_report(personas.headteacher, school=personas.school, on=tomorrow)
    assert not GovernorReport.objects.exists()


@pytest.mark.django_db
def test_only_the_attendance_office_and_senior_leaders_produce_one(personas):
    for who in (personas.teacher, personas.governor, personas.dsl):
        with pytest.raises(PermissionDenied):
            services_governor.produce_report(who, school=personas.school, on=JAN_5)
    assert not GovernorReport.objects.exists()
    assert AuditEvent.objects.filter(verb=Verb.DENIED, reason="attendance.governor_report").count() == 3


@pytest.mark.django_db
def test_schedule_setting_is_used_and_saved_from_the_settings_page(personas, client_for):
    client = client_for(personas.attendance_officer)
    response = client.post(
        reverse("attendance:settings"),
        {
            "which": "settings",
            "am_register_opens": "08:40",
            "pm_register_opens": "13:30",
            "register_open_minutes": "15",
            "n_code_limit_school_days": "5",
            "report_schedule": "weekly",
        },
    )
    assert response.status_code == 302
    assert AttendanceSettings.objects.get(school=personas.school).report_schedule == "weekly"
    report, _ = services_governor.produce_report(None, school=personas.school, on=JAN_5)
    assert report.schedule == "weekly" and (report.start, report.end) == (dt.date(2025, 12, 29), dt.date(2026, 1, 4))
    services_lessons.update_settings(personas.attendance_officer, school=personas.school, lesson_registers=True)
    assert AttendanceSettings.objects.get(school=personas.school).report_schedule == "weekly"


@pytest.mark.django_db
def test_command_produces_once_for_the_named_school(personas):
    out = StringIO()
    args = ["attendance_report", "--school", personas.school.urn, "--period", "weekly", "--on", "2025-01-13"]
    call_command(*args, stdout=out)
    assert "06/01/2025 to 12/01/2025 produced" in out.getvalue()
    out = StringIO()
    call_command(*args, stdout=out)
    assert "already produced" in out.getvalue()
    assert GovernorReport.objects.filter(school=personas.school).count() == 1
    report = GovernorReport.objects.get()
    assert report.produced_by is None


@pytest.mark.django_db
def test_command_reports_a_school_without_term_dates(personas):
    with pytest.raises(CommandError, match="1 school"):
        call_command(
            "attendance_report",
            "--school",
            personas.school.urn,
            "--period",
            "half_termly",
            "--on",
            "2024-09-01",
            stdout=StringIO(),
            stderr=StringIO(),
        )


# Pages ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_governor_reads_the_list_the_page_a_table_as_csv_and_the_pdf(school_with_marks, client_for):
    p = school_with_marks
    report, _ = services_governor.produce_report(None, school=p.school, on=JAN_5)
    client = client_for(p.governor)
    listing = client.get(reverse("attendance:governor_reports")).content.decode()
    assert "01/12/2025 to 31/12/2025" in listing and "Produce report" not in listing
    page = client.get(reverse("attendance:governor_report", args=[report.pk])).content.decode()
    assert "Down 25.0 percentage points (worse)." in page
    assert WITHHELD in page and p.pupil.legal_surname not in page
    csv = client.get(reverse("attendance:governor_report", args=[report.pk]), {"format": "csv", "table": "by-year"})
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("Year group,Attendance % this period,Pupils")
    assert (
        client.get(reverse("attendance:governor_report", args=[report.pk]), {"format": "csv", "table": "x"}).status_code
        == 404
    )
    pdf = client.get(reverse("attendance:governor_report_pdf", args=[report.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content == bytes(report.pdf)


@pytest.mark.django_db
def test_producing_from_the_page(school_with_marks, client_for):
    client = client_for(school_with_marks.headteacher)
    assert "Produce report" in client.get(reverse("attendance:governor_reports")).content.decode()
    response = client.post(reverse("attendance:governor_report_produce"), {"schedule": "monthly", "on": "2026-01-05"})
    report = GovernorReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "attendance:governor_report", args=[report.pk]
    )
    response = client.post(
        reverse("attendance:governor_report_produce"), {"schedule": "half_termly", "on": "2024-09-01"}, follow=True
    )
    assert "No half-term in the school calendar ended before 01/09/2024" in response.content.decode()
