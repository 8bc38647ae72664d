import datetime as dt
from decimal import Decimal

from django.utils import timezone

from apps.behaviour.models import Detention, Exclusion, InclusionBooking, Polarity
from apps.behaviour.selectors import BehaviourTotals, behaviour_totals
from apps.behaviour.tests.factories import BehaviourTypeFactory, make_incident


def _exclusion(personas, *, kind, start, sessions, cancelled=False):
    return Exclusion.objects.create(
        school=personas.school,
        pupil=personas.pupil,
        kind=kind,
        start_date=start,
        sessions=sessions,
        reason_1="DB",
        reasons_text="Persistent disruption",
        nc_year=9,
        decided_by=personas.headteacher,
        decided_at=timezone.now(),
        cancelled_at=timezone.now() if cancelled else None,
    )


def test_totals_sum_each_measure_inside_the_period_only(personas):
    school, pupil = personas.school, personas.pupil
    bad = BehaviourTypeFactory(school=school, name="Defiance", points=3)
    good = BehaviourTypeFactory(school=school, name="Effort", polarity=Polarity.POSITIVE, points=2)
    make_incident(pupil, btype=bad, day=dt.date(2024, 11, 12))
    make_incident(pupil, btype=bad, day=dt.date(2024, 11, 13))
    make_incident(pupil, btype=good, day=dt.date(2024, 11, 14))
    make_incident(pupil, btype=bad, day=dt.date(2024, 12, 20))  # outside
    Detention.objects.create(school=school, pupil=pupil, date=dt.date(2024, 11, 14))
    Detention.objects.create(school=school, pupil=pupil, date=dt.date(2024, 11, 15), status=Detention.Status.CANCELLED)
    _exclusion(personas, kind=Exclusion.Kind.FIXED, start=dt.date(2024, 11, 18), sessions=4)
    _exclusion(personas, kind=Exclusion.Kind.LUNCH, start=dt.date(2024, 11, 25), sessions=1)
    _exclusion(personas, kind=Exclusion.Kind.FIXED, start=dt.date(2024, 11, 26), sessions=6, cancelled=True)
    InclusionBooking.objects.create(school=school, pupil=pupil, date=dt.date(2024, 11, 20), reason="Removed")

    totals = behaviour_totals(
        school=school,
        pupil_ids=[pupil.pk, personas.other_pupil.pk],
        start=dt.date(2024, 11, 1),
        end=dt.date(2024, 11, 30),
    )

    assert totals[pupil.pk] == BehaviourTotals(
        positive_points=2,
        negative_points=6,
        incidents=2,
        rewards=1,
        detentions=1,
        suspension_days=Decimal("2.5"),
        suspensions=2,
        permanent_exclusions=0,
        internal_exclusions=1,
    )
    assert totals[personas.other_pupil.pk] == BehaviourTotals()
    assert totals[pupil.pk].net_points == -4


def test_totals_ignore_other_schools(personas):
    make_incident(personas.other_school_pupil, day=dt.date(2024, 11, 12))
    totals = behaviour_totals(
        school=personas.school,
        pupil_ids=[personas.other_school_pupil.pk],
        start=dt.date(2024, 9, 1),
        end=dt.date(2025, 8, 31),
    )
    assert totals[personas.other_school_pupil.pk].incidents == 0


def test_totals_of_no_pupils_is_empty(personas):
    assert (
        behaviour_totals(school=personas.school, pupil_ids=[], start=dt.date(2024, 9, 1), end=dt.date(2025, 8, 31))
        == {}
    )
