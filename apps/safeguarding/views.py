"""Thin views: role guard, form, one service or selector, render."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.accounts.decorators import role_required
from apps.accounts.models import AGGREGATE_ONLY_ROLES, DSL_TEAM, Role, User
from apps.accounts.types import HearthRequest
from apps.people import selectors as people_selectors

from . import selectors, services
from .bodymap import place
from .forms import (
    ActionForm,
    AllegationForm,
    AmendForm,
    AttachmentForm,
    CloseAllegationForm,
    CloseForm,
    CompleteActionForm,
    ConcernForm,
    EndStatusForm,
    ImportForm,
    LadoForm,
    LinkForm,
    ReceiptForm,
    ResponseForm,
    SettingsForm,
    StatusForm,
    TransferForm,
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


DRAFT_FIELDS = (
    "pupils",
    "others_role",
    "summary",
    "occurred_at",
    "location",
    "categories",
    "immediate_risk",
    "immediate_action",
    "others_involved",
)


@login_required
@role_required(STAFF_ROLES)
def log_concern(request: HearthRequest) -> HttpResponse:
    """Any member of staff logs a concern. `?pupil=<id>` preselects a pupil (from their profile).
    An unfinished form saved as a draft is restored."""
    pupils = people_selectors.visible_pupils(request.school, request.user, on_roll_on=timezone.localdate()).order_by(
        "legal_surname", "legal_forename"
    )
    initial: dict[str, Any] = {}
    restored = None
    preselect = request.GET.get("pupil", "")
    draft = selectors.concern_draft(request.school, request.user) if request.method == "GET" else None
    if draft is not None:
        initial, restored = draft
    if preselect.isdigit() and pupils.filter(pk=int(preselect)).exists():
        initial["pupils"] = [int(preselect)]
    form = ConcernForm(request.POST or None, request.FILES or None, pupils=pupils, initial=initial)
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
                body_map=form.body_map(),
                attachments=[data["attachment"]] if data.get("attachment") else [],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"Concern {concern.reference} received. The DSL team has been alerted.")
            return redirect("safeguarding:concern", concern_id=concern.pk)
    return render(request, "safeguarding/log_concern.html", {"form": form, "restored": restored})


@login_required
@role_required(STAFF_ROLES)
@require_POST
def save_draft(request: HearthRequest) -> HttpResponse:
    """Called by draft.js as the form is typed in: keeps the unfinished concern (no files)."""
    data: dict[str, Any] = {
        name: request.POST.getlist(name) if name in {"pupils", "categories"} else request.POST.get(name, "")
        for name in DRAFT_FIELDS
    }
    data.update({k: v for k, v in request.POST.items() if k.startswith("mark_")})
    services.save_draft(request.user, school=request.school, data=data)
    return HttpResponse(status=204)


@login_required
@role_required(STAFF_ROLES)
def attachment(request: HearthRequest, attachment_id: int) -> HttpResponse:
    """A file on a concern, for the DSL team or the member of staff who added it; audited."""
    from django.http import FileResponse

    found = selectors.get_attachment(request.school, request.user, attachment_id)
    response = FileResponse(
        found.file.open("rb"), as_attachment=True, filename=found.original_name, content_type=found.content_type
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response  # type: ignore[return-value]


@login_required
@role_required(STAFF_ROLES)
@require_POST
def add_attachment(request: HearthRequest, concern_id: int) -> HttpResponse:
    concern = selectors.get_concern(request.school, request.user, concern_id)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(request.user, concern=concern, upload=form.cleaned_data["file"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "File added.")
            return redirect("safeguarding:concern", concern_id=concern.pk)
    return _detail(request, concern, status=400, attachment_form=form)


def _detail(request: HearthRequest, concern: Concern, status: int = 200, **bound: Any) -> HttpResponse:
    if not selectors.is_dsl_team(request.user, request.school):
        return render(
            request,
            "safeguarding/concern_receipt.html",
            {
                "concern": concern,
                "amendments": list(concern.amendments.filter(amended_by=request.user)),
                "attachments": list(concern.attachments.filter(uploaded_by=request.user)),
                "marks": place(list(concern.body_marks.all())),
                "attachment_form": bound.get("attachment_form") or AttachmentForm(),
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
        "attachment_form": bound.get("attachment_form") or AttachmentForm(),
        "link_form": bound.get("link_form") or LinkForm(),
        "attachments": list(concern.attachments.select_related("uploaded_by")),
        "marks": place(list(concern.body_marks.all())),
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


# Open concerns shown per page of the queue, oldest first (untriaged ones are always all shown).
OPEN_PAGE_SIZE = 50


@login_required
@role_required(DSL_TEAM)
def queue(request: HearthRequest) -> HttpResponse:
    data = selectors.triage_queue(request.school, request.user)
    open_page = Paginator(data.open, OPEN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "safeguarding/queue.html",
        {"queue": data, "open_page": open_page, "now": timezone.now(), "today": timezone.localdate()},
    )


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
            "transfer_form": TransferForm(initial={"leaving_date": pupil.leaving_date or timezone.localdate()}),
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


@login_required
@role_required(DSL_TEAM)
def transfers(request: HearthRequest) -> HttpResponse:
    return render(
        request,
        "safeguarding/transfers.html",
        {"transfers": selectors.transfers(request.school, request.user), "today": timezone.localdate()},
    )


@login_required
@role_required(DSL_TEAM)
@require_POST
def prepare_transfer(request: HearthRequest, pupil_id: int) -> HttpResponse:
    pupil = people_selectors.get_pupil(request.school, request.user, pupil_id)
    form = TransferForm(request.POST)
    if form.is_valid():
        try:
            transfer, code = services.prepare_transfer(request.user, pupil=pupil, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return render(request, "safeguarding/transfer_started.html", {"transfer": transfer, "code": code})
    else:
        messages.error(request, "Give the receiving school and the leaving date.")
    return redirect("safeguarding:pupil", pupil_id=pupil.pk)


@login_required
@role_required(DSL_TEAM)
def transfer_pack(request: HearthRequest, transfer_id: int) -> HttpResponse:
    transfer = selectors.get_transfer(request.school, request.user, transfer_id)
    pack = services.transfer_pack(request.user, transfer=transfer)
    response = JsonResponse(pack, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="cp-file-{transfer.pupil.upn}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@role_required(DSL_TEAM)
def transfer_pdf(request: HearthRequest, transfer_id: int) -> HttpResponse:
    from django.template.loader import render_to_string
    from weasyprint import HTML

    transfer = selectors.get_transfer(request.school, request.user, transfer_id)
    pack = services.transfer_pack(request.user, transfer=transfer)
    pdf = HTML(string=render_to_string("safeguarding/pack_pdf.html", {"pack": pack})).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="cp-file-{transfer.pupil.upn}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@role_required(DSL_TEAM)
def confirm_receipt(request: HearthRequest) -> HttpResponse:
    """The receiving DSL, signed in at their own school, confirms receipt with the code."""
    form = ReceiptForm(request.POST or None)
    transfer = None
    if request.method == "POST" and form.is_valid():
        try:
            transfer = services.confirm_receipt(request.user, school=request.school, code=form.cleaned_data["code"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            form = ReceiptForm()
    return render(request, "safeguarding/confirm_receipt.html", {"form": form, "transfer": transfer})


@login_required
@role_required(DSL_TEAM)
def import_pack(request: HearthRequest, pupil_id: int) -> HttpResponse:
    pupil = people_selectors.get_pupil(request.school, request.user, pupil_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.import_transfer_pack(request.user, pupil=pupil, pack=form.cleaned_data["pack"])
        except ValidationError as error:
            form.add_error("pack", error.messages)
        else:
            messages.success(request, f"{made} record(s) imported into the chronology, marked as transferred.")
            return redirect("safeguarding:pupil", pupil_id=pupil.pk)
    return render(request, "safeguarding/import_pack.html", {"form": form, "pupil": pupil})


ALLEGATION_READERS = {Role.DSL, Role.HEADTEACHER}


@login_required
@role_required(STAFF_ROLES)
def report_allegation(request: HearthRequest) -> HttpResponse:
    """Any member of staff reports a concern about an adult in school (kept apart from pupils)."""
    form = AllegationForm(request.POST or None, initial={"occurred_at": timezone.localtime().replace(second=0)})
    if request.method == "POST" and form.is_valid():
        try:
            services.report_allegation(request.user, school=request.school, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Received. The DSL and the headteacher have been told; keep this confidential.")
            return redirect("home")
    return render(request, "safeguarding/report_allegation.html", {"form": form})


@login_required
@role_required(ALLEGATION_READERS)
def allegations(request: HearthRequest) -> HttpResponse:
    return render(
        request, "safeguarding/allegations.html", {"items": selectors.allegations(request.school, request.user)}
    )


def _allegation_page(request: HearthRequest, found: Any, status: int = 200, **bound: Any) -> HttpResponse:
    return render(
        request,
        "safeguarding/allegation.html",
        {
            "item": found,
            "lado_form": bound.get("lado_form") or LadoForm(initial={"referred_on": timezone.localdate()}),
            "close_form": bound.get("close_form") or CloseAllegationForm(),
        },
        status=status,
    )


@login_required
@role_required(ALLEGATION_READERS)
def allegation(request: HearthRequest, allegation_id: int) -> HttpResponse:
    return _allegation_page(request, selectors.get_allegation(request.school, request.user, allegation_id))


@login_required
@role_required(ALLEGATION_READERS)
@require_POST
def allegation_lado(request: HearthRequest, allegation_id: int) -> HttpResponse:
    found = selectors.get_allegation(request.school, request.user, allegation_id)
    form = LadoForm(request.POST)
    if form.is_valid():
        try:
            services.refer_allegation_to_lado(request.user, allegation=found, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "LADO referral recorded.")
            return redirect("safeguarding:allegation", allegation_id=found.pk)
    return _allegation_page(request, found, status=400, lado_form=form)


@login_required
@role_required(ALLEGATION_READERS)
@require_POST
def allegation_close(request: HearthRequest, allegation_id: int) -> HttpResponse:
    found = selectors.get_allegation(request.school, request.user, allegation_id)
    form = CloseAllegationForm(request.POST)
    if form.is_valid():
        try:
            services.close_allegation(request.user, allegation=found, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Closed with its outcome.")
            return redirect("safeguarding:allegation", allegation_id=found.pk)
    return _allegation_page(request, found, status=400, close_form=form)


@login_required
@role_required(DSL_TEAM)
@require_POST
def link(request: HearthRequest, concern_id: int) -> HttpResponse:
    concern = selectors.get_concern(request.school, request.user, concern_id)
    form = LinkForm(request.POST)
    if form.is_valid():
        other = Concern.objects.filter(school=request.school, pk=form.cleaned_data["reference"]).first()
        try:
            if other is None:
                raise ValidationError({"reference": "No concern with that reference at this school."})
            services.link_concerns(request.user, concern=concern, other=other)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"Linked with {other.reference}.")
            return redirect("safeguarding:concern", concern_id=concern.pk)
    return _detail(request, concern, status=400, link_form=form)


@login_required
@role_required({Role.DSL})
def school_settings(request: HearthRequest) -> HttpResponse:
    """The DSL sets the school's time limits and pattern thresholds."""
    current = services.settings_for(request.school)
    initial = {name: getattr(current, name) for name in SettingsForm.base_fields}
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(request.user, school=request.school, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Settings saved. New concerns use the new time limits.")
            return redirect("safeguarding:settings")
    return render(request, "safeguarding/settings.html", {"form": form})
