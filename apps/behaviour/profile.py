"""The pupil-profile section: this school year's behaviour figures and recent events (the pupil's
own part only), with suspensions and time in the inclusion unit for the pastoral team."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from apps.core.calendar import academic_year_bounds
from apps.core.panels import Panel

from . import selectors
from .rules import EXCLUSION_VIEW_ROLES, STAFF_ROLES


def profile_sections(request: Any, pupil: Any) -> list[Panel]:
    roles: frozenset[str] = getattr(request, "roles", frozenset())
    if not roles & STAFF_ROLES:
        return []
    school = request.school
    start, end = academic_year_bounds(timezone.localdate())
    totals = selectors.behaviour_totals(school=school, pupil_ids=[pupil.pk], start=start, end=end)[pupil.pk]
    return [
        Panel(
            title="Behaviour",
            template="behaviour/_profile.html",
            context={
                "pupil_id": pupil.pk,
                "totals": totals,
                "since": start,
                "recent": selectors.pupil_history(school, request.user, pupil, limit=5),
                "pastoral": bool(roles & EXCLUSION_VIEW_ROLES),
            },
            order=30,
        )
    ]
