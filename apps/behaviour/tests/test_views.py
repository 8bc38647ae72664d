import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.behaviour import services
from apps.behaviour.models import BehaviourType, Exclusion, Incident, InclusionBooking
from apps.behaviour.tests.factories import make_incident, new_location, new_type
from apps.people.tests.factories import PupilFactory

TUESDAY = dt.date(2024, 11, 12)


@pytest.fixture
def classmate(personas: Any) -> Any:
    other = PupilFactory(
        school=personas.school,
        year_group=personas.pupil.year_group,
        form=personas.pupil.form,
        legal_forename="Zara",
        legal_surname="Classmate",
    )
    personas.pupil.teaching_groups.first().pupils.add(other)
    return other


def test_teacher_logs_an_incident_for_a_whole_class_in_one_go(client_for, personas, classmate):
    btype = new_type(school=personas.school, name="Talking", points=1)
    location = new_location(school=personas.school, name="Room 12")
    group = personas.pupil.teaching_groups.first()
    client = client_for(personas.teacher)
    page = client.get(reverse("behaviour:log"), {"group": group.pk})
    assert page.status_code == 200 and "Zara" in page.content.decode()
    response = client.post(
        reverse("behaviour:log"),
        {
            "group": group.pk,
            "behaviour_type": btype.pk,
            "pupils": [personas.pupil.pk, classmate.pk],
            "role": "involved",
            f"role_{classmate.pk}": "witness",
            "occurred_at": "2024-11-12T10:15",
            "period": 2,
            "location": location.pk,
        },
    )
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("behaviour:incident", args=[incident.pk])
    roles = dict(incident.pupil_links.values_list("pupil_id", "role"))
    assert roles == {personas.pupil.pk: "involved", classmate.pk: "witness"}
    assert incident.teaching_group == group and incident.period == 2


def test_bad_input_keeps_what_was_typed(client_for, personas):
    btype = new_type(school=personas.school, name="Talking", points=1)
    client = client_for(personas.teacher)
    response = client.post(
        reverse("behaviour:log"),
        {"behaviour_type": btype.pk, "occurred_at": "2024-11-12T10:15", "description": "Kept text"},
    )
    assert response.status_code == 200
    assert "Kept text" in response.content.decode()
    assert not Incident.objects.exists()


def test_pupil_record_shows_only_their_own_part(client_for, personas, classmate):
    btype = new_type(school=personas.school, name="Fight", points=4)
    services.log_incident(
        personas.teacher,
        school=personas.school,
        behaviour_type=btype,
        pupils=[personas.pupil, classmate],
        roles={personas.pupil.pk: "instigator", classmate.pk: "target"},
        occurred_at=timezone.make_aware(dt.datetime(2024, 11, 12, 10)),
    )
    client = client_for(personas.form_tutor)
    body = client.get(reverse("behaviour:pupil", args=[classmate.pk])).content.decode()
    assert "Target" in body and "Amelia" not in body


def test_head_records_a_suspension_and_sees_the_duties_and_letter(client_for, personas):
    client = client_for(personas.headteacher)
    response = client.post(
        reverse("behaviour:exclusion_new", args=[personas.pupil.pk]),
        {
            "kind": "FIXD",
            "start_date": "2024-11-12",
            "start_session": "AM",
            "days": "6",
            "reason_1": "PA",
            "reasons_text": "Assaulted a member of staff.",
        },
    )
    exclusion = Exclusion.objects.get()
    assert response.status_code == 302
    body = client.get(reverse("behaviour:exclusion", args=[exclusion.pk])).content.decode()
    for text in ("Tell the parents", "Tell the governing board", "from day 6", "19/11/2024", "20/11/2024"):
        assert text in body, text
    pdf = client.get(reverse("behaviour:exclusion_letter", args=[exclusion.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_cap_shows_on_the_form_without_losing_input(client_for, personas):
    services.suspend_pupil(
        personas.headteacher,
        pupil=personas.pupil,
        kind="FIXD",
        start_date=dt.date(2024, 9, 10),
        days=Decimal(44),
        reasons=["DB"],
        reasons_text="Persistent disruption.",
    )
    client = client_for(personas.headteacher)
    response = client.post(
        reverse("behaviour:exclusion_new", args=[personas.pupil.pk]),
        {
            "kind": "FIXD",
            "start_date": "2024-12-02",
            "start_session": "AM",
            "days": "2",
            "reason_1": "PA",
            "reasons_text": "Second assault.",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "limit is 45" in body and "Second assault." in body
    assert Exclusion.objects.count() == 1


def test_inclusion_roster_for_the_day(client_for, personas):
    InclusionBooking.objects.create(
        school=personas.school,
        pupil=personas.pupil,
        date=TUESDAY,
        reason="Removed from science",
        work_set="Worksheet 4",
    )
    client = client_for(personas.pastoral)
    body = client.get(reverse("behaviour:inclusion"), {"date": "2024-11-12"}).content.decode()
    assert "Amelia" in body and "Removed from science" in body and "Worksheet 4" in body
    assert "Nobody is booked in" in client.get(reverse("behaviour:inclusion"), {"date": "2024-11-13"}).content.decode()


def test_overview_and_census(client_for, personas):
    make_incident(personas.pupil, day=TUESDAY)
    services.suspend_pupil(
        personas.headteacher,
        pupil=personas.pupil,
        kind="FIXD",
        start_date=TUESDAY,
        days=Decimal(1),
        reasons=["DB", "VA"],
        reasons_text="Disruption.",
    )
    client = client_for(personas.senior_leader)
    body = client.get(reverse("behaviour:overview"), {"year": 9, "date": "2024-11-30"}).content.decode()
    assert "Amelia" in body and "Tuesday" in body
    csv_text = client.get(reverse("behaviour:census"), {"from": "2024-09-01", "to": "2025-08-31"}).content.decode()
    header, row = csv_text.strip().splitlines()
    assert header.startswith("upn,surname,forename")
    assert ",FIXD,2024-11-12,2,DB,VA,," in row and "Autumn" in row


def test_home_and_profile_show_behaviour(client_for, personas):
    make_incident(personas.pupil, day=timezone.localdate())
    client = client_for(personas.pastoral_lead)
    assert "Behaviour" in client.get(reverse("home")).content.decode()
    body = client.get(reverse("people:profile", args=[personas.pupil.pk])).content.decode()
    assert "Full behaviour record" in body
    client = client_for(personas.teacher)
    assert "Log an incident or reward" in client.get(reverse("home")).content.decode()


def test_api_logs_and_lists_a_pupils_own_part(client_for, personas, classmate):
    btype = new_type(school=personas.school, name="Talking", points=1)
    client = client_for(personas.teacher)
    created = client.post(
        reverse("behaviour-event-list"),
        {
            "behaviour_type": btype.pk,
            "pupils": [personas.pupil.pk, classmate.pk],
            "roles": {str(classmate.pk): "witness"},
            "occurred_at": "2024-11-12T10:00:00Z",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    listed = client.get(reverse("behaviour-event-list"), {"pupil": classmate.pk}).json()["results"]
    assert [(r["type"], r["role"], r["points"]) for r in listed] == [("Talking", "witness", 0)]
    bad = client.post(reverse("behaviour-event-list"), {"pupils": []}, content_type="application/json")
    assert bad.status_code == 400


def test_the_school_sets_its_types_and_points(client_for, personas):
    client = client_for(personas.pastoral_lead)
    response = client.post(
        reverse("behaviour:types"),
        {"name": "Kindness", "polarity": "positive", "category": "conduct", "points": 3, "is_active": "on"},
    )
    assert response.status_code == 302
    made = BehaviourType.objects.get(school=personas.school, name="Kindness")
    assert made.points == 3
    client.post(
        reverse("behaviour:types") + f"?edit={made.pk}",
        {"edit": made.pk, "name": "Kindness", "polarity": "positive", "category": "conduct", "points": 5},
    )
    made.refresh_from_db()
    assert made.points == 5 and not made.is_active
    duplicate = client.post(
        reverse("behaviour:types"), {"name": "kindness", "polarity": "positive", "category": "conduct", "points": 1}
    )
    assert "already has a type" in duplicate.content.decode()


def test_groups_page_suppresses_small_numbers_and_names_nobody(client_for, personas):
    services.suspend_pupil(
        personas.headteacher,
        pupil=personas.pupil,
        kind="FIXD",
        start_date=TUESDAY,
        days=Decimal(1),
        reasons=["DB"],
        reasons_text="Disruption.",
    )
    client = client_for(personas.governor)
    body = client.get(reverse("behaviour:groups"), {"date": "2024-11-30"}).content.decode()
    assert "Fewer than 3" in body and "Amelia" not in body and "Sex: Female" in body


def test_pupil_page_compares_with_the_year_group(personas):
    from apps.behaviour.selectors import peer_comparison

    bad = new_type(school=personas.school, name="Rude", points=3)
    make_incident(personas.pupil, btype=bad, day=TUESDAY)
    result = peer_comparison(
        personas.school, personas.pupil, start=dt.date(2024, 9, 1), end=dt.date(2024, 11, 15), weeks=2
    )
    assert result.peers == 1 and result.negative_percentile == 0
    assert result.weeks == [(dt.date(2024, 11, 4), 0, 0.0), (dt.date(2024, 11, 11), 3, 3.0)]
    PupilFactory(school=personas.school, year_group=personas.pupil.year_group, form=personas.pupil.form)
    result = peer_comparison(
        personas.school, personas.pupil, start=dt.date(2024, 9, 1), end=dt.date(2024, 11, 15), weeks=1
    )
    assert result.peers == 2 and result.negative_percentile == 50


def test_pupil_hot_spots_by_day_place_and_reporting_staff_for_the_pastoral_team(client_for, personas):
    from apps.behaviour.selectors import analysis

    today = timezone.localdate()
    bad = new_type(school=personas.school, name="Rude", points=2)
    corridor = new_location(school=personas.school, name="Science corridor")
    for _ in range(2):
        incident = make_incident(personas.pupil, btype=bad, day=today)
        Incident.objects.filter(pk=incident.pk).update(reported_by=personas.teacher, location=corridor)
    other = make_incident(PupilFactory(school=personas.school), btype=bad, day=today)
    Incident.objects.filter(pk=other.pk).update(reported_by=personas.form_tutor)

    tables = analysis(personas.school, personas.pastoral, start=today, end=today, pupil_id=personas.pupil.pk)
    assert tables["staff"] == [(personas.teacher.display_name, 2)]
    assert tables["location"] == [("Science corridor", 2)]
    assert sum(n for _label, n in tables["day"]) == (2 if today.weekday() < 5 else 0)

    body = client_for(personas.pastoral).get(reverse("behaviour:pupil", args=[personas.pupil.pk])).content.decode()
    assert "By member of staff" in body and personas.teacher.display_name in body
    body = client_for(personas.teacher).get(reverse("behaviour:pupil", args=[personas.pupil.pk])).content.decode()
    assert "By member of staff" not in body
