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
    found.extend(_lesson_panels(request, school, roles, now))
    return found


# Lesson registers and post-registration truancy (issue 5; attreg) ---------------------------------


def _lesson_panels(request: Any, school: Any, roles: frozenset[str], now: Any) -> list[Panel]:
    """A teacher's lesson registers today; the attendance team's open truancy cases today."""
    from . import selectors_lessons

    if not selectors_lessons.lesson_registers_on(school):
        return []
    today = now.date()
    found: list[Panel] = []
    groups = selectors_lessons.lessons_taken_today(school, request.user, today)
    if groups:
        periods = selectors_lessons.lesson_periods(school)
        found.append(
            Panel(
                "Lesson registers to take today",
                "attendance/lessons/_home_teacher.html",
                {
                    "groups": groups,
                    "day": today,
                    "periods": periods,
                    "now_period": selectors_lessons.current_period(periods, now.time()),
                },
                order=11,
            )
        )
    if roles & ATTENDANCE_TEAM:
        rows = selectors_lessons.truancy_list(school, today, viewer=request.user)
        open_rows = [r for r in rows if not r.resolved]
        found.append(
            Panel(
                "Post-registration truancy today",
                "attendance/lessons/_home_truancy.html",
                {"open": open_rows, "day": today},
                order=21,
            )
        )
    return found
