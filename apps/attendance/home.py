"""Home-page panels: the attendance officer's day (registers missing, today's absentees, PA) and a
tutor's registers to take."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from apps.accounts.models import Role
from apps.core.panels import Panel

from . import selectors, statutory
from .rules import ATTENDANCE_TEAM


def panels(request: Any) -> list[Panel]:
    school = getattr(request, "school", None)
    roles: frozenset[str] = getattr(request, "roles", frozenset())
    if school is None:
        return []
    now = timezone.localtime()
    today = now.date()
    session = statutory.current_session(now)
    found: list[Panel] = []
    if Role.ATTENDANCE_OFFICER in roles or (roles & ATTENDANCE_TEAM and Role.ADMIN in roles):
        statuses = selectors.register_completion(school, today, session)
        missing = [s for s in statuses if s.taken is None]
        pupils, persistent, severe = selectors.persistent_absence_counts(school, selectors.year_start(today), today)
        found.append(
            Panel(
                "Attendance today",
                "attendance/_home_officer.html",
                {
                    "day": today,
                    "session": session,
                    "missing": missing,
                    "registers": len(statuses),
                    "absent": selectors.todays_absentees(school, today),
                    "n_pupils": len(selectors.first_day_list(school, today)),
                    "pupils": pupils,
                    "persistent": persistent,
                    "severe": severe,
                },
                order=20,
            )
        )
    if Role.FORM_TUTOR in roles:
        forms = list(selectors.register_forms(school, request.user).filter(tutors=request.user))
        if forms:
            taken = {s.form.pk for s in selectors.register_completion(school, today, session) if s.taken}
            found.append(
                Panel(
                    "Your registers",
                    "attendance/_home_tutor.html",
                    {"forms": [(f, f.pk in taken) for f in forms], "day": today, "session": session},
                    order=10,
                )
            )
    return found
