"""Who may do what with attendance.

- Record or amend marks for a pupil: the attendance officer and every whole-school role
  (pastoral team, senior leaders, DSL team, SENCO, administrators), the head of the pupil's year,
  and the tutor of the pupil's form (for their own register).
- Manage follow-up, leave, part-time timetables, penalty notices and settings: the attendance
  officer, the pastoral team and senior leaders.
- See aggregate measures: staff, plus governors and trust officers (no named pupils).
"""

from __future__ import annotations

from typing import Any

import rules

from apps.accounts.models import AGGREGATE_ONLY_ROLES, PASTORAL_TEAM, SENIOR_LEADERSHIP, WHOLE_SCHOOL_ROLES, Role
from apps.accounts.rules import holds_any, school_of
from apps.accounts.selectors import roles_in

#: Roles that run the attendance office (follow-up, leave, legal steps).
ATTENDANCE_TEAM = frozenset({Role.ATTENDANCE_OFFICER, Role.ADMIN}) | PASTORAL_TEAM | SENIOR_LEADERSHIP
#: Roles that may take a register (their own forms only, unless whole-school).
REGISTER_ROLES = WHOLE_SCHOOL_ROLES | {Role.HEAD_OF_YEAR, Role.FORM_TUTOR}
#: Roles that see attendance figures for named pupils across the school.
MEASURE_ROLES = WHOLE_SCHOOL_ROLES | {Role.HEAD_OF_YEAR, Role.FORM_TUTOR}
#: Roles that see aggregate (unnamed) figures.
AGGREGATE_ROLES = MEASURE_ROLES | AGGREGATE_ONLY_ROLES

#: Every staff role (not governors or trust officers): lesson registers, the API's pupil reads.
STAFF_ROLES = frozenset(Role.values) - AGGREGATE_ONLY_ROLES
#: Who may change the school's attendance settings and produce the governors' report: the
#: attendance office and senior leaders.
SETTINGS_ROLES = frozenset({Role.ATTENDANCE_OFFICER, Role.ADMIN}) | SENIOR_LEADERSHIP

#: Roles that read the stored attendance reports for the headteacher and governors (aggregates).
GOVERNOR_REPORT_READERS = SENIOR_LEADERSHIP | {Role.GOVERNOR, Role.ATTENDANCE_OFFICER, Role.ADMIN}

is_attendance_team = holds_any(ATTENDANCE_TEAM)


def may_change_settings(user: Any, school: Any) -> bool:
    return bool(roles_in(user, school) & SETTINGS_ROLES)


def may_record_marks(user: Any, pupil: Any) -> bool:
    """Whether `user` may record or amend marks for `pupil`."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    roles = roles_in(user, school_of(pupil))
    if roles & WHOLE_SCHOOL_ROLES:
        return True
    if Role.HEAD_OF_YEAR in roles and pupil.year_group.heads.filter(pk=user.pk).exists():
        return True
    return bool(Role.FORM_TUTOR in roles and pupil.form_id and pupil.form.tutors.filter(pk=user.pk).exists())


def may_take_register(user: Any, form: Any) -> bool:
    """Whether `user` may take `form`'s register: its tutor, the head of its year, or a
    whole-school role."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    roles = roles_in(user, form.school_id)
    if roles & WHOLE_SCHOOL_ROLES:
        return True
    if Role.HEAD_OF_YEAR in roles and form.year_group.heads.filter(pk=user.pk).exists():
        return True
    return bool(Role.FORM_TUTOR in roles and form.tutors.filter(pk=user.pk).exists())


def may_manage(user: Any, school: Any) -> bool:
    """Attendance-office work: amendments, follow-up, penalty notices, letters."""
    return bool(roles_in(user, school) & ATTENDANCE_TEAM)


@rules.predicate
def records_marks_for(user: Any, pupil: Any) -> bool:
    return pupil is not None and may_record_marks(user, pupil)


rules.add_perm("attendance.record_marks", records_marks_for)
rules.add_perm("attendance.manage", is_attendance_team)


#: Who edits the school's letter templates (issue 5): the attendance office and senior leaders.
LETTER_TEMPLATE_EDITORS = frozenset({Role.ATTENDANCE_OFFICER, Role.ADMIN}) | SENIOR_LEADERSHIP


def may_edit_letter_templates(user: Any, school: Any) -> bool:
    return bool(roles_in(user, school) & LETTER_TEMPLATE_EDITORS)
