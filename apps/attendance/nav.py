from apps.accounts.navigation import NavItem

from .rules import AGGREGATE_ROLES, ATTENDANCE_TEAM, MEASURE_ROLES, REGISTER_ROLES

NAV = [
    NavItem("Registers", "attendance:registers", frozenset(REGISTER_ROLES), order=30),
    NavItem("First-day calls", "attendance:first_day", frozenset(ATTENDANCE_TEAM), order=31),
    NavItem("Persistent absence", "attendance:persistent_absence", frozenset(MEASURE_ROLES), order=32),
    NavItem("Attendance measures", "attendance:measures", frozenset(AGGREGATE_ROLES), order=33),
    NavItem("Long absence (CME)", "attendance:long_absence", frozenset(ATTENDANCE_TEAM), order=35),
    NavItem("Leave requests", "attendance:leave", frozenset(ATTENDANCE_TEAM), order=36),
    NavItem("Penalty notices", "attendance:penalties", frozenset(ATTENDANCE_TEAM), order=34),
]
