from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.attendance import selectors, services, statutory
from apps.attendance.models import Mark, MarkHistory
from apps.audit.models import AuditEvent, Verb
from apps.core.calendar import SchoolCalendar

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 1, 13)


def test_a_pastoral_lead_records_marks_for_several_sessions(personas):
    marks = services.record_marks(
        personas.pastoral_lead,
        school=personas.school,
        pupil=personas.pupil,
        sessions=[(MONDAY, "AM"), (MONDAY, "PM")],
        code="E",
        reason="Suspension",
    )
    assert [(m.session, m.code) for m in marks] == [("AM", "E"), ("PM", "E")]
    assert Mark.objects.filter(pupil=personas.pupil).count() == 2
    assert AuditEvent.objects.filter(verb=Verb.CREATE, pupil_id=personas.pupil.pk).exists()


def test_an_amendment_keeps_the_original_entry_the_reason_and_who(personas):
    services.record_marks(
        personas.form_tutor,
        school=personas.school,
        pupil=personas.pupil,
        sessions=[(MONDAY, "AM")],
        code="N",
        reason="",
    )
    services.record_marks(
        personas.attendance_officer,
        school=personas.school,
        pupil=personas.pupil,
        sessions=[(MONDAY, "AM")],
        code="I",
        reason="Mother phoned: ill",
    )
    mark = Mark.objects.get(pupil=personas.pupil, date=MONDAY, session="AM")
    assert mark.code == "I"
    (history,) = MarkHistory.objects.filter(mark=mark)
    assert (history.old_code, history.new_code, history.reason) == ("N", "I", "Mother phoned: ill")
    assert history.old_recorded_by == personas.form_tutor
    assert history.amended_by == personas.attendance_officer


def test_recording_the_same_mark_again_changes_nothing(personas):
    for _ in range(2):
        services.record_marks(
            personas.form_tutor,
            school=personas.school,
            pupil=personas.pupil,
            sessions=[(MONDAY, "PM")],
            code="/",
            reason="",
        )
    mark = Mark.objects.get(pupil=personas.pupil)
    assert mark.code == "\\"  # the afternoon present mark
    assert not MarkHistory.objects.exists()


def test_an_amendment_without_a_reason_is_refused(personas):
    kwargs = dict(school=personas.school, pupil=personas.pupil, sessions=[(MONDAY, "AM")], reason="")
    services.record_marks(personas.form_tutor, code="N", **kwargs)
    with pytest.raises(ValidationError, match="reason"):
        services.record_marks(personas.form_tutor, code="O", **kwargs)
    assert Mark.objects.get(pupil=personas.pupil).code == "N"


def test_a_removed_code_is_refused_for_new_marks_with_a_clear_message(personas):
    with pytest.raises(ValidationError, match="removed on 19/08/2024"):
        services.record_marks(
            personas.attendance_officer,
            school=personas.school,
            pupil=personas.pupil,
            sessions=[(MONDAY, "AM")],
            code="H",
            reason="",
        )
    assert statutory.code_problem("H", dt.date(2024, 7, 1)) is None


def test_a_session_that_is_not_a_school_session_is_refused(personas):
    saturday = dt.date(2025, 1, 18)
    with pytest.raises(ValidationError, match="not a school session"):
        services.record_marks(
            personas.attendance_officer,
            school=personas.school,
            pupil=personas.pupil,
            sessions=[(saturday, "AM")],
            code="/",
            reason="",
        )


def test_a_teacher_who_is_not_the_tutor_cannot_record_marks_and_is_audited(personas):
    with pytest.raises(PermissionDenied):
        services.record_marks(
            personas.teacher,
            school=personas.school,
            pupil=personas.pupil,
            sessions=[(MONDAY, "AM")],
            code="/",
            reason="",
        )
    assert AuditEvent.objects.filter(verb=Verb.DENIED, reason="attendance.record_marks").exists()
    assert not Mark.objects.exists()


def test_summaries_count_only_sessions_on_roll_and_leave_out_not_possible_codes(personas):
    pupil = personas.pupil
    calendar = SchoolCalendar.for_school(personas.school)
    days = calendar.school_days(dt.date(2025, 1, 6), dt.date(2025, 1, 17))
    pupil.admission_date = days[1]
    pupil.save()
    codes = ["/", "I", "N", "D", "L", "V", "Y3", "G", "/", "M"]
    for day, code in zip(days, codes, strict=True):
        Mark.objects.create(
            school=personas.school, pupil=pupil, date=day, session="AM", code=code, recorded_at=dt.datetime.now(dt.UTC)
        )
    summary = selectors.attendance_summaries(personas.school, [pupil.pk], days[0], days[-1])[pupil.pk]
    # First day (before admission) is not counted; D and Y3 are not possible.
    assert summary == statutory.AttendanceSummary(
        possible_sessions=7, present=3, authorised_absence=2, unauthorised_absence=2
    )
    assert summary.attendance_pct == Decimal(300) / Decimal(7)
    assert summary.persistent_absentee
    assert summary.severe_absentee  # 4 of 7 absent


def test_persistent_absence_is_tested_on_exact_fractions():
    assert statutory.AttendanceSummary(10, 9, 1, 0).persistent_absentee
    assert not statutory.AttendanceSummary(1001, 901, 100, 0).persistent_absentee  # 9.99%
    assert statutory.AttendanceSummary(2, 1, 0, 1).severe_absentee
    assert not statutory.AttendanceSummary(0, 0, 0, 0).persistent_absentee
