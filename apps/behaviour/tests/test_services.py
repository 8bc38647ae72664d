import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.utils import timezone

from apps.attendance.models import Mark
from apps.behaviour import services, statutory
from apps.behaviour.models import (
    BehaviourType,
    Category,
    Detention,
    Exclusion,
    IncidentPupil,
    PastoralSupportProgramme,
    Polarity,
    PSPReview,
)
from apps.behaviour.tests.factories import make_incident, new_type
from apps.behaviour.views import letter_context
from apps.chronology.models import Entry
from apps.core.calendar import SchoolCalendar
from apps.people.tests.factories import PupilFactory

TUESDAY = dt.date(2024, 11, 12)


def at(day=TUESDAY, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@pytest.fixture
def classmate(personas):
    other = PupilFactory(
        school=personas.school,
        year_group=personas.pupil.year_group,
        form=personas.pupil.form,
        legal_forename="Zara",
        legal_surname="Classmate",
    )
    personas.pupil.teaching_groups.first().pupils.add(other)
    return other


def test_log_incident_for_several_pupils_each_with_their_own_part(personas, classmate):
    btype = new_type(school=personas.school, name="Fighting", points=5, category=Category.PHYSICAL)
    incident = services.log_incident(
        personas.teacher,
        school=personas.school,
        behaviour_type=btype,
        pupils=[personas.pupil, classmate],
        roles={personas.pupil.pk: "instigator", classmate.pk: "target"},
        notes={personas.pupil.pk: "Threw the first punch"},
        occurred_at=at(),
        description="Amelia and Zara fought at the door.",
    )
    links = {link.pupil_id: link for link in incident.pupil_links.all()}
    assert links[personas.pupil.pk].points == -5
    assert links[classmate.pk].points == 0  # a target carries no negative points
    entries = Entry.objects.filter(pupil=classmate, kind="behaviour")
    assert entries.count() == 1
    entry = entries.get()
    assert "target" in entry.title
    assert "Amelia" not in entry.title + entry.summary  # only her own part
    assert incident.parents_notified_at is not None  # 5 points ≥ the default threshold of 3
    assert Entry.objects.filter(pupil=personas.pupil, kind="contact").count() == 1


def test_rewards_score_positive_for_each_recipient(personas, classmate):
    btype = new_type(school=personas.school, name="Great effort", polarity=Polarity.POSITIVE, points=2)
    incident = services.log_incident(
        personas.teacher,
        school=personas.school,
        behaviour_type=btype,
        pupils=[personas.pupil, classmate],
        occurred_at=at(),
    )
    assert sorted(incident.pupil_links.values_list("points", flat=True)) == [2, 2]
    assert set(incident.pupil_links.values_list("role", flat=True)) == {IncidentPupil.Role.RECIPIENT}
    assert incident.parents_notified_at is None


def test_teacher_cannot_log_for_a_pupil_they_do_not_teach(personas):
    btype = new_type(school=personas.school)
    with pytest.raises(PermissionDenied):
        services.log_incident(
            personas.teacher,
            school=personas.school,
            behaviour_type=btype,
            pupils=[personas.other_pupil],
            occurred_at=at(),
        )


def test_bad_input_is_refused_with_reasons(personas):
    btype = new_type(school=personas.school)
    with pytest.raises(ValidationError) as exc:
        services.log_incident(
            personas.teacher,
            school=personas.school,
            behaviour_type=btype,
            pupils=[],
            occurred_at=timezone.now() + dt.timedelta(days=1),
        )
    assert set(exc.value.error_dict) == {"pupils", "occurred_at"}


def test_governors_cannot_log(personas):
    btype = new_type(school=personas.school)
    with pytest.raises(PermissionDenied):
        services.log_incident(
            personas.governor, school=personas.school, behaviour_type=btype, pupils=[personas.pupil], occurred_at=at()
        )


def test_logging_with_a_detention_sets_one_per_scoring_pupil(personas, classmate):
    btype = new_type(school=personas.school, name="Defiance", points=1)
    services.log_incident(
        personas.teacher,
        school=personas.school,
        behaviour_type=btype,
        pupils=[personas.pupil, classmate],
        roles={classmate.pk: "witness"},
        occurred_at=at(),
        detention_on=TUESDAY + dt.timedelta(days=1),
    )
    assert list(Detention.objects.values_list("pupil_id", flat=True)) == [personas.pupil.pk]


def test_missed_detention_is_escalated(personas):
    detention = Detention.objects.create(school=personas.school, pupil=personas.pupil, date=TUESDAY, minutes=30)
    services.record_detention_outcome(personas.head_of_year, detention=detention, status="missed")
    follow_up = Detention.objects.get(escalated_from=detention)
    assert follow_up.minutes == 60 and follow_up.date > TUESDAY
    with pytest.raises(ValidationError):
        services.record_detention_outcome(personas.head_of_year, detention=detention, status="attended")


def test_escalation_passes_the_incident_to_safeguarding_without_retyping(personas, classmate):
    """Through the real safeguarding service: the concern names both pupils in their roles, the DSL
    team can find it in their queue, and the incident remembers its reference."""
    from apps.safeguarding.models import Concern, ConcernPupil

    btype = new_type(school=personas.school, name="Bullying", category=Category.BULLYING)
    incident = services.log_incident(
        personas.teacher,
        school=personas.school,
        behaviour_type=btype,
        pupils=[personas.pupil, classmate],
        roles={personas.pupil.pk: "instigator", classmate.pk: "target"},
        occurred_at=at(),
        description="Repeated name-calling in the corridor.",
    )
    reference = services.escalate_incident(personas.teacher, incident=incident, category="CHILD_ON_CHILD")

    concern = Concern.objects.get(school=personas.school)
    assert reference == concern.reference
    assert concern.source == f"behaviour incident {incident.pk}"
    roles = dict(ConcernPupil.objects.filter(concern=concern).values_list("pupil_id", "role"))
    assert roles == {personas.pupil.pk: "alleged", classmate.pk: "subject"}
    incident.refresh_from_db()
    assert incident.concern_reference == reference
    assert incident.escalated_by == personas.teacher
    with pytest.raises(ValidationError):
        services.escalate_incident(personas.teacher, incident=incident, category="CHILD_ON_CHILD")
    assert Concern.objects.filter(school=personas.school).count() == 1


# Suspensions ------------------------------------------------------------------------------------


def suspend(personas, *, kind="FIXD", start=TUESDAY, days=Decimal(2), actor=None, **kw):
    return services.suspend_pupil(
        actor or personas.headteacher,
        pupil=personas.pupil,
        kind=kind,
        start_date=start,
        days=days,
        reasons=kw.pop("reasons", ["PA"]),
        reasons_text="Pushed a member of staff.",
        **kw,
    )


@pytest.mark.parametrize("who", ["senior_leader", "pastoral_lead", "dsl", "teacher", "admin"])
def test_only_the_headteacher_can_suspend(personas, who):
    with pytest.raises(PermissionDenied):
        suspend(personas, actor=personas.users[who])
    assert not Exclusion.objects.exists()


def test_suspension_computes_dates_and_writes_e_marks(personas):
    exclusion = suspend(personas, days=Decimal("1.5"))
    assert exclusion.sessions == 3
    assert exclusion.end_date == TUESDAY + dt.timedelta(days=1)
    assert exclusion.return_date == TUESDAY + dt.timedelta(days=1)  # back on Wednesday afternoon
    marks = Mark.objects.filter(pupil=personas.pupil).order_by("date", "session")
    assert [(m.date, m.session, m.code) for m in marks] == [
        (TUESDAY, "AM", "E"),
        (TUESDAY, "PM", "E"),
        (TUESDAY + dt.timedelta(days=1), "AM", "E"),
    ]
    assert Entry.objects.filter(pupil=personas.pupil, confidentiality="pastoral").exists()


def test_lunchtime_suspension_counts_half_days_and_writes_no_marks(personas):
    exclusion = suspend(personas, kind="LNCH", days=Decimal(3))
    assert exclusion.days == Decimal("1.5")
    assert not Mark.objects.filter(pupil=personas.pupil).exists()


def test_the_45_day_cap_is_refused(personas):
    suspend(personas, start=dt.date(2024, 9, 10), days=Decimal(44))
    with pytest.raises(ValidationError) as exc:
        suspend(personas, start=dt.date(2024, 12, 2), days=Decimal("1.5"))
    assert "45" in str(exc.value)
    suspend(personas, start=dt.date(2024, 12, 2), days=Decimal(1))  # exactly 45 is allowed
    with pytest.raises(ValidationError):
        suspend(personas, kind="LNCH", start=dt.date(2024, 12, 9), days=Decimal(1))


def test_cap_resets_in_a_new_school_year(personas):
    suspend(personas, start=dt.date(2024, 9, 10), days=Decimal(45))
    suspend(personas, start=dt.date(2025, 9, 10), days=Decimal(1))


def test_a_suspension_cannot_be_extended(personas):
    suspend(personas, days=Decimal(3))
    with pytest.raises(ValidationError) as exc:
        suspend(personas, start=TUESDAY + dt.timedelta(days=2), days=Decimal(2))
    assert "cannot be extended" in str(exc.value)
    suspend(personas, start=TUESDAY + dt.timedelta(days=3), days=Decimal(1))  # straight after: allowed


def test_bad_input_loses_nothing_and_says_why(personas):
    with pytest.raises(ValidationError) as exc:
        services.suspend_pupil(
            personas.headteacher,
            pupil=personas.pupil,
            kind="FIXD",
            start_date=dt.date(2024, 11, 16),  # a Saturday
            days=None,
            reasons=["PA", "PA"],
            reasons_text="",
        )
    assert {"start_date", "reasons", "reasons_text"} <= set(exc.value.error_dict)
    assert not Exclusion.objects.exists()


def test_term_total_counts_both_half_terms_but_not_the_next_term(personas):
    cal = SchoolCalendar.for_school(personas.school)
    suspend(personas, start=dt.date(2024, 10, 1), days=Decimal(3))  # autumn 1
    second = suspend(personas, start=TUESDAY, days=Decimal(3))  # autumn 2
    facts = services.exclusion_facts(second, cal)
    assert facts.term_days_including_this == Decimal(6)
    assert "governors" in {d.key for d in statutory.duties(facts, cal)}
    spring = suspend(personas, start=dt.date(2025, 1, 14), days=Decimal(1))
    assert services.exclusion_facts(spring, cal).term_days_including_this == Decimal(1)


def test_five_days_in_a_term_do_not_need_the_governors_but_five_and_a_half_do(personas):
    cal = SchoolCalendar.for_school(personas.school)
    first = suspend(personas, start=dt.date(2024, 10, 1), days=Decimal(5))
    assert "governors" not in {d.key for d in statutory.duties(services.exclusion_facts(first, cal), cal)}
    second = suspend(personas, kind="LNCH", start=TUESDAY, days=Decimal(1))
    assert "governors" in {d.key for d in statutory.duties(services.exclusion_facts(second, cal), cal)}


def test_cancelling_is_the_headteachers_and_only_before_the_board_meets(personas):
    exclusion = suspend(personas)
    with pytest.raises(PermissionDenied):
        services.cancel_exclusion(personas.senior_leader, exclusion=exclusion, reason="Error")
    services.record_exclusion_step(personas.senior_leader, exclusion=exclusion, step="parents", method="phone")
    services.cancel_exclusion(personas.headteacher, exclusion=exclusion, reason="New CCTV evidence")
    exclusion.refresh_from_db()
    assert exclusion.is_cancelled and exclusion.parent_notified_at is not None
    assert services.suspended_days(personas.school, personas.pupil, dt.date(2024, 9, 1), dt.date(2025, 8, 31)) == 0
    other = suspend(personas, start=dt.date(2024, 12, 2))
    services.record_exclusion_step(
        personas.headteacher, exclusion=other, step="board", on=dt.date(2024, 12, 10), outcome="upheld"
    )
    with pytest.raises(ValidationError):
        services.cancel_exclusion(personas.headteacher, exclusion=other, reason="Too late")


def test_board_cannot_reinstate_for_five_days_or_fewer(personas):
    exclusion = suspend(personas, days=Decimal(2))
    with pytest.raises(ValidationError):
        services.record_exclusion_step(
            personas.headteacher, exclusion=exclusion, step="board", on=dt.date(2024, 12, 10), outcome="reinstated"
        )


def test_irp_only_for_permanent_exclusion(personas):
    exclusion = suspend(personas)
    with pytest.raises(ValidationError):
        services.record_exclusion_step(personas.headteacher, exclusion=exclusion, step="irp")


def test_permanent_exclusion_needs_no_length_and_blocks_further_suspensions(personas):
    exclusion = suspend(personas, kind="PERM", days=None, reasons=["PA", "OW"])
    assert exclusion.sessions == 0 and exclusion.end_date is None
    with pytest.raises(ValidationError):
        suspend(personas, start=dt.date(2024, 12, 2))


@pytest.mark.parametrize("kind", ["FIXD", "LNCH", "PERM"])
def test_the_letter_contains_every_statutory_element(personas, kind):
    exclusion = suspend(personas, kind=kind, days=None if kind == "PERM" else Decimal(6))
    html = render_to_string(
        "behaviour/letter_pdf.html", letter_context(exclusion, SchoolCalendar.for_school(personas.school))
    )
    for key in statutory.LETTER_ELEMENTS:
        if key == "return" and kind == "PERM":
            continue
        assert f'data-element="{key}"' in html, key
    assert "Pushed a member of staff." in html
    assert "representations" in html and "remotely" in html and "penalty notice" in html
    assert "SENDIASS" in html
    if kind == "FIXD":
        assert exclusion.return_date.strftime("%d/%m/%Y") in html
        assert "sixth school day" in html and "the school will arrange" in html


# Inclusion and PSP ------------------------------------------------------------------------------


def test_inclusion_limit_is_flagged_not_refused(personas):
    services.settings_for(personas.school)
    personas.school.behaviour_settings.inclusion_days_per_half_term = 1
    personas.school.behaviour_settings.save()
    _b, warning = services.book_inclusion(
        personas.pastoral, pupil=personas.pupil, date=TUESDAY, sessions="day", reason="Removed"
    )
    assert warning is None
    _b, warning = services.book_inclusion(
        personas.pastoral, pupil=personas.pupil, date=TUESDAY + dt.timedelta(days=1), sessions="AM", reason="Removed"
    )
    assert warning and "1.5" in warning
    with pytest.raises(ValidationError):
        services.book_inclusion(personas.pastoral, pupil=personas.pupil, date=TUESDAY, sessions="PM", reason="Again")


def test_teacher_cannot_book_the_unit(personas):
    with pytest.raises(PermissionDenied):
        services.book_inclusion(personas.teacher, pupil=personas.pupil, date=TUESDAY, sessions="day", reason="x")


def test_psp_runs_through_a_review_with_the_figures_beside_it(personas):
    psp = services.start_psp(
        personas.pastoral_lead,
        pupil=personas.pupil,
        start_date=TUESDAY,
        reason="Two suspensions",
        targets="Stay in lessons",
    )
    assert psp.end_date == TUESDAY + dt.timedelta(weeks=16)
    services.add_psp_action(personas.pastoral_lead, psp=psp, task="Mentor weekly", owner="Mr Khan", due=None)
    bad = BehaviourType.objects.create(school=personas.school, name="Rude", polarity="negative", points=2)
    make_incident(personas.pupil, btype=bad, day=TUESDAY + dt.timedelta(days=7))
    review = services.review_psp(
        personas.pastoral_lead, psp=psp, date=TUESDAY + dt.timedelta(weeks=6), progress="Better", outcome="continue"
    )
    assert (review.negative_points, review.incidents) == (2, 1)
    assert review.next_review == TUESDAY + dt.timedelta(weeks=12)
    services.review_psp(
        personas.pastoral_lead,
        psp=psp,
        date=TUESDAY + dt.timedelta(weeks=12),
        progress="Done",
        outcome=PSPReview.Outcome.COMPLETE,
    )
    psp.refresh_from_db()
    assert psp.status == PastoralSupportProgramme.Status.COMPLETED
    with pytest.raises(ValidationError):
        services.review_psp(personas.pastoral_lead, psp=psp, date=TUESDAY, progress="x", outcome="continue")


def test_reaching_the_trigger_suggests_a_psp_to_the_pastoral_lead(personas):
    from apps.accounts.models import Notification

    suspend(personas, start=dt.date(2024, 10, 1), days=Decimal(1))
    assert not Notification.objects.filter(user=personas.pastoral_lead, title__contains="Pastoral Support").exists()
    suspend(personas, start=TUESDAY, days=Decimal(1))
    assert Notification.objects.filter(user=personas.pastoral_lead, title__contains="Pastoral Support").count() == 1


def test_report_card_with_lesson_ratings(personas):
    card = services.start_report_card(
        personas.head_of_year,
        pupil=personas.pupil,
        start_date=TUESDAY,
        end_date=TUESDAY + dt.timedelta(days=9),
        targets="Arrive on time\nNo shouting out",
    )
    assert card.target_list == ["Arrive on time", "No shouting out"]
    services.rate_lesson(personas.teacher, card=card, date=TUESDAY, period=2, rating=2, comment="Better")
    with pytest.raises(ValidationError):
        services.rate_lesson(personas.teacher, card=card, date=TUESDAY, period=2, rating=1)
    with pytest.raises(ValidationError):
        services.rate_lesson(personas.teacher, card=card, date=TUESDAY + dt.timedelta(days=30), period=1, rating=1)
    with pytest.raises(PermissionDenied):
        services.rate_lesson(personas.other_teacher, card=card, date=TUESDAY, period=3, rating=1)
    with pytest.raises(PermissionDenied):
        services.start_report_card(
            personas.teacher, pupil=personas.pupil, start_date=TUESDAY, end_date=TUESDAY, targets="x"
        )
