"""Off-site directions and managed moves (domain file §2.8)."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from apps.behaviour import services, statutory
from apps.behaviour.models import PupilMove, PupilMoveReview
from apps.chronology.models import Entry
from apps.core.calendar import SchoolCalendar, typical_half_terms

# Autumn 2024 (typical half-terms): half-term is Mon 28/10 to Fri 1/11; term resumes Mon 4/11.
CALENDAR = SchoolCalendar(terms=[(b, e, None) for _s, _h, b, e in typical_half_terms(2024)])  # type: ignore[misc]
MON, TUE, WED, THU, FRI = (dt.date(2024, 11, d) for d in (11, 12, 13, 14, 15))


# The 2-school-day notice rule -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "deadline"),
    [
        (WED, MON),  # within a week
        (THU, TUE),
        (MON + dt.timedelta(days=7), THU),  # across a weekend
        (TUE, dt.date(2024, 11, 8)),  # Tuesday start: notice by the Friday before
        (dt.date(2024, 11, 4), dt.date(2024, 10, 24)),  # first day after half-term: Thursday before it
        (dt.date(2024, 11, 5), dt.date(2024, 10, 25)),
        (dt.date(2024, 11, 6), dt.date(2024, 11, 4)),
    ],
)
def test_notice_deadline_is_two_school_days_before_the_start(start, deadline):
    assert statutory.offsite_notice_deadline(start, CALENDAR) == deadline
    assert statutory.offsite_notice_problem(deadline, start, CALENDAR) is None
    late = statutory.offsite_notice_problem(deadline + dt.timedelta(days=1), start, CALENDAR)
    assert late and f"by {deadline:%d/%m/%Y}" in late and "2 school days" in late


def test_notice_on_a_weekend_counts_as_given_that_day():
    # Notice on Saturday 9/11 for a Wednesday start: Monday and Tuesday are 2 school days; in time.
    assert statutory.offsite_notice_problem(dt.date(2024, 11, 9), WED, CALENDAR) is None
    # ... but for a Tuesday start only Monday is left: too late.
    assert statutory.offsite_notice_problem(dt.date(2024, 11, 9), TUE, CALENDAR)


SCHOOL_DAYS = CALENDAR.school_days(dt.date(2024, 9, 20), dt.date(2025, 7, 10))


@given(start=st.sampled_from(SCHOOL_DAYS))
def test_notice_deadline_leaves_exactly_two_school_days(start):
    deadline = statutory.offsite_notice_deadline(start, CALENDAR)
    assert CALENDAR.is_school_day(deadline)
    assert CALENDAR.count_school_days(deadline, start - dt.timedelta(days=1)) == 2
    assert statutory.offsite_notice_problem(deadline, start, CALENDAR) is None
    assert statutory.offsite_notice_problem(deadline + dt.timedelta(days=1), start, CALENDAR) is not None


# The 10-week review request rule -----------------------------------------------------------------


REQUEST = dt.date(2025, 2, 3)


@pytest.mark.parametrize(
    ("reviews", "must"),
    [
        ([], True),
        ([REQUEST - dt.timedelta(weeks=10)], True),  # exactly 10 weeks ago: outside the window
        ([REQUEST - dt.timedelta(weeks=10) + dt.timedelta(days=1)], False),  # one day inside
        ([REQUEST - dt.timedelta(weeks=10) - dt.timedelta(days=1)], True),
        ([REQUEST], False),
        ([REQUEST + dt.timedelta(days=1)], True),  # a later review does not count
    ],
)
def test_review_request_must_be_met_unless_reviewed_in_the_last_10_weeks(reviews, must):
    assert statutory.review_request_must_be_met(REQUEST, reviews) is must


# Services ---------------------------------------------------------------------------------------


def offsite_kwargs(**kw: Any) -> dict[str, Any]:
    base = {
        "start_date": WED,
        "end_date": WED + dt.timedelta(weeks=6),
        "receiving_school": "Riverside Learning Centre",
        "address": "1 River Road, Testtown",
        "report_to": "Ms Patel, reception",
        "session_times": "9:00 to 15:00",
        "reasons": "Repeated disruption in lessons",
        "objectives": "Re-engage with learning; anger management",
        "parent_notice_date": MON,
    }
    base.update(kw)
    return base


def managed_kwargs(**kw: Any) -> dict[str, Any]:
    base = {
        "start_date": WED,
        "receiving_school": "Hillside Academy",
        "admission_authority": "Hillside Academy Trust",
        "reasons": "A fresh start with a new peer group",
        "parents_agreed_on": MON - dt.timedelta(days=7),
        "new_school_agreed_on": MON - dt.timedelta(days=5),
        "admission_authority_agreed_on": MON,
        "not_under_threat_of_exclusion": True,
    }
    base.update(kw)
    return base


def test_off_site_direction_is_recorded_with_its_notice(personas):
    move = services.direct_off_site(personas.pastoral_lead, pupil=personas.pupil, **offsite_kwargs())
    assert move.kind == PupilMove.Kind.OFFSITE and move.status == PupilMove.Status.ACTIVE
    entry = Entry.objects.get(pupil=personas.pupil)
    assert "Directed off-site to Riverside" in entry.title and entry.confidentiality == "pastoral"
    assert "28 school days" in entry.title  # 13/11 to 20/12, when term ends


def test_late_notice_is_refused_with_the_deadline(personas):
    with pytest.raises(ValidationError) as exc:
        services.direct_off_site(personas.pastoral_lead, pupil=personas.pupil, **offsite_kwargs(parent_notice_date=TUE))
    assert "by 11/11/2024" in exc.value.message_dict["parent_notice_date"][0]
    assert not PupilMove.objects.exists()


def test_off_site_direction_needs_every_part_of_the_notice_and_an_end(personas):
    with pytest.raises(ValidationError) as exc:
        services.direct_off_site(
            personas.pastoral_lead,
            pupil=personas.pupil,
            **offsite_kwargs(address=" ", session_times="", end_date=TUE),
        )
    errors = exc.value.message_dict
    assert set(errors) == {"address", "session_times", "end_date"}
    assert "time-limited" in errors["end_date"][0]


def test_ehcp_needs_the_la_notice_in_time(personas):
    personas.pupil.sen_status = "E"
    personas.pupil.save()
    with pytest.raises(ValidationError) as exc:
        services.direct_off_site(personas.pastoral_lead, pupil=personas.pupil, **offsite_kwargs())
    assert "local authority" in exc.value.message_dict["la_notice_date"][0]
    with pytest.raises(ValidationError) as exc:
        services.direct_off_site(personas.pastoral_lead, pupil=personas.pupil, **offsite_kwargs(la_notice_date=TUE))
    assert "by 11/11/2024" in exc.value.message_dict["la_notice_date"][0]
    move = services.direct_off_site(personas.pastoral_lead, pupil=personas.pupil, **offsite_kwargs(la_notice_date=MON))
    assert move.has_ehcp


def test_teacher_cannot_direct_off_site_or_record_a_move(personas):
    with pytest.raises(PermissionDenied):
        services.direct_off_site(personas.teacher, pupil=personas.pupil, **offsite_kwargs())
    with pytest.raises(PermissionDenied):
        services.agree_managed_move(personas.teacher, pupil=personas.pupil, **managed_kwargs())
    assert not PupilMove.objects.exists()


def test_managed_move_needs_every_agreement_and_no_threat(personas):
    with pytest.raises(ValidationError) as exc:
        services.agree_managed_move(
            personas.pastoral_lead,
            pupil=personas.pupil,
            **managed_kwargs(admission_authority_agreed_on=None, not_under_threat_of_exclusion=False),
        )
    errors = exc.value.message_dict
    assert "admission authority agreed" in errors["admission_authority_agreed_on"][0]
    assert "threat of exclusion" in errors["not_under_threat_of_exclusion"][0]
    with pytest.raises(ValidationError) as exc:
        services.agree_managed_move(
            personas.pastoral_lead, pupil=personas.pupil, **managed_kwargs(parents_agreed_on=THU)
        )
    assert "before the move starts" in exc.value.message_dict["parents_agreed_on"][0]


def test_managed_move_with_ehcp_needs_the_la_first(personas):
    personas.pupil.sen_status = "E"
    personas.pupil.save()
    with pytest.raises(ValidationError) as exc:
        services.agree_managed_move(personas.pastoral_lead, pupil=personas.pupil, **managed_kwargs())
    assert "involved first" in exc.value.message_dict["la_involved_on"][0]
    with pytest.raises(ValidationError) as exc:
        services.agree_managed_move(personas.pastoral_lead, pupil=personas.pupil, **managed_kwargs(la_involved_on=MON))
    assert "before anyone agrees" in exc.value.message_dict["la_involved_on"][0]
    move = services.agree_managed_move(
        personas.pastoral_lead, pupil=personas.pupil, **managed_kwargs(la_involved_on=dt.date(2024, 10, 1))
    )
    assert move.has_ehcp and move.la_involved_on == dt.date(2024, 10, 1)


def test_managed_move_reviewed_then_returned(personas):
    move = services.agree_managed_move(
        personas.pastoral_lead, pupil=personas.pupil, **managed_kwargs(trial_period=True)
    )
    assert move.trial_period  # discouraged, but recorded
    services.review_move(personas.pastoral_lead, move=move, date=FRI, notes="Settling in")
    with pytest.raises(ValidationError):
        services.end_move(personas.pastoral_lead, move=move, outcome="ended", date=FRI)
    services.end_move(personas.pastoral_lead, move=move, outcome="returned", date=FRI, note="Did not settle")
    move.refresh_from_db()
    assert move.status == PupilMove.Status.RETURNED and move.outcome_by == personas.pastoral_lead
    with pytest.raises(ValidationError):
        services.review_move(personas.pastoral_lead, move=move, date=FRI, notes="again")
    titles = list(Entry.objects.filter(pupil=personas.pupil).values_list("title", flat=True))
    assert any("Returned to this school" in t for t in titles) and any("reviewed 15/11/2024" in t for t in titles)


def test_off_site_review_sets_the_next_review(personas):
    move = services.direct_off_site(personas.pastoral_lead, pupil=personas.pupil, **offsite_kwargs())
    review = services.review_move(
        personas.pastoral_lead, move=move, date=FRI, notes="Good start", requested_by=PupilMoveReview.RequestedBy.PARENT
    )
    assert review.next_review == FRI + dt.timedelta(weeks=6)
    with pytest.raises(ValidationError) as exc:
        services.review_move(personas.pastoral_lead, move=move, date=FRI, notes=" ")
    assert "notes" in exc.value.message_dict


# Views ------------------------------------------------------------------------------------------


def test_pastoral_lead_directs_off_site_through_the_form(client_for, personas):
    client = client_for(personas.pastoral_lead)
    url = reverse("behaviour:offsite_new", args=[personas.pupil.pk])
    page = client.get(url)
    assert page.status_code == 200 and "at least 2 school days" in page.content.decode()
    data = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in offsite_kwargs().items()}
    late = client.post(url, {**data, "parent_notice_date": TUE.isoformat(), "review_every_weeks": 4})
    assert late.status_code == 200 and "by 11/11/2024" in late.content.decode()
    assert "Riverside Learning Centre" in late.content.decode()  # what was typed is kept
    assert not PupilMove.objects.exists()
    response = client.post(url, {**data, "review_every_weeks": 4})
    move = PupilMove.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("behaviour:move", args=[move.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "due by 11/11/2024" in detail and "it must be held" in detail
    listing = client.get(reverse("behaviour:moves")).content.decode()
    assert "Amelia Testpupil" in listing and "Off-site direction" in listing


def test_review_then_end_through_the_page(client_for, personas):
    move = services.direct_off_site(personas.pastoral_lead, pupil=personas.pupil, **offsite_kwargs())
    client = client_for(personas.head_of_year)
    client.post(
        reverse("behaviour:move_review", args=[move.pk]),
        {"date": FRI.isoformat(), "requested_by": "la", "notes": "Going well"},
    )
    assert move.reviews.get().requested_by == "la"
    client.post(reverse("behaviour:move_outcome", args=[move.pk]), {"date": FRI.isoformat(), "outcome": "returned"})
    move.refresh_from_db()
    assert move.status == PupilMove.Status.ACTIVE  # "returned" is not an outcome of a direction
    client.post(reverse("behaviour:move_outcome", args=[move.pk]), {"date": FRI.isoformat(), "outcome": "ended"})
    move.refresh_from_db()
    assert move.status == PupilMove.Status.ENDED


def test_managed_move_form_warns_about_a_trial_period(client_for, personas):
    client = client_for(personas.pastoral_lead)
    url = reverse("behaviour:managed_move_new", args=[personas.pupil.pk])
    data = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in managed_kwargs().items()}
    data["not_under_threat_of_exclusion"] = "on"
    refused = client.post(url, {**data, "not_under_threat_of_exclusion": ""})
    assert refused.status_code == 200 and "threat of exclusion" in refused.content.decode()
    response = client.post(url, {**data, "trial_period": "on"}, follow=True)
    assert "Trial periods are discouraged" in response.content.decode()
    assert PupilMove.objects.get().kind == PupilMove.Kind.MANAGED


def test_teacher_is_refused_and_other_school_gets_404(client_for, personas):
    move = services.direct_off_site(personas.pastoral_lead, pupil=personas.pupil, **offsite_kwargs())
    teacher = client_for(personas.teacher)
    assert teacher.get(reverse("behaviour:move", args=[move.pk])).status_code == 403
    assert teacher.get(reverse("behaviour:offsite_new", args=[personas.pupil.pk])).status_code == 403
    other = client_for(personas.other_school_dsl)
    assert other.get(reverse("behaviour:move", args=[move.pk])).status_code == 404
    response = other.post(
        reverse("behaviour:move_review", args=[move.pk]), {"date": FRI.isoformat(), "requested_by": "la", "notes": "x"}
    )
    assert response.status_code == 404 and not move.reviews.exists()
