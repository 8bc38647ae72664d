from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from apps.attendance import services
from apps.attendance.models import LeaveRequest, Mark, Source

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 1, 20)


def ask(personas, kind="C", requested_on=dt.date(2025, 1, 6), start=MONDAY, end=dt.date(2025, 1, 21)):
    return services.request_leave(
        personas.attendance_officer,
        pupil=personas.pupil,
        kind=kind,
        start_date=start,
        end_date=end,
        reason="Family funeral abroad",
        requested_on=requested_on,
    )


def test_granted_leave_records_its_code_for_each_session(personas):
    leave = ask(personas)
    services.decide_leave(personas.headteacher, leave=leave, grant=True, reason="Exceptional", on=dt.date(2025, 1, 8))
    marks = list(Mark.objects.filter(pupil=personas.pupil).values_list("date", "session", "code", "source"))
    assert len(marks) == 4
    assert {(c, s) for _d, _s, c, s in marks} == {("C", Source.LEAVE)}
    leave.refresh_from_db()
    assert (leave.status, leave.decided_by) == (LeaveRequest.Status.GRANTED, personas.headteacher)


def test_leave_is_never_granted_retrospectively(personas):
    leave = ask(personas)
    with pytest.raises(ValidationError, match="retrospectively"):
        services.decide_leave(personas.headteacher, leave=leave, grant=True, reason="ok", on=dt.date(2025, 1, 21))
    assert not Mark.objects.exists()


def test_exceptional_leave_must_be_asked_for_in_advance(personas):
    leave = ask(personas, requested_on=MONDAY)
    with pytest.raises(ValidationError, match="in advance"):
        services.decide_leave(personas.headteacher, leave=leave, grant=True, reason="ok", on=MONDAY)


def test_a_refusal_records_no_marks_and_cannot_be_decided_twice(personas):
    leave = ask(personas)
    services.decide_leave(personas.senior_leader, leave=leave, grant=False, reason="A holiday", on=dt.date(2025, 1, 8))
    assert not Mark.objects.exists()
    with pytest.raises(ValidationError, match="already been decided"):
        services.decide_leave(personas.headteacher, leave=leave, grant=True, reason="x", on=dt.date(2025, 1, 8))


def test_only_the_head_or_a_senior_leader_decides(personas):
    leave = ask(personas)
    for user in (personas.attendance_officer, personas.pastoral_lead):
        with pytest.raises(PermissionDenied):
            services.decide_leave(user, leave=leave, grant=True, reason="x", on=dt.date(2025, 1, 8))


def test_leave_pages(personas, client_for):
    client = client_for(personas.attendance_officer)
    response = client.post(
        reverse("attendance:leave_new", args=[personas.pupil.pk]),
        {
            "kind": "M",
            "requested_on": "2025-01-06",
            "start_date": "2025-01-20",
            "end_date": "2025-01-20",
            "reason": "Dentist",
        },
    )
    assert response.status_code == 302
    body = client.get(reverse("attendance:leave")).content.decode()
    assert "Waiting for a decision" in body
    assert "Dentist" in body
