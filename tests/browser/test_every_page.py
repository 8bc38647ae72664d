"""Every page in the permission matrix, opened in a real browser by someone allowed to see it.

The pages come from the matrix itself (`CASES` in every app's `apps/<app>/tests/permissions.py`),
so a module's new page is checked here as soon as it has its matrix case. For each GET case, one
allowed persona opens the page (anonymous visitors for public pages, otherwise the first allowed
persona in `PREFERENCE`: the DSL sees the most) and the page must have:

- a success status that is not a bounce to the sign-in page;
- zero serious or critical axe-core violations (WCAG 2.2 AA, target size included);
- no console error, uncaught script error or Content-Security-Policy violation.

The home page is different for every role (each module adds its own panels), so it is opened by
every allowed persona. Responses that are not HTML (the health check, the OpenAPI schema, JSON API
roots, CSV downloads) are only checked for their status. htmx fragments are checked inside their full page.

To stay fast, each persona gets a signed-in session (second factor verified, as the permission
matrix's `login_as` gives it; the sign-in pages themselves are tested in test_foundation.py) and
walks its pages in the test's one browser context and page; a failure on one page is
collected and the walk goes on, so one run reports every broken page. The walk is cut into tests of
`BATCH` pages, so pytest-xdist can share them between workers.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from dataclasses import dataclass
from importlib import import_module
from itertools import groupby
from typing import Any
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from conftest import PERSONAS
from tests.permissions import Case

from .helpers import (
    axe_violations,
    clear_page_problems,
    format_violations,
    new_context,
    page_problems,
    preload_axe,
    sign_in_by_cookie,
    watch,
)

# Who opens a page that several personas may open: the first of these in the case's `allowed`.
PREFERENCE = (
    "anonymous",
    "dsl",
    "headteacher",
    "pastoral_lead",
    "admin",
    "senco",
    "attendance_officer",
    "head_of_year",
    "form_tutor",
    "teacher",
    *PERSONAS,
)

# Pages whose content depends on the role, opened by every persona allowed to see them.
EVERY_ROLE = frozenset({"home"})


@dataclass(frozen=True)
class Known:
    """One axe rule tolerated on one page, with why and what would fix it."""

    rule: str
    reason: str


# Pages with a known axe violation that is not ours to fix in this file. Keys are "<case id>" or
# "<case id> as <persona>"; only the named axe rule is tolerated there (anything else on the page
# still fails). When the page stops breaking the rule, the run warns that the entry can go (a
# warning, not a failure, so the module that fixes its page does not break this test).
# For example: "GET app:page": Known("color-contrast", "Why it cannot be fixed here yet, and the fix.").
KNOWN_FAILURES: dict[str, Known] = {}

# Pages per test: big enough that building personas and emptying the database (a second or two on
# PostgreSQL) is paid rarely, small enough for pytest-xdist to share the tests between workers.
BATCH = 15


def matrix_cases() -> list[Case]:
    """Every app's permission-matrix cases (as tests/test_permission_matrix.py collects them)."""
    cases: list[Case] = []
    for config in apps.get_app_configs():
        if config.name.startswith("apps."):
            try:
                module = import_module(f"{config.name}.tests.permissions")
            except ModuleNotFoundError:
                continue
            cases.extend(module.CASES)
    return cases


@dataclass(frozen=True)
class Visit:
    case: Case
    persona: str

    @property
    def id(self) -> str:
        return f"{self.case.id} as {self.persona}"


def page_cases(cases: list[Case]) -> list[Case]:
    """The cases that are whole pages: GET, not an htmx fragment, allowed to someone."""
    return [case for case in cases if case.method == "GET" and not case.htmx and case.allowed]


def plan(cases: list[Case]) -> dict[str, list[Visit]]:
    """{persona: the pages they open}, in a stable order."""
    visits: dict[str, list[Visit]] = defaultdict(list)
    for case in page_cases(cases):
        if case.url_name in EVERY_ROLE:
            for persona in sorted(case.allowed - {"anonymous"}) or ["anonymous"]:
                visits[persona].append(Visit(case, persona))
        else:
            persona = next(p for p in PREFERENCE if p in case.allowed)
            visits[persona].append(Visit(case, persona))
    return {persona: visits[persona] for persona in sorted(visits, key=PREFERENCE.index)}


PLAN = plan(matrix_cases())


def batches(planned: dict[str, list[Visit]], size: int = BATCH) -> dict[str, list[Visit]]:
    """{test id: up to `size` visits}, in plan order. A test signs each of its personas in once;
    fewer, fuller tests spend less time building personas and emptying the database."""
    flat = [visit for visits in planned.values() for visit in visits]
    result: dict[str, list[Visit]] = {}
    for start in range(0, len(flat), size):
        chunk = flat[start : start + size]
        first, last = chunk[0].persona, chunk[-1].persona
        result[f"{start // size + 1}:{first}" + (f"..{last}" if last != first else "")] = chunk
    return result


BATCHES = batches(PLAN)


def page_url(case: Case, personas: Any, made: dict[int, dict[str, Any]]) -> str:
    """The case's URL, as the permission matrix requests it (GET data becomes the query string).

    The matrix calls `kwargs` in a savepoint it rolls back; here every case of a test shares one
    database, so a `kwargs` function that makes a record (often with fixed unique values) is called
    once per test and its record reused by every case that names the same function."""
    kwargs = None
    if case.kwargs:
        key = id(case.kwargs)
        if key not in made:
            made[key] = case.kwargs(personas)
        kwargs = made[key]
    url = reverse(case.url_name, kwargs=kwargs)
    data = urlencode(case.data(personas), doseq=True) if case.data else ""
    query = "&".join(part for part in (case.query, data) if part)
    return f"{url}?{query}" if query else url


def check_visit(context: BrowserContext, page: Page, visit: Visit, url: str) -> str | None:
    """Open one page in `page`; describe what is wrong with it, or return None. A rule tolerated by
    KNOWN_FAILURES is left out; if it is no longer broken, a warning says the entry can go."""
    case = visit.case
    known = KNOWN_FAILURES.get(visit.id) or KNOWN_FAILURES.get(case.id)
    # Ask first with the context's cookies: a schema or a CSV would start a download, not a page.
    probe = context.request.get(url)
    if probe.status >= 400:
        return f"{url} answered {probe.status}"
    if "/accounts/login/" in probe.url and case.url_name != "accounts:login":
        return f"{url} sent {visit.persona} to sign in"
    if "text/html" not in probe.headers.get("content-type", ""):
        return None
    clear_page_problems(page)
    try:
        response = page.goto(url)
    except PlaywrightError as error:
        return f"{url} did not load: {error.message.splitlines()[0]}"
    if response is None or response.status >= 400:
        return f"{url} answered {response.status if response else 'nothing'} in the browser"
    violations = axe_violations(page)
    if known:
        if not any(v["id"] == known.rule for v in violations):
            warnings.warn(f"{visit.id} no longer breaks {known.rule}: remove it from KNOWN_FAILURES", stacklevel=1)
        violations = [v for v in violations if v["id"] != known.rule]
    problems = page_problems(page)
    if not violations and not problems:
        return None
    lines = [f"{url} (ended at {page.url}):"]
    if violations:
        lines.append(format_violations(violations))
    lines.extend(f"- {p}" for p in problems)
    return "\n".join(lines)


@pytest.mark.parametrize("batch", list(BATCHES))
def test_every_page_is_accessible(batch: str, browser: Browser, live_server: Any, personas: Any) -> None:
    visits = BATCHES[batch]
    failures: list[str] = []
    made: dict[int, dict[str, Any]] = {}
    # One context and one page for the whole test (a new one costs a renderer process, a second or
    # more on a busy machine); each persona in turn gets its own session cookie in it.
    context = preload_axe(new_context(browser, live_server.url))
    try:
        page = watch(context.new_page())
        for persona, persona_visits in groupby(visits, key=lambda visit: visit.persona):
            context.clear_cookies()
            if persona != "anonymous":
                sign_in_by_cookie(context, live_server, personas.users[persona])
            for visit in persona_visits:
                try:
                    url = page_url(visit.case, personas, made)
                except Exception as error:  # a broken case is reported; the walk goes on
                    problem: str | None = f"could not build its URL: {error!r}"
                else:
                    problem = check_visit(context, page, visit, url)
                if problem:
                    failures.append(f"{visit.id}: {problem}")
    finally:
        context.close()

    assert not failures, f"{len(failures)} of {len(visits)} page(s) failed:\n\n" + "\n\n".join(failures)


def test_the_plan_covers_every_page_in_the_matrix() -> None:
    """Every whole-page GET case is visited by someone allowed to open it."""
    planned = {visit.case for visits in PLAN.values() for visit in visits}
    assert set(page_cases(matrix_cases())) == planned
    for persona, visits in PLAN.items():
        assert all(persona in visit.case.allowed for visit in visits)
    batched = [visit for visits in BATCHES.values() for visit in visits]
    assert batched == [visit for visits in PLAN.values() for visit in visits]
    stale = set(KNOWN_FAILURES) - {key for vs in PLAN.values() for v in vs for key in (v.id, v.case.id)}
    assert not stale, f"KNOWN_FAILURES names pages that are no longer in the matrix: {sorted(stale)}"
