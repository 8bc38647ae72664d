"""Thin views: role guard, form, one service or selector, render."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.accounts.decorators import role_required
from apps.accounts.models import AGGREGATE_ONLY_ROLES, DSL_TEAM, Role, User
from apps.accounts.types import HearthRequest
from apps.people import selectors as people_selectors

from . import selectors, services
from .forms import (
    ActionForm,
    AmendForm,
    CloseForm,
    CompleteActionForm,
    ConcernForm,
    EndStatusForm,
    ResponseForm,
    StatusForm,
    TriageForm,
)
from .models import Concern, ConcernPupil, Decision

STAFF_ROLES = set(Role.values) - AGGREGATE_ONLY_ROLES


def _apply_errors(form: django_forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def _staff(request: HearthRequest) -> Any:
    return (
        User.objects.filter(memberships__school=request.school, memberships__is_active=True, is_active=True)
        .exclude(memberships__role__in=AGGREGATE_ONLY_ROLES)
        .distinct()
    )


@login_required
@role_required(STAFF_ROLES)
def log_concern(request: HearthRequest) -> HttpResponse:
    """Any member of staff logs a concern. `?pupil=<id>` preselects a pupil (from their profile)."""
    pupils = people_selectors.visible_pupils(request.school, request.user, on_roll_on=timezone.localdate()).order_by(
        "legal_surname", "legal_forename"
    )
    initial: dict[str, Any] = {}
    preselect = request.GET.get("pupil", "")
    if preselect.isdigit() and pupils.filter(pk=int(preselect)).exists():
        initial["pupils"] = [int(preselect)]
    form = ConcernForm(request.POST or None, pupils=pupils, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = list(data["pupils"])
        if preselect.isdigit():  # the pupil whose profile it came from is the subject
            chosen.sort(key=lambda p: p.pk != int(preselect))
        roles = {
            p.pk: (ConcernPupil.Role.SUBJECT if i == 0 else data["others_role"] or "other")
            for i, p in enumerate(chosen)
        }
        try:
            concern = services.log_concern(
                request.user,
                school=request.school,
                pupils=chosen,
                summary=data["summary"],
                occurred_at=data["occurred_at"],
                category=data["categories"] or "OTHER",
                location=data["location"],
                immediate_risk=data["immediate_risk"],
                immediate_action=data["immediate_action"],
                others_involved=data["others_involved"],
                roles=roles,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"Concern {concern.reference} received. The DSL team has been alerted.")
            return redirect("safeguarding:concern", concern_id=concern.pk)
    return render(request, "safeguarding/log_concern.html", {"form": form})


def _detail(request: HearthRequest, concern: Concern, status: int = 200, **bound: Any) -> HttpResponse:
    if not selectors.is_dsl_team(request.user, request.school):
        return render(
            request,
            "safeguarding/concern_receipt.html",
            {
                "concern": concern,
                "amendments": list(concern.amendments.filter(amended_by=request.user)),
                "amend_form": bound.get("amend_form")
                or AmendForm(initial={"summary": selectors.current_account(concern)}),
            },
            status=status,
        )
    context: dict[str, Any] = {
        "concern": concern,
        "account": selectors.current_account(concern),
        **selectors.concern_history(concern),
        "amend_form": bound.get("amend_form") or AmendForm(initial={"summary": selectors.current_account(concern)}),
        "triage_form": bound.get("triage_form") or TriageForm(),
        "action_form": bound.get("action_form") or ActionForm(staff=_staff(request)),
        "close_form": bound.get("close_form") or CloseForm(),
        "response_form": bound.get("response_form") or ResponseForm(initial={"received_on": timezone.localdate()}),
        "complete_form": CompleteActionForm(),
        "now": timezone.now(),
        "today": timezone.localdate(),
        "referral_decisions": [d.value for d in Decision],
    }
    return render(request, "safeguarding/concern_detail.html", context, status=status)


@login_required
@role_required(STAFF_ROLES)
def concern_detail(request: HearthRequest, concern_id: int) -> HttpResponse:
    concern = selectors.get_concern(request.school, request.user, concern_id)
    return _detail(request, concern)


@login_required
@role_required(STAFF_ROLES)
@require_POST
def amend(request: HearthRequest, concern_id: int) -> HttpResponse:
    concern = selectors.get_concern(request.school, request.user, concern_id)
    form = AmendForm(request.POST)
    if form.is_valid():
        try:
            services.amend_concern(request.user, concern=concern, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Amendment saved. The earlier version is kept.")
            return redirect("safeguarding:concern", concern_id=concern.pk)
    return _detail(request, concern, status=400, amend_form=form)


@login_required
@role_required(DSL_TEAM)
@require_POST
def acknowledge(request: HearthRequest, concern_id: int) -> HttpResponse:
    concern = selectors.get_concern(request.school, request.user, concern_id)
    services.acknowledge_concern(request.user, concern=concern)
    messages.success(request, "You are now handling this concern.")
    return redirect("safeguarding:concern", concern_id=concern.pk)


@login_required
@role_required(DSL_TEAM)
@require_POST
def triage(request: HearthRequest, concern_id: int) -> HttpResponse:
    concern = selectors.get_concern(request.school, request.user, concern_id)
    form = TriageForm(request.POST)
    if form.is_valid():
        try:
            services.triage_concern(request.user, concern=concern, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Decision and reason recorded.")
            return redirect("safeguarding:concern", concern_id=concern.pk)
    return _detail(request, concern, status=400, triage_form=form)


@login_required
@role_required(DSL_TEAM)
@require_POST
def record_response(request: HearthRequest, concern_id: int, decision_id: int) -> HttpResponse:
    concern = selectors.get_concern(request.school, request.user, concern_id)
    decision = concern.decisions.filter(pk=decision_id).first()
    form = ResponseForm(request.POST)
    if decision is not None and form.is_valid():
        try:
            services.record_referral_response(request.user, decision=decision, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Response recorded.")
            return redirect("safeguarding:concern", concern_id=concern.pk)
    elif decision is None:
        form.add_error(None, "That decision is not part of this concern.")
    return _detail(request, concern, status=400, response_form=form)


@login_required
@role_required(DSL_TEAM)
@require_POST
def add_action(request: HearthRequest, concern_id: int) -> HttpResponse:
    concern = selectors.get_concern(request.school, request.user, concern_id)
    form = ActionForm(request.POST, staff=_staff(request))
    if form.is_valid():
        try:
            services.add_action(request.user, concern=concern, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Action added.")
            return redirect("safeguarding:concern", concern_id=concern.pk)
    return _detail(request, concern, status=400, action_form=form)


@login_required
@role_required(STAFF_ROLES)
@require_POST
def complete_action(request: HearthRequest, action_id: int) -> HttpResponse:
    action = selectors.get_action(request.school, request.user, action_id)
    form = CompleteActionForm(request.POST)
    if form.is_valid():
        try:
            services.complete_action(request.user, action=action, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Action updated.")
    else:
        messages.error(request, "Write the outcome of the action.")
    if selectors.is_dsl_team(request.user, request.school):
        return redirect("safeguarding:concern", concern_id=action.concern_id)
    return redirect("safeguarding:mine")


@login_required
@role_required(DSL_TEAM)
@require_POST
def close(request: HearthRequest, concern_id: int) -> HttpResponse:
    concern = selectors.get_concern(request.school, request.user, concern_id)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.close_concern(request.user, concern=concern, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Concern closed with its outcome.")
            return redirect("safeguarding:concern", concern_id=concern.pk)
    return _detail(request, concern, status=400, close_form=form)


@login_required
@role_required(DSL_TEAM)
def queue(request: HearthRequest) -> HttpResponse:
    data = selectors.triage_queue(request.school, request.user)
    return render(request, "safeguarding/queue.html", {"queue": data, "now": timezone.now()})


@login_required
@role_required(STAFF_ROLES)
def mine(request: HearthRequest) -> HttpResponse:
    """The concerns I have logged (received, who is handling) and the actions I own."""
    return render(
        request,
        "safeguarding/mine.html",
        {
            "concerns": selectors.concerns_logged_by(request.school, request.user),
            "actions": selectors.actions_owned_by(request.school, request.user),
            "complete_form": CompleteActionForm(),
        },
    )


def _pupil_page(request: HearthRequest, pupil: Any, status: int = 200, status_form: Any = None) -> HttpResponse:
    return render(
        request,
        "safeguarding/pupil.html",
        {
            "pupil": pupil,
            "links": selectors.pupil_concerns(request.school, request.user, pupil),
            "statuses": selectors.pupil_statuses(request.school, request.user, pupil),
            "status_form": status_form or StatusForm(initial={"start_date": timezone.localdate()}),
            "end_form": EndStatusForm(initial={"end_date": timezone.localdate()}),
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
@role_required(DSL_TEAM)
def pupil_file(request: HearthRequest, pupil_id: int) -> HttpResponse:
    pupil = people_selectors.get_pupil(request.school, request.user, pupil_id)
    return _pupil_page(request, pupil)


@login_required
@role_required(DSL_TEAM)
@require_POST
def add_status(request: HearthRequest, pupil_id: int) -> HttpResponse:
    pupil = people_selectors.get_pupil(request.school, request.user, pupil_id)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.set_status(request.user, pupil=pupil, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Status recorded.")
            return redirect("safeguarding:pupil", pupil_id=pupil.pk)
    return _pupil_page(request, pupil, status=400, status_form=form)


@login_required
@role_required(DSL_TEAM)
@require_POST
def end_status(request: HearthRequest, status_id: int) -> HttpResponse:
    status = selectors.get_status(request.school, request.user, status_id)
    form = EndStatusForm(request.POST)
    if form.is_valid():
        try:
            services.end_status(request.user, status=status, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Status ended; its history is kept.")
    else:
        messages.error(request, "Give the end date and the reason.")
    return redirect("safeguarding:pupil", pupil_id=status.pupil_id)
