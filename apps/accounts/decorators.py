"""View guards. Every view in Hearth starts with `login_required` and one of these."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.audit import services as audit
from apps.audit.models import Verb

View = Callable[..., HttpResponse]


def school_required(view: View) -> View:
    """The user must hold a role in some school; otherwise they see a page that says so."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "school", None) is None:
            return render(request, "accounts/no_school.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def role_required(*roles: Iterable[str] | str) -> Callable[[View], View]:
    """Allow only users holding one of `roles` in the current school. A refusal is audited and
    answered with 403."""
    wanted: set[str] = set()
    for r in roles:
        wanted |= {r} if isinstance(r, str) else set(r)

    def decorator(view: View) -> View:
        @wraps(view)
        @school_required
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not (request.roles & wanted):  # type: ignore[attr-defined]
                audit.record(
                    request.user,
                    Verb.DENIED,
                    ("url", request.path[:64]),
                    school=request.school,  # type: ignore[attr-defined]
                    reason=f"{view.__module__}.{view.__name__}"[:200],
                )
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def second_factor_required(view: View) -> View:
    """For pages under /accounts/, which the second-factor middleware leaves open (sign-in must
    work before the second factor): a user who must verify does so before the page opens."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from django.conf import settings
        from django.shortcuts import redirect

        from .middleware import needs_second_factor
        from .selectors import has_confirmed_device

        if settings.HEARTH_ENFORCE_2FA and needs_second_factor(request):
            if has_confirmed_device(request.user):
                return redirect(f"/accounts/two-factor/verify/?next={request.get_full_path()}")
            return redirect("/accounts/two-factor/setup/")
        return view(request, *args, **kwargs)

    return wrapper
