from apps.accounts.models import AGGREGATE_ONLY_ROLES, Role
from apps.accounts.navigation import NavItem

NAV = [NavItem("Pupils", "people:list", frozenset(Role.values) - AGGREGATE_ONLY_ROLES, order=10)]
