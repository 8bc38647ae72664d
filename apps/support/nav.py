from apps.accounts.models import PASTORAL_TEAM
from apps.accounts.navigation import NavItem

from .rules import LEAD_ROLES, PLAN_TYPE_ROLES

NAV = [
    NavItem("Caseload", "support:caseload", frozenset(PASTORAL_TEAM), order=40),
    NavItem("Interventions", "support:interventions", frozenset(PASTORAL_TEAM), order=42),
    NavItem("Team caseloads", "support:team", frozenset(LEAD_ROLES), order=44),
    NavItem("Plan types", "support:plan_types", frozenset(PLAN_TYPE_ROLES), order=46),
]
