"""Walks every URL pattern for every persona (see tests/permissions.py)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apps.audit.models import AuditEvent, Verb
from apps.chronology.models import Entry
from conftest import PERSONAS, login_as
from tests.permissions import EXEMPT_PREFIXES, Case


def all_cases() -> list[Case]:
    cases: list[Case] = []
    for config in apps.get_app_configs():
        if config.name.startswith("apps."):
            try:
                module = import_module(f"{config.name}.tests.permissions")
            except ModuleNotFoundError:
                continue
            cases.extend(module.CASES)
    return cases


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    resolver = resolver or get_resolver()
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            prefix = f"{namespace}{ns}:" if ns else namespace
            names |= url_names(pattern, prefix)
        elif isinstance(pattern, URLPattern):
            names.add(f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed {pattern.pattern}>")
    return names


CASES = all_cases()


def test_every_url_is_in_the_matrix() -> None:
    covered = {case.url_name for case in CASES}
    missing = sorted(name for name in url_names() if not name.startswith(EXEMPT_PREFIXES) and name not in covered)
    assert not missing, f"URLs with no permission-matrix case: {missing}"


def test_matrix_names_real_urls() -> None:
    known = url_names()
    stale = sorted({case.url_name for case in CASES} - known)
    assert not stale, f"Matrix cases for URLs that no longer exist: {stale}"


def _request(client: Client, case: Case, personas: Any) -> Any:
    url = reverse(case.url_name, kwargs=case.kwargs(personas) if case.kwargs else None)
    if case.query:
        url = f"{url}?{case.query}"
    headers = {"HX-Request": "true"} if case.htmx else {}
    data = case.data(personas) if case.data else {}
    if case.method == "GET":
        return client.get(url, data or None, headers=headers)
    return (
        client.generic(
            case.method, url, data=_encode(data), content_type="application/x-www-form-urlencoded", headers=headers
        )
        if data
        else client.generic(case.method, url, headers=headers)
    )


def _encode(data: dict[str, Any]) -> str:
    from urllib.parse import urlencode

    return urlencode(data, doseq=True)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_permission_matrix(case: Case, persona: str, personas: Any) -> None:
    client = login_as(Client(), None if persona == "anonymous" else personas.users[persona])
    entries_before = Entry.objects.count()
    audit_before = AuditEvent.objects.count()
    response = _request(client, case, personas)
    status = response.status_code
    if persona in case.allowed:
        location = response.get("Location", "")
        assert status in case.ok, f"{persona} should reach {case.id}; got {status}"
        assert case.signs_out or "/accounts/login/" not in location, f"{persona} was sent to sign in by {case.id}"
        return
    if persona == "anonymous":
        assert status in {302, 401, 403}, f"anonymous got {status} from {case.id}"
        if status == 302:
            assert "/accounts/login/" in response["Location"]
    else:
        assert status in {403, 404}, f"{persona} should be refused {case.id}; got {status}"
        denied = list(AuditEvent.objects.order_by("id"))[audit_before:]
        assert any(e.verb == Verb.DENIED for e in denied), f"refusal of {persona} at {case.id} was not audited"
        assert all(e.verb in {Verb.DENIED, Verb.LOGIN} for e in denied), "a refused request wrote to the audit log"
    assert Entry.objects.count() == entries_before, "a refused request changed the chronology"
