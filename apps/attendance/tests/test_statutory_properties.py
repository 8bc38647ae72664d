"""Property-based tests of the pure rules against straightforward reference implementations."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from apps.attendance import statutory

CODES = sorted(c.code for c in statutory.CODES.values())


def reference_summary(codes: list[str]) -> tuple[int, int, int, int]:
    """Domain §1.3 written out longhand."""
    stats = [statutory.CODES[c].stat for c in codes]
    possible = [s for s in stats if s != statutory.Stat.NOT_POSSIBLE]
    attended = [s for s in possible if s in (statutory.Stat.PRESENT, statutory.Stat.AEA)]
    auth = [s for s in possible if s == statutory.Stat.AUTH]
    unauth = [s for s in possible if s == statutory.Stat.UNAUTH]
    return len(possible), len(attended), len(auth), len(unauth)


@given(st.lists(st.sampled_from(CODES), max_size=400))
def test_summary_matches_the_reference(codes):
    summary = statutory.summarise_codes(codes)
    possible, attended, auth, unauth = reference_summary(codes)
    assert (summary.possible_sessions, summary.present, summary.authorised_absence) == (possible, attended, auth)
    assert summary.unauthorised_absence == unauth
    assert possible == attended + auth + unauth
    if possible:
        absence = Fraction(auth + unauth, possible)
        assert summary.persistent_absentee == (absence >= Fraction(1, 10))
        assert summary.severe_absentee == (absence >= Fraction(1, 2))
        assert summary.attendance_pct + summary.absence_pct == 100
    else:
        assert not summary.persistent_absentee and not summary.severe_absentee


@given(st.integers(0, 2000), st.integers(0, 2000))
def test_thresholds_are_exact(absent, possible):
    if absent > possible:
        absent, possible = possible, absent
    assert statutory.is_persistent_absence(absent, possible) == (
        possible > 0 and Fraction(absent, possible) >= Fraction(1, 10)
    )
    assert statutory.is_severe_absence(absent, possible) == (
        possible > 0 and Fraction(absent, possible) >= Fraction(1, 2)
    )


@given(st.integers(0, 300), st.integers(1, 30))
def test_late_after_close_is_u(minutes, open_minutes):
    assert statutory.late_code(minutes, open_minutes) == ("L" if minutes <= open_minutes else "U")


def reference_window(school_days: set[dt.date], on: dt.date) -> tuple[dt.date, dt.date] | None:
    mondays = sorted({d - dt.timedelta(days=d.weekday()) for d in school_days if d <= on}, reverse=True)
    mondays = mondays[:10]
    return (mondays[-1], on) if mondays else None


@given(
    st.sets(st.dates(dt.date(2024, 9, 1), dt.date(2025, 8, 31)).filter(lambda d: d.weekday() < 5), max_size=200),
    st.dates(dt.date(2024, 9, 1), dt.date(2025, 8, 31)),
)
def test_penalty_window_is_the_ten_latest_school_weeks(days, on):
    """Holidays (weeks with no school day) are skipped, so the window reaches back across them."""
    assert statutory.penalty_window(days, on) == reference_window(days, on)


@given(
    st.lists(st.dates(dt.date(2024, 8, 19), dt.date(2030, 1, 1)), max_size=5),
    st.dates(dt.date(2024, 8, 19), dt.date(2030, 1, 1)),
)
def test_at_most_two_notices_in_three_years(earlier, on):
    earlier = [d for d in earlier if d < on]
    in_period = [
        d for d in earlier if d > on.replace(year=on.year - 3, day=28 if (on.month, on.day) == (2, 29) else on.day)
    ]
    if len(in_period) >= 2:
        try:
            statutory.penalty_notice_terms(earlier, on)
        except ValueError:
            return
        raise AssertionError("a third notice in 3 years was allowed")
    sequence, full, reduced = statutory.penalty_notice_terms(earlier, on)
    assert sequence == len(in_period) + 1
    assert (full, reduced) == ((160, 80) if sequence == 1 else (160, None))
