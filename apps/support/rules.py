"""Who may do what with support records.

- Plans, interventions, reintegration and placements are pastoral records: the pastoral team
  (DSL team, pastoral lead, pastoral co-ordinators, heads of year for their years, SENCO, senior
  leaders) who may see the pupil.
- A plan of a safeguarding kind (Early Help, CIN, CP contribution) is seen only by the DSL team
  and the plan's keyworker.
- The team view and reassignment of caseloads: the pastoral lead, the DSL team and senior leaders.
"""

from __future__ import annotations

from typing import Any

import rules

from apps.accounts.models import DSL_TEAM, PASTORAL_TEAM, SENIOR_LEADERSHIP, Role
from apps.accounts.rules import holds_any, school_of
from apps.accounts.selectors import roles_in
from apps.people.selectors import can_view_pupil

#: Roles that see the whole team's caseloads and reassign them.
LEAD_ROLES = frozenset({Role.PASTORAL_LEAD}) | DSL_TEAM | SENIOR_LEADERSHIP

is_support_team = holds_any(PASTORAL_TEAM)
is_support_lead = holds_any(LEAD_ROLES)


def may_work_with(user: Any, pupil: Any) -> bool:
    """Pastoral team member who may see the pupil."""
    if user is None or not getattr(user, "is_authenticated", False) or pupil is None:
        return False
    return bool(roles_in(user, school_of(pupil)) & PASTORAL_TEAM) and can_view_pupil(user, pupil)


def may_view_plan(user: Any, plan: Any) -> bool:
    if plan is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    roles = roles_in(user, plan.school)
    if plan.is_safeguarding:
        return bool(roles & DSL_TEAM) or (plan.keyworker_id == user.pk and bool(roles))
    return plan.keyworker_id == user.pk or may_work_with(user, plan.pupil)


def may_lead(user: Any, school: Any) -> bool:
    return bool(roles_in(user, school) & LEAD_ROLES)


@rules.predicate
def works_with_pupil(user: Any, pupil: Any) -> bool:
    return may_work_with(user, pupil)


@rules.predicate
def views_plan(user: Any, plan: Any) -> bool:
    return may_view_plan(user, plan)


rules.add_perm("support.manage_for_pupil", works_with_pupil)
rules.add_perm("support.view_plan", views_plan)
rules.add_perm("support.lead_team", is_support_lead)


#: Roles that set up the school's plan types: senior leaders and the pastoral lead.
PLAN_TYPE_ROLES = frozenset({Role.PASTORAL_LEAD}) | SENIOR_LEADERSHIP
#: Roles that import a school-wide attainment file: the pastoral lead, senior leaders and the
#: school's data manager (the `admin` role, who keeps the MIS data).
ATTAINMENT_IMPORT_ROLES = frozenset({Role.PASTORAL_LEAD, Role.ADMIN}) | SENIOR_LEADERSHIP


def may_manage_plan_types(user: Any, school: Any) -> bool:
    return bool(roles_in(user, school) & PLAN_TYPE_ROLES)


def may_import_attainment(user: Any, school: Any) -> bool:
    return bool(roles_in(user, school) & ATTAINMENT_IMPORT_ROLES)
