from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from drf_spectacular.generators import SchemaGenerator

from apps.accounts.decorators import role_required, school_required
from apps.accounts.models import AGGREGATE_ONLY_ROLES, Role
from apps.accounts.types import HearthRequest

from . import selectors, services
from .forms import AcademicYearForm, ClosureForm, TermForm, add_service_errors
from .panels import panels_for

STAFF_ROLES = set(Role.values) - AGGREGATE_ONLY_ROLES


@login_required
@school_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's home page: the panels every installed module offers for the user's roles."""
    labels = [label for value, label in Role.choices if value in request.roles]  # type: ignore[attr-defined]
    return render(request, "core/home.html", {"panels": panels_for(request), "role_labels": labels})


def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and monitoring: the app is up and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def api_docs(request: HttpRequest) -> HttpResponse:
    """Readable API reference, rendered on the server from the OpenAPI schema (no CDN assets)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for route, methods in sorted((schema or {}).get("paths", {}).items()):
        for method, op in methods.items():
            operations.append(
                {
                    "method": method.upper(),
                    "path": route,
                    "summary": op.get("summary") or op.get("description", "").split("\n")[0],
                    "id": op.get("operationId", ""),
                    "parameters": op.get("parameters", []),
                }
            )
    return render(request, "core/api_docs.html", {"operations": operations, "info": (schema or {}).get("info", {})})


@login_required
@role_required(STAFF_ROLES)
def calendar(request: HearthRequest) -> HttpResponse:
    """The school calendar: years, half-terms with their school days and sessions, closures."""
    year = selectors.pick_year(request.school, request.GET.get("year"), timezone.localdate())
    return render(
        request,
        "core/calendar.html",
        {
            "years": selectors.academic_years(request.school),
            "view": selectors.year_view(request.school, year) if year else None,
            "can_edit": Role.ADMIN in request.roles,
        },
    )


@login_required
@role_required(Role.ADMIN)
def add_year(request: HearthRequest) -> HttpResponse:
    form = AcademicYearForm(request.POST or None, initial={"start_year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            year = services.create_academic_year(
                request.user, school=request.school, start_year=form.cleaned_data["start_year"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"School year {year} added with typical half-term dates. Check them below.")
            return redirect(f"{reverse('core:calendar')}?year={year.pk}")
    return render(request, "core/calendar_form.html", {"form": form, "title": "Add a school year"})


@login_required
@role_required(Role.ADMIN)
def edit_term(request: HearthRequest, term_id: int) -> HttpResponse:
    term = selectors.get_term(request.school, request.user, term_id)
    form = TermForm(request.POST or None, initial={"start_date": term.start_date, "end_date": term.end_date})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_term(request.user, term=term, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{term} {term.academic_year} updated.")
            return redirect(f"{reverse('core:calendar')}?year={term.academic_year_id}")
    return render(
        request, "core/calendar_form.html", {"form": form, "title": f"Change the dates of {term} {term.academic_year}"}
    )


@login_required
@role_required(Role.ADMIN)
def add_closure(request: HearthRequest) -> HttpResponse:
    form = ClosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            closure = services.add_closure(request.user, school=request.school, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{closure} added to the calendar.")
            return redirect("core:calendar")
    return render(request, "core/calendar_form.html", {"form": form, "title": "Add a closure or INSET day"})


@login_required
@role_required(Role.ADMIN)
@require_POST
def remove_closure(request: HearthRequest, closure_id: int) -> HttpResponse:
    closure = selectors.get_closure(request.school, request.user, closure_id)
    label = str(closure)
    services.remove_closure(request.user, closure=closure)
    messages.success(request, f"{label} removed from the calendar.")
    return redirect("core:calendar")
