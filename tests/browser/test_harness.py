"""Tests of the browser-test harness itself: a check that never fails protects nothing.

Each test plants one known problem (an image with no text, low contrast, a tiny target, an inline
script, a console error, an uncaught error) and asserts the harness reports it; and a clean page
passes. The last tests check how test_every_page.py plans its walk over the permission matrix.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.permissions import ANONYMOUS, DSL_TEAM, SIGNED_IN, STAFF, Case

from .helpers import (
    assert_accessible,
    axe_violations,
    clear_page_problems,
    new_context,
    page_problems,
    sign_in,
)
from .test_every_page import KNOWN_FAILURES, PLAN, PREFERENCE, batches, page_cases, page_url, plan

CLEAN = """<!doctype html><html lang="en-GB"><head><title>Planted</title></head>
<body><main><h1>Planted page</h1>{body}</main></body></html>"""


def planted(page: Page, body: str) -> Page:
    page.set_content(CLEAN.format(body=body))
    return page


def rule_ids(page: Page) -> set[str]:
    return {violation["id"] for violation in axe_violations(page)}


def test_axe_passes_a_clean_page(page: Page) -> None:
    planted(page, "<p>Nothing wrong here.</p>")
    assert rule_ids(page) == set()
    assert_accessible(page)


def test_axe_reports_an_image_without_a_text_alternative(page: Page) -> None:
    planted(page, '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">')
    assert "image-alt" in rule_ids(page)
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)


def test_axe_reports_text_with_too_little_contrast(page: Page) -> None:
    planted(page, '<p style="color:#bbbbbb;background:#ffffff">Pale grey on white</p>')
    assert "color-contrast" in rule_ids(page)


def test_axe_reports_a_form_field_with_no_label(page: Page) -> None:
    planted(page, '<form><input type="text" name="q"></form>')
    assert "label" in rule_ids(page)


def test_axe_checks_wcag_2_2_target_size(page: Page) -> None:
    """axe leaves target-size (WCAG 2.5.8) off by default; the harness turns it on."""
    tiny = "width:10px;height:10px;padding:0;margin:0;border:0"
    buttons = "".join(f'<button type="button" style="{tiny}">{n}</button>' for n in range(4))
    planted(page, f'<div style="display:flex">{buttons}</div>')
    assert "target-size" in rule_ids(page)


def test_an_inline_script_is_refused_by_the_csp_and_reported(page: Page, live_server) -> None:
    page.goto("/accounts/login/")
    assert page_problems(page) == []
    with page.expect_console_message(lambda m: m.type == "error"):
        page.evaluate(
            """() => {
              const script = document.createElement("script");
              script.textContent = "window.plantedRan = true;";
              document.body.appendChild(script);
            }"""
        )
    assert page.evaluate("() => window.plantedRan === undefined"), "the CSP let an inline script run"
    problems = page_problems(page)
    assert any("script-src" in p or "Content Security Policy" in p for p in problems), problems
    with pytest.raises(AssertionError, match="console/CSP problem"):
        assert_accessible(page)


def test_an_inline_style_attribute_is_refused_by_the_csp_and_reported(page: Page, live_server) -> None:
    page.goto("/accounts/login/")
    with page.expect_console_message(lambda m: m.type == "error"):
        page.evaluate("""() => { document.querySelector("h1").setAttribute("style", "color: red"); }""")
    assert any("style-src" in p or "Content Security Policy" in p for p in page_problems(page))


def test_console_errors_and_uncaught_exceptions_are_reported(page: Page, live_server) -> None:
    page.goto("/accounts/login/")
    with page.expect_console_message(lambda m: m.type == "error"):
        page.evaluate("() => console.error('planted console error')")
    with page.expect_event("pageerror"):
        page.evaluate("() => { setTimeout(() => { throw new Error('planted uncaught error'); }, 0); }")
    problems = "\n".join(page_problems(page))
    assert "planted console error" in problems
    assert "planted uncaught error" in problems

    clear_page_problems(page)
    assert page_problems(page) == []


def test_the_real_sign_in_page_passes_every_check(page: Page, live_server) -> None:
    page.goto("/accounts/login/")
    assert_accessible(page)


def test_signing_in_twice_within_one_totp_step_works(page: Page, live_server, personas, browser) -> None:
    """django-otp refuses a reused code; totp_code moves to the next step when it must."""
    sign_in(page, live_server, personas.dsl)
    second = new_context(browser, live_server.url)
    try:
        sign_in(second.new_page(), live_server, personas.dsl)
    finally:
        second.close()


# How test_every_page.py plans its walk.


def test_public_pages_are_opened_by_an_anonymous_visitor() -> None:
    planned = plan([Case("accounts:login", SIGNED_IN | ANONYMOUS)])
    assert list(planned) == ["anonymous"]
    assert [visit.persona for visit in planned["anonymous"]] == ["anonymous"]


def test_a_page_is_opened_by_the_first_allowed_persona_in_the_preference() -> None:
    assert plan([Case("people:list", STAFF)])["dsl"][0].case.url_name == "people:list"
    assert list(plan([Case("people:list", frozenset({"teacher", "governor"}))])) == ["teacher"]
    assert list(plan([Case("people:list", DSL_TEAM - {"dsl"})])) == ["deputy_dsl"]


def test_the_home_page_is_opened_by_every_role_allowed_it() -> None:
    planned = plan([Case("home", SIGNED_IN)])
    assert set(planned) == set(SIGNED_IN)


def test_posts_and_htmx_fragments_are_not_opened_as_pages() -> None:
    cases = [
        Case("accounts:logout", SIGNED_IN, method="POST"),
        Case("people:search", STAFF, htmx=True),
        Case("people:search", STAFF),
    ]
    assert page_cases(cases) == [cases[2]]


def test_every_persona_in_the_preference_is_a_real_persona() -> None:
    from conftest import PERSONAS

    assert set(PREFERENCE) == set(PERSONAS)
    assert set(PLAN) <= set(PERSONAS)


def test_every_known_failure_says_why() -> None:
    for key, known in KNOWN_FAILURES.items():
        assert known.rule, f"KNOWN_FAILURES[{key!r}] must name the one axe rule it tolerates"
        assert len(known.reason.split()) >= 10, f"KNOWN_FAILURES[{key!r}] needs a real justification and fix"


def test_the_walk_is_cut_into_batches_that_keep_the_plan_order() -> None:
    cases = [Case("people:list", STAFF, note=str(n)) for n in range(3)] + [Case("home", frozenset({"teacher"}))]
    planned = batches(plan(cases), size=2)
    assert list(planned) == ["1:dsl", "2:dsl..teacher"]
    assert [visit.persona for visits in planned.values() for visit in visits] == ["dsl", "dsl", "dsl", "teacher"]


def test_a_page_url_is_built_as_the_matrix_requests_it(personas) -> None:
    made: dict[int, dict] = {}
    calls = []

    def one_record(p):
        calls.append(p)
        return {"pupil_id": p.pupil.pk}

    profile = Case("people:profile", STAFF, kwargs=one_record)
    again = Case("people:profile", STAFF, kwargs=one_record, note="again")
    assert page_url(profile, personas, made) == f"/pupils/{personas.pupil.pk}/"
    assert page_url(again, personas, made) == f"/pupils/{personas.pupil.pk}/"
    assert len(calls) == 1, "a kwargs function that makes a record runs once per test"

    search = Case("people:search", STAFF, query="q=Amelia", data=lambda p: {"year": 9})
    assert page_url(search, personas, made) == "/pupils/search/?q=Amelia&year=9"
