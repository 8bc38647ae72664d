"""The attendance report for the headteacher and governors (issue 5: "provide attendance data to the
Head Teacher/Management Committee according to agreed schedules").

Pure reads: which period a report covers on a given day, and the report's figures. Aggregates only
(governors see no pupil names): the whole school, by year group and by form, PA and SA rates, the
trend against the same point last year, punctuality, the number of pupils on the children-missing-
education list and the penalty notices issued. A group of 1 or 2 pupils is withheld, with the
next-smallest group when the total would give it back, and so are whole-school counts (CME, penalty
notices) of 1 or 2 (`apps.core.disclosure`). Counting follows domain §1.3 (sessions while on roll only, exact
integers, rounded only for display).

The figures are returned as display-ready tables (strings), because a produced report is stored
and never recalculated: it must read the same later as on the day it was sent.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError

from apps.core.calendar import SchoolCalendar, calendar_for
from apps.core.disclosure import SUPPRESS_BELOW, too_small
from apps.core.models import School

from . import reports, selectors, statutory
from .models import AttendanceSettings, PenaltyNotice

Schedule = AttendanceSettings.ReportSchedule

WITHHELD = f"fewer than {SUPPRESS_BELOW}: withheld"
FEWER = f"fewer than {SUPPRESS_BELOW}"

#: Column headings shared by the whole-school and group tables.
MEASURE_HEADER = [
    "Pupils",
    "Attendance %",
    "Authorised absence %",
    "Unauthorised absence %",
    "Persistent absentees",
    "PA rate %",
    "Severe absentees",
    "SA rate %",
]


# Periods -------------------------------------------------------------------------------------------


def period_for(schedule: str, on: dt.date, calendar: SchoolCalendar | None = None) -> tuple[dt.date, dt.date]:
    """The latest complete period that ended before `on`: the previous Monday-to-Sunday week, the
    previous calendar month, or the latest half-term (from the school's term dates) that ended
    before `on`. A cron job run every day therefore produces each report once, the day after its
    period closes."""
    if schedule == Schedule.WEEKLY:
        end = on - dt.timedelta(days=on.weekday() + 1)
        return end - dt.timedelta(days=6), end
    if schedule == Schedule.MONTHLY:
        end = on.replace(day=1) - dt.timedelta(days=1)
        return end.replace(day=1), end
    if schedule == Schedule.HALF_TERMLY:
        if calendar is None:
            raise ValueError("A half-termly period needs the school calendar.")
        ended = sorted((start, end) for start, end, _term in calendar.terms if end < on)
        if not ended:
            raise ValidationError(
                f"No half-term in the school calendar ended before {on:%d/%m/%Y}: add the term dates first."
            )
        return ended[-1]
    raise ValidationError(f"Unknown report schedule {schedule!r}: choose weekly, monthly or half-termly.")


def same_day_last_year(day: dt.date) -> dt.date:
    """The same date a year earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


# Figures -------------------------------------------------------------------------------------------


def _pct(value: Any) -> str:
    return statutory.display_pct(value, 1)


def _count(n: int) -> str:
    """A count of pupils, withheld when it could identify one (1 or 2)."""
    return FEWER if too_small(n) else str(n)


def _measure_cells(g: selectors.GroupMeasure) -> list[str]:
    if g.suppressed:
        return [WITHHELD, "", "", "", "", "", "", ""]
    if not g.pupils:
        return ["0", "", "", "", "", "", "", ""]
    s = g.summary
    return [
        str(g.pupils),
        _pct(s.attendance_pct),
        _pct(s.authorised_pct),
        _pct(s.unauthorised_pct),
        str(g.persistent),
        _pct(g.pa_rate * 100),
        str(g.severe),
        _pct(Fraction(g.severe, g.pupils) * 100),
    ]


def _points(now: Fraction | None, then: Fraction | None, *, higher_is_better: bool) -> str:
    """The change in percentage points, in words (no colour carries the meaning)."""
    if now is None or then is None:
        return "No figures for the same point last year."
    change = now - then
    if change == 0:
        return "No change."
    better = (change > 0) == higher_is_better
    direction = "Up" if change > 0 else "Down"
    return f"{direction} {_pct(abs(change))} percentage points ({'better' if better else 'worse'})."


def _fraction_or_none(g: selectors.GroupMeasure, which: str) -> Fraction | None:
    if not g.pupils or not g.summary.possible_sessions:
        return None
    if which == "attendance":
        return Fraction(100 * g.summary.present, g.summary.possible_sessions)
    return g.pa_rate * 100


def _table(slug: str, caption: str, header: list[str], rows: list[list[str]]) -> dict[str, Any]:
    return {"slug": slug, "caption": caption, "header": header, "rows": rows}


def build_figures(school: School, schedule: str, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Every figure of the report for `[start, end]`, as display-ready tables (see the module
    docstring). The year to date runs from 1 September to `end`; last year's comparison over the
    same span a year earlier."""
    calendar = calendar_for(school)
    ytd_start = selectors.year_start(end)
    last_end = same_day_last_year(end)
    last_start = selectors.year_start(last_end)
    span = f"{start:%d/%m/%Y} to {end:%d/%m/%Y}"

    by_year_period, whole_period = selectors.group_breakdown(school, start, end, "year")
    by_year_ytd, whole_ytd = selectors.group_breakdown(school, ytd_start, end, "year")
    by_form_ytd, _ = selectors.group_breakdown(school, ytd_start, end, "form")
    _, whole_last = selectors.group_breakdown(school, last_start, last_end, "year")

    whole = _table(
        "whole-school",
        f"Whole school: this period ({span}), the year to date and the same point last year",
        ["Span", *MEASURE_HEADER],
        [
            [f"This period ({span})", *_measure_cells(whole_period)],
            [f"Year to date ({ytd_start:%d/%m/%Y} to {end:%d/%m/%Y})", *_measure_cells(whole_ytd)],
            [f"Same point last year ({last_start:%d/%m/%Y} to {last_end:%d/%m/%Y})", *_measure_cells(whole_last)],
        ],
    )
    trend = {
        "attendance": _points(
            None if whole_ytd.suppressed else _fraction_or_none(whole_ytd, "attendance"),
            None if whole_last.suppressed else _fraction_or_none(whole_last, "attendance"),
            higher_is_better=True,
        ),
        "pa_rate": _points(
            None if whole_ytd.suppressed else _fraction_or_none(whole_ytd, "pa"),
            None if whole_last.suppressed else _fraction_or_none(whole_last, "pa"),
            higher_is_better=False,
        ),
    }

    period_by_label = {g.label: g for g in by_year_period}
    year_rows = []
    for g in by_year_ytd:
        p = period_by_label.get(g.label)
        this_period = "" if p is None or p.suppressed or not p.pupils else _pct(p.summary.attendance_pct)
        year_rows.append([g.label, "" if g.suppressed else this_period, *_measure_cells(g)])
    by_year = _table(
        "by-year",
        f"By year group, year to date ({ytd_start:%d/%m/%Y} to {end:%d/%m/%Y})",
        ["Year group", "Attendance % this period", *MEASURE_HEADER],
        year_rows,
    )
    by_form = _table(
        "by-form",
        f"By form, year to date ({ytd_start:%d/%m/%Y} to {end:%d/%m/%Y})",
        ["Form", *MEASURE_HEADER],
        [[g.label, *_measure_cells(g)] for g in by_form_ytd],
    )

    punctuality_rows = []
    for label, (a, b) in (("This period", (start, end)), ("Year to date", (ytd_start, end))):
        _rows, total = reports.punctuality_report(school, a, b, "year")
        f = total.figures
        if too_small(total.pupils):
            punctuality_rows.append([label, WITHHELD, "", "", "", ""])
            continue
        average = f.average_minutes
        punctuality_rows.append(
            [
                label,
                str(total.pupils),
                str(f.before_close),
                str(f.after_close),
                _pct(f.late_pct),
                "" if average is None else _pct(average),
            ]
        )
    punctuality = _table(
        "punctuality",
        "Punctuality, whole school",
        [
            "Span",
            "Pupils",
            "Late before the register closed (L)",
            "Late after it closed (U)",
            "Sessions late %",
            "Average minutes late",
        ],
        punctuality_rows,
    )

    long_absent = selectors.long_absences(school, end, calendar=calendar)
    unauthorised = sum(1 for r in long_absent if r.reason == "unauthorised")
    illness = sum(1 for r in long_absent if r.reason == "illness")
    told = sum(1 for r in long_absent if r.told is not None)
    cme = _table(
        "children-missing-education",
        f"Pupils on the long-absence (children missing education) list on {end:%d/%m/%Y}",
        ["Reason", "Pupils"],
        [
            ["10 or more consecutive school days of unauthorised absence", _count(unauthorised)],
            ["15 or more days of absence for illness this school year", _count(illness)],
            ["All on the list", _count(len(long_absent))],
            ["Of whom the local authority has been told", _count(told)],
        ],
    )

    issued = PenaltyNotice.objects.filter(school=school).exclude(status=PenaltyNotice.Status.WITHDRAWN)
    penalties = _table(
        "penalty-notices",
        "Penalty notices issued (withdrawn notices not counted)",
        ["Span", "Notices"],
        [
            [f"This period ({span})", _count(issued.filter(issued_on__gte=start, issued_on__lte=end).count())],
            [
                f"Year to date ({ytd_start:%d/%m/%Y} to {end:%d/%m/%Y})",
                _count(issued.filter(issued_on__gte=ytd_start, issued_on__lte=end).count()),
            ],
        ],
    )

    return {
        "school": school.name,
        "schedule": schedule,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "school_days": calendar.count_school_days(start, end),
        "trend": trend,
        "tables": [whole, by_year, by_form, punctuality, cme, penalties],
    }
