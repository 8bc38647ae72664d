"""Role predicates. Every object permission in Hearth is built from these.

`rules` predicates receive (user, obj). An object passed in always has a `school` (or is a
School), and the user's roles are looked up in that school, so a DSL at one school is nobody at
another.
"""

from __future__ import annotations

from typing import Any

import rules

from .models import (
    AGGREGATE_ONLY_ROLES,
    DSL_TEAM,
    PASTORAL_TEAM,
    SENIOR_LEADERSHIP,
    WHOLE_SCHOOL_ROLES,
    Role,
)
from .selectors import roles_in


def school_of(obj: Any) -> Any:
    if obj is None:
        return None
    if obj.__class__.__name__ == "School":
        return obj
    return getattr(obj, "school", None)


def holds_any(*role_sets: frozenset[str] | set[str] | str) -> rules.Predicate:
    wanted: set[str] = set()
    for r in role_sets:
        wanted |= {r} if isinstance(r, str) else set(r)
    name = "holds_any:" + ",".join(sorted(wanted))

    @rules.predicate(name=name)
    def predicate(user: Any, obj: Any = None) -> bool:
        return bool(roles_in(user, school_of(obj)) & wanted)

    return predicate


is_dsl_team = holds_any(DSL_TEAM)
is_dsl = holds_any(Role.DSL)
is_headteacher = holds_any(Role.HEADTEACHER)
is_senior_leader = holds_any(SENIOR_LEADERSHIP)
is_pastoral_team = holds_any(PASTORAL_TEAM)
is_whole_school = holds_any(WHOLE_SCHOOL_ROLES)
is_admin = holds_any(Role.ADMIN)
is_attendance_officer = holds_any(Role.ATTENDANCE_OFFICER)
is_aggregate_only = holds_any(AGGREGATE_ONLY_ROLES)
is_member = holds_any(set(Role.values))
is_staff_member = holds_any(set(Role.values) - AGGREGATE_ONLY_ROLES)

rules.add_perm("accounts.manage_users", is_admin)
rules.add_perm("accounts.view_audit", is_admin | is_dsl_team)
