"""Choosing group members: a search (htmx or a plain GET), a filter with a confirmation, and the
early-warning lists; capacity checked for the whole batch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.attendance import services as attendance
from apps.support import selectors, services
from apps.support.tests.factories import MemberFactory, make_group

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def group(personas):
    return make_group(school=personas.school, runner=personas.pastoral, intervention__school=personas.school)


def test_search_needs_two_characters_and_matches_name_upn_and_form(personas, group):
    p = personas
    assert selectors.search_candidates(group, p.pastoral, "t", TODAY) == []
    assert {x.pk for x in selectors.search_candidates(group, p.pastoral, "testp", TODAY)} == {p.pupil.pk, p.sibling.pk}
    assert [x.pk for x in selectors.search_candidates(group, p.pastoral, "amelia test", TODAY)] == [p.pupil.pk]
    assert [x.pk for x in selectors.search_candidates(group, p.pastoral, p.other_pupil.upn, TODAY)] == [
        p.other_pupil.pk
    ]
    assert [x.pk for x in selectors.search_candidates(group, p.pastoral, "10b", TODAY)] == [p.other_pupil.pk]
    MemberFactory(group=group, pupil=p.pupil)
    assert [x.pk for x in selectors.search_candidates(group, p.pastoral, "testp", TODAY)] == [p.sibling.pk]


def test_search_only_finds_pupils_the_viewer_sees(personas, group):
    found = selectors.search_candidates(group, personas.head_of_year, "testp", TODAY)
    assert {x.pk for x in found} == {personas.pupil.pk}  # Year 9 only; never the other school's


def test_the_search_works_with_and_without_htmx(personas, group, client_for):
    client = client_for(personas.pastoral)
    url = reverse("support:group", args=[group.pk])
    full = client.get(url, {"q": "amel"}).content.decode()
    assert "<html" in full and f'id="cand-{personas.pupil.pk}"' in full
    partial = client.get(url, {"q": "amel"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and "Amelia Testpupil" in partial and "checked" not in partial
    short = client.get(url, {"q": "a"}, headers={"HX-Request": "true"}).content.decode()
    assert "at least 2 characters" in short


def test_a_filter_shows_the_count_and_names_before_anything_is_added(personas, group, client_for):
    client = client_for(personas.pastoral)
    url = reverse("support:group", args=[group.pk])
    body = client.get(url, {"filter": "1", "sex": "F"}).content.decode()
    assert "Pupils matching the filter: 2 pupils" in body
    assert "Amelia Testpupil" in body and "Isla Testpupil" in body and "Oliver" not in body
    assert "all 2 pupils below will be added" in body
    assert not group.members.exists()
    body = client.get(url, {"filter": "1", "year": "10"}).content.decode()
    assert "Pupils matching the filter: 1 pupil" in body and "Oliver Otherpupil" in body


def test_filters_for_fsm_sen_eal_and_looked_after(personas, group):
    p = personas
    p.sibling.fsm, p.sibling.eal, p.sibling.looked_after, p.sibling.sen_status = True, True, True, "K"
    p.sibling.save()
    for criteria in ({"fsm": "yes"}, {"eal": "yes"}, {"looked_after": "yes"}, {"sen": "any"}, {"sen": "K"}):
        assert [x.pk for x in selectors.filter_candidates(group, p.pastoral, criteria, TODAY)] == [p.sibling.pk]
    assert p.sibling.pk not in {x.pk for x in selectors.filter_candidates(group, p.pastoral, {"fsm": "no"}, TODAY)}


def test_the_persistent_absentee_list(personas, group, client_for):
    days = [dt.date(2026, 9, 14) + dt.timedelta(days=d) for d in range(5)]
    sessions = [(d, s) for d in days for s in ("AM", "PM")]
    attendance.record_marks(
        None, school=personas.school, pupil=personas.pupil, sessions=sessions[:8], code="/", reason=""
    )
    attendance.record_marks(
        None, school=personas.school, pupil=personas.pupil, sessions=sessions[8:], code="O", reason=""
    )
    attendance.record_marks(
        None, school=personas.school, pupil=personas.sibling, sessions=sessions, code="/", reason=""
    )
    found = selectors.persistent_absentee_candidates(group, personas.pastoral, TODAY)
    assert [x.pk for x in found] == [personas.pupil.pk]  # 2 of 10 sessions missed: 20%
    body = (
        client_for(personas.pastoral).get(reverse("support:group", args=[group.pk]), {"early": "pa"}).content.decode()
    )
    assert "Persistent absentees this school year: 1 pupil" in body


def test_the_behaviour_points_list(personas, group, behaviour):
    from apps.support.tests.conftest import FakeTotals

    behaviour[personas.pupil.pk] = FakeTotals(negative_points=12)
    behaviour[personas.sibling.pk] = FakeTotals(negative_points=9)
    found = selectors.behaviour_candidates(group, personas.pastoral, TODAY, points=10, weeks=6)
    assert [x.pk for x in found] == [personas.pupil.pk]


def test_capacity_is_checked_for_the_whole_batch_with_a_clear_message(personas, group):
    group.intervention.capacity = 2
    group.intervention.save()
    MemberFactory(group=group, pupil=personas.other_pupil)
    with pytest.raises(ValidationError) as error:
        services.add_members(
            personas.pastoral, group=group, pupils=[personas.pupil, personas.sibling], joined_on=TODAY, need="semh"
        )
    assert "The group has 1 place left of 2, and 2 pupils were chosen" in str(error.value)
    with pytest.raises(ValidationError, match="Already in this group: Oliver Otherpupil"):
        services.add_members(
            personas.pastoral, group=group, pupils=[personas.other_pupil], joined_on=TODAY, need="semh"
        )
    added = services.add_members(personas.pastoral, group=group, pupils=[personas.pupil], joined_on=TODAY, need="semh")
    assert [m.pupil_id for m in added] == [personas.pupil.pk]


def test_adding_from_a_list_is_one_post(personas, group, client_for):
    response = client_for(personas.pastoral).post(
        reverse("support:group", args=[group.pk]),
        {"pupils": [personas.pupil.pk, personas.sibling.pk], "need": "attendance", "joined_on": "2026-11-23"},
    )
    assert response.status_code == 302
    assert set(group.members.values_list("pupil_id", flat=True)) == {personas.pupil.pk, personas.sibling.pk}


def test_a_pupil_the_viewer_does_not_see_cannot_be_posted(personas, group, client_for):
    response = client_for(personas.head_of_year).post(
        reverse("support:group", args=[group.pk]),
        {"pupils": [personas.other_pupil.pk], "need": "semh", "joined_on": "2026-11-23"},
    )
    assert response.status_code == 200 and not group.members.exists()
