"""Opening a reintegration plan with a reduced-hours week starts that week's part-time timetable
in the attendance module there and then (domain §1.8), all or nothing; a reduced week left
unlinked (an older plan) is flagged on the caseload until someone records it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.attendance.models import Mark, PartTimeTimetable
from apps.support import services
from apps.support.models import ReintegrationPhase, SupportPlan
from apps.support.services import PartTimeAgreement, PhaseSpec, PlanContent, TargetSpec
from apps.support.tests.factories import make_reintegration

MON = dt.date(2026, 9, 14)
FRI = dt.date(2026, 9, 18)
MORNINGS = ("0AM", "1AM", "2AM", "3AM", "4AM")


def open_reintegration(p, *, part_time, sessions=MORNINGS):
    return services.create_reintegration(
        p.pastoral,
        pupil=p.pupil,
        keyworker=p.pastoral,
        reason="long_absence",
        started_on=MON,
        content=PlanContent(barriers="Anxiety after a long absence.", targets=[TargetSpec("Attend every morning")]),
        phases=[
            PhaseSpec(MON, FRI, "Mornings only", "TA in maths", True, sessions),
            PhaseSpec(dt.date(2026, 9, 21), dt.date(2026, 9, 25), "Full timetable"),
        ],
        part_time=part_time,
    )


def test_a_reduced_week_starts_and_links_its_part_time_timetable(personas):
    plan = open_reintegration(
        personas, part_time=PartTimeAgreement(parent_agreed_on=dt.date(2026, 9, 11), not_to_manage_behaviour=True)
    )
    first, second = plan.reintegration.phases.order_by("starts_on")
    timetable = first.part_time
    assert timetable is not None and second.part_time is None
    assert (timetable.start_date, timetable.planned_end_date, timetable.next_review) == (MON, FRI, FRI)
    assert sorted(timetable.attended_sessions) == sorted(MORNINGS)
    assert timetable.parent_agreed_on == dt.date(2026, 9, 11)
    assert timetable.reason == "Reintegration plan: Mornings only"
    # The afternoons the pupil does not attend are C2 (the week is in the past for the test clock).
    assert set(Mark.objects.filter(pupil=personas.pupil, code="C2").values_list("date", "session")) == {
        (MON + dt.timedelta(days=d), "PM") for d in range(5)
    }


def test_without_the_parents_agreement_nothing_is_recorded(personas):
    with pytest.raises(ValidationError) as error:
        open_reintegration(personas, part_time=PartTimeAgreement(parent_agreed_on=None, not_to_manage_behaviour=False))
    text = " ".join(error.value.messages)
    assert "the parent the pupil normally lives with agreed" in text
    assert "not being used to manage behaviour" in text
    assert not SupportPlan.objects.exists() and not PartTimeTimetable.objects.exists()


def test_a_reduced_week_needs_its_sessions(personas):
    agreed = PartTimeAgreement(parent_agreed_on=dt.date(2026, 9, 11), not_to_manage_behaviour=True)
    with pytest.raises(ValidationError, match="Week 1 has fewer hours: tick the sessions"):
        open_reintegration(personas, part_time=agreed, sessions=())
    assert not SupportPlan.objects.exists()


def test_attendance_refusing_the_timetable_rolls_the_whole_plan_back(personas):
    agreed = PartTimeAgreement(parent_agreed_on=dt.date(2026, 9, 11), not_to_manage_behaviour=True)
    every = tuple(f"{d}{s}" for d in range(5) for s in ("AM", "PM"))
    with pytest.raises(ValidationError, match="Week 1: Every session is ticked"):
        open_reintegration(personas, part_time=agreed, sessions=every)
    assert not SupportPlan.objects.exists() and not PartTimeTimetable.objects.exists()
    assert not Mark.objects.filter(pupil=personas.pupil).exists()


def form_data(p, **extra):
    return {
        "reason": "long_absence",
        "keyworker": p.pastoral.pk,
        "started_on": "2026-09-14",
        "barriers": "Anxiety after a long absence.",
        "target_1": "Attend every morning",
        "phase_1_start": "2026-09-14",
        "phase_1_end": "2026-09-18",
        "phase_1_timetable": "Mornings only",
        "phase_1_reduced": "on",
        "phase_1_sessions": list(MORNINGS),
        "phase_2_start": "2026-09-21",
        "phase_2_end": "2026-09-25",
        "phase_2_timetable": "Full timetable",
    } | extra


def test_the_form_asks_for_the_agreement_and_keeps_what_was_typed(personas, client_for):
    client = client_for(personas.pastoral)
    url = reverse("support:reintegration_new", args=[personas.pupil.pk])
    page = client.get(url).content.decode()
    assert "Parent agreed to the part-time timetable on" in page and "Week 1: if fewer hours" in page
    response = client.post(url, form_data(personas))
    body = response.content.decode()
    assert response.status_code == 200 and "Mornings only" in body
    assert "agreed to it" in body and not SupportPlan.objects.exists()

    response = client.post(
        url,
        form_data(
            personas,
            part_time_parent_agreed_on="2026-09-11",
            part_time_not_to_manage_behaviour="on",
        ),
    )
    plan = SupportPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("support:plan", args=[plan.pk])
    assert ReintegrationPhase.objects.get(starts_on=MON).part_time is not None
    page = client.get(response["Location"]).content.decode()
    assert "1 part-time timetable recorded in attendance" in page
    assert "From 14/09/2026 to 18/09/2026" in page


def test_an_unlinked_reduced_week_is_flagged_on_the_caseload(personas, client_for):
    plan = make_reintegration(personas.pupil, personas.pastoral)  # an older plan, reduced week not linked
    client = client_for(personas.pastoral)
    assert "Part-time timetable not recorded" in client.get(reverse("support:caseload")).content.decode()
    phase = plan.reintegration.phases.order_by("starts_on").first()
    services.link_phase_part_time(
        personas.pastoral,
        phase=phase,
        attended_sessions=list(MORNINGS),
        parent_agreed_on=dt.date(2026, 9, 11),
        not_to_manage_behaviour=True,
    )
    assert "Part-time timetable not recorded" not in client.get(reverse("support:caseload")).content.decode()


def test_sessions_ticked_on_a_full_week_are_questioned_not_ignored(personas, client_for):
    data = form_data(personas, part_time_parent_agreed_on="2026-09-11", part_time_not_to_manage_behaviour="on")
    data.pop("phase_1_reduced")
    response = client_for(personas.pastoral).post(reverse("support:reintegration_new", args=[personas.pupil.pk]), data)
    assert response.status_code == 200
    assert "Week 1 has sessions ticked: tick this too" in response.content.decode()
    assert not SupportPlan.objects.exists()
