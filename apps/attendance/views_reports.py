"""Attendance reports (issue 5): charts with their tables, punctuality, CSV of every table, and
the letter templates. Thin views: each checks the role as the page does, calls a selector, and
renders the page or (with `?format=csv`) the same table as CSV through `exports.csv_response`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from apps.accounts.decorators import role_required
from apps.accounts.types import HearthRequest
from apps.audit import services as audit
from apps.audit.models import Verb
from apps.people import selectors as people_selectors
from apps.people.models import Form

from . import charts, reports, selectors, services, statutory
from .exports import Table, csv_response, wants_csv
from .forms import LetterTemplateForm, parse_day
from .letters import PLACEHOLDERS
from .rules import AGGREGATE_ROLES, ATTENDANCE_TEAM, LETTER_TEMPLATE_EDITORS, MEASURE_ROLES

WITHHELD = "fewer than 3 pupils: withheld"


def _range(request: HearthRequest) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    start = parse_day(request.GET.get("from"), selectors.year_start(today))
    end = parse_day(request.GET.get("to"), today)
    return (start, end) if start <= end else (end, start)


def csv_url(request: HearthRequest, path: str = "") -> str:
    """This page's address (same filters) asking for the CSV."""
    query = request.GET.copy()
    query["format"] = "csv"
    return f"{path}?{query.urlencode()}"


def _pct(value: Any, places: int = 1) -> str:
    return statutory.display_pct(value, places)


# PA and SA rate by group -------------------------------------------------------------------------


def rates_table(
    groups: list[selectors.GroupMeasure], total: selectors.GroupMeasure, by: str, start: dt.date, end: dt.date
) -> Table:
    label = selectors.BREAKDOWNS[by].lower()
    table = Table(
        f"pa-rate-by-{by}",
        f"Persistent and severe absence rate by {label}, {start:%d/%m/%Y} to {end:%d/%m/%Y}",
        ["Group", "Pupils", "Persistent absentees", "PA rate %", "Severe absentees", "SA rate %", "Attendance %"],
    )
    for g in [*groups, total]:
        if g.suppressed:
            table.rows.append([g.label, WITHHELD, "", "", "", "", ""])
            continue
        sa_rate = Fraction(g.severe, g.pupils) if g.pupils else Fraction(0)
        table.rows.append(
            [
                g.label,
                g.pupils,
                g.persistent,
                _pct(g.pa_rate * 100),
                g.severe,
                _pct(sa_rate * 100),
                _pct(g.summary.attendance_pct),
            ]
        )
    return table


@login_required
@role_required(AGGREGATE_ROLES)
def rates(request: HearthRequest) -> HttpResponse:
    """PA (and SA) rate by group as a bar chart, its table and CSV. No names: governors too."""
    start, end = _range(request)
    by = request.GET.get("by", "year")
    by = by if by in selectors.BREAKDOWNS else "year"
    groups, total = selectors.group_breakdown(request.school, start, end, by)
    table = rates_table(groups, total, by, start, end)
    if wants_csv(request):
        return csv_response(request, table, start, end)
    chart = charts.rate_bars(
        [
            (g.label, None, None)
            if g.suppressed
            else (g.label, g.pa_rate, Fraction(g.severe, g.pupils) if g.pupils else Fraction(0))
            for g in groups
        ]
    )
    return render(
        request,
        "attendance/reports/rates.html",
        {
            "chart": chart,
            "table": table,
            "csv_url": csv_url(request),
            "start": start,
            "end": end,
            "by": by,
            "breakdowns": selectors.BREAKDOWNS,
        },
    )


# Year-group heat map -----------------------------------------------------------------------------


def heatmap_table(weeks: list[dt.date], rows: list[reports.HeatRow], caption: str, *, pupils: bool = False) -> Table:
    first = "Pupil" if pupils else "Form"
    table = Table("heat-map", caption, [first, "Pupils", *[f"w/b {w:%d/%m/%Y}" for w in weeks]])
    for r in rows:
        if r.suppressed:
            table.rows.append([r.label, WITHHELD, *[""] * len(weeks)])
        else:
            table.rows.append(
                [r.label, r.pupils, *[_pct(c.attendance_pct) if c.possible_sessions else "" for c in r.cells]]
            )
    return table


@login_required
@role_required(AGGREGATE_ROLES)
def heatmap(request: HearthRequest) -> HttpResponse:
    """A year group's attendance by form and school week; `form=<name>` drills into that form's
    pupils (named: only for staff who see them). The last 12 weeks unless a range is given, so the
    cells stay readable; any range works (the table and CSV hold every week)."""
    today = timezone.localdate()
    start = parse_day(request.GET.get("from"), max(selectors.year_start(today), today - dt.timedelta(weeks=12)))
    end = parse_day(request.GET.get("to"), today)
    start, end = (start, end) if start <= end else (end, start)
    years = list(people_selectors.year_groups(request.school))
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() else (years[0].number if years else 0)
    form = None
    form_text = request.GET.get("form", "")[:20]
    if form_text:
        if not request.roles & MEASURE_ROLES:
            audit.record(
                request.user,
                Verb.DENIED,
                ("people.form", form_text),
                school=request.school,
                reason="attendance.heatmap",
            )
            raise PermissionDenied
        form = Form.objects.filter(school=request.school, name=form_text, year_group__number=year).first()
        if form is None:
            audit.record(
                request.user,
                Verb.DENIED,
                ("people.form", form_text),
                school=request.school,
                reason="attendance.heatmap",
            )
            raise Http404("No such form in this year.")
    visible = people_selectors.pupil_visibility(request.school, request.user) if form is not None else None
    weeks, rows = reports.year_heatmap(request.school, year, start, end, form=form, visible=visible)
    what = f"pupils of {form.name}" if form else f"forms of Year {year}"
    table = heatmap_table(
        weeks, rows, f"Attendance % by week, {what}, {start:%d/%m/%Y} to {end:%d/%m/%Y}", pupils=form is not None
    )
    if wants_csv(request):
        return csv_response(request, table, start, end)
    if form is not None:  # named pupils' weekly figures: recorded like the per-pupil punctuality view
        audit.record(
            request.user, Verb.VIEW, ("people.form", form.pk), school=request.school, reason="attendance.heatmap"
        )
    grid = charts.heat_grid([(r.label, None if r.suppressed else r.cells) for r in rows], [f"{w:%d/%m}" for w in weeks])
    return render(
        request,
        "attendance/reports/heatmap.html",
        {
            "weeks": weeks,
            "rows": rows,
            "grid": grid,
            "table": table,
            "csv_url": csv_url(request),
            "start": start,
            "end": end,
            "year": year,
            "years": years,
            "form": form,
            "may_drill": bool(request.roles & MEASURE_ROLES),
            "bands": charts.BAND_LABELS,
        },
    )


# Punctuality -------------------------------------------------------------------------------------


def punctuality_table(
    rows: list[reports.PunctualityRow], total: reports.PunctualityRow, by: str, start: dt.date, end: dt.date
) -> Table:
    header = [
        "Pupil" if by == "pupil" else "Group",
        "Pupils",
        "Possible sessions",
        "Late before close (L)",
        "Late after close (U)",
        "Late sessions",
        "% of sessions late",
        "Total minutes late",
        "Average minutes late",
    ]
    if by == "pupil":
        header = ["UPN", *header]
    table = Table(
        f"punctuality-by-{by}",
        f"Punctuality by {reports.PUNCTUALITY_GROUPS[by].lower()}, {start:%d/%m/%Y} to {end:%d/%m/%Y}",
        header,
    )
    for r in [*rows, total]:
        f = r.figures
        upn = [r.pupil.upn if r.pupil else ""] if by == "pupil" else []
        if r.suppressed and by != "pupil":
            table.rows.append([*upn, r.label, WITHHELD, *[""] * 7])
            continue
        average = f.average_minutes
        table.rows.append(
            [
                *upn,
                r.label,
                r.pupils,
                f.possible_sessions,
                f.before_close,
                f.after_close,
                f.late_sessions,
                _pct(f.late_pct),
                f.minutes_total,
                _pct(average) if average is not None else "",
            ]
        )
    return table


@login_required
@role_required(AGGREGATE_ROLES)
def punctuality(request: HearthRequest) -> HttpResponse:
    """Lates before (L) and after (U) the register closed, by group or per pupil, any range."""
    start, end = _range(request)
    by = request.GET.get("by", "year")
    by = by if by in reports.PUNCTUALITY_GROUPS else "year"
    if by == "pupil" and not request.roles & MEASURE_ROLES:
        audit.record(
            request.user,
            Verb.DENIED,
            ("url", request.path[:64]),
            school=request.school,
            reason="attendance.punctuality",
        )
        raise PermissionDenied
    visible = people_selectors.pupil_visibility(request.school, request.user) if by == "pupil" else None
    rows, total = reports.punctuality_report(request.school, start, end, by, visible=visible)
    table = punctuality_table(rows, total, by, start, end)
    if by == "pupil":
        audit.record(request.user, Verb.VIEW, ("attendance.punctuality", "pupil"), school=request.school)
    if wants_csv(request):
        return csv_response(request, table, start, end)
    groups = dict(reports.PUNCTUALITY_GROUPS)
    if not request.roles & MEASURE_ROLES:
        groups.pop("pupil")
    return render(
        request,
        "attendance/reports/punctuality.html",
        {"table": table, "csv_url": csv_url(request), "start": start, "end": end, "by": by, "groups": groups},
    )


# A pupil's weekly attendance ---------------------------------------------------------------------


def weekly_table(pupil: Any, points: list[reports.WeekPoint], start: dt.date, end: dt.date) -> Table:
    table = Table(
        f"weekly-attendance-{pupil.upn or pupil.pk}",
        f"{pupil.full_name}: attendance by school week, {start:%d/%m/%Y} to {end:%d/%m/%Y}",
        [
            "Week beginning",
            "Possible sessions",
            "Attended",
            "Authorised absence",
            "Unauthorised absence",
            "Attendance %",
        ],
    )
    for p in points:
        s = p.summary
        table.rows.append(
            [
                p.week,
                s.possible_sessions,
                s.present,
                s.authorised_absence,
                s.unauthorised_absence,
                _pct(s.attendance_pct) if s.possible_sessions else "",
            ]
        )
    return table


def summary_table(pupil: Any, summaries: dict[str, statutory.AttendanceSummary]) -> Table:
    """The periods table of the pupil's attendance page (year to date, range, half-term, trend)."""
    table = Table(
        f"attendance-summary-{pupil.upn or pupil.pk}",
        f"{pupil.full_name}: attendance over sessions while on roll",
        [
            "Period",
            "Possible sessions",
            "Attended",
            "Attendance %",
            "Authorised absence",
            "Unauthorised absence",
            "Persistent absence",
            "Severe absence",
        ],
    )
    for label, s in summaries.items():
        table.rows.append(
            [
                label,
                s.possible_sessions,
                s.present,
                _pct(s.attendance_pct) if s.possible_sessions else "",
                s.authorised_absence,
                s.unauthorised_absence,
                s.persistent_absentee,
                s.severe_absentee,
            ]
        )
    return table


def weekly_context(school: Any, pupil: Any, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The weekly chart and its table, for the pupil's attendance page and the chart page."""
    from django.urls import reverse

    points = reports.pupil_weekly(school, pupil, start, end)
    chart = charts.weekly_chart([(f"{p.week:%d/%m}", p.summary) for p in points])
    below = sum(1 for p in points if p.band in ("pa", "sa"))
    return {
        "weekly_chart": chart,
        "weekly_table": weekly_table(pupil, points, start, end),
        "weekly_below": below,
        "weekly_weeks": len(points),
        "weekly_bands": charts.BAND_LABELS,
        "weekly_csv_url": f"{reverse('attendance:pupil_weekly', args=[pupil.pk])}"
        f"?from={start:%Y-%m-%d}&to={end:%Y-%m-%d}&format=csv",
    }


@login_required
@role_required(MEASURE_ROLES | {"teacher"})
def pupil_weekly(request: HearthRequest, pupil_id: int) -> HttpResponse:
    """A pupil's weekly attendance over the school year (chart, table, CSV)."""
    pupil = people_selectors.get_pupil(request.school, request.user, pupil_id, audit_view=True)
    today = timezone.localdate()
    start = parse_day(request.GET.get("from"), selectors.year_start(today))
    end = parse_day(request.GET.get("to"), today)
    if wants_csv(request) and request.GET.get("table") == "summary":
        found = selectors.pupil_attendance(request.school, request.user, pupil, start, end, today=today)
        return csv_response(request, summary_table(pupil, found["summaries"]), start, end, pupil=pupil)
    context = weekly_context(request.school, pupil, start, end)
    if wants_csv(request):
        return csv_response(request, context["weekly_table"], start, end, pupil=pupil)
    return render(
        request, "attendance/reports/pupil_weekly.html", {"pupil": pupil, "start": start, "end": end, **context}
    )


# CSV of the other attendance tables --------------------------------------------------------------


def _first_day(request: HearthRequest) -> tuple[Table, dt.date, dt.date]:
    day = parse_day(request.GET.get("date"))
    rows = selectors.first_day_list(request.school, day, viewer=request.user)
    table = Table(
        "first-day-calls",
        f"Absent with no reason yet (N), {day:%d/%m/%Y}",
        ["UPN", "Pupil", "Form", "Sessions", "Carers in contact order", "Calls logged"],
    )
    for r in rows:
        carers = "; ".join(
            f"{link.carer.full_name}{'' if link.may_be_contacted else ' (do not contact)'}" for link in r.carers
        )
        table.rows.append(
            [
                r.pupil.upn,
                r.pupil.full_name,
                r.pupil.form.name if r.pupil.form else "",
                " ".join(r.sessions),
                carers,
                len(r.contacts),
            ]
        )
    return table, day, day


def _overdue_n(request: HearthRequest) -> tuple[Table, dt.date, dt.date]:
    day = parse_day(request.GET.get("date"))
    rows = selectors.overdue_n_marks(request.school, day, viewer=request.user)
    table = Table(
        "unresolved-n-codes",
        f"N codes still unresolved, {day:%d/%m/%Y}",
        ["UPN", "Pupil", "Form", "First N", "Sessions"],
    )
    table.rows = [
        [r.pupil.upn, r.pupil.full_name, r.pupil.form.name if r.pupil.form else "", r.first, r.sessions] for r in rows
    ]
    return table, day, day


def _cme(request: HearthRequest) -> tuple[Table, dt.date, dt.date]:
    day = parse_day(request.GET.get("on"))
    rows = selectors.long_absences(request.school, day, viewer=request.user)
    table = Table(
        "long-absence-cme",
        f"Long absence (children missing education), {day:%d/%m/%Y}",
        ["UPN", "Pupil", "Form", "Reason", "From", "To", "School days", "Local authority told"],
    )
    table.rows = [
        [
            r.pupil.upn,
            r.pupil.full_name,
            r.pupil.form.name if r.pupil.form else "",
            "Unauthorised absence" if r.reason == "unauthorised" else "Illness",
            r.first,
            r.last,
            r.days,
            r.told.told_on if r.told else "",
        ]
        for r in rows
    ]
    return table, day, day


def _penalty_flags(request: HearthRequest) -> tuple[Table, dt.date, dt.date]:
    day = parse_day(request.GET.get("on"))
    rows = selectors.penalty_overview(request.school, day, viewer=request.user)
    table = Table(
        "penalty-flags",
        f"Pupils meeting the penalty-notice threshold, {day:%d/%m/%Y}",
        ["UPN", "Pupil", "Form", "Unauthorised sessions", "Window from", "Window to", "Decision", "Notices on record"],
    )
    table.rows = [
        [
            r.pupil.upn,
            r.pupil.full_name,
            r.pupil.form.name if r.pupil.form else "",
            r.flag.unauthorised_sessions,
            r.flag.window_start,
            r.flag.window_end,
            r.decision.get_decision_display() if r.decision else "Not yet considered",
            r.notices,
        ]
        for r in rows
    ]
    return table, day, day


def _completion(request: HearthRequest) -> tuple[Table, dt.date, dt.date]:
    from .forms import parse_session

    day = parse_day(request.GET.get("date"))
    session = parse_session(request.GET.get("session"))
    statuses = selectors.register_completion(request.school, day, session)
    table = Table(
        f"register-completion-{session.lower()}",
        f"Registers for {day:%d/%m/%Y} {session}",
        ["Form", "Year", "Pupils on roll", "Taken", "Taken by", "Taken at"],
    )
    table.rows = [
        [
            s.form.name,
            s.form.year_group.number,
            s.pupils,
            s.taken is not None,
            s.taken.taken_by.get_full_name() if s.taken and s.taken.taken_by else "",
            timezone.localtime(s.taken.taken_at).strftime("%d/%m/%Y %H:%M") if s.taken else "",
        ]
        for s in statuses
    ]
    return table, day, day


def _leave(request: HearthRequest) -> tuple[Table, dt.date, dt.date]:
    found = selectors.leave_requests(request.school, viewer=request.user)
    today = timezone.localdate()
    table = Table(
        "leave-requests",
        "Leave requests",
        ["UPN", "Pupil", "Kind", "Requested on", "From", "To", "Status"],
    )
    table.rows = [
        [
            r.pupil.upn,
            r.pupil.full_name,
            r.get_kind_display(),
            r.requested_on,
            r.start_date,
            r.end_date,
            r.get_status_display(),
        ]
        for r in found
    ]
    return table, today, today


#: Every attendance table without its own CSV link on its page: slug -> (roles of the page, builder).
EXPORTS: dict[str, tuple[frozenset[str], Callable[[HearthRequest], tuple[Table, dt.date, dt.date]]]] = {
    "first-day": (frozenset(ATTENDANCE_TEAM), _first_day),
    "overdue-n": (frozenset(ATTENDANCE_TEAM), _overdue_n),
    "long-absence": (frozenset(ATTENDANCE_TEAM), _cme),
    "penalty-flags": (frozenset(ATTENDANCE_TEAM), _penalty_flags),
    "completion": (frozenset(ATTENDANCE_TEAM), _completion),
    "leave": (frozenset(ATTENDANCE_TEAM), _leave),
}


@login_required
@role_required(ATTENDANCE_TEAM)
def export(request: HearthRequest, table: str) -> HttpResponse:
    """The CSV of one of the office's lists, with the same filters and permission as its page."""
    found = EXPORTS.get(table)
    if found is None:
        raise Http404("No such table.")
    roles, build = found
    if not request.roles & roles:
        audit.record(
            request.user, Verb.DENIED, ("url", request.path[:64]), school=request.school, reason="attendance.export"
        )
        raise PermissionDenied
    made, start, end = build(request)
    return csv_response(request, made, start, end)


# Letter templates (issue 5; domain §1.5) ---------------------------------------------------------


@login_required
@role_required(ATTENDANCE_TEAM)
def letter_templates(request: HearthRequest) -> HttpResponse:
    """The school's wording for each ladder stage's letter, and who last changed it."""
    return render(
        request,
        "attendance/reports/letter_templates.html",
        {
            "rows": selectors.letter_templates(request.school),
            "may_edit": bool(request.roles & LETTER_TEMPLATE_EDITORS),
            "placeholders": PLACEHOLDERS,
        },
    )


@login_required
@role_required(LETTER_TEMPLATE_EDITORS)
def letter_template_edit(request: HearthRequest, stage: str) -> HttpResponse:
    """Edit one stage's wording: unknown placeholders are refused with their names; the history
    keeps every earlier text."""
    from .models import LadderStep

    if stage not in LadderStep.Stage.values:
        raise Http404("No such stage.")
    label = LadderStep.Stage(stage).label
    form = LetterTemplateForm(
        request.POST or None, initial={"body": selectors.letter_template_text(request.school, stage)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_letter_template(
                request.user, school=request.school, stage=stage, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("body", message)
        else:
            messages.success(request, f"Letter template for {label.lower()} saved.")
            return redirect("attendance:letter_templates")
    return render(
        request,
        "attendance/reports/letter_template_edit.html",
        {
            "form": form,
            "stage": stage,
            "label": label,
            "placeholders": PLACEHOLDERS,
            "history": selectors.letter_template_history(request.school, stage),
        },
    )
