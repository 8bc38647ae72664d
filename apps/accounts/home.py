"""Home panels: for all staff, who the safeguarding team is; for administrators, staff accounts
and who still needs to set up two-factor sign-in."""

from __future__ import annotations

from typing import Any

from apps.core.panels import Panel

from . import selectors
from .models import AGGREGATE_ONLY_ROLES, Role


def panels(request: Any) -> list[Panel]:
    result: list[Panel] = []
    if request.roles - AGGREGATE_ONLY_ROLES:
        team = selectors.safeguarding_team(request.school)
        result.append(Panel("Your safeguarding team", "accounts/_panel_safeguarding_team.html", team, order=15))
    if Role.ADMIN not in request.roles:
        return result
    missing = selectors.staff_missing_second_factor(request.school)
    staff = len(selectors.staff_of(request.school))
    result.append(
        Panel(
            "Administration",
            "accounts/_panel_admin.html",
            {"missing": missing[:10], "missing_count": len(missing), "staff": staff},
            order=30,
        )
    )
    return result
