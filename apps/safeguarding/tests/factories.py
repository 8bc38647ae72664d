"""Factories for safeguarding rows. They write the rows only (no chronology, no audit): tests of
behaviour go through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from apps.accounts.tests.factories import UserFactory
from apps.core.tests.factories import SchoolFactory
from apps.safeguarding.models import Concern, ConcernAction, ConcernPupil, SafeguardingStatus, StatusKind


class ConcernFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Concern

    school = factory.SubFactory(SchoolFactory)
    logged_by = factory.SubFactory(UserFactory)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=2))
    recorded_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    summary = 'Said "my dad hit me last night". Bruise on left forearm.'
    categories = factory.LazyFunction(lambda: ["PHYS"])
    triage_due_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=1))


def concern_about(pupil: Any, *, logged_by: Any, role: str = ConcernPupil.Role.SUBJECT, **kwargs: Any) -> Any:
    concern: Any = ConcernFactory(school=pupil.school, logged_by=logged_by, **kwargs)
    ConcernPupil.objects.create(concern=concern, pupil=pupil, role=role)
    return concern


class ConcernActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConcernAction

    concern = factory.SubFactory(ConcernFactory)
    school = factory.SelfAttribute("concern.school")
    description = "Phone home"
    owner = factory.SubFactory(UserFactory)
    created_by = factory.SelfAttribute("owner")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=3))


class SafeguardingStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SafeguardingStatus

    school = factory.SelfAttribute("pupil.school")
    pupil = None
    kind = StatusKind.CIN
    start_date = dt.date(2025, 1, 6)
    recorded_by = factory.SubFactory(UserFactory)
