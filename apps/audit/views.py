"""The audit log pages: the whole log with filters, and who has looked at one pupil's records."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from apps.accounts.decorators import role_required
from apps.accounts.models import AUDIT_READERS
from apps.accounts.types import HearthRequest
from apps.people import selectors as people_selectors

from . import selectors
from .forms import AuditFilterForm


@login_required
@role_required(AUDIT_READERS)
def index(request: HearthRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    events = selectors.school_events(request.school, request.user, **form.filters())
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    pupils = selectors.pupils_named(request.school, list(page.object_list))
    for event in page.object_list:
        event.pupil_obj = pupils.get(event.pupil_id or 0)  # type: ignore[attr-defined]
    return render(request, "audit/index.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
@role_required(AUDIT_READERS)
def pupil_access(request: HearthRequest, pupil_id: int) -> HttpResponse:
    pupil = people_selectors.get_pupil(request.school, request.user, pupil_id)
    people, events = selectors.pupil_access(request.school, request.user, pupil)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, "audit/pupil_access.html", {"pupil": pupil, "people": people, "page": page})
