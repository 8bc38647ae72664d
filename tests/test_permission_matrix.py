"""Walks every URL pattern for every persona (see tests/permissions.py)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
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


class _Rollback(Exception):
    pass


def _check(case: Case, persona: str, personas: Any) -> str | None:
    """Run one request as `persona`; return a description of what went wrong, or None."""
    client = login_as(Client(), None if persona == "anonymous" else personas.users[persona])
    entries_before = Entry.objects.count()
    audit_before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = _request(client, case, personas)
    status = response.status_code
    if persona in case.allowed:
        location = response.get("Location", "")
        if status not in case.ok:
            return f"{persona} should reach it; got {status}"
        if not case.signs_out and "/accounts/login/" in location:
            return f"{persona} was sent to sign in"
        return None
    if persona == "anonymous":
        if status not in {302, 401, 403}:
            return f"anonymous got {status}"
        if status == 302 and "/accounts/login/" not in response["Location"]:
            return f"anonymous was redirected to {response['Location']}, not to sign in"
    else:
        if status not in {403, 404}:
            return f"{persona} should be refused; got {status}"
        events = list(AuditEvent.objects.filter(id__gt=audit_before).values_list("verb", flat=True))
        if Verb.DENIED not in events:
            return f"the refusal of {persona} was not audited"
        if any(verb not in {Verb.DENIED, Verb.LOGIN} for verb in events):
            return f"a refused request by {persona} wrote to the audit log: {events}"
    if Entry.objects.count() != entries_before:
        return f"a refused request by {persona} changed the chronology"
    return None


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_permission_matrix(case: Case, personas: Any) -> None:
    """Every persona against one URL. Each request runs in a savepoint that is rolled back, so an
    allowed POST by one persona does not change what the next one meets."""
    problems: list[str] = []
    for persona in PERSONAS:
        try:
            with transaction.atomic():
                problem = _check(case, persona, personas)
                raise _Rollback
        except _Rollback:
            pass
        if problem:
            problems.append(problem)
    assert not problems, f"{case.id}: " + "; ".join(problems)
