"""Behaviour pages: thin views over `services` and `selectors`."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.accounts.decorators import role_required
from apps.accounts.types import HearthRequest
from apps.audit import services as audit
from apps.audit.models import Verb
from apps.core.calendar import SchoolCalendar, academic_year_bounds
from apps.core.disclosure import SUPPRESS_BELOW
from apps.people import selectors as people
from apps.people.models import TeachingGroup

from . import selectors, services, statutory
from .forms import (
    BehaviourTypeForm,
    CancelForm,
    DetentionOutcomeForm,
    EscalateForm,
    ExclusionForm,
    IncidentForm,
    InclusionForm,
    InclusionUpdateForm,
    ManagedMoveForm,
    MoveOutcomeForm,
    MoveReviewForm,
    OffSiteForm,
    PSPActionForm,
    PSPForm,
    PSPReviewForm,
    RatingForm,
    ReintegrationForm,
    ReportCardForm,
    StepForm,
)
from .models import BehaviourType, Exclusion, Polarity, PupilMove
from .rules import (
    ANALYSIS_ROLES,
    CENSUS_ROLES,
    DECIDE_ROLES,
    EXCLUSION_ADMIN_ROLES,
    EXCLUSION_VIEW_ROLES,
    GROUPS_ROLES,
    PASTORAL_ROLES,
    SETTINGS_ROLES,
    STAFF_ROLES,
)


def _errors_to_form(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errs in exc.error_dict.items():
            for err in errs:
                form.add_error(field if field in form.fields else None, err.messages[0])
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _day(request: HearthRequest) -> dt.date:
    raw = request.GET.get("date", "")
    try:
        return dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


# Incidents --------------------------------------------------------------------------------------


@login_required
@role_required(STAFF_ROLES)
def log_incident(request: HearthRequest) -> HttpResponse:
    """Log an incident or reward for one pupil, several, or a whole class (?group=)."""
    school, user = request.school, request.user
    today = timezone.localdate()
    group = None
    group_id = request.GET.get("group") or request.POST.get("group")
    visible = people.visible_pupils(school, user, on_roll_on=today)
    if group_id and str(group_id).isdigit():
        group = TeachingGroup.objects.filter(school=school, pk=int(group_id)).first()
    pool = visible.filter(teaching_groups=group) if group else visible
    choices = [(p.pk, f"{p.legal_surname}, {p.forename} ({p.form.name if p.form else p.year_group})") for p in pool]
    initial: dict[str, Any] = {}
    if request.GET.get("pupil", "").isdigit():
        initial["pupils"] = [request.GET["pupil"]]
    posted = [int(v) for v in request.POST.getlist("pupils") if str(v).isdigit()]
    if posted and visible.filter(pk__in=posted).count() != len(set(posted)):
        audit.record(user, Verb.DENIED, ("people.pupil", posted[0]), school=school, reason="behaviour.log_incident")
        raise PermissionDenied("You cannot log behaviour for a pupil you do not teach.")
    form = IncidentForm(request.POST or None, school=school, pupil_choices=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = list(visible.filter(pk__in=[int(p) for p in data["pupils"]]))
        tell = {"yes": True, "no": False}.get(data["notify_parents"] or "")
        try:
            incident = services.log_incident(
                user,
                school=school,
                behaviour_type=data["behaviour_type"],
                pupils=chosen,
                occurred_at=data["occurred_at"],
                roles=form.roles_from(request.POST),
                period=data["period"],
                subject=data["subject"],
                teaching_group=group,
                location=data["location"],
                description=data["description"],
                action_taken=data["action_taken"],
                detention_on=data["detention_on"],
                notify_parents=tell,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"Logged for {len(chosen)} pupil{'s' if len(chosen) != 1 else ''}.")
            return redirect("behaviour:incident", incident.pk)
    return render(
        request,
        "behaviour/log_incident.html",
        {
            "form": form,
            "group": group,
            "groups": people.teaching_groups_of(school, user),
            "roles": form.fields["role"].choices,  # type: ignore[attr-defined]
            "recent": selectors.recent_incidents_by(school, user),
            "types": selectors.behaviour_types(school),
        },
    )


@login_required
@role_required(STAFF_ROLES)
def incident_detail(request: HearthRequest, incident_id: int) -> HttpResponse:
    incident, links, hidden = selectors.get_incident(request.school, request.user, incident_id)
    return render(
        request,
        "behaviour/incident.html",
        {
            "incident": incident,
            "links": links,
            "hidden": hidden,
            "escalate_form": EscalateForm() if incident.behaviour_type.escalatable else None,
        },
    )


@login_required
@role_required(STAFF_ROLES)
@require_POST
def escalate(request: HearthRequest, incident_id: int) -> HttpResponse:
    incident, _links, hidden = selectors.get_incident(request.school, request.user, incident_id)
    form = EscalateForm(request.POST)
    if hidden or not form.is_valid():
        messages.error(request, "Choose a category to pass this incident to the DSL team.")
        return redirect("behaviour:incident", incident.pk)
    try:
        reference = services.escalate_incident(
            request.user,
            incident=incident,
            category=form.cleaned_data["category"],
            summary=form.cleaned_data["summary"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Passed to the DSL team as concern {reference}.")
    return redirect("behaviour:incident", incident.pk)


@login_required
@role_required(STAFF_ROLES)
def pupil_behaviour(request: HearthRequest, pupil_id: int) -> HttpResponse:
    school = request.school
    pupil = people.get_pupil(school, request.user, pupil_id)
    start, end = academic_year_bounds(timezone.localdate())
    totals = selectors.behaviour_totals(school=school, pupil_ids=[pupil.pk], start=start, end=end)[pupil.pk]
    pastoral = bool(request.roles & EXCLUSION_VIEW_ROLES)
    return render(
        request,
        "behaviour/pupil.html",
        {
            "pupil": pupil,
            "history": selectors.pupil_history(school, request.user, pupil),
            "detentions": selectors.pupil_detentions(school, pupil),
            "cards": selectors.pupil_report_cards(school, pupil),
            "inclusion": selectors.pupil_inclusion(school, pupil) if pastoral else [],
            "exclusions": selectors.pupil_exclusions(school, pupil) if pastoral else [],
            "totals": totals,
            "peers": selectors.peer_comparison(school, pupil, start=start, end=min(end, timezone.localdate())),
            "hot_spots": {
                key: _bars(values)
                for key, values in selectors.analysis(
                    school, request.user, start=start, end=end, pupil_id=pupil.pk
                ).items()
            }
            if pastoral
            else {},
            "year_start": start,
            "pastoral": pastoral,
            "can_decide": bool(request.roles & DECIDE_ROLES),
        },
    )


# Detentions -------------------------------------------------------------------------------------


@login_required
@role_required(STAFF_ROLES)
def detentions(request: HearthRequest) -> HttpResponse:
    day = _day(request)
    return render(
        request,
        "behaviour/detentions.html",
        {
            "day": day,
            "detentions": selectors.detentions_on(request.school, request.user, day),
            "can_record": bool(request.roles & PASTORAL_ROLES),
            "form": DetentionOutcomeForm(),
        },
    )


@login_required
@role_required(PASTORAL_ROLES)
@require_POST
def detention_outcome(request: HearthRequest, detention_id: int) -> HttpResponse:
    detention = selectors.get_detention(request.school, request.user, detention_id)
    form = DetentionOutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.record_detention_outcome(request.user, detention=detention, status=form.cleaned_data["status"])
            messages.success(request, "Recorded.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "Choose attended, missed or cancelled.")
    return redirect(f"{_url('behaviour:detentions')}?date={detention.date.isoformat()}")


def _url(name: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


# Inclusion unit ---------------------------------------------------------------------------------


@login_required
@role_required(PASTORAL_ROLES)
def inclusion(request: HearthRequest) -> HttpResponse:
    day = _day(request)
    return render(
        request,
        "behaviour/inclusion.html",
        {
            "day": day,
            "bookings": selectors.inclusion_roster(request.school, request.user, day),
            "update_form": InclusionUpdateForm(),
        },
    )


@login_required
@role_required(PASTORAL_ROLES)
def inclusion_book(request: HearthRequest) -> HttpResponse:
    school, user = request.school, request.user
    today = timezone.localdate()
    visible = people.visible_pupils(school, user, on_roll_on=today)
    choices = [(p.pk, f"{p.legal_surname}, {p.forename} ({p.form.name if p.form else p.year_group})") for p in visible]
    initial: dict[str, Any] = {"date": today, "pupil": request.GET.get("pupil", "")}
    form = InclusionForm(request.POST or None, pupil_choices=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        pupil = people.get_pupil(school, user, int(data["pupil"]))
        try:
            booking, warning = services.book_inclusion(
                user,
                pupil=pupil,
                date=data["date"],
                sessions=data["sessions"],
                reason=data["reason"],
                work_set=data["work_set"],
                planned_return=data["planned_return"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"{pupil.full_name} is booked into the unit on {booking.date:%d/%m/%Y}.")
            if warning:
                messages.warning(request, warning)
            return redirect(f"{_url('behaviour:inclusion')}?date={booking.date.isoformat()}")
    return render(request, "behaviour/inclusion_book.html", {"form": form})


@login_required
@role_required(PASTORAL_ROLES)
@require_POST
def inclusion_update(request: HearthRequest, booking_id: int) -> HttpResponse:
    booking = selectors.get_booking(request.school, request.user, booking_id)
    form = InclusionUpdateForm(request.POST)
    if form.is_valid():
        services.update_inclusion(request.user, booking=booking, **form.cleaned_data)
        messages.success(request, f"Updated {booking.pupil.full_name}.")
    else:
        messages.error(request, "Choose a status.")
    return redirect(f"{_url('behaviour:inclusion')}?date={booking.date.isoformat()}")


# Suspensions and permanent exclusions ----------------------------------------------------------


@login_required
@role_required(EXCLUSION_VIEW_ROLES)
def exclusion_list(request: HearthRequest) -> HttpResponse:
    start, end = academic_year_bounds(_day(request))
    return render(
        request,
        "behaviour/exclusions.html",
        {
            "exclusions": selectors.exclusions(request.school, request.user, start=start, end=end),
            "start": start,
            "end": end,
            "can_census": bool(request.roles & CENSUS_ROLES),
        },
    )


@login_required
@role_required(DECIDE_ROLES)
def exclusion_new(request: HearthRequest, pupil_id: int) -> HttpResponse:
    school = request.school
    pupil = people.get_pupil(school, request.user, pupil_id)
    form = ExclusionForm(
        request.POST or None,
        initial={
            "start_date": timezone.localdate(),
            "has_social_worker": pupil.looked_after or pupil.previously_looked_after,
        },
    )
    year_start, year_end = academic_year_bounds(timezone.localdate())
    used = services.suspended_days(school, pupil, year_start, year_end)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exclusion = services.suspend_pupil(
                request.user,
                pupil=pupil,
                kind=data["kind"],
                start_date=data["start_date"],
                start_session=data["start_session"],
                days=data["days"],
                reasons=[data["reason_1"], data["reason_2"], data["reason_3"]],
                reasons_text=data["reasons_text"],
                misses_public_exam=data["misses_public_exam"],
                exam_date=data["exam_date"],
                has_social_worker=data["has_social_worker"],
                home_la_differs=data["home_la_differs"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "Recorded. The duties that follow, and their deadlines, are below.")
            return redirect("behaviour:exclusion", exclusion.pk)
    return render(
        request, "behaviour/exclusion_new.html", {"form": form, "pupil": pupil, "used": statutory.fmt_days(used)}
    )


def _duties(exclusion: Exclusion, calendar: SchoolCalendar) -> list[dict[str, Any]]:
    done = {
        "parents": exclusion.parent_notified_at,
        "la": exclusion.la_notified_at,
        "sw_vsh": exclusion.sw_vsh_notified_at,
        "governors": exclusion.governors_notified_at,
        "home_la": exclusion.home_la_notified_at,
        "board": exclusion.gb_meeting_date,
        "day6": exclusion.ap_start,
        "irp": exclusion.irp_requested_at,
    }
    today = timezone.localdate()
    rows = []
    for duty in statutory.duties(services.exclusion_facts(exclusion, calendar), calendar):
        when = done.get(duty.key)
        rows.append(
            {
                "duty": duty,
                "done": when,
                "overdue": when is None and duty.due is not None and duty.due < today and duty.key != "irp",
            }
        )
    return rows


@login_required
@role_required(EXCLUSION_VIEW_ROLES)
def exclusion_detail(request: HearthRequest, exclusion_id: int) -> HttpResponse:
    exclusion = selectors.get_exclusion(request.school, request.user, exclusion_id)
    calendar = SchoolCalendar.for_school(request.school)
    facts = services.exclusion_facts(exclusion, calendar)
    year_start, year_end = academic_year_bounds(exclusion.start_date)
    return render(
        request,
        "behaviour/exclusion.html",
        {
            "exclusion": exclusion,
            "duties": _duties(exclusion, calendar),
            "term_days": statutory.fmt_days(facts.term_days_including_this),
            "year_days": statutory.fmt_days(
                services.suspended_days(request.school, exclusion.pupil, year_start, year_end)
            ),
            "step_form": StepForm(),
            "cancel_form": CancelForm(),
            "can_admin": bool(request.roles & EXCLUSION_ADMIN_ROLES),
            "can_decide": bool(request.roles & DECIDE_ROLES),
            "reintegration": getattr(exclusion, "reintegration", None),
        },
    )


@login_required
@role_required(EXCLUSION_ADMIN_ROLES)
@require_POST
def exclusion_step(request: HearthRequest, exclusion_id: int) -> HttpResponse:
    exclusion = selectors.get_exclusion(request.school, request.user, exclusion_id)
    form = StepForm(request.POST)
    if form.is_valid():
        try:
            services.record_exclusion_step(request.user, exclusion=exclusion, **form.cleaned_data)
            messages.success(request, "Recorded.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "Choose what you are recording.")
    return redirect("behaviour:exclusion", exclusion.pk)


@login_required
@role_required(DECIDE_ROLES)
@require_POST
def exclusion_cancel(request: HearthRequest, exclusion_id: int) -> HttpResponse:
    exclusion = selectors.get_exclusion(request.school, request.user, exclusion_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.cancel_exclusion(request.user, exclusion=exclusion, reason=form.cleaned_data["reason"])
            messages.success(
                request, "Cancelled. Tell the parents, the governing board, the LA and any social worker / VSH."
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "Say why the exclusion is cancelled.")
    return redirect("behaviour:exclusion", exclusion.pk)


def letter_context(exclusion: Exclusion, calendar: SchoolCalendar) -> dict[str, Any]:
    carers = [
        link for link in people.carer_links(exclusion.pupil) if link.receives_correspondence and link.may_be_contacted
    ]
    day6 = None
    if statutory.needs_provision_from_day_6(exclusion.kind, services.exclusion_facts(exclusion, calendar).school_days):
        try:
            day6 = statutory.sixth_day(exclusion.start_date, calendar)
        except ValueError:
            day6 = None
    first_five_end = None
    try:
        first_five_end = calendar.add_school_days(calendar.next_school_day(exclusion.start_date), 4)
        if exclusion.end_date and exclusion.kind != Exclusion.Kind.PERMANENT:
            first_five_end = min(first_five_end, exclusion.end_date)
    except ValueError:
        pass
    return {
        "exclusion": exclusion,
        "pupil": exclusion.pupil,
        "school": exclusion.school,
        "carers": carers,
        "days": statutory.fmt_days(exclusion.days),
        "day6": day6,
        "first_five_end": first_five_end,
        "today": timezone.localdate(),
        "permanent": exclusion.kind == Exclusion.Kind.PERMANENT,
        "lunch": exclusion.kind == Exclusion.Kind.LUNCH,
    }


@login_required
@role_required(EXCLUSION_ADMIN_ROLES)
def exclusion_letter(request: HearthRequest, exclusion_id: int) -> HttpResponse:
    """The letter to parents with every statutory element of §2.2, as a PDF (WeasyPrint)."""
    from weasyprint import HTML

    exclusion = selectors.get_exclusion(request.school, request.user, exclusion_id)
    html = render_to_string(
        "behaviour/letter_pdf.html", letter_context(exclusion, SchoolCalendar.for_school(request.school))
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    audit.record(request.user, Verb.PRINT, exclusion, pupil=exclusion.pupil, reason="behaviour.letter")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="exclusion-letter-{exclusion.reference}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@role_required(EXCLUSION_ADMIN_ROLES | PASTORAL_ROLES)
def reintegration(request: HearthRequest, exclusion_id: int) -> HttpResponse:
    exclusion = selectors.get_exclusion(request.school, request.user, exclusion_id)
    existing = getattr(exclusion, "reintegration", None)
    initial = (
        {
            f: getattr(existing, f)
            for f in ("date", "attendees", "parents_attended", "goals", "support", "adjustments", "review_date")
        }
        if existing
        else {"date": exclusion.return_date}
    )
    form = ReintegrationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_reintegration(request.user, exclusion=exclusion, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "Reintegration meeting recorded.")
            return redirect("behaviour:exclusion", exclusion.pk)
    return render(request, "behaviour/reintegration.html", {"form": form, "exclusion": exclusion})


@login_required
@role_required(CENSUS_ROLES)
def census(request: HearthRequest) -> HttpResponse:
    """CSV of exclusions for a period with the census/NPD fields (§2.7)."""
    start, end = academic_year_bounds(_day(request))
    try:
        if request.GET.get("from"):
            start = dt.date.fromisoformat(request.GET["from"])
        if request.GET.get("to"):
            end = dt.date.fromisoformat(request.GET["to"])
    except ValueError:
        messages.error(request, "Give the dates as YYYY-MM-DD.")
        return redirect("behaviour:exclusions")
    rows = selectors.census_rows(
        request.school, start=start, end=end, calendar=SchoolCalendar.for_school(request.school)
    )
    audit.record(request.user, Verb.EXPORT, ("behaviour.census", f"{start}:{end}"), school=request.school)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="exclusions-{start}-{end}.csv"'
    writer = csv.DictWriter(response, fieldnames=selectors.CENSUS_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return response


# PSP --------------------------------------------------------------------------------------------


@login_required
@role_required(PASTORAL_ROLES)
def psp_list(request: HearthRequest) -> HttpResponse:
    school = request.school
    calendar = SchoolCalendar.for_school(school)
    term_start, term_end = services.statutory_term_bounds(calendar, timezone.localdate())
    return render(
        request,
        "behaviour/psps.html",
        {
            "psps": selectors.psps(school, request.user),
            "candidates": selectors.psp_candidates(
                school,
                request.user,
                term_start=term_start,
                term_end=term_end,
                trigger=services.settings_for(school).psp_trigger_suspensions_per_term,
            ),
        },
    )


@login_required
@role_required(PASTORAL_ROLES)
def psp_new(request: HearthRequest, pupil_id: int) -> HttpResponse:
    pupil = people.get_pupil(request.school, request.user, pupil_id)
    form = PSPForm(request.POST or None, initial={"start_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            psp = services.start_psp(request.user, pupil=pupil, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "PSP started.")
            return redirect("behaviour:psp", psp.pk)
    return render(request, "behaviour/psp_new.html", {"form": form, "pupil": pupil})


@login_required
@role_required(PASTORAL_ROLES)
def psp_detail(request: HearthRequest, psp_id: int) -> HttpResponse:
    psp = selectors.get_psp(request.school, request.user, psp_id)
    return render(
        request,
        "behaviour/psp.html",
        {
            "psp": psp,
            "actions": list(psp.actions.all()),
            "reviews": list(psp.reviews.select_related("reviewed_by")),
            "action_form": PSPActionForm(),
            "review_form": PSPReviewForm(initial={"date": timezone.localdate()}),
        },
    )


@login_required
@role_required(PASTORAL_ROLES)
@require_POST
def psp_action(request: HearthRequest, psp_id: int) -> HttpResponse:
    psp = selectors.get_psp(request.school, request.user, psp_id)
    form = PSPActionForm(request.POST)
    if form.is_valid():
        services.add_psp_action(request.user, psp=psp, **form.cleaned_data)
        messages.success(request, "Action added.")
    else:
        messages.error(request, "Give the task and who will do it.")
    return redirect("behaviour:psp", psp.pk)


@login_required
@role_required(PASTORAL_ROLES)
@require_POST
def psp_review(request: HearthRequest, psp_id: int) -> HttpResponse:
    psp = selectors.get_psp(request.school, request.user, psp_id)
    form = PSPReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_psp(request.user, psp=psp, **form.cleaned_data)
            messages.success(request, "Review recorded.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "Give the date, the progress and the outcome of the review.")
    return redirect("behaviour:psp", psp.pk)


# Off-site directions and managed moves (§2.8) --------------------------------------------------


@login_required
@role_required(PASTORAL_ROLES)
def move_list(request: HearthRequest) -> HttpResponse:
    return render(request, "behaviour/moves.html", {"moves": selectors.pupil_moves(request.school, request.user)})


@login_required
@role_required(PASTORAL_ROLES)
def move_new(request: HearthRequest, pupil_id: int, kind: str) -> HttpResponse:
    pupil = people.get_pupil(request.school, request.user, pupil_id)
    offsite = kind == PupilMove.Kind.OFFSITE
    form_class = OffSiteForm if offsite else ManagedMoveForm
    form = form_class(request.POST or None, initial={"start_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            if offsite:
                move = services.direct_off_site(request.user, pupil=pupil, **form.cleaned_data)
            else:
                move = services.agree_managed_move(request.user, pupil=pupil, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"{move.get_kind_display()} recorded.")
            if move.trial_period:
                messages.warning(
                    request,
                    "Trial periods are discouraged: a managed move is a permanent transfer (an off-site direction "
                    "can come first if the school wants to see how the pupil settles).",
                )
            return redirect("behaviour:move", move.pk)
    return render(
        request,
        "behaviour/move_new.html",
        {"form": form, "pupil": pupil, "offsite": offsite, "ehcp": pupil.sen_status == "E"},
    )


@login_required
@role_required(PASTORAL_ROLES)
def move_detail(request: HearthRequest, move_id: int) -> HttpResponse:
    move = selectors.get_pupil_move(request.school, request.user, move_id)
    reviews = list(move.reviews.select_related("reviewed_by"))
    today = timezone.localdate()
    facts: dict[str, Any] = {}
    if move.kind == PupilMove.Kind.OFFSITE and move.end_date:
        calendar = SchoolCalendar.for_school(request.school)
        try:
            facts["notice_deadline"] = statutory.offsite_notice_deadline(move.start_date, calendar)
        except ValueError:
            facts["notice_deadline"] = None
        facts["school_days"] = calendar.count_school_days(move.start_date, move.end_date)
        facts["request_must_be_met"] = statutory.review_request_must_be_met(today, [r.date for r in reviews])
        last = reviews[-1] if reviews else None
        facts["next_review"] = (
            last.next_review
            if last and last.next_review
            else move.start_date + dt.timedelta(weeks=move.review_every_weeks)
        )
    return render(
        request,
        "behaviour/move.html",
        {
            "move": move,
            "reviews": reviews,
            "facts": facts,
            "today": today,
            "review_form": MoveReviewForm(initial={"date": today}),
            "outcome_form": MoveOutcomeForm(kind=move.kind, initial={"date": today}),
        },
    )


@login_required
@role_required(PASTORAL_ROLES)
@require_POST
def move_review(request: HearthRequest, move_id: int) -> HttpResponse:
    move = selectors.get_pupil_move(request.school, request.user, move_id)
    form = MoveReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_move(request.user, move=move, **form.cleaned_data)
            messages.success(request, "Review recorded.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "Give the date, who asked for the review and what it found.")
    return redirect("behaviour:move", move.pk)


@login_required
@role_required(PASTORAL_ROLES)
@require_POST
def move_outcome(request: HearthRequest, move_id: int) -> HttpResponse:
    move = selectors.get_pupil_move(request.school, request.user, move_id)
    form = MoveOutcomeForm(request.POST, kind=move.kind)
    if form.is_valid():
        try:
            services.end_move(request.user, move=move, **form.cleaned_data)
            messages.success(request, "Outcome recorded.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "Choose the outcome and give its date.")
    return redirect("behaviour:move", move.pk)


# Overview ---------------------------------------------------------------------------------------


@login_required
@role_required(ANALYSIS_ROLES)
def overview(request: HearthRequest) -> HttpResponse:
    """Year-group overview: totals per pupil, pupils at risk (rising negative points) and the
    analysis by type, weekday, period and location."""
    school = request.school
    end = _day(request)
    start, _ = academic_year_bounds(end)
    year_raw = request.GET.get("year", "")
    year = int(year_raw) if year_raw.isdigit() else None
    if year is not None and not people.year_groups(school).filter(number=year).exists():
        raise Http404("No such year group.")
    rows, at_risk = selectors.year_overview(
        school,
        request.user,
        year_number=year,
        start=start,
        end=end,
        at_risk_points=services.settings_for(school).at_risk_negative_points,
    )
    tables = selectors.analysis(school, request.user, start=start, end=end, year_number=year)
    charts = {key: _bars(values) for key, values in tables.items()}
    return render(
        request,
        "behaviour/overview.html",
        {
            "rows": rows[:100],
            "count": len(rows),
            "at_risk": at_risk,
            "charts": charts,
            "year": year,
            "years": people.year_groups(school),
            "start": start,
            "end": end,
            "positive": Polarity.POSITIVE,
        },
    )


def _bars(values: list[tuple[str, int]]) -> list[dict[str, Any]]:
    top = max((n for _l, n in values), default=0) or 1
    return [{"label": label, "n": n, "pct": round(100 * n / top)} for label, n in values]


# School settings -------------------------------------------------------------------------------


@login_required
@role_required(SETTINGS_ROLES)
def types(request: HearthRequest) -> HttpResponse:
    """The school's behaviour types and their points: add one, or change one (?edit=<id>)."""
    school = request.school
    editing = None
    raw = request.GET.get("edit") or request.POST.get("edit")
    if raw and str(raw).isdigit():
        editing = BehaviourType.objects.filter(school=school, pk=int(raw)).first()
        if editing is None:
            audit.record(
                request.user, Verb.DENIED, ("behaviour.behaviourtype", raw), school=school, reason="behaviour.types"
            )
            raise Http404("No such type.")
    initial = (
        {
            f: getattr(editing, f)
            for f in ("name", "polarity", "category", "points", "template_description", "is_active")
        }
        if editing
        else {"is_active": True, "points": 1}
    )
    form = BehaviourTypeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_behaviour_type(
                request.user, school=school, behaviour_type=editing, **form.cleaned_data
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"Saved “{saved.name}”.")
            return redirect("behaviour:types")
    return render(
        request,
        "behaviour/types.html",
        {
            "form": form,
            "editing": editing,
            "types": BehaviourType.objects.filter(school=school).order_by("polarity", "name"),
        },
    )


@login_required
@role_required(GROUPS_ROLES)
def groups(request: HearthRequest) -> HttpResponse:
    """Suspensions and exclusions by group for the disproportionality questions governors and
    inspectors ask; no names, and counts below 3 suppressed."""
    start, end = academic_year_bounds(_day(request))
    rows = selectors.suspensions_by_group(request.school, start=start, end=end)
    audit.record(request.user, Verb.VIEW, ("behaviour.groups", f"{start}"), school=request.school)
    return render(request, "behaviour/groups.html", {"rows": rows, "start": start, "end": end, "below": SUPPRESS_BELOW})


# Report cards -----------------------------------------------------------------------------------


@login_required
@role_required(PASTORAL_ROLES)
def report_card_new(request: HearthRequest, pupil_id: int) -> HttpResponse:
    pupil = people.get_pupil(request.school, request.user, pupil_id)
    today = timezone.localdate()
    form = ReportCardForm(
        request.POST or None, initial={"start_date": today, "end_date": today + dt.timedelta(days=11)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            card = services.start_report_card(request.user, pupil=pupil, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"{pupil.full_name} is on report.")
            return redirect("behaviour:report_card", card.pk)
    return render(request, "behaviour/report_card_new.html", {"form": form, "pupil": pupil})


@login_required
@role_required(STAFF_ROLES)
def report_card(request: HearthRequest, card_id: int) -> HttpResponse:
    """The card: targets and each lesson's rating; any teacher who sees the pupil rates a lesson."""
    card = selectors.get_report_card(request.school, request.user, card_id)
    form = RatingForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.rate_lesson(request.user, card=card, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "Rating recorded.")
            return redirect("behaviour:report_card", card.pk)
    entries = list(card.entries.select_related("teacher"))
    average = round(sum(e.rating for e in entries) / len(entries), 1) if entries else None
    return render(
        request, "behaviour/report_card.html", {"card": card, "entries": entries, "form": form, "average": average}
    )
