"""The foundation's main pages in a real browser: each one signed in through the UI, checked by
axe-core (no serious or critical violation), with no console error and no CSP violation."""

from __future__ import annotations

import re

import pytest
from django.urls import NoReverseMatch, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from apps.accounts.models import Membership, Role
from apps.accounts.services import notify
from conftest import verified_device

from .helpers import assert_accessible, sign_in, totp_code


def test_the_sign_in_page_is_accessible_and_rejects_a_wrong_password_clearly(page: Page, live_server, personas):
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Hearth")
    assert_accessible(page)

    page.get_by_label("Username").fill(personas.teacher.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert_accessible(page)


HOME = re.compile(r"/(core/home/)?$")


def test_a_teacher_signs_in_without_a_second_factor_and_sees_their_home_page(page: Page, live_server, personas):
    sign_in(page, live_server, personas.teacher)
    expect(page).to_have_url(HOME)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Teacher")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    assert_accessible(page)


def test_a_dsl_with_an_authenticator_gives_a_code_and_reaches_their_home_page(page: Page, live_server, personas):
    verified_device(personas.dsl)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(personas.dsl.username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    assert_accessible(page)

    page.get_by_label("6-digit code").fill(totp_code(TOTPDevice.objects.get(user=personas.dsl, confirmed=True)))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(HOME)
    expect(page.locator(".lead")).to_contain_text("Designated Safeguarding Lead")
    assert_accessible(page)


def test_a_deputy_dsl_without_an_authenticator_sets_one_up_on_first_sign_in(page: Page, live_server, personas):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(personas.deputy_dsl.username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/setup/"))
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("6-digit code").fill(totp_code(TOTPDevice.objects.get(user=personas.deputy_dsl, confirmed=False)))
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(HOME)
    expect(page.get_by_role("status")).to_contain_text("Two-factor sign-in is now set up")
    assert_accessible(page)
    assert TOTPDevice.objects.filter(user=personas.deputy_dsl, confirmed=True).count() == 1


def test_a_governor_home_page_is_accessible(page: Page, live_server, personas):
    sign_in(page, live_server, personas.governor)
    expect(page.locator(".lead")).to_contain_text("Governor")
    assert_accessible(page)


def test_the_pupil_list_is_accessible_and_shows_the_head_of_years_pupils(page: Page, live_server, personas):
    sign_in(page, live_server, personas.head_of_year)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Pupils").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pupils")
    expect(page.get_by_role("link", name="Testpupil, Amelia")).to_be_visible()
    assert_accessible(page)


def test_a_pupil_profile_is_accessible_to_the_dsl(page: Page, live_server, personas):
    sign_in(page, live_server, personas.dsl)
    page.goto(f"/pupils/{personas.pupil.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amelia")
    assert_accessible(page)


def test_the_pupil_search_works_with_the_keyboard_alone(page: Page, live_server, personas):
    sign_in(page, live_server, personas.pastoral_lead)
    search = page.get_by_role("combobox", name="Find a pupil")
    search.focus()
    page.keyboard.type("Testp")
    options = page.get_by_role("option")
    expect(options).to_have_count(2)
    expect(search).to_have_attribute("aria-expanded", "true")
    assert_accessible(page)

    page.keyboard.press("ArrowDown")
    second = options.nth(1)
    expect(second).to_have_attribute("aria-selected", "true")
    expect(search).to_have_attribute("aria-activedescendant", second.get_attribute("id") or "")
    expected = second.get_attribute("href") or ""
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(expected) + "$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Testpupil")
    assert_accessible(page)


def test_the_full_page_pupil_search_without_javascript_is_accessible(page: Page, live_server, personas):
    sign_in(page, live_server, personas.form_tutor)
    page.goto("/pupils/search/?q=Amelia")
    expect(page.get_by_role("table")).to_contain_text("Amelia")
    assert_accessible(page)


def test_the_account_page_is_accessible(page: Page, live_server, personas):
    sign_in(page, live_server, personas.teacher)
    page.get_by_role("link", name=personas.teacher.display_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(personas.teacher.display_name)
    expect(page.get_by_role("table")).to_contain_text("Brookfield Academy")
    assert_accessible(page)


def test_the_alerts_page_lists_an_urgent_alert_accessibly(page: Page, live_server, personas):
    notify(
        [personas.dsl],
        school=personas.school,
        title="A concern about a pupil needs triage",
        url=f"/pupils/{personas.pupil.pk}/",
        urgent=True,
        email=False,
    )
    sign_in(page, live_server, personas.dsl)
    page.get_by_role("link", name=re.compile("^Alerts")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alerts")
    expect(page.get_by_text("Urgent", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="A concern about a pupil needs triage").click()
    expect(page).to_have_url(re.compile(rf"/pupils/{personas.pupil.pk}/$"))


def test_a_user_of_two_schools_can_switch_school_from_the_header(page: Page, live_server, personas):
    sign_in(page, live_server, personas.trust_officer)
    switcher = page.get_by_label("School")
    expect(switcher).to_be_visible()
    assert_accessible(page)
    switcher.select_option(label="Hillside School")
    page.get_by_role("button", name="Switch").click()
    expect(page.locator(".school-name")).to_have_text("Hillside School")


def test_the_api_reference_is_accessible(page: Page, live_server, personas):
    sign_in(page, live_server, personas.admin)
    page.goto("/api/docs/")
    expect(page.get_by_role("table", name="Endpoints")).to_be_visible()
    assert_accessible(page)


# The shared page frame (templates/base.html, static/hearth/): skip link, header, time-out warning.


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_main_content(page: Page, live_server, personas):
    sign_in(page, live_server, personas.teacher)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def log_concern_url() -> str | None:
    try:
        return reverse("safeguarding:log_concern")
    except NoReverseMatch:
        return None  # the safeguarding module has not shipped its page yet


@pytest.mark.parametrize("persona", ["teacher", "form_tutor", "attendance_officer", "dsl"])
def test_staff_roles_have_the_pupil_search_and_log_a_concern_in_the_header(page: Page, live_server, personas, persona):
    verified_device(personas.users[persona])
    sign_in(page, live_server, personas.users[persona])
    banner = page.get_by_role("banner")
    expect(banner.get_by_role("combobox", name="Find a pupil")).to_be_visible()
    concern = banner.get_by_role("link", name="Log a concern")
    if log_concern_url():
        expect(concern).to_have_attribute("href", log_concern_url() or "")
    else:
        expect(concern).to_have_count(0)


@pytest.mark.parametrize("persona", ["governor", "trust_officer"])
def test_aggregate_only_roles_have_no_pupil_search_and_no_log_a_concern(page: Page, live_server, personas, persona):
    sign_in(page, live_server, personas.users[persona])
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("combobox", name="Find a pupil")).to_have_count(0)
    expect(page.get_by_role("link", name="Log a concern")).to_have_count(0)


def test_a_staff_governor_who_also_teaches_has_the_pupil_search(page: Page, live_server, personas):
    Membership.objects.create(user=personas.governor, school=personas.school, role=Role.TEACHER)
    sign_in(page, live_server, personas.governor)
    expect(page.get_by_role("combobox", name="Find a pupil")).to_be_visible()


def test_the_number_of_search_results_is_announced_and_the_list_closes_when_focus_leaves(
    page: Page, live_server, personas
):
    sign_in(page, live_server, personas.pastoral_lead)
    search = page.get_by_role("combobox", name="Find a pupil")
    announcer = page.locator("#pupil-search-status")
    expect(announcer).to_have_attribute("aria-live", "polite")
    search.focus()
    page.keyboard.type("Testp")
    expect(announcer).to_have_text("2 pupils found.")
    expect(search).to_have_attribute("aria-expanded", "true")

    page.keyboard.press("Tab")
    expect(search).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("option")).to_have_count(0)

    search.fill("")
    search.focus()
    page.keyboard.type("Zzzznobody")
    expect(announcer).to_have_text("No pupils found.")
    page.keyboard.press("Escape")
    expect(search).to_have_attribute("aria-expanded", "false")
    assert_accessible(page)


def test_the_session_time_out_is_announced_before_it_happens_and_can_be_extended(page: Page, live_server, personas):
    """WCAG 2.2.1: sessions end after 30 minutes without a request; two minutes before, a dialog
    warns and offers to stay signed in. The page's clock is Playwright's, so no real waiting."""
    sign_in(page, live_server, personas.teacher)
    page.clock.install()
    page.goto("/")
    warning = page.get_by_role("alertdialog", name="You will be signed out soon")
    expect(warning).to_be_hidden()

    page.clock.fast_forward("27:00")
    expect(warning).to_be_hidden()
    page.clock.fast_forward("01:05")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("30 minutes without activity")
    stay = warning.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    assert_accessible(page)

    with page.expect_response(lambda r: r.url.endswith("/healthz")):
        stay.click()
    expect(warning).to_be_hidden()

    page.clock.fast_forward("28:05")
    expect(warning).to_be_visible()
    page.keyboard.press("Escape")  # "I am here": extends too
    expect(warning).to_be_hidden()

    page.clock.fast_forward("28:05")
    expect(warning).to_be_visible()
    # The server ends the session at the same moment; the page goes to the sign-in page at once,
    # so nothing stays on an unattended screen.
    page.context.clear_cookies()  # the server's session has ended too (the page clock is fake)
    with page.expect_request(lambda r: "/accounts/login/?next=%2F" in r.url and "expired=1" in r.url):
        page.clock.fast_forward("02:00")
    expect(page.get_by_text("You were signed out after 30 minutes without activity")).to_be_visible()


@pytest.mark.parametrize("persona", ["dsl", "governor"])
def test_the_page_frame_reflows_to_a_320_pixel_wide_screen(page: Page, live_server, personas, persona):
    """WCAG 1.4.10: at 320 CSS px (a phone, or 1280 px zoomed to 400%) only data tables may need
    scrolling sideways."""
    verified_device(personas.users[persona])
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, live_server, personas.users[persona])
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # Data tables may scroll sideways (1.4.10 excepts two-dimensional data); nothing else may.
    too_wide = page.evaluate(
        """() => Array.from(document.querySelectorAll("body *"))
          .filter(el => !el.closest("table") && el.getBoundingClientRect().right > window.innerWidth + 1)
          .map(el => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""))"""
    )
    assert too_wide == [], f"wider than a 320px screen: {too_wide}"
    assert_accessible(page)


def test_keyboard_focus_is_visible_on_header_controls(page: Page, live_server, personas):
    """WCAG 2.4.7: the focused control has an outline (our yellow and black focus style)."""
    sign_in(page, live_server, personas.teacher)
    alerts = page.get_by_role("link", name=re.compile("^Alerts"))
    alerts.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    expect(alerts).to_be_focused()
    outline = alerts.evaluate("el => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth")
    assert outline == "solid 3px"


def test_the_menu_groups_a_modules_pages_and_closes_with_escape(page: Page, live_server, personas):
    """A module with several pages is one menu word that opens a list; Escape closes it and puts
    focus back on the word (WCAG 2.1.2, no keyboard trap)."""
    verified_device(personas.dsl)
    sign_in(page, live_server, personas.dsl)
    menu = page.get_by_role("navigation", name="Main")
    group = menu.locator("summary", has_text="Safeguarding")
    queue = menu.get_by_role("link", name="Safeguarding queue")
    expect(queue).to_be_hidden()
    group.click()
    expect(queue).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Escape")
    expect(queue).to_be_hidden()
    expect(group).to_be_focused()
    group.click()
    queue.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Safeguarding queue")
    expect(menu.locator("summary.is-current")).to_have_text("Safeguarding")
