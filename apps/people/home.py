"""Home-page panels about pupils: a teacher's own groups, and numbers on roll (aggregates only,
the one panel governors and trust officers get)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from apps.accounts.models import AGGREGATE_ONLY_ROLES, SENIOR_LEADERSHIP, Role
from apps.core.panels import Panel

from . import selectors

TEACHING_ROLES = {Role.TEACHER, Role.FORM_TUTOR, Role.HEAD_OF_YEAR}
ROLL_ROLES = AGGREGATE_ONLY_ROLES | SENIOR_LEADERSHIP | {Role.ADMIN}


def panels(request: Any) -> list[Panel]:
    roles = request.roles
    today = timezone.localdate()
    result: list[Panel] = []
    if roles & TEACHING_ROLES:
        groups = selectors.my_groups(request.school, request.user, today)
        if any(groups.values()):
            result.append(Panel("My pupils", "people/_panel_my_groups.html", {"groups": groups}, order=20))
    if roles & ROLL_ROLES:
        rows = selectors.roll_summary(request.school, today)
        total = sum(r["pupils"] for r in rows)
        result.append(
            Panel(
                "Pupils on roll",
                "people/_panel_roll.html",
                {"rows": rows, "total": total, "today": today},
                order=60,
                wide=bool(roles & AGGREGATE_ONLY_ROLES),
            )
        )
    if Role.TRUST_OFFICER in roles and request.school.trust_id is not None:
        from apps.accounts.selectors import schools_for

        schools = [school for school in schools_for(request.user) if school.trust_id == request.school.trust_id]
        if len(schools) > 1:
            rows = []
            for school in schools:
                summary = selectors.roll_summary(school, today)
                totals = {k: sum(r[k] for r in summary) for k in ("pupils", "fsm", "sen", "ehcp", "looked_after")}
                rows.append({"school": school, **totals})
            result.append(Panel("Your schools", "people/_panel_trust.html", {"rows": rows, "today": today}, order=55))
    return result
