"""Small numbers in aggregate pages (the ones governors and trust officers see): a group this small
could identify a pupil, so its figures are withheld. One rule for every module."""

from __future__ import annotations

#: Groups (or counts) with fewer than this many pupils are shown as "fewer than 3".
SUPPRESS_BELOW = 3


def too_small(count: int) -> bool:
    """True for a count that could identify a pupil: 1 or 2 (0 says nothing about anyone)."""
    return 0 < count < SUPPRESS_BELOW
