from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from apps.attendance import selectors, services
from apps.attendance.models import LadderStep, Letter, PenaltyDecision, PenaltyNotice, PenaltyNoticeEvent
from apps.attendance.tests.factories import make_marks
from apps.chronology.models import Entry
from apps.core.calendar import SchoolCalendar

pytestmark = pytest.mark.django_db

ON = dt.date(2025, 1, 24)


def truant(pupil, sessions=10, code="G"):
    cal = SchoolCalendar.for_school(pupil.school)
    make_marks(pupil, {s: code for s in cal.sessions(dt.date(2025, 1, 20), ON)[:sessions]})


def test_a_flagged_pupil_shows_until_considered(personas):
    truant(personas.pupil)
    (row,) = selectors.penalty_overview(personas.school, ON)
    assert row.pupil == personas.pupil and row.decision is None
    services.decide_penalty(
        personas.attendance_officer, pupil=personas.pupil, on=ON, decision="notice_to_improve", reason="Support first"
    )
    (row,) = selectors.penalty_overview(personas.school, ON)
    assert row.decision.decision == "notice_to_improve"
    assert Entry.objects.filter(pupil=personas.pupil, kind="attendance").exists()


def test_no_decision_below_the_threshold(personas):
    truant(personas.pupil, sessions=9)
    with pytest.raises(ValidationError, match="does not meet"):
        services.decide_penalty(personas.attendance_officer, pupil=personas.pupil, on=ON, decision="issue", reason="x")
    assert not PenaltyDecision.objects.exists()


def test_notice_amounts_and_the_limit_of_two_in_three_years(personas):
    officer, carer = personas.attendance_officer, personas.pupil.carer_links.first().carer_id
    first = services.issue_penalty_notice(officer, pupil=personas.pupil, carer_id=carer, issued_on=dt.date(2025, 1, 27))
    assert (first.sequence, first.amount_full, first.amount_reduced) == (1, 160, 80)
    second = services.issue_penalty_notice(officer, pupil=personas.pupil, carer_id=carer, issued_on=dt.date(2025, 6, 2))
    assert (second.sequence, second.amount_full, second.amount_reduced) == (2, 160, None)
    with pytest.raises(ValidationError, match="two penalty notices"):
        services.issue_penalty_notice(officer, pupil=personas.pupil, carer_id=carer, issued_on=dt.date(2026, 3, 2))
    services.change_penalty_notice_status(
        officer, notice=second, status="withdrawn", on=dt.date(2025, 6, 9), reason="Issued in error"
    )
    third = services.issue_penalty_notice(officer, pupil=personas.pupil, carer_id=carer, issued_on=dt.date(2026, 3, 2))
    assert third.sequence == 2  # the withdrawn notice does not count
    assert PenaltyNoticeEvent.objects.filter(notice=second).count() == 2
    assert LadderStep.objects.filter(stage="penalty_notice").count() == 3


def test_a_notice_before_the_framework_is_refused(personas):
    carer = personas.pupil.carer_links.first().carer_id
    with pytest.raises(ValidationError, match="19/08/2024"):
        services.issue_penalty_notice(
            personas.attendance_officer, pupil=personas.pupil, carer_id=carer, issued_on=dt.date(2024, 7, 1)
        )


def test_a_teacher_cannot_add_ladder_steps(personas):
    with pytest.raises(PermissionDenied):
        services.add_ladder_step(personas.teacher, pupil=personas.pupil, stage="meeting", on=ON)


def test_ladder_step_review_cannot_precede_it(personas):
    with pytest.raises(ValidationError, match="review"):
        services.add_ladder_step(
            personas.attendance_officer, pupil=personas.pupil, stage="contract", on=ON, next_review=ON - dt.timedelta(1)
        )


def test_a_letter_is_logged_and_printed_as_pdf(personas, client_for):
    carer = personas.pupil.carer_links.first().carer_id
    client = client_for(personas.attendance_officer)
    page = client.get(reverse("attendance:letter_new", args=[personas.pupil.pk]), {"stage": "contract"})
    assert "attendance contract" in page.content.decode()
    response = client.post(
        reverse("attendance:letter_new", args=[personas.pupil.pk]),
        {"stage": "contract", "carer": carer, "body": "Dear Jane Testpupil,\n\nPlease come in."},
    )
    assert response.status_code == 302
    letter = Letter.objects.get()
    assert Entry.objects.filter(pupil=personas.pupil, title__startswith="Attendance letter").exists()
    pdf = client.get(reverse("attendance:letter_pdf", args=[letter.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_no_letter_to_a_carer_who_receives_no_correspondence(personas):
    link = personas.pupil.carer_links.first()
    link.receives_correspondence = False
    link.save()
    with pytest.raises(ValidationError, match="does not receive"):
        services.create_letter(
            personas.attendance_officer, pupil=personas.pupil, carer_id=link.carer_id, stage="meeting", body="Hi"
        )


def test_ladder_page_lists_notices(personas, client_for):
    carer = personas.pupil.carer_links.first().carer_id
    services.issue_penalty_notice(personas.attendance_officer, pupil=personas.pupil, carer_id=carer, issued_on=ON)
    body = client_for(personas.pastoral_lead).get(reverse("attendance:ladder", args=[personas.pupil.pk])).content
    assert "£160 (£80 within 21 days)" in body.decode()
    assert PenaltyNotice.objects.count() == 1
