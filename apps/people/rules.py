from __future__ import annotations

from typing import Any

import rules

from apps.accounts.rules import is_pastoral_team, is_staff_member

from .selectors import can_view_pupil


@rules.predicate
def sees_pupil(user: Any, pupil: Any) -> bool:
    return pupil is not None and can_view_pupil(user, pupil)


rules.add_perm("people.view_pupil", is_staff_member & sees_pupil)
rules.add_perm("people.view_pupil_pastoral", is_pastoral_team & sees_pupil)
rules.add_perm("people.search_pupils", is_staff_member)
