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
        assert (mark.date, mark.session) in sessions or mark.date == ctx.today
        assert mark.pupil.admission_date <= mark.date
        assert statutory.code_problem(mark.code, mark.date) is None
    # Every pupil has a mark for every session while on roll before today.
    expected = sum(1 for p in pupils for d, _s in sessions if d >= p.admission_date)
    assert Mark.objects.filter(date__lt=ctx.today).count() == expected
