from apps.accounts.models import AGGREGATE_ONLY_ROLES, DSL_TEAM, Role
from apps.accounts.navigation import NavItem

NAV = [
    NavItem("Concerns about adults", "safeguarding:allegations", frozenset({Role.DSL, Role.HEADTEACHER}), order=21),
    NavItem("Safeguarding queue", "safeguarding:queue", frozenset(DSL_TEAM), order=20),
    NavItem(
        "My concerns", "safeguarding:mine", frozenset(set(Role.values) - AGGREGATE_ONLY_ROLES - DSL_TEAM), order=90
    ),
]
