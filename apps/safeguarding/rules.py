"""Who may do what with safeguarding records (domain file §3.3: only those responsible for
safeguarding get access; §3.4: the DSL and deputies)."""

from __future__ import annotations

from typing import Any

import rules

from apps.accounts.rules import is_dsl_team, is_staff_member


@rules.predicate
def is_author(user: Any, concern: Any) -> bool:
    return concern is not None and getattr(concern, "logged_by_id", None) == getattr(user, "pk", None)


can_log_concern = is_staff_member
can_manage_concern = is_dsl_team
can_amend_concern = is_dsl_team | (is_staff_member & is_author)
can_manage_status = is_dsl_team

rules.add_perm("safeguarding.log_concern", can_log_concern)
rules.add_perm("safeguarding.manage_concern", can_manage_concern)
rules.add_perm("safeguarding.amend_concern", can_amend_concern)
rules.add_perm("safeguarding.manage_status", can_manage_status)
