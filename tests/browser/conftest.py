"""Browser-test fixtures: Debian's chromium driven by Playwright against pytest-django's live server.

- `browser`: one headless chromium per pytest-xdist worker (session scope), launched from
  /usr/bin/chromium (never a Playwright-downloaded browser).
- `context` / `page`: a fresh browser context (own cookies, own storage) and page for each test,
  with `base_url` set to the live server, so `page.goto("/pupils/")` works. The page records
  console errors, script errors and CSP violations for `helpers.assert_accessible`.
- Every test under tests/browser/ is marked `browser` and `django_db(transaction=True)`
  automatically (the live server runs in another thread, so data must be committed), and runs
  after the rest of the suite in each worker.
- When a browser test fails, a screenshot of each page it had open goes to var/browser-failures/;
  with HEARTH_BROWSER_TRACE=1, a Playwright trace too (`.venv/bin/playwright show-trace FILE`).
  HEARTH_BROWSER_HEADED=1 shows the browser (needs a display) and HEARTH_BROWSER_SLOWMO=MS slows
  each action down. See tests/browser/README.md.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from .helpers import new_context, watch

CHROMIUM = Path(os.environ.get("HEARTH_CHROMIUM", "/usr/bin/chromium"))
HEADED = os.environ.get("HEARTH_BROWSER_HEADED") == "1"
TRACE = os.environ.get("HEARTH_BROWSER_TRACE") == "1"
SLOWMO_MS = float(os.environ.get("HEARTH_BROWSER_SLOWMO", "0") or 0)
CHROMIUM_ARGS = [
    *([] if HEADED else ["--headless"]),
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HERE = Path(__file__).resolve().parent
FAILURES = HERE.parent.parent / "var" / "browser-failures"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser_items = []
    other_items = []
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if item.get_closest_marker("django_db") is None:
                item.add_marker(pytest.mark.django_db(transaction=True))
            browser_items.append(item)
        else:
            other_items.append(item)
    # While Playwright's sync API is open, its event loop counts as running in the worker's
    # thread; keeping browser tests last means no other test ever runs beside it.
    items[:] = other_items + browser_items


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing, so the browser tests cannot run. `make test` installs it as root "
            "(Debian package `chromium`, from requirements/apt-packages.txt); or: sudo apt-get install chromium",
            pytrace=False,
        )
    # Playwright's sync API keeps an asyncio loop marked as running in this thread, which makes
    # Django refuse ORM calls (SynchronousOnlyOperation) unless told that this is safe here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=not HEADED, slow_mo=SLOWMO_MS
            )
            yield launched
            launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if call.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


def _artefact_name(item: pytest.Item) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", item.nodeid.split("::", 1)[-1])[:150]


@pytest.fixture
def context(request: pytest.FixtureRequest, browser: Browser, live_server: Any) -> Iterator[BrowserContext]:
    ctx = new_context(browser, live_server.url)
    if TRACE:
        ctx.tracing.start(screenshots=True, snapshots=True, sources=True)
    yield ctx
    failed = request.node.stash.get(_FAILED, False)
    name = _artefact_name(request.node)
    if failed:
        FAILURES.mkdir(parents=True, exist_ok=True)
        for number, open_page in enumerate(ctx.pages):
            try:
                open_page.screenshot(path=str(FAILURES / f"{name}-{number}.png"), full_page=True)
            except Exception:  # noqa: S112 - a page that cannot be drawn must not hide the real failure
                continue
    if TRACE:
        ctx.tracing.stop(path=str(FAILURES / f"{name}.trace.zip") if failed else None)
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return watch(context.new_page())
