"""Reads for the attendance reports (issue 5): punctuality by group and per pupil, a pupil's
weekly attendance, the year-group heat map and PA/SA rates by group. Scoped to the school; lists
of named pupils are limited to the pupils the viewer sees; group figures follow the small-number
rule (`apps.core.disclosure`). Counting follows domain §1.3: only sessions while on roll, exact
integers, rounding only for display."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Count, Q, Sum

from apps.core.calendar import SchoolCalendar
from apps.core.disclosure import too_small, withheld_groups
from apps.core.models import School
from apps.people.models import Form, Pupil

from . import statutory
from .selectors import _group_label, _pupils_on_roll_between, label_order, on_roll_marks
from .statutory import AttendanceSummary, Punctuality

#: The groupings offered by the reports (the same as the measures page) plus one row per pupil.
PUNCTUALITY_GROUPS: dict[str, str] = {
    "year": "Year group",
    "form": "Form",
    "sex": "Sex",
    "fsm": "Free school meals",
    "sen": "SEN status",
    "eal": "English as an additional language",
    "looked_after": "Looked after",
    "pupil": "Pupil",
}


# Punctuality -------------------------------------------------------------------------------------


def punctuality_by_pupil(school: School, start: dt.date, end: dt.date) -> dict[int, Punctuality]:
    """Per pupil with a mark in the range: possible sessions, `L` and `U` counts, minutes late
    recorded on those marks and how many had minutes (one GROUP BY in SQL)."""
    late = Q(code__in=statutory.LATE_CODES)
    rows = (
        on_roll_marks(school, start, end)
        .values("pupil_id")
        .annotate(
            possible=Count("pk", filter=~Q(code__in=statutory.NOT_POSSIBLE_CODES)),
            before=Count("pk", filter=Q(code="L")),
            after=Count("pk", filter=Q(code="U")),
            minutes=Sum("minutes_late", filter=late),
            timed=Count("minutes_late", filter=late),
        )
        .order_by()
    )
    return {
        r["pupil_id"]: Punctuality(r["possible"], r["before"], r["after"], r["minutes"] or 0, r["timed"])
        for r in cast(Iterable[dict[str, Any]], rows)
    }


@dataclass
class PunctualityRow:
    label: str
    pupils: int = 0
    figures: Punctuality = field(default_factory=Punctuality)
    pupil: Pupil | None = None
    withheld: bool = False  # withheld to protect a smaller group (`disclosure.withheld_groups`)

    @property
    def suppressed(self) -> bool:
        """A group of 1 or 2 pupils would show their own figures (a pupil row never is)."""
        return self.pupil is None and (self.withheld or too_small(self.pupils))


def punctuality_report(
    school: School, start: dt.date, end: dt.date, by: str, *, visible: Any = None
) -> tuple[list[PunctualityRow], PunctualityRow]:
    """Punctuality rows grouped `by` one of `PUNCTUALITY_GROUPS` and the whole-school total.
    With `by="pupil"`, one row per pupil with a late mark, limited to `visible` (a Q on Pupil, or
    None for all), most late sessions first."""
    pupils = _pupils_on_roll_between(school, start, end)
    if by == "pupil" and visible is not None:
        pupils = pupils.filter(visible)
    by_pupil = {p.pk: p for p in pupils}
    figures = punctuality_by_pupil(school, start, end)
    groups: dict[str, PunctualityRow] = {}
    total = PunctualityRow("Whole school" if by != "pupil" else "All pupils you see")
    for pid, fig in figures.items():
        pupil = by_pupil.get(pid)
        if pupil is None or not fig.possible_sessions:
            continue
        if by == "pupil":
            if fig.late_sessions:
                groups[str(pid)] = PunctualityRow(pupil.full_name, 1, fig, pupil)
        else:
            label = _group_label(pupil, by)
            row = groups.setdefault(label, PunctualityRow(label))
            row.pupils += 1
            row.figures = row.figures + fig
        total.pupils += 1
        total.figures = total.figures + fig
    if by == "pupil":
        rows = sorted(groups.values(), key=lambda r: (-r.figures.late_sessions, r.label))
    else:
        rows = sorted(groups.values(), key=lambda r: label_order(r.label))
        for i in withheld_groups([r.pupils for r in rows]):
            rows[i].withheld = True
    return rows, total


# A pupil's weekly attendance ---------------------------------------------------------------------


@dataclass(frozen=True)
class WeekPoint:
    week: dt.date  # the Monday
    summary: AttendanceSummary

    @property
    def band(self) -> str:
        return statutory.absence_band(self.summary)


def school_weeks(calendar: SchoolCalendar, start: dt.date, end: dt.date) -> list[dt.date]:
    """The Mondays of the weeks from `start` to `end` with at least one school day."""
    return sorted({statutory.week_start(d) for d in calendar.school_days(start, end)})


def weekly_points(weeks: list[dt.date], marks: Iterable[tuple[dt.date, str]]) -> list[WeekPoint]:
    """One summary per school week from `(date, code)` pairs already limited to sessions on roll."""
    codes: dict[dt.date, list[str]] = {w: [] for w in weeks}
    for day, code in marks:
        week = statutory.week_start(day)
        if week in codes:
            codes[week].append(code)
    return [WeekPoint(w, statutory.summarise_codes(codes[w])) for w in weeks]


def pupil_weekly(school: School, pupil: Pupil, start: dt.date, end: dt.date) -> list[WeekPoint]:
    """The pupil's attendance in each school week from `start` to `end`, sessions on roll only."""
    calendar = SchoolCalendar.for_school(school)
    marks = on_roll_marks(school, start, end).filter(pupil=pupil).values_list("date", "code")
    return weekly_points(school_weeks(calendar, start, end), marks)


# Year-group heat map -----------------------------------------------------------------------------


@dataclass
class HeatRow:
    label: str
    pupils: int
    cells: list[AttendanceSummary]
    pupil: Pupil | None = None
    form_id: int | None = None
    withheld: bool = False  # withheld to protect a smaller form (`disclosure.withheld_groups`)

    @property
    def suppressed(self) -> bool:
        return self.pupil is None and (self.withheld or too_small(self.pupils))


def _bucket(rows: Iterable[dict[str, Any]], key: str, weeks: list[dt.date]) -> dict[Any, list[AttendanceSummary]]:
    index = {w: i for i, w in enumerate(weeks)}
    found: dict[Any, list[AttendanceSummary]] = {}
    for r in rows:
        i = index.get(statutory.week_start(r["date"]))
        if i is None:
            continue
        cells = found.setdefault(r[key], [AttendanceSummary() for _ in weeks])
        cells[i] = cells[i] + AttendanceSummary(r["possible"], r["attended"], r["authorised"], r["unauthorised"])
    return found


def _day_counts(qs: Any, key: str) -> Iterable[dict[str, Any]]:
    return cast(
        Iterable[dict[str, Any]],
        qs.values(key, "date")
        .annotate(
            possible=Count("pk", filter=~Q(code__in=statutory.NOT_POSSIBLE_CODES)),
            attended=Count("pk", filter=Q(code__in=statutory.ATTENDED_CODES)),
            authorised=Count("pk", filter=Q(code__in=statutory.AUTHORISED_CODES)),
            unauthorised=Count("pk", filter=Q(code__in=statutory.UNAUTHORISED_CODES)),
        )
        .order_by(),
    )


def year_heatmap(
    school: School, year_number: int, start: dt.date, end: dt.date, *, form: Form | None = None, visible: Any = None
) -> tuple[list[dt.date], list[HeatRow]]:
    """The school weeks and one row per form of the year (or, with `form`, per pupil of the form
    that `visible` allows), each cell the summary of that week's sessions on roll."""
    weeks = school_weeks(SchoolCalendar.for_school(school), start, end)
    pupils = _pupils_on_roll_between(school, start, end).filter(year_group__number=year_number)
    marks = on_roll_marks(school, start, end).filter(pupil__year_group__number=year_number)
    if form is not None:
        pupils = pupils.filter(form=form)
        if visible is not None:
            pupils = pupils.filter(visible)
        shown = list(pupils.order_by("legal_surname", "legal_forename"))
        cells = _bucket(_day_counts(marks.filter(pupil_id__in=[p.pk for p in shown]), "pupil_id"), "pupil_id", weeks)
        empty = [AttendanceSummary() for _ in weeks]
        return weeks, [HeatRow(p.full_name, 1, cells.get(p.pk, empty), p) for p in shown]
    sizes = dict(
        pupils.exclude(form__isnull=True).values("form_id").annotate(n=Count("pk")).values_list("form_id", "n")
    )
    cells = _bucket(_day_counts(marks, "pupil__form_id"), "pupil__form_id", weeks)
    rows = []
    for f in Form.objects.filter(school=school, year_group__number=year_number).order_by("name"):
        if f.pk in sizes:
            rows.append(
                HeatRow(f.name, sizes[f.pk], cells.get(f.pk, [AttendanceSummary() for _ in weeks]), form_id=f.pk)
            )
    for i in withheld_groups([r.pupils for r in rows]):
        rows[i].withheld = True
    return weeks, rows
