from apps.accounts.models import PASTORAL_TEAM
from apps.accounts.navigation import NavItem

from .rules import ATTAINMENT_IMPORT_ROLES, LEAD_ROLES, PLAN_TYPE_ROLES

NAV = [
    NavItem("Caseload", "support:caseload", frozenset(PASTORAL_TEAM), order=40),
    NavItem("Interventions", "support:interventions", frozenset(PASTORAL_TEAM), order=42),
    NavItem("Team caseloads", "support:team", frozenset(LEAD_ROLES), order=44),
    NavItem("Plan types", "support:plan_types", frozenset(PLAN_TYPE_ROLES), order=46),
    NavItem("Import attainment", "support:attainment_import", frozenset(ATTAINMENT_IMPORT_ROLES), order=48),
]
