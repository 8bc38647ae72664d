from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from apps.support.models import (
    GroupMember,
    Intervention,
    InterventionCategory,
    InterventionGroup,
    Placement,
    PlanAction,
    PlanKind,
    PlanTarget,
    PlanVersion,
    Provider,
    ProviderKind,
    SupportPlan,
)


def make_plan(pupil: Any, keyworker: Any, *, kind: str = PlanKind.PASTORAL_SUPPORT, **extra: Any) -> SupportPlan:
    """A plan with one version, two targets and one action, written straight to the tables (no
    audit or chronology), for tests that need one to exist."""
    started = extra.pop("started_on", dt.date(2026, 9, 14))
    plan = SupportPlan.objects.create(
        school=pupil.school,
        pupil=pupil,
        kind=kind,
        title=extra.pop("title", "Settling into Year 9"),
        keyworker=keyworker,
        started_on=started,
        next_review_on=extra.pop("next_review_on", started + dt.timedelta(weeks=6)),
        created_by=keyworker,
        **extra,
    )
    version = PlanVersion.objects.create(
        plan=plan,
        number=1,
        barriers="Anxiety about crowded corridors; late to lessons after lunch.",
        created_by=keyworker,
        created_at=timezone.now(),
    )
    PlanTarget.objects.create(version=version, order=1, description="Arrive on time to period 5", due_on=started)
    PlanTarget.objects.create(version=version, order=2, description="Attend lunch club twice a week")
    PlanAction.objects.create(
        version=version, description="Early lesson pass", owner=keyworker, due_on=started + dt.timedelta(days=7)
    )
    return plan


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervention

    name = factory.Sequence(lambda n: f"Friendship group {n}")
    category = InterventionCategory.FRIENDSHIP
    capacity = 8
    cost_per_pupil = Decimal("40.00")


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterventionGroup

    intervention = factory.SubFactory(InterventionFactory, school=factory.SelfAttribute("..school"))
    name = factory.Sequence(lambda n: f"Tuesday lunch {n}")
    starts_on = dt.date(2026, 9, 8)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMember

    joined_on = dt.date(2026, 9, 8)
    need = "semh"


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Riverside Skills Centre {n}")
    kind = ProviderKind.APPROVED_ACTIVITY


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    provider = factory.SubFactory(ProviderFactory, school=factory.SelfAttribute("..school"))
    starts_on = dt.date(2026, 9, 7)
    weekdays = "0,2"
    sessions = "AM,PM"


def make_group(**kwargs: Any) -> InterventionGroup:
    group: Any = GroupFactory(**kwargs)
    return group  # type: ignore[no-any-return]


def make_placement(**kwargs: Any) -> Placement:
    placement: Any = PlacementFactory(**kwargs)
    return placement  # type: ignore[no-any-return]


def make_provider(**kwargs: Any) -> Provider:
    provider: Any = ProviderFactory(**kwargs)
    return provider  # type: ignore[no-any-return]


def make_psp(pupil: Any, coordinator: Any, **extra: Any) -> Any:
    """A Pastoral Support Programme in the behaviour module, written straight to the table."""
    from apps.behaviour.models import PastoralSupportProgramme

    return PastoralSupportProgramme.objects.create(
        school=pupil.school,
        pupil=pupil,
        start_date=extra.pop("start_date", dt.date(2026, 9, 14)),
        end_date=extra.pop("end_date", dt.date(2027, 1, 4)),
        coordinator=coordinator,
        reason=extra.pop("reason", "Two suspensions this term"),
        targets=extra.pop("targets", "Stay in lessons for the whole of period 5"),
        **extra,
    )


def make_part_time(pupil: Any, recorded_by: Any, **extra: Any) -> Any:
    """A part-time timetable in the attendance module, written straight to the table."""
    from apps.attendance.models import PartTimeTimetable

    return PartTimeTimetable.objects.create(
        school=pupil.school,
        pupil=pupil,
        start_date=extra.pop("start_date", dt.date(2026, 9, 14)),
        planned_end_date=extra.pop("planned_end_date", dt.date(2026, 9, 25)),
        attended_sessions=extra.pop("attended_sessions", ["0AM", "1AM", "2AM", "3AM", "4AM"]),
        reason=extra.pop("reason", "Reintegration"),
        parent_agreed_on=extra.pop("parent_agreed_on", dt.date(2026, 9, 10)),
        next_review=extra.pop("next_review", dt.date(2026, 9, 21)),
        recorded_by=recorded_by,
        recorded_at=timezone.now(),
        **extra,
    )


def make_reintegration(pupil: Any, keyworker: Any, *, reduces_hours: bool = True) -> Any:
    """A reintegration plan with two phases (the first with fewer hours), straight to the tables."""
    from apps.support.models import Reintegration, ReintegrationPhase

    plan = make_plan(pupil, keyworker, kind=PlanKind.REINTEGRATION, title="Reintegration after a suspension")
    reintegration = Reintegration.objects.create(plan=plan, reason="suspension")
    ReintegrationPhase.objects.create(
        reintegration=reintegration,
        starts_on=dt.date(2026, 9, 14),
        ends_on=dt.date(2026, 9, 18),
        timetable="Mornings only",
        reduces_hours=reduces_hours,
    )
    ReintegrationPhase.objects.create(
        reintegration=reintegration, starts_on=dt.date(2026, 9, 21), ends_on=dt.date(2026, 9, 25), timetable="Full days"
    )
    return plan
