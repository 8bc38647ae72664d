from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from apps.behaviour.models import BehaviourType, Incident, IncidentPupil, Location, Polarity
from apps.core.tests.factories import SchoolFactory


class BehaviourTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BehaviourType
        django_get_or_create = ("school", "name")

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Disruption {n}")
    polarity = Polarity.NEGATIVE
    points = 2


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location
        django_get_or_create = ("school", "name")

    school = factory.SubFactory(SchoolFactory)
    name = "Classroom"


def make_incident(pupil, *, school=None, btype=None, day=None, role=IncidentPupil.Role.INVOLVED, points=None):
    """An incident with one pupil, written directly (for selector tests)."""
    school = school or pupil.school
    btype = btype or BehaviourTypeFactory(school=school)
    day = day or dt.date(2024, 11, 12)
    occurred = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    incident = Incident.objects.create(
        school=school, behaviour_type=btype, polarity=btype.polarity, occurred_at=occurred, date=day
    )
    sign = 1 if btype.polarity == Polarity.POSITIVE else -1
    IncidentPupil.objects.create(
        school=school,
        incident=incident,
        pupil=pupil,
        role=role,
        points=sign * (btype.points if points is None else points),
        date=day,
    )
    return incident


def new_type(**kw: Any) -> Any:
    return BehaviourTypeFactory(**kw)


def new_location(**kw: Any) -> Any:
    return LocationFactory(**kw)
