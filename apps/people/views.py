from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from apps.accounts.decorators import role_required
from apps.accounts.models import AGGREGATE_ONLY_ROLES, AUDIT_READERS, Role
from apps.accounts.types import HearthRequest
from apps.chronology import selectors as chronology_selectors

from . import selectors

STAFF_ROLES = set(Role.values) - AGGREGATE_ONLY_ROLES


@login_required
@role_required(STAFF_ROLES)
def search(request: HearthRequest) -> HttpResponse:
    """Pupil search: an htmx partial for the header box, or a full page without JavaScript."""
    query = request.GET.get("q", "").strip()[:100]
    results = selectors.search_pupils(request.school, request.user, query, limit=10 if request.htmx else 50)
    template = "people/_search_results.html" if request.htmx else "people/search.html"
    return render(request, template, {"results": results, "query": query})


@login_required
@role_required(STAFF_ROLES)
def pupil_list(request: HearthRequest) -> HttpResponse:
    today = timezone.localdate()
    pupils = selectors.visible_pupils(request.school, request.user, on_roll_on=today)
    year = request.GET.get("year", "")
    form = request.GET.get("form", "")
    if year.isdigit():
        pupils = pupils.filter(year_group__number=int(year))
    if form:
        pupils = pupils.filter(form__name=form)
    page = Paginator(pupils.order_by("legal_surname", "legal_forename"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "people/pupil_list.html",
        {
            "page": page,
            "year_groups": selectors.year_groups(request.school),
            "forms": selectors.forms(request.school),
            "year": year,
            "form": form,
        },
    )


@login_required
@role_required(STAFF_ROLES)
def pupil_profile(request: HearthRequest, pupil_id: int) -> HttpResponse:
    pupil = selectors.get_pupil(request.school, request.user, pupil_id, audit_view=True)
    entries = chronology_selectors.pupil_chronology(request.school, request.user, pupil)[:25]
    return render(
        request,
        "people/pupil_profile.html",
        {
            "pupil": pupil,
            "carer_links": selectors.carer_links(pupil),
            "siblings": selectors.siblings(pupil),
            "entries": entries,
            "today": timezone.localdate(),
            "age": pupil.age_on(timezone.localdate()),
            "profile_sections": selectors.profile_sections(request, pupil),
            "can_read_audit": bool(request.roles & AUDIT_READERS),
        },
    )
