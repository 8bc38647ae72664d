"""Demo: staff in every role. The named demo logins are the same at each demo school with a
suffix for the second school; every other member of staff is a teacher and perhaps a tutor."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from apps.demo.context import DEMO_PASSWORD, DemoContext
from apps.demo.names import FORENAMES_F, FORENAMES_M, SURNAMES

from .models import Membership, Role, User

# username -> (title, first name, last name, job title, roles)
DEMO_LOGINS: list[tuple[str, str, str, str, str, list[str]]] = [
    ("admin", "Mr", "Alan", "Keyworth", "Network and MIS manager", [Role.ADMIN]),
    ("head", "Mrs", "Helen", "Ashcombe", "Headteacher", [Role.HEADTEACHER]),
    ("slt", "Mr", "Simon", "Lorimer", "Deputy headteacher (behaviour and attendance)", [Role.SENIOR_LEADER]),
    ("dsl", "Ms", "Dana", "Selwood", "Assistant head and Designated Safeguarding Lead", [Role.DSL, Role.SENIOR_LEADER]),
    ("deputy", "Mr", "Derek", "Pellow", "Deputy DSL", [Role.DEPUTY_DSL, Role.PASTORAL]),
    ("pastoral_lead", "Mrs", "Paula", "Lindqvist", "Pastoral lead", [Role.PASTORAL_LEAD]),
    ("pastoral", "Miss", "Priya", "Costain", "Pastoral co-ordinator (keyworker)", [Role.PASTORAL]),
    ("hoy", "Mr", "Hamza", "Oyelaran", "Head of Year 9", [Role.HEAD_OF_YEAR, Role.TEACHER]),
    ("tutor", "Ms", "Tara", "Underhill", "Form tutor 9A, teacher of English", [Role.FORM_TUTOR, Role.TEACHER]),
    ("teacher", "Mr", "Tom", "Eckersley", "Teacher of mathematics", [Role.TEACHER]),
    ("attendance", "Mrs", "Anita", "Tennant", "Attendance officer", [Role.ATTENDANCE_OFFICER]),
    ("senco", "Dr", "Sarah", "Encombe", "SENCO", [Role.SENCO, Role.TEACHER]),
    ("governor", "Mr", "Gareth", "Overend", "Safeguarding governor", [Role.GOVERNOR]),
    ("trust", "Ms", "Tess", "Rutherford", "Trust director of inclusion", [Role.TRUST_OFFICER]),
]
TEACHING_STAFF = 45


def seed(ctx: DemoContext) -> None:
    suffix = "" if ctx.is_main_school else "2"
    for username, title, first, last, job, roles in DEMO_LOGINS:
        if username == "trust" and not ctx.is_main_school:
            user = User.objects.get(username="trust")  # one trust officer across both schools
        else:
            user = _user(f"{username}{suffix}", title, first, last, job)
        for role in roles:
            Membership.objects.create(user=user, school=ctx.school, role=role)
            ctx.staff.setdefault(role, []).append(user)
    count = TEACHING_STAFF if ctx.is_main_school else 12
    for i in range(count):
        female = ctx.rng.random() < 0.65
        first = ctx.rng.choice(FORENAMES_F if female else FORENAMES_M)
        last = ctx.rng.choice(SURNAMES)
        title = ctx.rng.choice(["Ms", "Mrs", "Miss"]) if female else "Mr"
        user = _user(f"staff{suffix}{i + 1:03d}", title, first, last, "Teacher")
        Membership.objects.create(user=user, school=ctx.school, role=Role.TEACHER)
        ctx.staff.setdefault(Role.TEACHER, []).append(user)


_password_hash: list[str] = []


def _user(username: str, title: str, first: str, last: str, job: str) -> User:
    if not _password_hash:  # hash the shared demo password once, not once per user
        _password_hash.append(make_password(DEMO_PASSWORD))
    return User.objects.create(
        username=username,
        title=title,
        first_name=first,
        last_name=last,
        job_title=job,
        email=f"{username}@riverbend.example.org",
        password=_password_hash[0],
    )
