"""Views for attendance: thin, each binds a form and calls one service or selector."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from apps.accounts.decorators import role_required
from apps.accounts.types import HearthRequest
from apps.audit import services as audit
from apps.audit.models import Verb
from apps.core.calendar import calendar_for
from apps.people import selectors as people_selectors

from . import selectors, services, statutory
from .forms import (
    CODE_CHOICES,
    AmendMarkForm,
    ContactForm,
    LadderStepForm,
    LeaveRequestForm,
    PartTimeForm,
    PenaltyDecisionForm,
    PenaltyNoticeForm,
    parse_day,
    parse_register,
    parse_session,
)
from .letters import fill, letter_values
from .models import ContactAttempt, LadderStep, PenaltyNotice
from .rules import AGGREGATE_ROLES, ATTENDANCE_TEAM, MEASURE_ROLES, REGISTER_ROLES, STAFF_ROLES


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
    calendar_sessions = calendar_for(request.school).sessions_on(day)
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
    # The weekly chart over the school year (issue 5, reports).
    from .views_reports import weekly_context

    context.update(weekly_context(request.school, pupil, selectors.year_start(today), today))
    return render(request, "attendance/pupil.html", {"pupil": pupil, "can_manage": can_manage, **context})


@login_required
@role_required(ATTENDANCE_TEAM)
def first_day(request: HearthRequest) -> HttpResponse:
    """The first-day calling list: pupils absent with no reason (N) today, carers in priority order."""
    day = parse_day(request.GET.get("date"))
    rows = selectors.first_day_list(request.school, day, viewer=request.user)
    overdue = selectors.overdue_n_marks(request.school, day, viewer=request.user)
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


def _csv_response(
    request: HearthRequest,
    slug: str,
    header: list[str],
    rows: list[list[object]],
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> HttpResponse:
    """Through the one CSV helper (issue 5): formula-safe cells, school and range in the filename,
    audited as an export."""
    from .exports import Table, csv_response

    return csv_response(request, Table(slug, slug, header, [list(r) for r in rows]), start, end)


def _range(request: HearthRequest) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return parse_day(request.GET.get("from"), selectors.year_start(today)), parse_day(request.GET.get("to"), today)


ABSENCE_LIST_PAGE_SIZE = 100


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
            request,
            f"absence-{band}",
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
            start,
            end,
        )
    page = Paginator(rows, ABSENCE_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "attendance/persistent_absence.html",
        {
            "page": page,
            "rows": page.object_list,
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
            request,
            f"attendance-by-{by}",
            ["group", "pupils", "possible_sessions", "attendance_pct", "persistent_absentees", "severe_absentees"],
            [
                [g.label, "fewer than 3", "", "", "", ""]
                if g.suppressed
                else [
                    g.label,
                    g.pupils,
                    g.summary.possible_sessions,
                    statutory.display_pct(g.summary.attendance_pct, 2),
                    g.persistent,
                    g.severe,
                ]
                for g in [*groups, total]
            ],
            start,
            end,
        )
    return render(
        request,
        "attendance/measures.html",
        {"groups": groups, "total": total, "start": start, "end": end, "by": by, "breakdowns": selectors.BREAKDOWNS},
    )


# Penalty notices, the ladder and letters (domain §1.5, §1.6) --------------------------------------


@login_required
@role_required(ATTENDANCE_TEAM)
def penalties(request: HearthRequest) -> HttpResponse:
    """Pupils meeting the national penalty-notice threshold on a date, and whether it was considered."""
    on = parse_day(request.GET.get("on"))
    rows = selectors.penalty_overview(request.school, on, viewer=request.user)
    return render(request, "attendance/penalties.html", {"rows": rows, "on": on})


def _carer_choices(pupil: object) -> list[tuple[int, str]]:
    return [
        (link.carer_id, f"{link.carer.full_name} ({link.get_relationship_display()})")
        for link in people_selectors.carer_links(pupil)  # type: ignore[arg-type]
    ]


@login_required
@role_required(ATTENDANCE_TEAM)
def ladder(request: HearthRequest, pupil_id: int) -> HttpResponse:
    """The pupil's support-first ladder: add a step; see decisions, notices and letters."""
    pupil = people_selectors.get_pupil(request.school, request.user, pupil_id, audit_view=True)
    form = LadderStepForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_ladder_step(request.user, pupil=pupil, **form.cleaned_data)
        except ValidationError as exc:
            for message in _messages_of(exc):
                form.add_error(None, message)
        else:
            messages.success(request, "Step added to the attendance record.")
            return redirect("attendance:ladder", pupil_id=pupil.pk)
    context = selectors.pupil_ladder(request.school, pupil)
    return render(
        request,
        "attendance/ladder.html",
        {
            "pupil": pupil,
            "form": form,
            "decision_form": PenaltyDecisionForm(),
            "notice_form": PenaltyNoticeForm(carers=_carer_choices(pupil), initial={"issued_on": timezone.localdate()}),
            "statuses": PenaltyNotice.Status.choices,
            "today": timezone.localdate(),
            **context,
        },
    )


@login_required
@role_required(ATTENDANCE_TEAM)
def penalty_decide(request: HearthRequest, pupil_id: int) -> HttpResponse:
    pupil = people_selectors.get_pupil(request.school, request.user, pupil_id)
    on = parse_day(request.POST.get("on") or request.GET.get("on"))
    form = PenaltyDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_penalty(request.user, pupil=pupil, on=on, **form.cleaned_data)
        except ValidationError as exc:
            for message in _messages_of(exc):
                form.add_error(None, message)
        else:
            messages.success(request, "Decision recorded.")
            return redirect("attendance:ladder", pupil_id=pupil.pk)
    flags = selectors.penalty_threshold(request.school, on, pupil_ids=[pupil.pk])
    return render(
        request,
        "attendance/penalty_decide.html",
        {"pupil": pupil, "form": form, "on": on, "flag": flags[0] if flags else None},
    )


@login_required
@role_required(ATTENDANCE_TEAM)
def notice_add(request: HearthRequest, pupil_id: int) -> HttpResponse:
    pupil = people_selectors.get_pupil(request.school, request.user, pupil_id)
    form = PenaltyNoticeForm(request.POST or None, carers=_carer_choices(pupil))
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.issue_penalty_notice(
                request.user, pupil=pupil, carer_id=form.cleaned_data["carer"], issued_on=form.cleaned_data["issued_on"]
            )
        except ValidationError as exc:
            for message in _messages_of(exc):
                form.add_error(None, message)
        else:
            messages.success(request, f"Penalty notice {notice.sequence} recorded: £{notice.amount_full}.")
            return redirect("attendance:ladder", pupil_id=pupil.pk)
    return render(request, "attendance/notice_add.html", {"pupil": pupil, "form": form})


@login_required
@role_required(ATTENDANCE_TEAM)
def notice_status(request: HearthRequest, notice_id: int) -> HttpResponse:
    notice = selectors.get_notice(request.school, request.user, notice_id)
    if request.method == "POST":
        try:
            services.change_penalty_notice_status(
                request.user,
                notice=notice,
                status=request.POST.get("status", ""),
                on=parse_day(request.POST.get("on")),
                reason=request.POST.get("reason", "")[:300],
            )
        except ValidationError as exc:
            for message in _messages_of(exc):
                messages.error(request, message)
        else:
            messages.success(request, "Notice updated.")
    return redirect("attendance:ladder", pupil_id=notice.pupil_id)


@login_required
@role_required(ATTENDANCE_TEAM)
def letter_new(request: HearthRequest, pupil_id: int) -> HttpResponse:
    """Write a letter to a carer from the stage's template text, edited as needed."""
    pupil = people_selectors.get_pupil(request.school, request.user, pupil_id)
    stage = request.POST.get("stage") or request.GET.get("stage") or LadderStep.Stage.MEETING
    stage = stage if stage in LadderStep.Stage.values else LadderStep.Stage.MEETING
    carers = _carer_choices(pupil)
    carer_id = request.POST.get("carer") or request.GET.get("carer") or (str(carers[0][0]) if carers else "")
    if request.method == "POST":
        try:
            letter = services.create_letter(
                request.user,
                pupil=pupil,
                carer_id=int(carer_id) if carer_id.isdigit() else 0,
                stage=stage,
                body=request.POST.get("body", "")[:5000],
            )
        except ValidationError as exc:
            for message in _messages_of(exc):
                messages.error(request, message)
        else:
            messages.success(request, "Letter saved: download the PDF below.")
            return redirect(f"{reverse('attendance:ladder', args=[pupil.pk])}#letter-{letter.pk}")
    today = timezone.localdate()
    summary = selectors.attendance_summaries(request.school, [pupil.pk], selectors.year_start(today), today)[pupil.pk]
    carer_name = next((name.split(" (")[0] for cid, name in carers if str(cid) == carer_id), "parent or carer")
    # The school's template for the stage (issue 5), filled by plain substitution, then editable.
    values = letter_values(
        pupil=pupil, carer_name=carer_name, summary=summary, school_name=request.school.name, on=today
    )
    body = request.POST.get("body") or fill(selectors.letter_template_text(request.school, stage), values)
    return render(
        request,
        "attendance/letter_new.html",
        {
            "pupil": pupil,
            "carers": carers,
            "carer_id": carer_id,
            "stage": stage,
            "stages": LadderStep.Stage.choices,
            "body": body,
        },
    )


@login_required
@role_required(ATTENDANCE_TEAM)
def letter_pdf(request: HearthRequest, letter_id: int) -> HttpResponse:
    """The letter as a PDF (WeasyPrint)."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    letter = selectors.get_letter(request.school, request.user, letter_id)
    html = render_to_string("attendance/letter_pdf.html", {"letter": letter}, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="attendance-letter-{letter.pk}.pdf"'
    return response


@login_required
@role_required(ATTENDANCE_TEAM)
def long_absence(request: HearthRequest) -> HttpResponse:
    """Children absent from education: long unauthorised runs and long illness, and when the LA was told."""
    today = parse_day(request.GET.get("on"))
    rows = selectors.long_absences(request.school, today, viewer=request.user)
    return render(request, "attendance/long_absence.html", {"rows": rows, "today": today})


@login_required
@role_required(ATTENDANCE_TEAM)
def la_notify(request: HearthRequest, pupil_id: int) -> HttpResponse:
    pupil = people_selectors.get_pupil(request.school, request.user, pupil_id)
    if request.method == "POST":
        try:
            services.record_la_notification(
                request.user,
                pupil=pupil,
                reason=request.POST.get("reason", ""),
                absence_from=parse_day(request.POST.get("absence_from")),
                told_on=parse_day(request.POST.get("told_on")),
            )
        except ValidationError as exc:
            for message in _messages_of(exc):
                messages.error(request, message)
        else:
            messages.success(request, f"Recorded that the local authority was told about {pupil.full_name}.")
    return redirect("attendance:long_absence")


# Leave of absence (domain §1.4) ------------------------------------------------------------------


@login_required
@role_required(ATTENDANCE_TEAM)
def leave(request: HearthRequest) -> HttpResponse:
    """Leave requests: those waiting for a decision first, then the recent ones."""
    requests = selectors.leave_requests(request.school, viewer=request.user)
    can_decide = bool(request.roles & services.LEAVE_DECIDERS)
    return render(request, "attendance/leave.html", {"requests": requests, "can_decide": can_decide})


@login_required
@role_required(ATTENDANCE_TEAM)
def leave_new(request: HearthRequest, pupil_id: int) -> HttpResponse:
    pupil = people_selectors.get_pupil(request.school, request.user, pupil_id)
    form = LeaveRequestForm(
        request.POST or None, carers=_carer_choices(pupil), initial={"requested_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.request_leave(request.user, pupil=pupil, **form.cleaned_data)
        except ValidationError as exc:
            for message in _messages_of(exc):
                form.add_error(None, message)
        else:
            messages.success(request, "Leave request recorded: it waits for the headteacher's decision.")
            return redirect("attendance:leave")
    return render(request, "attendance/leave_new.html", {"pupil": pupil, "form": form})


@login_required
@role_required(services.LEAVE_DECIDERS)
def leave_decide(request: HearthRequest, leave_id: int) -> HttpResponse:
    found = selectors.get_leave(request.school, request.user, leave_id)
    if request.method == "POST":
        try:
            services.decide_leave(
                request.user,
                leave=found,
                grant=request.POST.get("decision") == "grant",
                reason=request.POST.get("reason", "")[:500],
            )
        except ValidationError as exc:
            for message in _messages_of(exc):
                messages.error(request, message)
        else:
            messages.success(request, f"Leave {found.get_status_display().lower()}.")
    return redirect("attendance:leave")


@login_required
@role_required(ATTENDANCE_TEAM)
def closure(request: HearthRequest) -> HttpResponse:
    """Apply a Y code (partial or unexpected closure, travel disruption) to many pupils at once."""
    day = parse_day(request.POST.get("date") or request.GET.get("date"))
    if request.method == "POST":
        try:
            result = services.apply_closure_code(
                request.user,
                school=request.school,
                day=day,
                sessions=request.POST.getlist("session"),
                code=request.POST.get("code", ""),
                reason=request.POST.get("reason", "")[:300],
                year_numbers=[int(y) for y in request.POST.getlist("year") if y.isdigit()],
            )
        except ValidationError as exc:
            for message in _messages_of(exc):
                messages.error(request, message)
        else:
            messages.success(request, f"Recorded for {result.created + result.amended + result.unchanged} sessions.")
            return redirect(f"{reverse('attendance:closure')}?date={day:%Y-%m-%d}")
    codes = [statutory.CODES[c] for c in sorted(services.BULK_CODES)]
    return render(
        request,
        "attendance/closure.html",
        {"day": day, "codes": codes, "year_groups": people_selectors.year_groups(request.school)},
    )


# Part-time timetables (domain §1.8) --------------------------------------------------------------


@login_required
@role_required(ATTENDANCE_TEAM)
def part_time(request: HearthRequest) -> HttpResponse:
    """Running part-time timetables with overdue reviews and passed end dates flagged; the LA list."""
    today = timezone.localdate()
    rows = selectors.part_time_timetables(
        request.school, today, active_only=request.GET.get("all") != "1", viewer=request.user
    )
    if request.GET.get("format") == "csv":
        return _csv_response(
            request,
            "part-time-timetables",
            ["upn", "name", "start", "planned_end", "sessions_attended", "reason", "parent_agreed", "la_notified"],
            [
                [
                    r.timetable.pupil.upn,
                    r.timetable.pupil.full_name,
                    f"{r.timetable.start_date:%d/%m/%Y}",
                    f"{r.timetable.planned_end_date:%d/%m/%Y}",
                    len(r.timetable.attended_sessions),
                    r.timetable.reason,
                    f"{r.timetable.parent_agreed_on:%d/%m/%Y}",
                    f"{r.timetable.la_notified_on:%d/%m/%Y}" if r.timetable.la_notified_on else "",
                ]
                for r in rows
            ],
        )
    return render(request, "attendance/part_time.html", {"rows": rows, "today": today})


@login_required
@role_required(ATTENDANCE_TEAM)
def part_time_new(request: HearthRequest, pupil_id: int) -> HttpResponse:
    pupil = people_selectors.get_pupil(request.school, request.user, pupil_id)
    form = PartTimeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.start_part_time_timetable(request.user, pupil=pupil, **form.cleaned_data)
        except ValidationError as exc:
            for message in _messages_of(exc):
                form.add_error(None, message)
        else:
            messages.success(request, f"Part-time timetable started for {pupil.full_name}.")
            return redirect("attendance:part_time")
    return render(request, "attendance/part_time_new.html", {"pupil": pupil, "form": form})


@login_required
@role_required(ATTENDANCE_TEAM)
def part_time_review(request: HearthRequest, timetable_id: int) -> HttpResponse:
    timetable = selectors.get_part_time(request.school, request.user, timetable_id)
    if request.method == "POST":
        next_text = request.POST.get("next_review", "")
        try:
            services.review_part_time_timetable(
                request.user,
                timetable=timetable,
                held_on=parse_day(request.POST.get("held_on")),
                outcome=request.POST.get("outcome", "")[:500],
                next_review=parse_day(next_text) if next_text else None,
                end=request.POST.get("end") == "1",
            )
        except ValidationError as exc:
            for message in _messages_of(exc):
                messages.error(request, message)
        else:
            messages.success(request, "Review recorded.")
    return redirect("attendance:part_time")
