"""A pupil's chronology: the page with its filters, a printable PDF, and adding a note."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone

from apps.accounts.decorators import role_required
from apps.accounts.models import AGGREGATE_ONLY_ROLES, AUDIT_READERS, PASTORAL_TEAM, Role
from apps.accounts.selectors import staff_with_role
from apps.accounts.types import HearthRequest
from apps.people import selectors as people_selectors

from . import selectors, services
from .forms import ChronologyFilterForm, NoteForm
from .rules import can_add_note

STAFF_ROLES = set(Role.values) - AGGREGATE_ONLY_ROLES


@login_required
@role_required(STAFF_ROLES)
def pupil_chronology(request: HearthRequest, pupil_id: int) -> HttpResponse:
    pupil = people_selectors.get_pupil(request.school, request.user, pupil_id, audit_view=True)
    form = ChronologyFilterForm(request.GET or None)
    entries = selectors.pupil_chronology(request.school, request.user, pupil, **form.filters())
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "chronology/pupil.html",
        {
            "pupil": pupil,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_add_note": can_add_note(request.user, pupil),
        },
    )


@login_required
@role_required(STAFF_ROLES)
def pupil_chronology_pdf(request: HearthRequest, pupil_id: int) -> HttpResponse:
    from weasyprint import HTML

    pupil = people_selectors.get_pupil(request.school, request.user, pupil_id)
    form = ChronologyFilterForm(request.GET or None)
    filters = form.filters()
    entries = selectors.pupil_chronology_for_print(request.school, request.user, pupil, **filters)
    html = render_to_string(
        "chronology/pupil_pdf.html",
        {
            "pupil": pupil,
            "entries": entries,
            "school": request.school,
            "printed_by": request.user,
            "printed_at": timezone.localtime(),
            "filters": filters,
        },
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="chronology-{pupil.upn}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@role_required(PASTORAL_TEAM)
def add_note(request: HearthRequest, pupil_id: int) -> HttpResponse:
    pupil = people_selectors.get_pupil(request.school, request.user, pupil_id)
    now = timezone.localtime()
    staff = [u for u in staff_with_role(request.school, *PASTORAL_TEAM) if u.pk != request.user.pk]
    form = NoteForm(
        request.POST or None,
        initial={"occurred_on": now.strftime("%d/%m/%Y"), "occurred_time": now.strftime("%H:%M")},
        staff=sorted(staff, key=lambda u: (u.last_name, u.first_name)),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_note(
                request.user,
                pupil=pupil,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                occurred_at=form.occurred_at(),
                kind=form.cleaned_data["kind"],
                confidentiality=form.cleaned_data["confidentiality"],
                restricted_to=form.restricted_users(),
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                target = "occurred_on" if field == "occurred_at" else field
                for problem in problems:
                    form.add_error(target if target in form.fields else None, problem)
        else:
            messages.success(request, "The note is on the chronology.")
            return redirect("chronology:pupil", pupil_id=pupil.pk)
    return render(request, "chronology/add_note.html", {"pupil": pupil, "form": form})


@login_required
@role_required(AUDIT_READERS)
def subject_access(request: HearthRequest, pupil_id: int) -> HttpResponse:
    """A subject access request: a form for the date the request was received, then a JSON file
    of what Hearth holds about the pupil, to review and redact before anything is disclosed."""
    import json

    from django import forms

    class ReceivedForm(forms.Form):
        received = forms.DateField(label="Date the request was received (dd/mm/yyyy)", input_formats=["%d/%m/%Y"])

    pupil = people_selectors.get_pupil(request.school, request.user, pupil_id)
    form = ReceivedForm(request.POST or None, initial={"received": timezone.localdate().strftime("%d/%m/%Y")})
    if request.method == "POST" and form.is_valid():
        data = selectors.subject_access_export(
            request.school, request.user, pupil, received=form.cleaned_data["received"]
        )
        response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="subject-access-{pupil.upn}.json"'
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "chronology/subject_access.html", {"pupil": pupil, "form": form})
