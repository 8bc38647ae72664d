"""The §2 rules at and either side of each boundary, across weekends and holidays."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.behaviour import statutory as s
from apps.core.calendar import SchoolCalendar, typical_half_terms


def calendar() -> SchoolCalendar:
    terms = []
    for year in (2024, 2025):
        terms += [(start, end, None) for _season, _half, start, end in typical_half_terms(year)]
    return SchoolCalendar(terms=terms)  # type: ignore[arg-type]


CAL = calendar()
D = Decimal


def test_days_from_sessions_counts_lunchtimes_as_half_days():
    assert s.days_from_sessions(1) == D("0.5")
    assert s.days_from_sessions(10) == D(5)


@pytest.mark.parametrize(
    ("already", "new", "refused"),
    [
        (D(44), D(1), False),
        (D("44.5"), D("0.5"), False),
        (D(44), D("1.5"), True),
        (D(45), D("0.5"), True),
        (D(0), D(45), False),
        (D(0), D("45.5"), True),
    ],
)
def test_annual_cap_of_45_days(already, new, refused):
    assert (s.annual_cap_problem(already, new) is not None) is refused


@given(st.integers(0, 120), st.integers(1, 120))
def test_annual_cap_refuses_exactly_when_total_passes_45(already_sessions, new_sessions):
    already, new = s.days_from_sessions(already_sessions), s.days_from_sessions(new_sessions)
    assert (s.annual_cap_problem(already, new) is not None) == (already + new > 45)


@pytest.mark.parametrize(
    ("days", "duty"),
    [
        (D(5), s.BoardDuty.REPRESENTATIONS_ONLY),
        (D("5.5"), s.BoardDuty.MEET_IF_PARENTS_ASK),
        (D(15), s.BoardDuty.MEET_IF_PARENTS_ASK),
        (D("15.5"), s.BoardDuty.MUST_MEET),
        (D("0.5"), s.BoardDuty.REPRESENTATIONS_ONLY),
    ],
)
def test_board_duty_thresholds_in_a_term(days, duty):
    assert s.board_duty(s.FIXED, days) == duty


def test_ten_lunchtimes_are_five_days_and_eleven_pass_the_threshold():
    assert not s.governors_must_be_told(s.LUNCH, s.days_from_sessions(10))
    assert s.governors_must_be_told(s.LUNCH, s.days_from_sessions(11))
    assert s.board_duty(s.LUNCH, s.days_from_sessions(11)) == s.BoardDuty.MEET_IF_PARENTS_ASK


def test_permanent_exclusion_always_needs_a_meeting_and_governors_told():
    assert s.board_duty(s.PERMANENT, D(0)) == s.BoardDuty.MUST_MEET
    assert s.governors_must_be_told(s.PERMANENT, D(0))


def test_missed_exam_needs_consideration_before_the_exam():
    assert s.board_duty(s.FIXED, D(1), misses_public_exam=True) == s.BoardDuty.BEFORE_EXAM
    assert s.governors_must_be_told(s.FIXED, D(1), misses_public_exam=True)
    assert s.board_duty(s.FIXED, D(16), misses_public_exam=True) == s.BoardDuty.MUST_MEET


@given(st.integers(0, 90))
def test_governors_told_exactly_above_five_days(sessions):
    days = s.days_from_sessions(sessions)
    assert s.governors_must_be_told(s.FIXED, days) == (days > 5)
    assert s.board_can_reinstate(s.board_duty(s.FIXED, days)) == (days > 5)


def test_fifteen_school_days_skip_the_half_term_holiday():
    # Notice on Friday 18/10/2024; half-term 28/10 to 1/11.
    assert s.board_deadline(s.BoardDuty.MUST_MEET, dt.date(2024, 10, 18), CAL) == dt.date(2024, 11, 15)


def test_fifty_day_deadline_only_when_parents_ask():
    notice = dt.date(2024, 11, 11)
    assert s.board_deadline(s.BoardDuty.MEET_IF_PARENTS_ASK, notice, CAL) is None
    due = s.board_deadline(s.BoardDuty.MEET_IF_PARENTS_ASK, notice, CAL, parents_asked=notice)
    assert due is not None and CAL.count_school_days(notice + dt.timedelta(days=1), due) == 50
    assert s.board_deadline(s.BoardDuty.REPRESENTATIONS_ONLY, notice, CAL, parents_asked=notice) is None


def test_irp_window_is_fifteen_school_days():
    assert s.irp_request_deadline(dt.date(2024, 11, 11), CAL) == dt.date(2024, 12, 2)


def test_suspension_runs_over_the_weekend_and_holiday():
    period = s.suspension_sessions(dt.date(2024, 10, 25), 6, CAL)  # Friday before half-term, 3 days
    assert period.school_days == [dt.date(2024, 10, 25), dt.date(2024, 11, 4), dt.date(2024, 11, 5)]
    assert s.return_after(period, CAL) == (dt.date(2024, 11, 6), "AM")


def test_half_day_from_the_afternoon_returns_next_morning():
    period = s.suspension_sessions(dt.date(2024, 11, 12), 1, CAL, "PM")
    assert period.sessions == [(dt.date(2024, 11, 12), "PM")]
    assert s.return_after(period, CAL) == (dt.date(2024, 11, 13), "AM")


def test_half_day_in_the_morning_returns_that_afternoon():
    period = s.suspension_sessions(dt.date(2024, 11, 12), 1, CAL)
    assert s.return_after(period, CAL) == (dt.date(2024, 11, 12), "PM")


@given(st.dates(dt.date(2024, 9, 1), dt.date(2025, 6, 30)), st.integers(1, 40))
def test_suspension_sessions_are_school_sessions_in_order(start, n):
    period = s.suspension_sessions(start, n, CAL)
    assert len(period.sessions) == n
    assert period.sessions == sorted(period.sessions)
    assert all(CAL.is_school_day(d) and d >= start for d, _s in period.sessions)


def test_day_six_provision_only_above_five_consecutive_days():
    assert not s.needs_provision_from_day_6(s.FIXED, 5)
    assert s.needs_provision_from_day_6(s.FIXED, 6)
    assert s.needs_provision_from_day_6(s.PERMANENT, 0)
    assert not s.needs_provision_from_day_6(s.LUNCH, 20)


def test_sixth_day_counts_school_days_across_the_holiday():
    assert s.sixth_day(dt.date(2024, 11, 11), CAL) == dt.date(2024, 11, 18)
    assert s.sixth_day(dt.date(2024, 10, 23), CAL) == dt.date(2024, 11, 6)


def test_lunchtime_days_are_consecutive_school_days():
    assert s.lunchtime_days(dt.date(2024, 10, 24), 3, CAL) == [
        dt.date(2024, 10, 24),
        dt.date(2024, 10, 25),
        dt.date(2024, 11, 4),
    ]


def _facts(**kw):
    base: dict[str, Any] = {
        "kind": s.FIXED,
        "decided_on": dt.date(2024, 11, 11),
        "first_day": dt.date(2024, 11, 12),
        "school_days": 2,
        "term_days_including_this": D(2),
    }
    base.update(kw)
    return s.ExclusionFacts(**base)


def test_duties_for_a_short_suspension():
    keys = [d.key for d in s.duties(_facts(), CAL)]
    assert keys == ["parents", "la", "board"]


def test_duties_for_a_permanent_exclusion_of_a_looked_after_child_from_another_la():
    duties = {
        d.key: d
        for d in s.duties(
            _facts(kind=s.PERMANENT, school_days=0, has_social_worker_or_lac=True, home_la_differs=True), CAL
        )
    }
    assert set(duties) == {"parents", "la", "sw_vsh", "governors", "home_la", "board", "day6"}
    assert duties["board"].due == dt.date(2024, 12, 2)
    assert duties["day6"].due == dt.date(2024, 11, 19)
    assert "LA arranges" in duties["day6"].title


def test_duties_for_six_days_include_provision_and_governors():
    keys = {d.key for d in s.duties(_facts(school_days=6, term_days_including_this=D(6)), CAL)}
    assert {"governors", "day6"} <= keys


def test_exam_date_brings_the_board_deadline_forward():
    duties = {d.key: d for d in s.duties(_facts(misses_public_exam=True, exam_date=dt.date(2024, 11, 20)), CAL)}
    assert duties["board"].due == dt.date(2024, 11, 20)
