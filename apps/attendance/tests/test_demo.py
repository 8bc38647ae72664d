from __future__ import annotations

import datetime as dt
import io
import random

import pytest

from apps.accounts.models import Role
from apps.attendance import demo, statutory
from apps.attendance.models import Mark
from apps.core.calendar import SchoolCalendar
from apps.demo.context import DemoContext

pytestmark = pytest.mark.django_db


def test_demo_marks_cover_school_sessions_on_roll_with_valid_codes(personas):
    calendar = SchoolCalendar.for_school(personas.school)
    pupils = [personas.pupil, personas.other_pupil, personas.sibling]
    personas.sibling.admission_date = dt.date(2024, 11, 4)
    personas.sibling.save()
    ctx = DemoContext(
        rng=random.Random(1),
        today=dt.date(2025, 1, 24),
        pupils_wanted=3,
        years=1,
        stdout=io.StringIO(),
        school_spec={},
        school=personas.school,
        calendar=calendar,
        first_year_start=2024,
        staff={Role.ATTENDANCE_OFFICER: [personas.attendance_officer]},
        pupils=pupils,
    )
    demo.seed(ctx)
    sessions = set(calendar.sessions(dt.date(2024, 9, 1), dt.date(2025, 1, 23)))
    marks = list(Mark.objects.all())
    assert marks
    for mark in marks:
        if mark.code == "#":  # a calendar closure: not a school session (attreg)
            continue
        assert (mark.date, mark.session) in sessions or mark.date == ctx.today
        assert mark.pupil.admission_date <= mark.date
        assert statutory.code_problem(mark.code, mark.date) is None
    # Every pupil has a mark for every session while on roll before today.
    expected = sum(1 for p in pupils for d, _s in sessions if d >= p.admission_date)
    assert Mark.objects.filter(date__lt=ctx.today).exclude(code="#").count() == expected


def test_demo_lesson_registers_truancy_and_closures(personas):
    """Lesson registers on, periods set, lessons taken for the last days and this morning, truancy
    cases listed, and `#` on every calendar closure so far (attreg)."""
    from apps.attendance import selectors_lessons
    from apps.attendance.models import AttendanceSettings, LessonMark, LessonPeriod
    from apps.core.models import Closure

    calendar = SchoolCalendar.for_school(personas.school)
    pupils = [personas.pupil, personas.other_pupil, personas.sibling]
    ctx = DemoContext(
        rng=random.Random(3),
        today=dt.date(2025, 1, 24),
        pupils_wanted=3,
        years=1,
        stdout=io.StringIO(),
        school_spec={},
        school=personas.school,
        calendar=calendar,
        first_year_start=2024,
        staff={Role.ATTENDANCE_OFFICER: [personas.attendance_officer]},
        pupils=pupils,
    )
    demo.seed(ctx)
    from apps.attendance.models import GovernorReport

    reports = GovernorReport.objects.filter(school=personas.school).order_by("start")
    assert [(r.start, r.end) for r in reports] == [
        (dt.date(2024, 11, 1), dt.date(2024, 11, 30)),
        (dt.date(2024, 12, 1), dt.date(2024, 12, 31)),
    ]
    assert all(bytes(r.pdf).startswith(b"%PDF") for r in reports)
    assert AttendanceSettings.objects.get(school=personas.school).lesson_registers
    assert LessonPeriod.objects.filter(school=personas.school, active=True).count() == 5
    assert {d for d in LessonMark.objects.values_list("date", flat=True)} == {
        dt.date(2025, 1, 22),
        dt.date(2025, 1, 23),
        ctx.today,
    }
    inset = Closure.objects.filter(school=personas.school, start_date__lte=ctx.today).get()
    assert set(Mark.objects.filter(date=inset.start_date).values_list("code", flat=True)) == {"#"}
    # Every truancy case the demo made is one the selector lists (the rule and the data agree).
    for day in (dt.date(2025, 1, 22), dt.date(2025, 1, 23), ctx.today):
        listed = selectors_lessons.truancy_list(personas.school, day)
        for row in listed:
            assert row.missed
