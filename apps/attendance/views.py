"""Views for attendance: thin, each binds a form and calls one service or selector."""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from apps.accounts.decorators import role_required
from apps.accounts.models import AGGREGATE_ONLY_ROLES, Role
from apps.accounts.types import HearthRequest
from apps.audit import services as audit
from apps.audit.models import Verb
from apps.people import selectors as people_selectors

from . import selectors, services, statutory
from .forms import CODE_CHOICES, AmendMarkForm, ContactForm, parse_day, parse_register, parse_session
from .models import ContactAttempt
from .rules import AGGREGATE_ROLES, ATTENDANCE_TEAM, MEASURE_ROLES, REGISTER_ROLES

STAFF_ROLES = set(Role.values) - AGGREGATE_ONLY_ROLES


def _messages_of(exc: ValidationError) -> list[str]:
    return list(exc.messages)


@login_required
@role_required(REGISTER_ROLES)
def registers(request: HearthRequest) -> HttpResponse:
    """The forms whose register the user may take, for the current session."""
    day = parse_day(request.GET.get("date"))
    session = parse_session(request.GET.get("session"))
    forms = list(selectors.register_forms(request.school, request.user))
    taken = {s.form.pk: s.taken for s in selectors.register_completion(request.school, day, session)}
    rows = [(f, taken.get(f.pk)) for f in forms]
    return render(request, "attendance/registers.html", {"rows": rows, "day": day, "session": session})


@login_required
@role_required(REGISTER_ROLES)
def register(request: HearthRequest, form_id: int) -> HttpResponse:
    """Take a form's register for one session: present by default, codes by typing, one save."""
    form = selectors.get_register_form(request.school, request.user, form_id)
    source = request.POST if request.method == "POST" else request.GET
    day = parse_day(source.get("date"))
    session = parse_session(source.get("session"))
    errors: list[str] = []
    result = None
    if request.method == "POST":
        rows = selectors.register_rows(form, day, session)
        entries, errors = parse_register(request.POST, [r.pupil.pk for r in rows])
        if not errors:
            try:
                result = services.take_register(request.user, form=form, day=day, session=session, entries=entries)
            except ValidationError as exc:
                errors = _messages_of(exc)
        if result is not None and not request.htmx:
            messages.success(request, f"Register for {form.name} saved ({day:%d/%m/%Y} {session}).")
            for line in result.conflicts + result.converted:
                messages.warning(request, line)
            return redirect(f"{reverse('attendance:register', args=[form.pk])}?date={day:%Y-%m-%d}&session={session}")
    rows = selectors.register_rows(form, day, session)
    calendar_sessions = services.SchoolCalendar.for_school(request.school).sessions_on(day)
    context = {
        "form": form,
        "day": day,
        "session": session,
        "rows": rows,
        "errors": errors,
        "result": result,
        "is_session": session in calendar_sessions,
        "present": statutory.present_code(session),
        "codes": statutory.CURRENT_CODES.values(),
        "policy": services.settings_for(request.school),
    }
    template = "attendance/_register.html" if request.htmx else "attendance/register.html"
    return render(request, template, context, status=200)


@login_required
@role_required(ATTENDANCE_TEAM)
def completion(request: HearthRequest) -> HttpResponse:
    """Which registers are missing for a session (the attendance officer's overview)."""
    day = parse_day(request.GET.get("date"))
    session = parse_session(request.GET.get("session"))
    statuses = selectors.register_completion(request.school, day, session)
    missing = [s for s in statuses if s.taken is None]
    return render(
        request,
        "attendance/completion.html",
        {"statuses": statuses, "missing": missing, "day": day, "session": session},
    )


@login_required
@role_required(ATTENDANCE_TEAM)
def amend(request: HearthRequest, pupil_id: int) -> HttpResponse:
    """The attendance office changes a mark, with a reason; the history keeps the original."""
    pupil = people_selectors.get_pupil(request.school, request.user, pupil_id)
    initial = {
        "date": parse_day(request.GET.get("date")),
        "session": parse_session(request.GET.get("session")),
    }
    form = AmendMarkForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.amend_mark(
                request.user,
                pupil=pupil,
                day=data["date"],
                session=data["session"],
                code=data["code"],
                reason=data["reason"],
                minutes_late=data["minutes_late"],
            )
        except ValidationError as exc:
            for message in _messages_of(exc):
                form.add_error(None, message)
        else:
            messages.success(request, f"Mark for {data['date']:%d/%m/%Y} {data['session']} changed to {data['code']}.")
            return redirect("attendance:pupil", pupil_id=pupil.pk)
    today = timezone.localdate()
    history = selectors.mark_history(request.school, pupil, today - dt.timedelta(days=400), today)
    return render(request, "attendance/amend.html", {"pupil": pupil, "form": form, "history": history})


@login_required
@role_required(STAFF_ROLES)
def pupil(request: HearthRequest, pupil_id: int) -> HttpResponse:
    """A pupil's attendance: year to date, this term, any range, and the session calendar."""
    pupil = people_selectors.get_pupil(request.school, request.user, pupil_id, audit_view=True)
    today = timezone.localdate()
    start = parse_day(request.GET.get("from"), selectors.year_start(today))
    end = parse_day(request.GET.get("to"), today)
    context = selectors.pupil_attendance(request.school, request.user, pupil, start, end, today=today)
    can_manage = bool(request.roles & ATTENDANCE_TEAM)
    return render(request, "attendance/pupil.html", {"pupil": pupil, "can_manage": can_manage, **context})


@login_required
@role_required(ATTENDANCE_TEAM)
def first_day(request: HearthRequest) -> HttpResponse:
    """The first-day calling list: pupils absent with no reason (N) today, carers in priority order."""
    day = parse_day(request.GET.get("date"))
    rows = selectors.first_day_list(request.school, day)
    overdue = selectors.overdue_n_marks(request.school, day)
    return render(
        request,
        "attendance/first_day.html",
        {
            "rows": rows,
            "overdue": overdue,
            "day": day,
            "methods": ContactAttempt.Method.choices,
            "outcomes": ContactAttempt.Outcome.choices,
            "codes": CODE_CHOICES,
        },
    )


@login_required
@role_required(ATTENDANCE_TEAM)
def contact(request: HearthRequest, pupil_id: int) -> HttpResponse:
    """Log a first-day call and, when it gave a reason, the code that replaces N."""
    pupil = people_selectors.get_pupil(request.school, request.user, pupil_id)
    day = parse_day(request.POST.get("date") or request.GET.get("date"))
    carers = [(link.carer_id, link.carer.full_name) for link in people_selectors.carer_links(pupil)]
    form = ContactForm(request.POST or None, carers=carers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_contact(
                request.user,
                pupil=pupil,
                day=day,
                carer_id=data["carer"],
                method=data["method"],
                outcome=data["outcome"],
                new_code=data["new_code"],
                note=data["note"],
            )
        except ValidationError as exc:
            for message in _messages_of(exc):
                form.add_error(None, message)
        else:
            messages.success(request, f"Call about {pupil.full_name} logged.")
            return redirect(f"{reverse('attendance:first_day')}?date={day:%Y-%m-%d}")
    return render(request, "attendance/contact.html", {"pupil": pupil, "form": form, "day": day})


def _csv_response(filename: str, header: list[str], rows: list[list[object]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def _range(request: HearthRequest) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return parse_day(request.GET.get("from"), selectors.year_start(today)), parse_day(request.GET.get("to"), today)


@login_required
@role_required(MEASURE_ROLES)
def persistent_absence(request: HearthRequest) -> HttpResponse:
    """Persistent (≥ 10%) and severe (≥ 50%) absence by year and form, for pupils the user sees."""
    start, end = _range(request)
    year_text = request.GET.get("year", "")
    form_name = request.GET.get("form", "")[:20]
    band = request.GET.get("band", "pa") if request.GET.get("band") in ("pa", "sa", "all") else "pa"
    rows = selectors.absence_list(
        request.school,
        request.user,
        start,
        end,
        year=int(year_text) if year_text.isdigit() else None,
        form=form_name,
        band=band,
    )
    audit.record(request.user, Verb.VIEW, ("attendance.absence_list", band), school=request.school)
    if request.GET.get("format") == "csv":
        return _csv_response(
            f"absence-{band}-{start:%Y%m%d}-{end:%Y%m%d}.csv",
            [
                "upn",
                "name",
                "year",
                "form",
                "possible_sessions",
                "attended",
                "authorised",
                "unauthorised",
                "absence_pct",
            ],
            [
                [
                    r.pupil.upn,
                    r.pupil.full_name,
                    r.pupil.year_group.number,
                    r.pupil.form.name if r.pupil.form else "",
                    r.summary.possible_sessions,
                    r.summary.present,
                    r.summary.authorised_absence,
                    r.summary.unauthorised_absence,
                    statutory.display_pct(r.summary.absence_pct, 2),
                ]
                for r in rows
            ],
        )
    return render(
        request,
        "attendance/persistent_absence.html",
        {
            "rows": rows,
            "start": start,
            "end": end,
            "year": year_text,
            "form": form_name,
            "band": band,
            "year_groups": people_selectors.year_groups(request.school),
            "forms": people_selectors.forms(request.school),
        },
    )


@login_required
@role_required(AGGREGATE_ROLES)
def measures(request: HearthRequest) -> HttpResponse:
    """Whole-school and group measures (no names): by year, form, sex, FSM, SEN, EAL, looked after."""
    start, end = _range(request)
    by = request.GET.get("by", "year")
    by = by if by in selectors.BREAKDOWNS else "year"
    groups, total = selectors.group_breakdown(request.school, start, end, by)
    if request.GET.get("format") == "csv":
        return _csv_response(
            f"attendance-by-{by}-{start:%Y%m%d}-{end:%Y%m%d}.csv",
            ["group", "pupils", "possible_sessions", "attendance_pct", "persistent_absentees", "severe_absentees"],
            [
                [
                    g.label,
                    g.pupils,
                    g.summary.possible_sessions,
                    statutory.display_pct(g.summary.attendance_pct, 2),
                    g.persistent,
                    g.severe,
                ]
                for g in [*groups, total]
            ],
        )
    return render(
        request,
        "attendance/measures.html",
        {"groups": groups, "total": total, "start": start, "end": end, "by": by, "breakdowns": selectors.BREAKDOWNS},
    )
