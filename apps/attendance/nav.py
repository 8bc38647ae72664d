from apps.accounts.navigation import NavItem

from .rules import (
    AGGREGATE_ROLES,
    ATTENDANCE_TEAM,
    GOVERNOR_REPORT_READERS,
    MEASURE_ROLES,
    REGISTER_ROLES,
    SETTINGS_ROLES,
    STAFF_ROLES,
)
from .services import settings_for


def _lessons_in_use(school: object) -> bool:
    return settings_for(school).lesson_registers  # type: ignore[arg-type]


NAV = [
    NavItem("Registers", "attendance:registers", frozenset(REGISTER_ROLES), order=30),
    NavItem("First-day calls", "attendance:first_day", frozenset(ATTENDANCE_TEAM), order=31),
    NavItem("Persistent absence", "attendance:persistent_absence", frozenset(MEASURE_ROLES), order=32),
    NavItem("Attendance measures", "attendance:measures", frozenset(AGGREGATE_ROLES), order=33),
    NavItem("Long absence (CME)", "attendance:long_absence", frozenset(ATTENDANCE_TEAM), order=35),
    NavItem("Leave requests", "attendance:leave", frozenset(ATTENDANCE_TEAM), order=36),
    NavItem("Part-time timetables", "attendance:part_time", frozenset(ATTENDANCE_TEAM), order=37),
    NavItem("Penalty notices", "attendance:penalties", frozenset(ATTENDANCE_TEAM), order=34),
    # Settings, lesson registers, truancy and closures (issue 5; attreg).
    NavItem("Lesson registers", "attendance:lessons", frozenset(STAFF_ROLES), order=38, when=_lessons_in_use),
    NavItem(
        "Post-registration truancy", "attendance:truancy", frozenset(ATTENDANCE_TEAM), order=39, when=_lessons_in_use
    ),
    NavItem("Closures", "attendance:closures", frozenset(ATTENDANCE_TEAM), order=40),
    NavItem("Attendance settings", "attendance:settings", frozenset(SETTINGS_ROLES), order=41),
    # Reports (issue 5)
    NavItem("PA rate by group", "attendance:rates", frozenset(AGGREGATE_ROLES), order=38),
    NavItem("Attendance heat map", "attendance:heatmap", frozenset(AGGREGATE_ROLES), order=39),
    NavItem("Punctuality", "attendance:punctuality", frozenset(AGGREGATE_ROLES), order=40),
    NavItem("Letter templates", "attendance:letter_templates", frozenset(ATTENDANCE_TEAM), order=41),
    NavItem(
        "Attendance reports for governors", "attendance:governor_reports", frozenset(GOVERNOR_REPORT_READERS), order=42
    ),
]
