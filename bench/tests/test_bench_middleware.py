"""The bench headers: present only when HEARTH_BENCH is on, and they count real queries."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings

from apps.accounts.models import User
from apps.core.bench_middleware import BenchMiddleware

BENCH = "apps.core.bench_middleware.BenchMiddleware"


def test_off_unless_hearth_bench():
    with override_settings(HEARTH_BENCH=False), pytest.raises(MiddlewareNotUsed):
        BenchMiddleware(lambda request: HttpResponse())


@pytest.mark.django_db
def test_counts_the_queries_of_the_view():
    def view(request):
        list(User.objects.all())
        list(User.objects.filter(username="x"))
        return HttpResponse("ok")

    with override_settings(HEARTH_BENCH=True):
        middleware = BenchMiddleware(view)
    response = middleware(RequestFactory().get("/"))
    assert response["X-Hearth-Queries"] == "2"
    assert float(response["X-Hearth-Server-Time"]) >= 0
    assert float(response["X-Hearth-Server-CPU"]) >= 0
    assert response["Server-Timing"].startswith("app;dur=")


@pytest.mark.django_db
def test_headers_on_a_real_page_only_when_on():
    middleware = [BENCH, *(m for m in settings.MIDDLEWARE if m != BENCH)]
    with override_settings(MIDDLEWARE=middleware, HEARTH_BENCH=True):
        response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert int(response["X-Hearth-Queries"]) >= 0
    with override_settings(MIDDLEWARE=middleware, HEARTH_BENCH=False):
        response = Client().get("/accounts/login/")
    assert "X-Hearth-Queries" not in response
