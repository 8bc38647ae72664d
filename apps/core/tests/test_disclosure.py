"""The small-number rule shared by every aggregate page."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from apps.core.disclosure import SUPPRESS_BELOW, too_small, withheld_groups


def test_nothing_is_withheld_when_every_group_is_large_enough():
    assert withheld_groups([30, 28, 3]) == set()


def test_a_lone_small_group_takes_the_next_smallest_with_it():
    # Looked after "Yes" (2) beside "No" (200): the total less "No" would give the two back.
    assert withheld_groups([200, 2]) == {0, 1}
    # Forms of a year: the 1-pupil form and the smallest other form are withheld, the rest shown.
    assert withheld_groups([27, 1, 25, 29]) == {1, 2}


def test_two_small_groups_that_together_reach_the_threshold_are_enough():
    assert withheld_groups([30, 1, 2, 28]) == {1, 2}
    assert withheld_groups([30, 1, 1, 28]) == {1, 2, 3}  # 1 + 1 is still fewer than 3


def test_empty_groups_are_never_counted_as_protection():
    assert withheld_groups([0, 2, 40]) == {1, 2}


@given(st.lists(st.integers(min_value=0, max_value=60), max_size=12))
def test_no_withheld_group_can_be_worked_out_from_the_total(sizes):
    withheld = withheld_groups(sizes)
    assert {i for i, n in enumerate(sizes) if too_small(n)} <= withheld
    shown_nonzero = [i for i, n in enumerate(sizes) if n > 0 and i not in withheld]
    if withheld and shown_nonzero:
        # Whatever the total less the groups shown reveals covers two or more groups and at least
        # SUPPRESS_BELOW pupils, so it is no one pupil's record.
        assert len(withheld) >= 2
        assert sum(sizes[i] for i in withheld) >= SUPPRESS_BELOW
