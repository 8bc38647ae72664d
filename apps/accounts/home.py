"""The administrator's home panel: staff accounts and who still needs to set up two-factor
sign-in."""

from __future__ import annotations

from typing import Any

from apps.core.panels import Panel

from . import selectors
from .models import Role


def panels(request: Any) -> list[Panel]:
    if Role.ADMIN not in request.roles:
        return []
    missing = selectors.staff_missing_second_factor(request.school)
    staff = len(selectors.staff_of(request.school))
    return [
        Panel(
            "Administration",
            "accounts/_panel_admin.html",
            {"missing": missing[:10], "missing_count": len(missing), "staff": staff},
            order=30,
        )
    ]
