from __future__ import annotations

import rules

from apps.accounts.rules import is_pastoral_team
from apps.people.rules import sees_pupil

can_add_note = is_pastoral_team & sees_pupil
rules.add_perm("chronology.add_note", can_add_note)
