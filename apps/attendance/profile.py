"""The attendance section of the pupil profile: year to date and this half-term."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from apps.core.panels import Panel

from . import selectors
from .rules import MEASURE_ROLES


def profile_sections(request: Any, pupil: Any) -> list[Panel]:
    roles: frozenset[str] = getattr(request, "roles", frozenset())
    if not roles & (MEASURE_ROLES | {"teacher"}):
        return []
    today = timezone.localdate()
    start = selectors.year_start(today)
    summary = selectors.attendance_summaries(request.school, [pupil.pk], start, today)[pupil.pk]
    return [
        Panel(
            "Attendance",
            "attendance/_profile.html",
            {"pupil": pupil, "summaries": {"Year to date": summary}, "start": start},
            order=20,
        )
    ]
