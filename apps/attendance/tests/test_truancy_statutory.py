"""The post-registration truancy rule and the lesson-period checks (pure functions)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from apps.attendance import statutory
from apps.attendance.statutory import LessonSlot, lesson_period_problems, post_registration_truancy

OPENS = {"AM": dt.time(8, 40), "PM": dt.time(13, 30)}
P1 = LessonSlot("P1", "AM", dt.time(9, 0), dt.time(10, 0))
P2 = LessonSlot("P2", "AM", dt.time(10, 0), dt.time(11, 0))
P4 = LessonSlot("P4", "PM", dt.time(13, 40), dt.time(14, 40))
P5 = LessonSlot("P5", "PM", dt.time(14, 40), dt.time(15, 30))


def test_present_at_registration_then_missing_a_lesson_is_truancy():
    assert post_registration_truancy({"AM": ("/", None), "PM": ("\\", None)}, OPENS, [P2, P4]) == [P2, P4]


def test_absent_at_registration_is_not_truancy_but_the_first_day_list():
    assert post_registration_truancy({"AM": ("N", None), "PM": ("N", None)}, OPENS, [P1, P4]) == []


def test_a_trip_or_fixture_is_attendance_elsewhere_not_truancy():
    for code in ("V", "P", "B", "K", "W"):
        assert post_registration_truancy({"AM": (code, None), "PM": (code, None)}, OPENS, [P1, P4]) == []


def test_a_later_mark_explains_the_afternoon():
    # In all morning, then a medical appointment (M) or sent home ill (I) in the afternoon.
    assert post_registration_truancy({"AM": ("/", None), "PM": ("M", None)}, OPENS, [P2, P4, P5]) == [P2]
    assert post_registration_truancy({"AM": ("/", None), "PM": ("I", None)}, OPENS, [P4]) == []


def test_present_in_the_morning_then_gone_at_afternoon_registration_counts():
    assert post_registration_truancy({"AM": ("/", None), "PM": ("N", None)}, OPENS, [P4]) == [P4]
    assert post_registration_truancy({"AM": ("/", None)}, OPENS, [P5]) == [P5]


def test_registered_only_in_the_afternoon_morning_lessons_do_not_count():
    assert post_registration_truancy({"AM": ("N", None), "PM": ("\\", None)}, OPENS, [P1, P4]) == [P4]


def test_late_arrival_covers_lessons_over_before_they_arrived():
    # L at 35 minutes after 08:40 is 09:15: P1 (ends 10:00) still counts; U at 85 min (10:05) covers P1.
    assert post_registration_truancy({"AM": ("L", 35)}, OPENS, [P1]) == [P1]
    assert post_registration_truancy({"AM": ("U", 85)}, OPENS, [P1, P2]) == [P2]


def test_no_lessons_missed_nothing_listed():
    assert post_registration_truancy({"AM": ("/", None)}, OPENS, []) == []


codes = st.sampled_from(sorted(statutory.CURRENT_CODES))
slots = st.lists(st.sampled_from([P1, P2, P4, P5]), unique=True)
registrations = st.dictionaries(st.sampled_from(["AM", "PM"]), st.tuples(codes, st.none() | st.integers(0, 300)))


@given(registrations, slots)
def test_result_is_a_sorted_subset_and_needs_someone_in_school(registration, lessons):
    found = post_registration_truancy(registration, OPENS, lessons)
    assert set(found) <= set(lessons)
    assert found == sorted(found, key=lambda s: s.starts)
    if not any(code in statutory.IN_SCHOOL_CODES for code, _ in registration.values()):
        assert found == []
    for lesson in found:
        code = registration.get(lesson.session, ("", None))[0]
        # Never a lesson in a session the register explains (AEA, authorised or not possible).
        assert code not in statutory.ATTENDED_CODES - statutory.PRESENT_CODES
        assert code not in statutory.AUTHORISED_CODES | statutory.NOT_POSSIBLE_CODES


@given(registrations, slots, slots)
def test_more_missed_lessons_never_hide_a_case(registration, some, more):
    small = set(post_registration_truancy(registration, OPENS, some))
    large = set(post_registration_truancy(registration, OPENS, list(dict.fromkeys(some + more))))
    assert small <= large


def test_lesson_period_problems_name_each_problem():
    t = dt.time
    assert (
        lesson_period_problems([("P1", t(9), t(10), "AM"), ("P2", t(10), t(11), "AM"), ("P4", t(13), t(14), "PM")])
        == []
    )
    problems = lesson_period_problems(
        [
            ("P1", t(9), t(10), "AM"),
            ("p1", t(10), t(9, 30), "AM"),
            ("P3", t(9, 30), t(11), "PM"),
            ("P4", t(12), t(13), "AM"),
        ]
    )
    text = " ".join(problems)
    assert "listed twice" in text
    assert "before it starts" in text
    assert "overlap" in text
    assert "morning period but comes after the afternoon period" in text
