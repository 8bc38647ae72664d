"""A plan review and an intervention's impact read the real behaviour module (the other support
tests control the behaviour figures to check the arithmetic)."""

from __future__ import annotations

import datetime as dt

from apps.behaviour.models import Polarity
from apps.behaviour.tests.factories import BehaviourTypeFactory, make_incident
from apps.support import selectors, services
from apps.support.services import ProgressSpec
from apps.support.tests.test_services import MON, open_plan


def test_a_review_copies_in_the_behaviour_module_figures(personas):
    school, pupil = personas.school, personas.pupil
    disruption = BehaviourTypeFactory(school=school, name="Disruption", points=2)
    praise = BehaviourTypeFactory(school=school, name="Praise", polarity=Polarity.POSITIVE, points=3)
    make_incident(pupil, btype=disruption, day=MON)
    make_incident(pupil, btype=disruption, day=MON + dt.timedelta(days=2))
    make_incident(pupil, btype=praise, day=MON + dt.timedelta(days=3))
    make_incident(pupil, btype=disruption, day=MON - dt.timedelta(days=7))  # before the period

    plan = open_plan(personas)
    target = selectors.current_version(plan).targets.get()
    review = services.record_review(
        personas.pastoral,
        plan=plan,
        held_on=MON + dt.timedelta(days=4),
        decision="continue",
        progress={target.pk: ProgressSpec(2)},
    )
    assert review.behaviour["negative_points"] == 4
    assert review.behaviour["positive_points"] == 3
    assert review.behaviour["incidents"] == 2
