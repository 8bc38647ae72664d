"""Views for the attendance settings page, lesson registers, post-registration truancy and the
Closures page (issue 5): thin, each binds a form and calls one service or selector."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.accounts.decorators import role_required
from apps.accounts.types import HearthRequest
from apps.core.calendar import academic_year_label, calendar_for
from apps.people import selectors as people_selectors

from . import selectors_closures, selectors_lessons, services, services_closures, services_lessons
from .exports import Table, csv_response, wants_csv
from .forms import parse_day
from .forms_lessons import AttendanceSettingsForm, LessonPeriodsForm, TruancyFollowUpForm, parse_lesson_register
from .rules import ATTENDANCE_TEAM, SETTINGS_ROLES, STAFF_ROLES


def _messages_of(exc: ValidationError) -> list[str]:
    return list(exc.messages)


# Settings ------------------------------------------------------------------------------------------


@login_required
@role_required(SETTINGS_ROLES)
def settings_page(request: HearthRequest) -> HttpResponse:
    """The school's attendance policy and its lesson periods, for the attendance office and senior
    leaders; every change is audited."""
    policy = services.settings_for(request.school)
    periods = selectors_lessons.lesson_periods(request.school)
    initial = {name: getattr(policy, name) for name in services_lessons.SETTINGS_FIELDS}
    which = request.POST.get("which") if request.method == "POST" else None
    form = AttendanceSettingsForm(request.POST if which == "settings" else None, initial=initial)
    periods_form = LessonPeriodsForm(
        request.POST if which == "periods" else None, initial={"periods": selectors_lessons.periods_text(periods)}
    )
    if which == "settings" and form.is_valid():
        try:
            services_lessons.update_settings(request.user, school=request.school, **form.cleaned_data)
        except ValidationError as exc:
            for message in _messages_of(exc):
                form.add_error(None, message)
        else:
            messages.success(request, "Attendance settings saved.")
            return redirect("attendance:settings")
    if which == "periods" and periods_form.is_valid():
        try:
            kept = services_lessons.set_lesson_periods(
                request.user, school=request.school, text=periods_form.cleaned_data["periods"]
            )
        except ValidationError as exc:
            for message in _messages_of(exc):
                periods_form.add_error("periods", message)
        else:
            messages.success(request, f"Lesson periods saved ({len(kept)} in use).")
            return redirect("attendance:settings")
    return render(
        request,
        "attendance/lessons/settings.html",
        {"form": form, "periods_form": periods_form, "periods": periods, "policy": policy},
    )


# Lesson registers ----------------------------------------------------------------------------------


@login_required
@role_required(STAFF_ROLES)
def lessons(request: HearthRequest) -> HttpResponse:
    """The teaching groups the user may take a lesson register for, and the periods of the day."""
    day = parse_day(request.GET.get("date"))
    enabled = selectors_lessons.lesson_registers_on(request.school)
    periods = selectors_lessons.lesson_periods(request.school)
    year = request.GET.get("year", "")
    groups = (
        list(selectors_lessons.lesson_groups(request.school, request.user, year=int(year) if year.isdigit() else None))
        if enabled
        else []
    )
    taken = selectors_lessons.lesson_registers_taken(request.school, day)
    now_period = selectors_lessons.current_period(periods, timezone.localtime().time())
    rows = [(g, [(p, (g.pk, p.pk) in taken) for p in periods]) for g in groups]
    return render(
        request,
        "attendance/lessons/lessons.html",
        {
            "day": day,
            "enabled": enabled,
            "periods": periods,
            "rows": rows,
            "now_period": now_period,
            "year": year,
            "year_groups": people_selectors.year_groups(request.school),
            "is_school_day": calendar_for(request.school).is_school_day(day),
        },
    )


@login_required
@role_required(STAFF_ROLES)
def lesson_register(request: HearthRequest, group_id: int, period_id: int) -> HttpResponse:
    """Take a teaching group's register for one lesson: present by default, A or L by typing,
    Enter saves it all. Shows who was absent or out (a trip, a sports fixture) at registration."""
    group = selectors_lessons.get_lesson_group(request.school, request.user, group_id)
    period = selectors_lessons.get_lesson_period(request.school, period_id)
    source = request.POST if request.method == "POST" else request.GET
    day = parse_day(source.get("date"))
    errors: list[str] = []
    result = None
    if request.method == "POST":
        rows = selectors_lessons.lesson_register_rows(group, period, day)
        entries, errors = parse_lesson_register(request.POST, [r.pupil.pk for r in rows])
        if not errors:
            try:
                result = services_lessons.take_lesson_register(
                    request.user, group=group, period=period, day=day, entries=entries
                )
            except ValidationError as exc:
                errors = _messages_of(exc)
        if result is not None and not request.htmx:
            messages.success(request, f"Lesson register for {group.name} {period.name} saved ({day:%d/%m/%Y}).")
            for line in result.conflicts:
                messages.warning(request, line)
            return redirect(f"{reverse('attendance:lesson_register', args=[group.pk, period.pk])}?date={day:%Y-%m-%d}")
    context = {
        "group": group,
        "period": period,
        "day": day,
        "rows": selectors_lessons.lesson_register_rows(group, period, day),
        "errors": errors,
        "result": result,
        "enabled": selectors_lessons.lesson_registers_on(request.school),
        "is_session": period.session in calendar_for(request.school).sessions_on(day),
    }
    template = "attendance/lessons/_register.html" if request.htmx else "attendance/lessons/register.html"
    return render(request, template, context)


# Post-registration truancy -------------------------------------------------------------------------


def truancy_table(rows: list[selectors_lessons.TruancyRow], day: dt.date) -> Table:
    """The truancy list as a table: one row per pupil, the lessons missed, and the latest follow-up.
    Carers' phone numbers are left out on purpose (the call list stays on the page)."""
    table = Table(
        slug="post-registration-truancy",
        caption=f"Post-registration truancy on {day:%d/%m/%Y}",
        header=["UPN", "Pupil", "Form", "Registration", "Lessons missed", "Status", "Latest follow-up", "Note"],
    )
    for row in rows:
        latest = row.follow_ups[-1] if row.follow_ups else None
        table.rows.append(
            [
                row.pupil.upn,
                row.pupil.full_name,
                row.pupil.form.name if row.pupil.form else "",
                "; ".join(f"{session} {code}" for session, code in row.registration.items()),
                "; ".join(f"{m.slot.period} {m.slot.starts:%H:%M} ({m.group})" for m in row.missed),
                "Resolved" if row.resolved else "Open",
                latest.get_outcome_display() if latest else "",
                latest.note if latest else "",
            ]
        )
    return table


@login_required
@role_required(ATTENDANCE_TEAM)
def truancy(request: HearthRequest) -> HttpResponse:
    """Pupils present at registration but missing from a later lesson that day (default today),
    with the lessons missed, carers to call in order, and the follow-ups logged."""
    day = parse_day(request.GET.get("date"))
    rows = selectors_lessons.truancy_list(request.school, day, viewer=request.user)
    if wants_csv(request):
        return csv_response(request, truancy_table(rows, day), day, day)
    return render(
        request,
        "attendance/lessons/truancy.html",
        {
            "day": day,
            "csv_url": f"{reverse('attendance:truancy')}?date={day:%Y-%m-%d}&format=csv",
            "rows": rows,
            "open": [r for r in rows if not r.resolved],
            "done": [r for r in rows if r.resolved],
            "enabled": selectors_lessons.lesson_registers_on(request.school),
            "form": TruancyFollowUpForm(),
        },
    )


@login_required
@role_required(ATTENDANCE_TEAM)
def truancy_follow_up(request: HearthRequest, pupil_id: int) -> HttpResponse:
    """Log what was found when a missed lesson was followed up (chronology and audit)."""
    pupil = people_selectors.get_pupil(request.school, request.user, pupil_id)
    day = parse_day(request.POST.get("date") or request.GET.get("date"))
    form = TruancyFollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services_lessons.record_truancy_follow_up(
                request.user, pupil=pupil, day=day, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            for message in _messages_of(exc):
                form.add_error(None, message)
        else:
            messages.success(request, f"Follow-up for {pupil.full_name} logged.")
            return redirect(f"{reverse('attendance:truancy')}?date={day:%Y-%m-%d}")
    return render(request, "attendance/lessons/follow_up.html", {"pupil": pupil, "form": form, "day": day})


# Closures ------------------------------------------------------------------------------------------


@login_required
@role_required(ATTENDANCE_TEAM)
def closures(request: HearthRequest) -> HttpResponse:
    """The school year's calendar closures, each with whether its code is on the register, and the
    link to partial and unexpected closures (Y codes)."""
    day = parse_day(request.GET.get("date"))
    return render(
        request,
        "attendance/lessons/closures.html",
        {
            "day": day,
            "year_label": academic_year_label(day),
            "statuses": selectors_closures.closure_statuses(request.school, day),
        },
    )


@login_required
@role_required(ATTENDANCE_TEAM)
@require_POST
def closure_apply(request: HearthRequest, closure_id: int) -> HttpResponse:
    """Record a calendar closure's code for every pupil on roll (idempotent)."""
    closure = selectors_closures.get_closure(request.school, request.user, closure_id)
    try:
        result = services_closures.apply_calendar_closure(request.user, school=request.school, closure_id=closure.pk)
    except ValidationError as exc:
        for message in _messages_of(exc):
            messages.error(request, message)
    else:
        messages.success(
            request,
            f"Closure recorded: {result.created} new marks, {result.amended} changed (kept in the history), "
            f"{result.unchanged} already recorded.",
        )
    return redirect(f"{reverse('attendance:closures')}?date={request.POST.get('date', '')}")
