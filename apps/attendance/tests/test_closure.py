from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.attendance import selectors, services
from apps.attendance.models import Mark, MarkHistory, Source
from apps.attendance.tests.factories import make_marks

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 1, 13)


def test_y3_for_one_year_leaves_others_alone_and_amends_held_marks(personas):
    make_marks(personas.pupil, {(MONDAY, "AM"): "N"})
    result = services.apply_closure_code(
        personas.attendance_officer,
        school=personas.school,
        day=MONDAY,
        sessions=["AM", "PM"],
        code="Y3",
        reason="Boiler failure in the Year 9 block",
        year_numbers=[9],
    )
    assert (result.created, result.amended) == (1, 1)
    assert set(Mark.objects.filter(pupil=personas.pupil).values_list("code", "source")) == {("Y3", Source.CLOSURE)}
    assert not Mark.objects.filter(pupil=personas.other_pupil).exists()
    assert MarkHistory.objects.get().old_code == "N"
    summary = selectors.attendance_summaries(personas.school, [personas.pupil.pk], MONDAY, MONDAY)[personas.pupil.pk]
    assert summary.possible_sessions == 0


def test_closure_codes_are_checked(personas):
    kwargs = dict(school=personas.school, day=MONDAY, sessions=["AM"], reason="x")
    with pytest.raises(ValidationError, match="cannot be applied in bulk"):
        services.apply_closure_code(personas.attendance_officer, code="N", **kwargs)
    with pytest.raises(ValidationError, match="not a school session"):
        services.apply_closure_code(personas.attendance_officer, code="Y2", **{**kwargs, "day": dt.date(2025, 1, 18)})
    with pytest.raises(PermissionDenied):
        services.apply_closure_code(personas.form_tutor, code="Y2", **kwargs)
    assert not Mark.objects.exists()
