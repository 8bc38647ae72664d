import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.support import statutory


@given(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 1, 1)), st.integers(min_value=1, max_value=52))
def test_next_review_is_a_weekday_at_least_the_interval_later(start, weeks):
    day = statutory.next_review_date(start, weeks)
    assert day.weekday() < 5
    assert dt.timedelta(weeks=weeks) <= day - start < dt.timedelta(weeks=weeks, days=3)


def test_next_review_from_a_saturday_moves_to_monday():
    assert statutory.next_review_date(dt.date(2026, 11, 21), 6) == dt.date(2027, 1, 4)


def test_review_interval_must_be_positive():
    with pytest.raises(ValueError):
        statutory.next_review_date(dt.date(2026, 11, 23), 0)


def test_overdue_is_the_day_after_the_review_date():
    assert not statutory.review_is_overdue(dt.date(2026, 11, 23), dt.date(2026, 11, 23))
    assert statutory.review_is_overdue(dt.date(2026, 11, 22), dt.date(2026, 11, 23))
    assert not statutory.review_is_overdue(None, dt.date(2026, 11, 23))


@pytest.mark.parametrize(("kind", "code"), [("approved", "B"), ("dual", "D"), ("la", "K")])
def test_off_site_provision_is_coded_b_d_or_k(kind, code):
    assert statutory.placement_code(kind) == code


def test_unknown_provider_kind_is_refused():
    with pytest.raises(ValueError):
        statutory.placement_code("home")


def test_placement_sessions_keep_only_its_days_and_sessions():
    monday, tuesday = dt.date(2026, 11, 23), dt.date(2026, 11, 24)
    school = [(monday, "AM"), (monday, "PM"), (tuesday, "AM"), (tuesday, "PM")]
    assert statutory.placement_sessions([0], ["AM"], school) == [(monday, "AM")]


def test_impact_windows_hand_worked():
    before, during = statutory.impact_windows(dt.date(2026, 10, 5), dt.date(2026, 11, 23))
    assert (before.start, before.end) == (dt.date(2026, 8, 24), dt.date(2026, 10, 4))
    assert (during.start, during.end) == (dt.date(2026, 10, 5), dt.date(2026, 11, 23))


@pytest.mark.parametrize(
    ("att_before", "att_after", "neg_before", "neg_after", "helped"),
    [
        (Decimal(80), Decimal(90), None, None, True),
        (Decimal(80), Decimal(90), 5, 7, False),  # attendance up, behaviour worse
        (Decimal(90), Decimal(90), 6, 2, True),
        (Decimal(90), Decimal(85), 6, 2, False),
        (None, None, None, None, False),
        (Decimal(90), Decimal(90), 3, 3, False),
    ],
)
def test_a_pupil_is_helped_when_something_improved_and_nothing_got_worse(
    att_before, att_after, neg_before, neg_after, helped
):
    assert statutory.pupil_improved(att_before, att_after, neg_before, neg_after) is helped


def test_cost_per_pupil_helped_hand_worked():
    # 8 pupils at £45 = £360; 3 helped: £120.00 each.
    assert statutory.cost_per_pupil_helped(Decimal("45.00"), 8, 3) == Decimal("120.00")
    assert statutory.cost_per_pupil_helped(Decimal("45.00"), 8, 0) is None


def test_mean_rating_and_percentage():
    assert statutory.mean_rating([4, 5, 7]) == Decimal("5.33")
    assert statutory.mean_rating([]) is None
    assert statutory.percentage(9, 10) == Decimal(90)
    assert statutory.percentage(1, 0) is None
