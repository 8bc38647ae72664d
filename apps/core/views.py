from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator

from apps.accounts.decorators import school_required
from apps.accounts.models import Role

from .panels import panels_for


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
