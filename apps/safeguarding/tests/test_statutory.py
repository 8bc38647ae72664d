from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from apps.core.calendar import SchoolCalendar
from apps.safeguarding import statutory


def _calendar():
    # Autumn term 2025 (two halves) and spring term 2026 first half.
    terms = [
        (dt.date(2025, 9, 3), dt.date(2025, 10, 24), None),
        (dt.date(2025, 11, 3), dt.date(2025, 12, 19), None),
        (dt.date(2026, 1, 5), dt.date(2026, 2, 13), None),
    ]
    return SchoolCalendar(terms=terms)  # type: ignore[arg-type]


def test_referral_response_is_due_the_next_working_day():
    assert statutory.referral_response_due_on(dt.date(2025, 11, 21)) == dt.date(2025, 11, 24)  # Fri -> Mon
    assert statutory.referral_response_due_on(dt.date(2025, 12, 23)) == dt.date(2025, 12, 24)  # holidays count


def test_cp_file_in_year_move_is_due_in_5_school_days():
    assert statutory.cp_file_transfer_due_on(dt.date(2025, 11, 14), _calendar()) == dt.date(2025, 11, 21)


def test_cp_file_at_end_of_term_is_due_in_first_5_days_of_next_term():
    assert statutory.cp_file_transfer_due_on(dt.date(2025, 12, 19), _calendar()) == dt.date(2026, 1, 9)


@given(st.dates(min_value=dt.date(2025, 9, 1), max_value=dt.date(2026, 2, 1)))
def test_triage_deadline_always_falls_on_a_school_day_after_recording(day):
    from django.utils import timezone

    calendar = _calendar()
    recorded = timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))
    due = timezone.localtime(statutory.triage_due_at(recorded, calendar))
    assert due.date() > day
    assert calendar.is_school_day(due.date())


def test_distinct_staff_counts_only_the_window():
    from django.utils import timezone

    now = timezone.now()
    rows = [(1, now), (2, now - dt.timedelta(days=5)), (2, now), (3, now - dt.timedelta(days=40))]
    assert statutory.distinct_staff_in_window(rows, now=now, days=30) == 2
