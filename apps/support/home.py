"""Home-page panel: plans due for review (the viewer's own; a lead sees the team's)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from apps.accounts.models import PASTORAL_TEAM
from apps.core.panels import Panel

from . import selectors, statutory


def panels(request: HttpRequest) -> list[Panel]:
    roles: frozenset[str] = getattr(request, "roles", frozenset())
    school = getattr(request, "school", None)
    if school is None or not roles & PASTORAL_TEAM:
        return []
    today = timezone.localdate()
    plans = selectors.plans_due_for_review(school, request.user, today)
    rows = [{"plan": p, "overdue": statutory.review_is_overdue(p.next_review_on, today)} for p in plans]
    return [Panel("Plans due for review", "support/_home_panel.html", {"rows": rows}, order=30)]
