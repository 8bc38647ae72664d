from apps.accounts.navigation import NavItem

from .rules import ANALYSIS_ROLES, EXCLUSION_VIEW_ROLES, GROUPS_ROLES, PASTORAL_ROLES, SETTINGS_ROLES, STAFF_ROLES

NAV = [
    NavItem("Log behaviour", "behaviour:log", STAFF_ROLES, order=40),
    NavItem("Behaviour overview", "behaviour:overview", ANALYSIS_ROLES, order=41),
    NavItem("Inclusion unit", "behaviour:inclusion", PASTORAL_ROLES, order=42),
    NavItem("Exclusions", "behaviour:exclusions", EXCLUSION_VIEW_ROLES, order=43),
]
NAV.append(NavItem("Behaviour types", "behaviour:types", SETTINGS_ROLES, order=44))
NAV.append(NavItem("Exclusions by group", "behaviour:groups", GROUPS_ROLES, order=45))
NAV.append(NavItem("Off-site and managed moves", "behaviour:moves", PASTORAL_ROLES, order=46))
