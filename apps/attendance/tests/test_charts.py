"""Chart data against hand-worked examples (issue 5: weekly attendance, heat map, PA by group)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.attendance import charts, reports, statutory
from apps.attendance.statutory import AttendanceSummary
from apps.attendance.tests.factories import make_marks
from apps.core.calendar import SchoolCalendar
from apps.people.tests.factories import PupilFactory

MON1 = dt.date(2025, 1, 13)
MON2 = dt.date(2025, 1, 20)


def week_codes(monday: dt.date, codes: list[str]) -> dict[tuple[dt.date, str], str]:
    """Up to ten sessions Monday AM .. Friday PM, in order."""
    sessions = [(monday + dt.timedelta(days=i), s) for i in range(5) for s in ("AM", "PM")]
    return dict(zip(sessions, codes, strict=False))


def test_weekly_points_hand_worked():
    # Week 1: 8 present, 1 illness, 1 not possible (Y1): 8 of 9 possible = 88.9%, absence 1/9 ≥ 10%: PA.
    # Week 2: 10 present, none absent. Week 3: no marks at all.
    marks = [(d, c) for (d, _s), c in week_codes(MON1, ["/"] * 8 + ["I", "Y1"]).items()]
    marks += [(d, c) for (d, _s), c in week_codes(MON2, ["/"] * 10).items()]
    weeks = [MON1, MON2, MON2 + dt.timedelta(days=7)]
    points = reports.weekly_points(weeks, marks)
    assert [p.summary for p in points] == [
        AttendanceSummary(9, 8, 1, 0),
        AttendanceSummary(10, 10, 0, 0),
        AttendanceSummary(),
    ]
    assert [p.band for p in points] == ["pa", "ok", "none"]
    assert statutory.display_pct(points[0].summary.attendance_pct) == "88.9"


def test_weekly_chart_geometry():
    chart = charts.weekly_chart(
        [("13/01", AttendanceSummary(10, 9, 1, 0)), ("20/01", AttendanceSummary())], column=16, plot_height=160
    )
    first, second = chart.columns
    # 90% of a 160-pixel plot is 144 pixels, drawn up from the baseline at top + 160 = 170.
    assert first.height == 144
    assert first.y == 170 - 144
    assert first.value == "90.0%"
    assert first.band == "pa"  # exactly 10% absent is persistent absence (domain §1.3)
    assert second.height == 0 and second.value == "no sessions"
    assert chart.line_y == 170 - 144


def test_rate_bars_hand_worked_and_withheld():
    chart = charts.rate_bars([("Year 9", Fraction(1, 4), Fraction(1, 20)), ("Year 10", None, None)], plot_width=400)
    nine, ten = chart.groups
    assert [(b.kind, b.width, b.value) for b in nine.bars] == [("pa", 100.0, "25.0%"), ("sa", 20.0, "5.0%")]
    assert ten.withheld and ten.bars == []


def test_heat_grid_cells_carry_text_not_only_colour():
    grid = charts.heat_grid(
        [("9A", [AttendanceSummary(20, 19, 1, 0), AttendanceSummary()]), ("9B", None)], ["13/01", "20/01"]
    )
    a, b = grid.lines
    assert [(c.value, c.band) for c in a.cells] == [("95", "ok"), ("–", "none")]
    assert b.withheld and b.cells == []
    assert grid.columns[1][1] == "20/01"


@given(st.integers(0, 400), st.integers(0, 400))
def test_absence_band_matches_exact_fractions(absent: int, extra: int):
    possible = absent + extra
    summary = AttendanceSummary(possible, extra, absent, 0)
    band = statutory.absence_band(summary)
    if possible == 0:
        assert band == "none"
        return
    rate = Fraction(absent, possible)
    expected = (
        "sa"
        if rate >= Fraction(1, 2)
        else "pa"
        if rate >= Fraction(1, 10)
        else "risk"
        if rate > Fraction(1, 20)
        else "ok"
    )
    assert band == expected


@pytest.mark.django_db
def test_pupil_weekly_counts_only_sessions_on_roll(personas):
    joiner: Any = PupilFactory(
        school=personas.school,
        year_group=personas.pupil.year_group,
        form=personas.pupil.form,
        admission_date=dt.date(2025, 1, 15),  # Wednesday of week 1
    )
    make_marks(joiner, week_codes(MON1, ["O"] * 4 + ["/"] * 6))  # the Monday and Tuesday Os were before joining
    make_marks(joiner, week_codes(MON2, ["/"] * 9 + ["U"]))
    points = reports.pupil_weekly(personas.school, joiner, MON1, dt.date(2025, 1, 24))
    assert [p.week for p in points] == [MON1, MON2]
    assert points[0].summary == AttendanceSummary(6, 6, 0, 0)
    assert points[1].summary == AttendanceSummary(10, 9, 0, 1)


@pytest.mark.django_db
def test_year_heatmap_rows_and_drill_down(personas):
    school = personas.school
    form = personas.pupil.form
    second: Any = PupilFactory(school=school, year_group=personas.pupil.year_group, form=form)
    third: Any = PupilFactory(school=school, year_group=personas.pupil.year_group, form=form)
    make_marks(personas.pupil, week_codes(MON1, ["/"] * 10))
    make_marks(second, week_codes(MON1, ["/"] * 5 + ["I"] * 5))
    make_marks(third, week_codes(MON1, ["/"] * 10))
    weeks, rows = reports.year_heatmap(school, 9, MON1, dt.date(2025, 1, 24))
    assert weeks == [MON1, MON2]
    (row,) = rows
    assert row.label == "9A" and row.pupils == 3 and not row.suppressed
    assert row.cells[0] == AttendanceSummary(30, 25, 5, 0)
    assert row.cells[1] == AttendanceSummary()
    weeks, pupils = reports.year_heatmap(school, 9, MON1, dt.date(2025, 1, 24), form=form)
    by_pupil = {r.pupil.pk: r.cells[0] for r in pupils if r.pupil}
    assert by_pupil[second.pk] == AttendanceSummary(10, 5, 5, 0)
    assert by_pupil[personas.pupil.pk] == AttendanceSummary(10, 10, 0, 0)


@pytest.mark.django_db
def test_small_form_is_withheld_in_the_heat_map(personas):
    make_marks(personas.pupil, week_codes(MON1, ["/"] * 10))
    _weeks, rows = reports.year_heatmap(personas.school, 9, MON1, dt.date(2025, 1, 17))
    assert rows[0].suppressed


@pytest.mark.django_db
def test_school_weeks_skip_holidays(personas):
    calendar = SchoolCalendar.for_school(personas.school)
    weeks = reports.school_weeks(calendar, dt.date(2024, 12, 16), dt.date(2025, 1, 10))
    assert all(calendar.school_days(w, w + dt.timedelta(days=4)) for w in weeks)
    assert dt.date(2024, 12, 30) not in weeks  # the Christmas holiday


@pytest.mark.django_db
def test_pupil_page_shows_the_weekly_chart_and_both_csvs(personas, client_for):
    import csv
    import io

    from django.urls import reverse

    make_marks(personas.pupil, week_codes(MON1, ["/"] * 9 + ["O"]))
    client = client_for(personas.form_tutor)
    page = client.get(reverse("attendance:pupil", args=[personas.pupil.pk])).content.decode()
    assert 'role="img"' in page and "The dashed line is 90% attendance" in page
    assert "w/b" in page and "table=summary" in page
    url = reverse("attendance:pupil_weekly", args=[personas.pupil.pk])
    query = {"from": "2025-01-13", "to": "2025-01-24", "format": "csv"}
    weekly = list(csv.reader(io.StringIO(client.get(url, query).content.decode())))
    assert weekly[0][0] == "Week beginning"
    assert weekly[1] == ["13/01/2025", "10", "9", "0", "1", "90.0"]
    assert weekly[2] == ["20/01/2025", "0", "0", "0", "0", ""]
    summary = list(csv.reader(io.StringIO(client.get(url, {**query, "table": "summary"}).content.decode())))
    selected = next(r for r in summary if r[0] == "Selected range")
    assert selected == ["Selected range", "10", "9", "90.0", "0", "1", "Yes", "No"]


@pytest.mark.django_db
def test_heat_map_page_table_and_drill_down(personas, client_for):
    import csv
    import io

    from django.urls import reverse

    form = personas.pupil.form
    others = [PupilFactory(school=personas.school, year_group=personas.pupil.year_group, form=form) for _ in range(2)]
    for p in [personas.pupil, *others]:
        make_marks(p, week_codes(MON1, ["/"] * 10))
    url = reverse("attendance:heatmap")
    query = {"year": "9", "from": "2025-01-13", "to": "2025-01-17"}
    governor = client_for(personas.governor)
    page = governor.get(url, query).content.decode()
    assert 'role="img"' in page and ">100<" in page  # the % is written in the cell
    assert "Testpupil" not in page and "form=9A" not in page  # no drill-down offered to a governor
    rows = list(csv.reader(io.StringIO(governor.get(url, {**query, "format": "csv"}).content.decode())))
    assert rows == [["Form", "Pupils", "w/b 13/01/2025"], ["9A", "3", "100.0"]]
    assert governor.get(url, {**query, "form": "9A"}).status_code == 403
    tutor_page = client_for(personas.form_tutor).get(url, {**query, "form": "9A"}).content.decode()
    assert "Amelia Testpupil" in tutor_page
    from apps.audit.models import AuditEvent, Verb

    assert AuditEvent.objects.filter(verb=Verb.VIEW, actor=personas.form_tutor, reason="attendance.heatmap").exists(), (
        "named pupils' figures were viewed: recorded"
    )
