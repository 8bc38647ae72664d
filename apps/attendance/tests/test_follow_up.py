from __future__ import annotations

import datetime as dt
import sys
import types
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from apps.accounts.models import Notification
from apps.attendance import selectors, services
from apps.attendance.models import AbsenceAlert, AttendanceSettings, ContactAttempt, Mark, MarkHistory, Source
from apps.attendance.services import RegisterEntry
from apps.attendance.tests.factories import make_marks
from apps.chronology.models import Entry
from apps.people.models import PupilCarer
from apps.people.tests.factories import CarerFactory, PupilCarerFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 1, 13)


def test_first_day_list_has_n_pupils_with_carers_in_priority_order(personas):
    make_marks(personas.pupil, {(MONDAY, "AM"): "N", (MONDAY, "PM"): "N"})
    make_marks(personas.sibling, {(MONDAY, "AM"): "I"})
    second = CarerFactory(school=personas.school, forename="Zed", surname="Second")
    PupilCarerFactory(
        pupil=personas.pupil, carer=second, contact_priority=0, restriction=PupilCarer.Restriction.NO_CONTACT
    )
    (row,) = selectors.first_day_list(personas.school, MONDAY)
    assert row.pupil == personas.pupil
    assert row.sessions == ["AM", "PM"]
    assert [link.carer.forename for link in row.carers] == ["Zed", "Jane"]
    assert not row.carers[0].may_be_contacted


def test_a_call_with_a_reason_replaces_the_n_and_keeps_it_in_history(personas):
    make_marks(personas.pupil, {(MONDAY, "AM"): "N", (MONDAY, "PM"): "N"})
    carer_id = personas.pupil.carer_links.first().carer_id
    services.record_contact(
        personas.attendance_officer,
        pupil=personas.pupil,
        day=MONDAY,
        carer_id=carer_id,
        method="phone",
        outcome="reason_given",
        new_code="I",
        note="Temperature",
    )
    assert set(Mark.objects.filter(pupil=personas.pupil).values_list("code", flat=True)) == {"I"}
    assert set(Mark.objects.values_list("source", flat=True)) == {Source.FOLLOW_UP}
    assert MarkHistory.objects.filter(old_code="N", new_code="I").count() == 2
    assert ContactAttempt.objects.get().new_code == "I"
    assert Entry.objects.filter(pupil=personas.pupil, kind="contact").exists()
    assert selectors.first_day_list(personas.school, MONDAY) == []


def test_a_call_with_no_answer_leaves_the_n(personas):
    make_marks(personas.pupil, {(MONDAY, "AM"): "N"})
    services.record_contact(
        personas.attendance_officer,
        pupil=personas.pupil,
        day=MONDAY,
        carer_id=None,
        method="phone",
        outcome="no_answer",
    )
    assert Mark.objects.get(pupil=personas.pupil).code == "N"
    (row,) = selectors.first_day_list(personas.school, MONDAY)
    assert len(row.contacts) == 1


def test_a_carer_under_a_no_contact_restriction_cannot_be_logged_as_called(personas):
    carer: Any = CarerFactory(school=personas.school)
    PupilCarerFactory(pupil=personas.pupil, carer=carer, restriction=PupilCarer.Restriction.NO_CONTACT)
    with pytest.raises(ValidationError, match="must not be contacted"):
        services.record_contact(
            personas.attendance_officer,
            pupil=personas.pupil,
            day=MONDAY,
            carer_id=carer.pk,
            method="phone",
            outcome="no_answer",
        )
    assert not ContactAttempt.objects.exists()


def test_a_teacher_cannot_log_calls(personas):
    with pytest.raises(PermissionDenied):
        services.record_contact(
            personas.teacher, pupil=personas.pupil, day=MONDAY, carer_id=None, method="phone", outcome="no_answer"
        )


def test_unresolved_n_past_the_school_limit_is_flagged(personas):
    AttendanceSettings.objects.create(school=personas.school, n_code_limit_school_days=3)
    make_marks(personas.pupil, {(dt.date(2025, 1, 7), "AM"): "N", (dt.date(2025, 1, 10), "AM"): "N"})
    # 13/01 minus 3 school days is 08/01: the N on 07/01 is overdue, the one on 10/01 is not.
    (flag,) = selectors.overdue_n_marks(personas.school, MONDAY)
    assert (flag.pupil, flag.first, flag.sessions) == (personas.pupil, dt.date(2025, 1, 7), 1)


@pytest.fixture
def social_worker(monkeypatch, personas):
    """Stand in for apps.safeguarding.selectors.pupils_with_social_worker until it lands."""
    module = types.ModuleType("apps.safeguarding.selectors")
    module.pupils_with_social_worker = lambda school, **kw: {personas.pupil.pk}  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "apps.safeguarding.selectors", module)
    import apps.safeguarding

    monkeypatch.setattr(apps.safeguarding, "selectors", module, raising=False)
    return module


def test_an_n_for_a_pupil_with_a_social_worker_alerts_the_dsl_once(personas, social_worker):
    for seen in ("", "N"):  # the register saved twice: the DSL is told once
        services.take_register(
            personas.form_tutor,
            form=personas.pupil.form,
            day=MONDAY,
            session="AM",
            entries=[RegisterEntry(personas.pupil.pk, "N", seen=seen)],
        )
    assert AbsenceAlert.objects.filter(pupil=personas.pupil, date=MONDAY).count() == 1
    alerted = set(Notification.objects.filter(urgent=True).values_list("user__username", flat=True))
    assert alerted == {"dsl", "deputy_dsl"}
    assert all(personas.pupil.full_name not in n.title for n in Notification.objects.all())


def test_a_present_pupil_with_a_social_worker_raises_no_alert(personas, social_worker):
    services.take_register(
        personas.form_tutor,
        form=personas.pupil.form,
        day=MONDAY,
        session="AM",
        entries=[RegisterEntry(personas.pupil.pk, "/")],
    )
    assert not AbsenceAlert.objects.exists()


def test_without_the_safeguarding_selector_there_is_no_alert(personas, monkeypatch):
    monkeypatch.setitem(sys.modules, "apps.safeguarding.selectors", None)  # import raises ImportError
    assert services.social_worker_pupils(personas.school) == set()
    assert services.alert_dsl_of_unexplained_absence(personas.school, day=MONDAY, pupil_ids=[personas.pupil.pk]) == []


def test_first_day_page_and_contact_form(personas, client_for):
    make_marks(personas.pupil, {(MONDAY, "AM"): "N"})
    client = client_for(personas.attendance_officer)
    page = client.get(reverse("attendance:first_day"), {"date": "2025-01-13"})
    assert "Amelia" in page.content.decode()
    response = client.post(
        reverse("attendance:contact", args=[personas.pupil.pk]),
        {"date": "2025-01-13", "method": "phone", "outcome": "reason_given", "new_code": "M", "carer": ""},
    )
    assert response.status_code == 302
    assert Mark.objects.get(pupil=personas.pupil).code == "M"
