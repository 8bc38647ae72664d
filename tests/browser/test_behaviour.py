"""Behaviour's main journeys in a real browser, checked by axe-core with no console or CSP error:
a teacher logs one incident for several pupils of a class; the headteacher records a suspension and
sees the duties that follow."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from apps.behaviour.models import BehaviourType, Incident, Polarity
from apps.people.tests.factories import PupilFactory

from .helpers import assert_accessible, sign_in


def test_a_teacher_logs_an_incident_for_several_pupils(page: Page, live_server, personas):
    group = personas.pupil.teaching_groups.first()
    zara = PupilFactory(
        school=personas.school,
        year_group=personas.pupil.year_group,
        form=personas.pupil.form,
        legal_forename="Zara",
        legal_surname="Classmate",
    )
    group.pupils.add(zara)
    BehaviourType.objects.create(
        school=personas.school, name="Low-level disruption", polarity=Polarity.NEGATIVE, points=1
    )

    sign_in(page, live_server, personas.teacher)
    page.goto(f"/behaviour/log/?group={group.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log an incident or reward")
    assert_accessible(page)

    page.get_by_label("What happened", exact=True).select_option(label="Low-level disruption (−1)")
    page.get_by_role("checkbox", name="Testpupil, Amelia (9A)").check()
    page.get_by_role("checkbox", name="Classmate, Zara (9A)").check()
    page.get_by_text("Set a different role for each pupil").click()
    page.get_by_role("combobox", name="Classmate, Zara (9A)").select_option(label="Witness")
    page.get_by_role("button", name="Log it").click()

    expect(page.get_by_role("status")).to_contain_text("Logged for 2 pupils")
    expect(page.get_by_role("cell", name="Witness")).to_be_visible()
    assert_accessible(page)
    incident = Incident.objects.get()
    assert dict(incident.pupil_links.values_list("pupil__legal_forename", "role")) == {
        "Amelia": "involved",
        "Zara": "witness",
    }


def test_the_headteacher_records_a_suspension_and_sees_the_duties(page: Page, live_server, personas):
    sign_in(page, live_server, personas.headteacher)
    page.goto(f"/behaviour/pupils/{personas.pupil.pk}/exclude/")
    assert_accessible(page)
    page.get_by_label("Type").select_option("FIXD")
    page.get_by_label("First day").fill("2024-11-12")
    page.get_by_label("Length").fill("6")
    page.get_by_label("Census reason").select_option("PA")
    page.get_by_label("Reasons, as the parents will read them").fill("Pushed a member of staff.")
    page.get_by_role("button", name="Record the decision").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Suspension")
    expect(page.get_by_role("cell", name="Tell the governing board")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="education from day 6")).to_contain_text("19/11/2024")
    assert_accessible(page)
