from .models import Role
from .navigation import NavItem

NAV = [NavItem("Staff accounts", "accounts:users", frozenset({Role.ADMIN}), order=850)]
