"""Home-page panels: the DSL team's queue counts; for other staff, the quick way to log a concern."""

from __future__ import annotations

from typing import Any

from apps.accounts.models import AGGREGATE_ONLY_ROLES, DSL_TEAM
from apps.core.panels import Panel

from . import selectors


def panels(request: Any) -> list[Panel]:
    roles: frozenset[str] = getattr(request, "roles", frozenset())
    school = getattr(request, "school", None)
    if school is None or not roles:
        return []
    if roles & DSL_TEAM:
        return [
            Panel(
                title="Safeguarding",
                template="safeguarding/_home_panel.html",
                context={"counts": selectors.queue_counts(school), "statuses": selectors.status_counts(school)},
                order=5,
            )
        ]
    if roles - AGGREGATE_ONLY_ROLES:
        return [
            Panel(
                title="Safeguarding",
                template="safeguarding/_home_staff.html",
                context={"my_actions": len(selectors.actions_owned_by(school, request.user))},
                order=90,
            )
        ]
    return []
