"""Helpers for browser tests: sign in through the real pages, and check a page with axe.

`watch(page)` (done for you by the `page` fixture) records console errors, uncaught script errors
and Content-Security-Policy violations; `assert_accessible(page)` fails on any of them and on every
axe violation of impact "serious" or "critical".
"""

from __future__ import annotations

import re
import time
import weakref
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Page

TIMEOUT_MS = 10_000  # a page on the live server answers in well under a second; fail fast, not after 30 s
PASSWORD = "correct-horse-battery"  # every UserFactory user's password (apps/accounts/tests/factories.py)
FAILING_IMPACTS = ("serious", "critical")
# axe-core's default rule set, plus WCAG 2.2's target size (2.5.8, 24 by 24 CSS px), which axe
# leaves off by default.
AXE_OPTIONS: dict[str, Any] = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}

_AXE = Axe()  # the axe-core bundled with axe-playwright-python, read once (no CDN, no npm)
_PROBLEMS: weakref.WeakKeyDictionary[Page, list[str]] = weakref.WeakKeyDictionary()

# Runs in every document before the page's own scripts (Playwright injects it through the
# DevTools protocol, so the CSP does not block it). Chromium logs most CSP refusals to the console
# as errors already; this also catches the ones it only reports as events.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline code")
    + " at " + (e.sourceFile || document.location.href) + ":" + e.lineNumber);
});
"""


def new_context(browser: Browser, base_url: str) -> BrowserContext:
    """A fresh context (own cookies and storage) as a British user sees it, with short time-outs."""
    context = browser.new_context(base_url=base_url, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


def watch(page: Page) -> Page:
    """Start recording console errors, uncaught exceptions and CSP violations on `page`."""
    problems = _PROBLEMS.setdefault(page, [])

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            location = message.location.get("url", "") if message.location else ""
            problems.append(f"console error: {message.text} ({location})")

    def on_page_error(error: Error) -> None:
        problems.append(f"uncaught script error: {error.message}")

    page.add_init_script(_CSP_LISTENER)
    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    return page


def page_problems(page: Page) -> list[str]:
    """Console errors, script errors and CSP violations seen on `page` so far."""
    return list(_PROBLEMS.get(page, []))


def clear_page_problems(page: Page) -> None:
    """Forget the problems seen so far, e.g. after deliberately opening a page that answers 403
    (Chromium logs "Failed to load resource: ... 403" as a console error)."""
    _PROBLEMS.get(page, []).clear()


def assert_no_page_problems(page: Page) -> None:
    problems = page_problems(page)
    assert not problems, f"{page.url} logged {len(problems)} problem(s):\n" + "\n".join(problems)


def preload_axe(context: BrowserContext) -> BrowserContext:
    """Load axe-core into every page of `context` as it opens (faster than sending the 500 kB
    script over the DevTools protocol for each check, when one context checks many pages)."""
    context.add_init_script(script=_AXE.axe_script)
    return context


def axe_violations(page: Page, impacts: tuple[str, ...] = FAILING_IMPACTS) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now, keeping those whose impact is in `impacts`."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_AXE.axe_script)
    violations = page.evaluate("options => axe.run(document, options).then(r => r.violations)", AXE_OPTIONS)
    return [v for v in violations if v.get("impact") in impacts]


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node.get("target", []))
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    at {target}: {summary}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fail on any serious or critical axe violation, console error, script error or CSP violation.

    Call it once the page shows what you want checked (after htmx swaps, open menus and so on):
    axe checks the DOM as it is at that moment.
    """
    violations = axe_violations(page)
    problems = page_problems(page)
    message = []
    if violations:
        message.append(f"{page.url}: {len(violations)} serious/critical accessibility violation(s):")
        message.append(format_violations(violations))
    if problems:
        message.append(f"{page.url}: {len(problems)} console/CSP problem(s):")
        message.extend(f"- {p}" for p in problems)
    assert not message, "\n".join(message)


def totp_code(device: TOTPDevice) -> str:
    """The code the user's authenticator app would show now, never one already used.

    django-otp refuses a code for a time step at or before the last one verified, so a second
    sign-in within the same 30 seconds uses the next step's code (inside the allowed tolerance).
    """
    device.refresh_from_db()
    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    clock.time = time.time()
    step = max(clock.t(), (device.last_t if device.last_t is not None else -1) + 1)
    return str(hotp(device.bin_key, step, device.digits)).zfill(device.digits)


def sign_in_by_cookie(context: BrowserContext, live_server: Any, user: Any) -> BrowserContext:
    """Give `context` a session for `user` with their second factor verified, without the sign-in
    pages (as the permission matrix's `login_as` does). For walks over many pages; a test about
    signing in, or a module's main journey, uses `sign_in` and the real pages."""
    from django.conf import settings
    from django.test import Client

    from conftest import login_as

    client = login_as(Client(), user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    return context


def sign_in(page: Page, live_server: Any, user: Any, password: str = PASSWORD, *, next_path: str = "") -> Page:
    """Sign `user` in through the sign-in page, then give a TOTP code if the 2FA gate asks for one
    (verifying their authenticator, or setting one up if they have none). Leaves `page` on the
    page reached: their home page, or `next_path`."""
    url = f"{live_server.url}/accounts/login/"
    if next_path:
        url += f"?next={next_path}"
    page.goto(url)
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if "/accounts/login/" in page.url:
        errors = page.locator(".error-summary, .errorlist").all_inner_texts()
        raise AssertionError(f"Signing in as {user.username} failed: {errors or page.title()}")
    if "/accounts/two-factor/" in page.url:
        confirmed = "/accounts/two-factor/verify/" in page.url
        device = TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()
        assert device is not None, f"{user.username} was sent to {page.url} but has no matching authenticator"
        page.locator("#id_token").fill(totp_code(device))
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile("^(Continue|Confirm)$")).click()
        if "/accounts/two-factor/" in page.url:
            errors = page.locator(".errorlist").all_inner_texts()
            raise AssertionError(f"The second factor for {user.username} was refused: {errors}")
    return page
