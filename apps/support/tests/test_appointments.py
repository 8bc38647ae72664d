from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.chronology.models import Entry
from apps.support import selectors, services

TODAY = dt.date(2026, 11, 23)


def slots(p, count=3):
    return services.add_appointment_slots(
        p.pastoral,
        school=p.school,
        adviser="Ms Careers",
        kind="careers",
        first_at=timezone.make_aware(dt.datetime(2026, 11, 20, 9, 0)),
        count=count,
        minutes=20,
        location="Library",
    )


def test_slots_are_back_to_back(personas):
    made = slots(personas)
    times = [timezone.localtime(s.starts_at).strftime("%H:%M") for s in made]
    assert times == ["09:00", "09:20", "09:40"]


def test_booking_a_slot_and_recording_the_outcome(personas):
    slot = slots(personas, 1)[0]
    services.book_appointment(personas.pastoral, appointment=slot, pupil=personas.other_pupil, preparation="Bring CV")
    assert Entry.objects.filter(pupil=personas.other_pupil, title__startswith="Careers adviser appointment").exists()
    with pytest.raises(ValidationError, match="already booked"):
        services.book_appointment(personas.pastoral, appointment=slot, pupil=personas.pupil)
    services.record_appointment_outcome(
        personas.pastoral, appointment=slot, attended=True, outcome="Looking at college"
    )
    slot.refresh_from_db()
    assert slot.attended is True


def test_years_10_and_11_without_a_careers_appointment(personas):
    # The other pupil is in Year 10; the persona pupil is in Year 9 and never listed.
    assert selectors.pupils_without_careers_appointment(personas.school, personas.pastoral, TODAY) == [
        personas.other_pupil
    ]
    slot = slots(personas, 1)[0]
    services.book_appointment(personas.pastoral, appointment=slot, pupil=personas.other_pupil)
    assert selectors.pupils_without_careers_appointment(personas.school, personas.pastoral, TODAY) == []


def test_a_teacher_cannot_add_slots(personas):
    with pytest.raises(PermissionDenied):
        services.add_appointment_slots(
            personas.teacher,
            school=personas.school,
            adviser="x",
            kind="careers",
            first_at=timezone.now(),
            count=1,
            minutes=20,
            location="",
        )


def test_a_head_of_year_sees_a_booked_slot_for_another_year_without_the_name(personas, client_for):
    slot = slots(personas, 1)[0]
    services.book_appointment(personas.pastoral, appointment=slot, pupil=personas.other_pupil)
    page = client_for(personas.head_of_year).get(reverse("support:appointments")).content.decode()
    assert "Booked" in page and "Oliver" not in page
    assert client_for(personas.head_of_year).get(reverse("support:appointment", args=[slot.pk])).status_code == 404
