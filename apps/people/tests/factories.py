from __future__ import annotations

import datetime as dt

import factory

from apps.core.tests.factories import SchoolFactory
from apps.people.identifiers import make_upn
from apps.people.models import Carer, Form, Pupil, PupilCarer, TeachingGroup, YearGroup


class YearGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = YearGroup
        django_get_or_create = ("school", "number")

    school = factory.SubFactory(SchoolFactory)
    number = 9


class FormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Form
        django_get_or_create = ("school", "name")

    school = factory.SubFactory(SchoolFactory)
    year_group = factory.SubFactory(YearGroupFactory, school=factory.SelfAttribute("..school"))
    name = factory.LazyAttribute(lambda f: f"{f.year_group.number}A")


class PupilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pupil

    school = factory.SubFactory(SchoolFactory)
    legal_forename = factory.Faker("first_name", locale="en_GB")
    legal_surname = factory.Faker("last_name", locale="en_GB")
    date_of_birth = dt.date(2012, 3, 14)
    sex = Pupil.Sex.FEMALE
    upn = factory.Sequence(lambda n: make_upn("999", "4001", 19, n % 1000))
    admission_date = dt.date(2023, 9, 4)
    year_group = factory.SubFactory(YearGroupFactory, school=factory.SelfAttribute("..school"))
    form = factory.SubFactory(
        FormFactory, school=factory.SelfAttribute("..school"), year_group=factory.SelfAttribute("..year_group")
    )


class TeachingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeachingGroup
        django_get_or_create = ("school", "name")

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"9X/Ma{n}")
    subject = "Mathematics"


class CarerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Carer

    school = factory.SubFactory(SchoolFactory)
    forename = factory.Faker("first_name", locale="en_GB")
    surname = factory.Faker("last_name", locale="en_GB")
    mobile = factory.Sequence(lambda n: f"07700 9{n % 100000:05d}")
    email = factory.LazyAttribute(lambda c: f"{c.forename.lower()}.{c.surname.lower()}@example.net")


class PupilCarerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PupilCarer

    pupil = factory.SubFactory(PupilFactory)
    carer = factory.SubFactory(CarerFactory, school=factory.SelfAttribute("..pupil.school"))
    relationship = PupilCarer.Relationship.MOTHER
    contact_priority = 1
