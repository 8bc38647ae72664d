"""Per-request tenancy and the second-factor gate."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from . import selectors
from .models import TWO_FACTOR_ROLES

SESSION_SCHOOL_KEY = "hearth_school_id"

# Paths that must work before a school is chosen or a second factor is given.
OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz", "/survey/", "/admin/login", "/api/schema")


class CurrentSchoolMiddleware:
    """Sets `request.school` (the school chosen in the session, or the user's first) and
    `request.roles` (the roles the user holds there)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.school = None  # type: ignore[attr-defined]
        request.roles = frozenset()  # type: ignore[attr-defined]
        user = request.user
        if user.is_authenticated:
            memberships = selectors.memberships_by_school(user)
            wanted = request.session.get(SESSION_SCHOOL_KEY)
            if wanted not in memberships and memberships:
                wanted = next(iter(memberships))
                request.session[SESSION_SCHOOL_KEY] = wanted
            if wanted in memberships:
                school, roles = memberships[wanted]
                request.school = school  # type: ignore[attr-defined]
                request.roles = roles  # type: ignore[attr-defined]
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """A user who holds a role that can read safeguarding records must have signed in with TOTP.
    Without a device they are sent to set one up; with one, to enter a code."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.HEARTH_ENFORCE_2FA
            and request.user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and needs_second_factor(request)
        ):
            if selectors.has_confirmed_device(request.user):
                return redirect(f"/accounts/two-factor/verify/?next={request.get_full_path()}")
            return redirect("/accounts/two-factor/setup/")
        return self.get_response(request)


def needs_second_factor(request: HttpRequest) -> bool:
    if request.user.is_verified():  # type: ignore[union-attr]
        return False
    all_roles = selectors.all_roles(request.user)
    return bool(all_roles & TWO_FACTOR_ROLES) or request.user.is_superuser
