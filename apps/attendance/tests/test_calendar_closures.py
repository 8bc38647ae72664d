"""Calendar closures recorded on the register in bulk: `#` for planned ones, `Y4` for an unplanned
whole-site closure (issue 5; domain §1.2), and `#` never counting as a possible session."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from apps.attendance import selectors, selectors_closures, services_closures
from apps.attendance.models import Mark, MarkHistory, Source
from apps.attendance.tests.factories import make_marks
from apps.audit.models import AuditEvent
from apps.core.models import Closure
from apps.people.models import Pupil

pytestmark = pytest.mark.django_db

# A Monday and Tuesday in the persona school's spring term 2025.
MON, TUE = dt.date(2025, 1, 13), dt.date(2025, 1, 14)


@pytest.fixture
def inset(personas):
    return Closure.objects.create(
        school=personas.school, start_date=MON, end_date=TUE, kind=Closure.Kind.INSET, reason="Staff training"
    )


def _on_roll(personas, day):
    return Pupil.objects.filter(school=personas.school, admission_date__lte=day).count()


def test_hash_is_applied_to_every_pupil_on_roll_once(personas, inset):
    result = services_closures.apply_calendar_closure(
        personas.attendance_officer, school=personas.school, closure_id=inset.pk
    )
    expected = _on_roll(personas, MON) * 4  # two days, two sessions
    assert result.created == expected
    assert set(Mark.objects.filter(school=personas.school).values_list("code", "source")) == {("#", Source.CLOSURE)}
    assert not Mark.objects.filter(school=personas.other_school).exists()
    again = services_closures.apply_calendar_closure(
        personas.attendance_officer, school=personas.school, closure_id=inset.pk
    )
    assert (again.created, again.amended, again.unchanged) == (0, 0, expected)
    assert AuditEvent.objects.filter(reason__startswith="attendance.calendar_closure:#:20250113").count() == 2


def test_a_mark_already_held_is_amended_with_the_reason(personas, inset):
    make_marks(personas.pupil, {(MON, "AM"): "N"})
    result = services_closures.apply_calendar_closure(
        personas.attendance_officer, school=personas.school, closure_id=inset.pk
    )
    assert result.amended == 1
    history = MarkHistory.objects.get()
    assert (history.old_code, history.new_code) == ("N", "#")
    assert "Closure in the school calendar" in history.reason


def test_unplanned_closure_gets_y4_and_morning_only_closure_one_session(personas):
    snow = Closure.objects.create(
        school=personas.school, start_date=MON, end_date=MON, kind=Closure.Kind.UNPLANNED, sessions="AM"
    )
    services_closures.apply_calendar_closure(personas.attendance_officer, school=personas.school, closure_id=snow.pk)
    assert set(Mark.objects.values_list("session", "code")) == {("AM", "Y4")}


def test_pupils_not_on_roll_are_left_out(personas, inset):
    Pupil.objects.filter(pk=personas.other_pupil.pk).update(leaving_date=dt.date(2025, 1, 10))
    services_closures.apply_calendar_closure(personas.attendance_officer, school=personas.school, closure_id=inset.pk)
    assert not Mark.objects.filter(pupil=personas.other_pupil).exists()


def test_checks(personas, inset):
    with pytest.raises(PermissionDenied):
        services_closures.apply_calendar_closure(personas.teacher, school=personas.school, closure_id=inset.pk)
    weekend = Closure.objects.create(
        school=personas.school, start_date=dt.date(2025, 1, 18), end_date=dt.date(2025, 1, 19), kind="planned"
    )
    with pytest.raises(ValidationError, match="nothing to record"):
        services_closures.apply_calendar_closure(
            personas.attendance_officer, school=personas.school, closure_id=weekend.pk
        )
    other = Closure.objects.filter(school=personas.other_school)[0]
    with pytest.raises(ValidationError, match="not in this school's calendar"):
        services_closures.apply_calendar_closure(
            personas.attendance_officer, school=personas.school, closure_id=other.pk
        )
    assert not Mark.objects.exists()


def test_hash_never_counts_as_a_possible_session_in_any_measure(personas, inset):
    # The pupil was present on Wednesday and absent (N) on Thursday; the closure days carry #.
    make_marks(personas.pupil, {(dt.date(2025, 1, 15), "AM"): "/", (dt.date(2025, 1, 16), "AM"): "N"})
    services_closures.apply_calendar_closure(personas.attendance_officer, school=personas.school, closure_id=inset.pk)
    pid = personas.pupil.pk
    summary = selectors.attendance_summaries(personas.school, [pid], MON, dt.date(2025, 1, 17))[pid]
    assert (summary.possible_sessions, summary.present, summary.unauthorised_absence) == (2, 1, 1)
    total = selectors.attendance_summary_total(personas.school, None, MON, TUE)
    assert total.possible_sessions == 0
    # 1 of 2 possible sessions missed: PA and SA, exactly as if the # sessions did not exist.
    rows = selectors.absence_list(personas.school, personas.attendance_officer, MON, dt.date(2025, 1, 17), band="sa")
    assert [r.pupil.pk for r in rows] == [pid]
    assert rows[0].summary.possible_sessions == 2
    _groups, whole = selectors.group_breakdown(personas.school, MON, TUE, "year")
    assert whole.summary.possible_sessions == 0


def test_closure_statuses_and_page(personas, inset, client_for):
    statuses = {s.closure.pk: s for s in selectors_closures.closure_statuses(personas.school, MON)}
    status = statuses[inset.pk]
    assert (status.code, status.sessions, status.recorded, status.state) == ("#", 4, 0, "not applied")
    client = client_for(personas.attendance_officer)
    page = client.get(reverse("attendance:closures"), {"date": MON.isoformat()}).content.decode()
    assert "Not applied" in page and "2024/25 school year" in page
    assert reverse("attendance:closure") in page
    response = client.post(reverse("attendance:closure_apply", args=[inset.pk]), {"date": MON.isoformat()})
    assert response.status_code == 302
    status = next(s for s in selectors_closures.closure_statuses(personas.school, MON) if s.closure.pk == inset.pk)
    assert status.state == "applied" and status.recorded == status.expected
    # The first INSET day of the year (make_calendar) is listed too.
    assert len(statuses) >= 2
