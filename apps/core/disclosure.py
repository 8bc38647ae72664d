"""Small numbers in aggregate pages (the ones governors and trust officers see): a group this small
could identify a pupil, so its figures are withheld. One rule for every module."""

from __future__ import annotations

from collections.abc import Sequence

#: Groups (or counts) with fewer than this many pupils are shown as "fewer than 3".
SUPPRESS_BELOW = 3


def too_small(count: int) -> bool:
    """True for a count that could identify a pupil: 1 or 2 (0 says nothing about anyone)."""
    return 0 < count < SUPPRESS_BELOW


def withheld_groups(sizes: Sequence[int]) -> set[int]:
    """The positions of a breakdown's groups to withhold, given each group's number of pupils.

    Every group of 1 or 2 pupils; then, while the withheld groups are only one group or hold fewer
    than `SUPPRESS_BELOW` pupils between them, the smallest group still shown as well
    (complementary suppression). Without the second step a governor could take the groups shown
    from the whole-school total and have the withheld group's figures back."""
    withheld = {i for i, n in enumerate(sizes) if too_small(n)}
    if not withheld:
        return withheld
    shown = sorted((n, i) for i, n in enumerate(sizes) if i not in withheld and n > 0)
    while shown and (len(withheld) < 2 or sum(sizes[i] for i in withheld) < SUPPRESS_BELOW):
        withheld.add(shown.pop(0)[1])
    return withheld
