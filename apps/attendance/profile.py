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
    found = [
        Panel(
            "Attendance",
            "attendance/_profile.html",
            {"pupil": pupil, "summaries": {"Year to date": summary}, "start": start},
            order=20,
        )
    ]
    found.extend(_truancy_section(request, pupil, roles, today))
    return found


# Post-registration truancy (issue 5; attreg) -------------------------------------------------------

#: How far back the profile looks for lessons missed after registration.
TRUANCY_PROFILE_DAYS = 42


def _truancy_section(request: Any, pupil: Any, roles: frozenset[str], today: Any) -> list[Panel]:
    """For the attendance team: lessons missed after registration in the last six weeks, with what
    the follow-up found. Shown only when there were some."""
    import datetime as dt

    from . import selectors_lessons
    from .rules import ATTENDANCE_TEAM

    if not roles & ATTENDANCE_TEAM:
        return []
    days = selectors_lessons.pupil_truancy_days(
        request.school, pupil, today - dt.timedelta(days=TRUANCY_PROFILE_DAYS), today
    )
    if not days:
        return []
    return [
        Panel(
            "Lessons missed after registration",
            "attendance/lessons/_profile_truancy.html",
            {"pupil": pupil, "days": days, "weeks": TRUANCY_PROFILE_DAYS // 7},
            order=21,
        )
    ]
