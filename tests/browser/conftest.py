"""Browser-test fixtures: Debian's chromium driven by Playwright against pytest-django's live server.

- `browser`: one headless chromium per pytest-xdist worker (session scope), launched from
  /usr/bin/chromium (never a Playwright-downloaded browser).
- `context` / `page`: a fresh browser context (own cookies, own storage) and page for each test,
  with `base_url` set to the live server, so `page.goto("/pupils/")` works. The page records
  console errors, script errors and CSP violations for `helpers.assert_accessible`.
- Every test under tests/browser/ is marked `browser` and `django_db(transaction=True)`
  automatically (the live server runs in another thread, so data must be committed), and runs
  after the rest of the suite in each worker.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from .helpers import watch

CHROMIUM = Path(os.environ.get("HEARTH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000  # a page on the live server answers in well under a second; fail fast, not after 30 s
HERE = Path(__file__).resolve().parent


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
            launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield launched
            launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def context(browser: Browser, live_server: Any) -> Iterator[BrowserContext]:
    ctx = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    ctx.set_default_timeout(TIMEOUT_MS)
    ctx.set_default_navigation_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return watch(context.new_page())
