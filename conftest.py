"""Root fixtures: personas built once per test, the same cast in every app's tests.

`personas` gives a school with a calendar, a Year 9 pupil in form 9A taught in 9X/Ma1, a Year 10
pupil nobody in the cast teaches, and one user per role (plus a teacher with no classes and the DSL
of another school). `login_as(client, user)` signs a user in with their second factor verified.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from apps.accounts.models import Membership, Role, User
from apps.accounts.tests.factories import UserFactory
from apps.core.models import School
from apps.core.tests.factories import SchoolFactory, make_calendar
from apps.people.models import Pupil
from apps.people.tests.factories import (
    CarerFactory,
    FormFactory,
    PupilCarerFactory,
    PupilFactory,
    TeachingGroupFactory,
    YearGroupFactory,
)

# Speed is measured by `make bench`, never by tests: Hypothesis must not fail a test because a busy
# CI machine generated examples slowly (no deadline, no too_slow health check).
hypothesis_settings.register_profile("hearth", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("hearth")

# persona name -> role held at the main school (None: no membership there)
PERSONA_ROLES: dict[str, str | None] = {
    "admin": Role.ADMIN,
    "headteacher": Role.HEADTEACHER,
    "senior_leader": Role.SENIOR_LEADER,
    "dsl": Role.DSL,
    "deputy_dsl": Role.DEPUTY_DSL,
    "pastoral_lead": Role.PASTORAL_LEAD,
    "pastoral": Role.PASTORAL,
    "head_of_year": Role.HEAD_OF_YEAR,
    "form_tutor": Role.FORM_TUTOR,
    "teacher": Role.TEACHER,
    "other_teacher": Role.TEACHER,
    "attendance_officer": Role.ATTENDANCE_OFFICER,
    "senco": Role.SENCO,
    "governor": Role.GOVERNOR,
    "trust_officer": Role.TRUST_OFFICER,
    "other_school_dsl": None,
}
PERSONAS = ["anonymous", *PERSONA_ROLES]


@dataclass
class Personas:
    school: School
    other_school: School
    pupil: Pupil  # Year 9, form 9A, taught by `teacher`, tutored by `form_tutor`, year led by `head_of_year`
    other_pupil: Pupil  # Year 10, taught by nobody in the cast
    sibling: Pupil  # Year 7, shares a carer with `pupil`
    other_school_pupil: Pupil
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def build_personas() -> Personas:
    school = SchoolFactory(name="Brookfield Academy", urn="900001", establishment_number="4001")
    other_school = SchoolFactory(name="Hillside School", urn="900002", establishment_number="4002")
    make_calendar(school, 2024, years=3)
    make_calendar(other_school, 2024, years=3)
    users: dict[str, User] = {}
    for name, role in PERSONA_ROLES.items():
        user = UserFactory(username=name, first_name=name.replace("_", " ").title(), last_name="Persona")
        if role:
            Membership.objects.create(user=user, school=school, role=role)
        users[name] = user
    Membership.objects.create(user=users["other_school_dsl"], school=other_school, role=Role.DSL)
    Membership.objects.create(user=users["trust_officer"], school=other_school, role=Role.TRUST_OFFICER)

    year9 = YearGroupFactory(school=school, number=9)
    year9.heads.add(users["head_of_year"])
    form9a = FormFactory(school=school, year_group=year9, name="9A")
    form9a.tutors.add(users["form_tutor"])
    pupil = PupilFactory(
        school=school,
        year_group=year9,
        form=form9a,
        legal_forename="Amelia",
        legal_surname="Testpupil",
        date_of_birth=dt.date(2012, 5, 1),
    )
    group = TeachingGroupFactory(school=school, name="9X/Ma1", subject="Mathematics")
    group.teachers.add(users["teacher"])
    group.pupils.add(pupil)
    year10 = YearGroupFactory(school=school, number=10)
    other_pupil = PupilFactory(
        school=school,
        year_group=year10,
        form=FormFactory(school=school, year_group=year10, name="10B"),
        legal_forename="Oliver",
        legal_surname="Otherpupil",
        date_of_birth=dt.date(2011, 2, 2),
        sex=Pupil.Sex.MALE,
    )
    year7 = YearGroupFactory(school=school, number=7)
    sibling = PupilFactory(
        school=school,
        year_group=year7,
        form=FormFactory(school=school, year_group=year7, name="7C"),
        legal_forename="Isla",
        legal_surname="Testpupil",
        date_of_birth=dt.date(2014, 1, 9),
    )
    carer = CarerFactory(school=school, forename="Jane", surname="Testpupil")
    PupilCarerFactory(pupil=pupil, carer=carer)
    PupilCarerFactory(pupil=sibling, carer=carer)
    other_year = YearGroupFactory(school=other_school, number=9)
    other_school_pupil = PupilFactory(
        school=other_school,
        year_group=other_year,
        form=FormFactory(school=other_school, year_group=other_year, name="9H"),
        legal_forename="Noah",
        legal_surname="Elsewhere",
    )
    return Personas(
        school=school,
        other_school=other_school,
        pupil=pupil,
        other_pupil=other_pupil,
        sibling=sibling,
        other_school_pupil=other_school_pupil,
        users=users,
    )


@pytest.fixture
def personas(db: Any) -> Personas:
    return build_personas()


def verified_device(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def login_as(client: Client, user: User | None) -> Client:
    """Sign `user` in on `client` with a verified second factor (None leaves it anonymous)."""
    if user is None:
        return client
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
    session.save()
    return client


@pytest.fixture
def client_for(client: Client) -> Any:
    """`client_for(user)`: the test client signed in as `user`."""

    def make(user: User | None) -> Client:
        return login_as(Client(), user)

    return make
