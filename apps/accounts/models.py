"""Users and what they may do in each school.

A user holds one or more roles in one or more schools (`Membership`). Everything a user sees is
scoped to the school chosen in the session (`request.school`), with `request.roles` the roles they
hold there.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from apps.core.models import School, TimeStampedModel


class Role(models.TextChoices):
    ADMIN = "admin", "System administrator"
    HEADTEACHER = "headteacher", "Headteacher"
    SENIOR_LEADER = "senior_leader", "Senior leader"
    DSL = "dsl", "Designated Safeguarding Lead"
    DEPUTY_DSL = "deputy_dsl", "Deputy DSL"
    PASTORAL_LEAD = "pastoral_lead", "Pastoral lead"
    PASTORAL = "pastoral", "Pastoral co-ordinator / keyworker"
    HEAD_OF_YEAR = "head_of_year", "Head of year"
    FORM_TUTOR = "form_tutor", "Form tutor"
    TEACHER = "teacher", "Teacher"
    ATTENDANCE_OFFICER = "attendance_officer", "Attendance officer"
    SENCO = "senco", "SENCO"
    GOVERNOR = "governor", "Governor"
    TRUST_OFFICER = "trust_officer", "Trust officer"


# Groups of roles used by the permission predicates. Kept here, in one place, so that "who is the
# DSL team" or "who sees every pupil" is answered once for the whole product.
DSL_TEAM = frozenset({Role.DSL, Role.DEPUTY_DSL})
SENIOR_LEADERSHIP = frozenset({Role.HEADTEACHER, Role.SENIOR_LEADER})
PASTORAL_TEAM = frozenset(
    {
        Role.DSL,
        Role.DEPUTY_DSL,
        Role.PASTORAL_LEAD,
        Role.PASTORAL,
        Role.HEAD_OF_YEAR,
        Role.SENCO,
        Role.HEADTEACHER,
        Role.SENIOR_LEADER,
    }
)
# Roles that see every pupil on roll (general and, with PASTORAL_TEAM, pastoral entries).
WHOLE_SCHOOL_ROLES = PASTORAL_TEAM - {Role.HEAD_OF_YEAR} | {Role.ATTENDANCE_OFFICER, Role.ADMIN}
# Roles that never see a named pupil.
AGGREGATE_ONLY_ROLES = frozenset({Role.GOVERNOR, Role.TRUST_OFFICER})
# Roles that may read the audit log (who looked at which record).
AUDIT_READERS = DSL_TEAM | {Role.ADMIN, Role.HEADTEACHER}
# Roles that must sign in with a second factor: every role that can read safeguarding records or
# change who can.
TWO_FACTOR_ROLES = DSL_TEAM | SENIOR_LEADERSHIP | {Role.ADMIN}


class User(AbstractUser):
    """A member of staff, governor or trust officer. Signs in with their username."""

    email = models.EmailField(unique=True)
    title = models.CharField(max_length=20, blank=True)
    job_title = models.CharField(max_length=120, blank=True)
    telephone = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return f"{self.title} {name}".strip() if self.title else (name or self.username)


class Membership(TimeStampedModel):
    """One role that a user holds in one school. A user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["school__name", "role"]
        constraints = [models.UniqueConstraint(fields=["user", "school", "role"], name="uniq_membership")]
        indexes = [models.Index(fields=["school", "role"])]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} at {self.school}"


class Notification(models.Model):
    """An in-app alert for one user (a concern marked as immediate risk, an overdue deadline). It
    holds a title and a link, never the detail: the detail is read through the linked page, which
    checks permission."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=300)
    urgent = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title
