"""Home-page panels: today's detentions and inclusion unit, exclusions with duties overdue, pupils
at risk and PSPs for the pastoral team; the quick way to log behaviour for other staff."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from apps.core.calendar import academic_year_bounds
from apps.core.panels import Panel

from . import selectors, services
from .models import Exclusion
from .rules import EXCLUSION_VIEW_ROLES, PASTORAL_ROLES, STAFF_ROLES


def panels(request: Any) -> list[Panel]:
    roles: frozenset[str] = getattr(request, "roles", frozenset())
    school = getattr(request, "school", None)
    if school is None or not roles & STAFF_ROLES:
        return []
    user = request.user
    today = timezone.localdate()
    if not roles & PASTORAL_ROLES:
        return [
            Panel(
                title="Behaviour",
                template="behaviour/_home_staff.html",
                context={"recent": selectors.recent_incidents_by(school, user, limit=5)},
                order=60,
            )
        ]
    context: dict[str, Any] = {
        "detentions": len(selectors.detentions_on(school, user, today)),
        "inclusion": len(selectors.inclusion_roster(school, user, today)),
        "psps": len(selectors.psps(school, user)),
        "today": today,
    }
    if roles & EXCLUSION_VIEW_ROLES:
        open_ = [
            e
            for e in selectors.exclusions(school, user, start=today - dt.timedelta(days=60), end=today)
            if not e.is_cancelled and (e.parent_notified_at is None or e.la_notified_at is None)
        ]
        context["unnotified"] = open_[:10]
    _rows, at_risk = selectors.year_overview(
        school,
        user,
        year_number=None,
        start=academic_year_bounds(today)[0],
        end=today,
        at_risk_points=services.settings_for(school).at_risk_negative_points,
    )
    context["at_risk"] = at_risk[:8]
    context["kinds"] = Exclusion.Kind
    return [Panel(title="Behaviour", template="behaviour/_home_pastoral.html", context=context, order=30, wide=False)]
