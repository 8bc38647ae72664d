"""Who may do what with behaviour records.

- Log an incident or reward: any member of staff, for pupils they can see.
- See a pupil's behaviour: anyone who can see the pupil (their own part of each incident only).
- Detentions, the inclusion unit and PSPs: the pastoral team (heads of year for their years).
- Suspensions and permanent exclusions: only the headteacher decides or cancels (domain §2.1: the
  power cannot be delegated). Senior leaders, the pastoral lead and administrators record the
  notifications, meetings and reintegration; the pastoral team and administrators see them.
"""

from __future__ import annotations

from apps.accounts.models import AGGREGATE_ONLY_ROLES, PASTORAL_TEAM, SENIOR_LEADERSHIP, Role

STAFF_ROLES = frozenset(set(Role.values) - AGGREGATE_ONLY_ROLES)
PASTORAL_ROLES = frozenset(PASTORAL_TEAM)
EXCLUSION_VIEW_ROLES = frozenset(PASTORAL_TEAM | {Role.ADMIN})
EXCLUSION_ADMIN_ROLES = frozenset(SENIOR_LEADERSHIP | {Role.PASTORAL_LEAD, Role.ADMIN})
DECIDE_ROLES = frozenset({Role.HEADTEACHER})
ANALYSIS_ROLES = frozenset(PASTORAL_TEAM | {Role.ADMIN})
CENSUS_ROLES = frozenset(SENIOR_LEADERSHIP | {Role.ADMIN})
SETTINGS_ROLES = frozenset(SENIOR_LEADERSHIP | {Role.PASTORAL_LEAD, Role.ADMIN})
#: Suspensions by group (no names): governors and trust officers too.
GROUPS_ROLES = frozenset(ANALYSIS_ROLES | AGGREGATE_ONLY_ROLES)
