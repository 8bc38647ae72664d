"""Pupil profile section: plans, interventions and off-site placements, for the pastoral team."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from apps.core.panels import Panel

from . import selectors
from .rules import may_work_with


def profile_sections(request: Any, pupil: Any) -> list[Panel]:
    if not may_work_with(request.user, pupil):
        return []
    plans = selectors.pupil_plans(request.school, request.user, pupil)
    context = {
        "pupil": pupil,
        "plans": plans,
        "memberships": selectors.pupil_memberships(pupil),
        "placements": list(selectors.visible_placements(request.school, request.user).filter(pupil=pupil)),
        "responses": selectors.pupil_responses(pupil),
        "today": timezone.localdate(),
    }
    return [Panel("Support", "support/_profile_section.html", context, order=40)]
