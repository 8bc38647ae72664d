from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.support import selectors, services
from apps.support.models import QuestionnaireInvite, QuestionnaireResponse


def build(p, *, anonymous=False):
    return services.create_questionnaire(
        p.pastoral,
        school=p.school,
        title="Wellbeing check",
        anonymous=anonymous,
        questions=[
            ("I feel safe at school", "rating"),
            ("I have a friend to talk to", "rating"),
            ("Anything else?", "text"),
        ],
    )


def answers_for(questionnaire, ratings=(4, 2), text="Lunch is noisy"):
    qs = list(questionnaire.questions.all())
    return {qs[0].pk: (ratings[0], ""), qs[1].pk: (ratings[1], ""), qs[2].pk: (None, text)}


def test_a_link_works_once_and_scores_the_ratings(personas):
    questionnaire = build(personas)
    [(pupil, token)] = services.invite_pupils(personas.pastoral, questionnaire=questionnaire, pupils=[personas.pupil])
    assert not QuestionnaireInvite.objects.filter(token_hash=token).exists()  # only the hash is kept
    response = services.submit_response(token=token, answers=answers_for(questionnaire))
    assert response.pupil == pupil and response.total_score == 6
    with pytest.raises(PermissionDenied, match="already been used"):
        services.submit_response(token=token, answers=answers_for(questionnaire))
    assert QuestionnaireResponse.objects.count() == 1


def test_an_expired_link_is_refused(personas):
    questionnaire = build(personas)
    [(_, token)] = services.invite_pupils(personas.pastoral, questionnaire=questionnaire, pupils=[personas.pupil])
    QuestionnaireInvite.objects.update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(PermissionDenied, match="expired"):
        services.submit_response(token=token, answers=answers_for(questionnaire))


def test_every_rating_must_be_answered(personas):
    questionnaire = build(personas)
    [(_, token)] = services.invite_pupils(personas.pastoral, questionnaire=questionnaire, pupils=[personas.pupil])
    answers = answers_for(questionnaire)
    answers.pop(next(iter(answers)))
    with pytest.raises(ValidationError):
        services.submit_response(token=token, answers=answers)
    assert QuestionnaireInvite.objects.get().used_at is None


def test_anonymous_responses_keep_no_pupil_and_results_aggregate(personas):
    questionnaire = build(personas, anonymous=True)
    links = services.invite_pupils(
        personas.pastoral, questionnaire=questionnaire, pupils=[personas.pupil, personas.other_pupil]
    )
    services.submit_response(token=links[0][1], answers=answers_for(questionnaire, (4, 2)))
    services.submit_response(token=links[1][1], answers=answers_for(questionnaire, (5, 3)))
    assert not QuestionnaireResponse.objects.filter(pupil__isnull=False).exists()
    summaries, named = selectors.questionnaire_results(questionnaire, personas.pastoral)
    assert [(s.answered, str(s.mean)) for s in summaries[:2]] == [(2, "4.5"), (2, "2.5")]
    assert summaries[2].texts == ["Lunch is noisy", "Lunch is noisy"] and named == []


def test_the_pupil_page_needs_no_sign_in_and_reaches_nothing_else(personas):
    questionnaire = build(personas)
    [(_, token)] = services.invite_pupils(personas.pastoral, questionnaire=questionnaire, pupils=[personas.pupil])
    client = Client()
    url = reverse("support:answer", args=[token])
    page = client.get(url)
    assert page.status_code == 200 and "I feel safe at school" in page.content.decode()
    assert "Amelia" not in page.content.decode()
    qs = list(questionnaire.questions.all())
    done = client.post(url, {f"q_{qs[0].pk}": "3", f"q_{qs[1].pk}": "5", f"q_{qs[2].pk}": ""})
    assert done.status_code == 200 and "Thank you" in done.content.decode()
    assert client.get(url).status_code == 410
    # The same browser still cannot open staff pages.
    assert client.get(reverse("support:questionnaire", args=[questionnaire.pk])).status_code == 302
    assert client.get(reverse("support:answer", args=["not-a-token"])).status_code == 404


def test_only_the_pastoral_team_makes_links(personas):
    questionnaire = build(personas)
    with pytest.raises(PermissionDenied):
        services.invite_pupils(personas.teacher, questionnaire=questionnaire, pupils=[personas.pupil])


@pytest.mark.parametrize("anonymous", [True, False])
def test_results_by_year_group_withhold_groups_under_five(personas, client_for, anonymous):
    from apps.people.tests.factories import PupilFactory

    questionnaire = build(personas, anonymous=anonymous)
    year9 = [personas.pupil] + [
        PupilFactory(school=personas.school, year_group=personas.pupil.year_group, form=personas.pupil.form)
        for _ in range(4)
    ]
    # Five Year 9 pupils rate (1,5) (2,4) (3,3) (4,2) (5,1); one Year 10 pupil answers alone.
    for i, (pupil, token) in enumerate(
        services.invite_pupils(personas.pastoral, questionnaire=questionnaire, pupils=[*year9, personas.other_pupil])
    ):
        ratings = (i + 1, 5 - i) if pupil in year9 else (1, 1)
        services.submit_response(token=token, answers=answers_for(questionnaire, ratings=ratings))
    assert QuestionnaireResponse.objects.filter(pupil__isnull=True).count() == (6 if anonymous else 0)
    by_year = {g.year: g for g in selectors.questionnaire_by_year(questionnaire)}
    nine, ten = by_year[9], by_year[10]
    assert (nine.responses, nine.shown, nine.means, nine.mean_score) == (5, True, [Decimal(3), Decimal(3)], Decimal(6))
    assert (ten.responses, ten.shown, ten.means, ten.mean_score) == (1, False, [None, None], None)
    page = client_for(personas.pastoral).get(reverse("support:questionnaire", args=[questionnaire.pk])).content
    assert "Not shown: fewer than 5 responses" in page.decode()


def test_an_anonymous_response_cannot_be_matched_to_its_invite_by_time(personas):
    questionnaire = build(personas, anonymous=True)
    [(_, token)] = services.invite_pupils(personas.pastoral, questionnaire=questionnaire, pupils=[personas.pupil])
    response = services.submit_response(token=token, answers=answers_for(questionnaire))
    invite = QuestionnaireInvite.objects.get()
    assert response.pupil is None
    for stamp in (response.submitted_at, invite.used_at):
        local = timezone.localtime(stamp)
        assert (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)
