from apps.accounts.models import SENIOR_LEADERSHIP, Role
from apps.accounts.navigation import NavItem

# Every member of staff may open the calendar; the menu offers it to those who manage it.
NAV = [NavItem("Calendar", "core:calendar", SENIOR_LEADERSHIP | {Role.ADMIN, Role.ATTENDANCE_OFFICER}, order=800)]
