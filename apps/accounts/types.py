"""The request as Hearth's middleware leaves it, for type-checked views."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from apps.core.models import School

    from .models import User


class HearthRequest(HttpRequest):
    user: User  # type: ignore[assignment]
    school: School
    roles: frozenset[str]
    htmx: HtmxDetails


def as_hearth(request: Any) -> HearthRequest:
    return request  # type: ignore[no-any-return]
