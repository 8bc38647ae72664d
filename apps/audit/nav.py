from apps.accounts.models import AUDIT_READERS
from apps.accounts.navigation import NavItem

NAV = [NavItem("Audit log", "audit:index", frozenset(AUDIT_READERS), order=900)]
