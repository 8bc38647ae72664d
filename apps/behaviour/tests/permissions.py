"""Permission-matrix cases for every behaviour URL (see tests/permissions.py).

Objects are made with the ORM inside each persona's savepoint (no chronology, no audit), about the
persona pupil (Year 9, 9A, taught by `teacher`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tests.permissions import ANY_STAFF, PASTORAL_TEAM, SEES_PUPIL, SENIOR, Case

DAY = dt.date(2024, 11, 12)  # a Tuesday in term
EXCLUSION_VIEW = PASTORAL_TEAM | {"admin"}
EXCLUSION_ADMIN = SENIOR | {"pastoral_lead", "admin"}
HEAD = frozenset({"headteacher"})
OTHER_DSL = frozenset({"other_school_dsl"})


def _type(p: Any, category: str = "bullying") -> Any:
    from apps.behaviour.models import BehaviourType, Polarity

    found, _ = BehaviourType.objects.get_or_create(
        school=p.school,
        name="Bullying (matrix)",
        defaults={"polarity": Polarity.NEGATIVE, "points": 3, "category": category},
    )
    return found


def incident(p: Any) -> Any:
    from apps.behaviour.models import Incident, IncidentPupil

    btype = _type(p)
    at = timezone.make_aware(dt.datetime.combine(DAY, dt.time(10, 0)))
    made = Incident.objects.create(
        school=p.school, behaviour_type=btype, polarity=btype.polarity, occurred_at=at, date=DAY, reported_by=p.teacher
    )
    IncidentPupil.objects.create(school=p.school, incident=made, pupil=p.pupil, role="instigator", points=-3, date=DAY)
    return made


def detention(p: Any) -> Any:
    from apps.behaviour.models import Detention

    return Detention.objects.create(school=p.school, pupil=p.pupil, date=DAY, set_by=p.teacher)


def booking(p: Any) -> Any:
    from apps.behaviour.models import InclusionBooking

    return InclusionBooking.objects.create(school=p.school, pupil=p.pupil, date=DAY, reason="Removed from lesson")


def exclusion(p: Any) -> Any:
    from apps.behaviour.models import Exclusion

    return Exclusion.objects.create(
        school=p.school,
        pupil=p.pupil,
        kind="FIXD",
        start_date=DAY,
        end_date=DAY + dt.timedelta(days=1),
        sessions=4,
        reason_1="DB",
        reasons_text="Persistent disruption.",
        nc_year=9,
        decided_by=p.headteacher,
        decided_at=timezone.now(),
        return_date=DAY + dt.timedelta(days=2),
    )


def move(p: Any, kind: str = "offsite") -> Any:
    from apps.behaviour.models import PupilMove

    return PupilMove.objects.create(
        school=p.school,
        pupil=p.pupil,
        kind=kind,
        start_date=DAY,
        end_date=DAY + dt.timedelta(weeks=6),
        receiving_school="Riverside Learning Centre",
        reasons="Repeated disruption",
        parent_notice_date=DAY - dt.timedelta(days=7),
    )


def psp(p: Any) -> Any:
    from apps.behaviour.models import PastoralSupportProgramme

    return PastoralSupportProgramme.objects.create(
        school=p.school,
        pupil=p.pupil,
        start_date=DAY,
        end_date=DAY + dt.timedelta(weeks=16),
        reason="Two suspensions",
        targets="Attend every lesson",
    )


def card(p: Any) -> Any:
    from apps.behaviour.models import ReportCard

    return ReportCard.objects.create(
        school=p.school, pupil=p.pupil, start_date=DAY, end_date=DAY + dt.timedelta(days=11), targets="On time"
    )


def _log_data(p: Any) -> dict[str, Any]:
    btype = _type(p)
    return {"behaviour_type": btype.pk, "pupils": [p.pupil.pk], "occurred_at": "2024-11-12T10:00", "role": "involved"}


def _api_data(p: Any) -> dict[str, Any]:
    return {"behaviour_type": _type(p).pk, "pupils": [p.pupil.pk], "occurred_at": "2024-11-12T10:00:00Z"}


CASES = [
    Case("behaviour:log", ANY_STAFF),
    Case("behaviour:log", SEES_PUPIL, method="POST", data=_log_data, note="post"),
    Case("behaviour:incident", SEES_PUPIL, kwargs=lambda p: {"incident_id": incident(p).pk}),
    Case(
        "behaviour:escalate",
        SEES_PUPIL,
        kwargs=lambda p: {"incident_id": incident(p).pk},
        method="POST",
        data=lambda p: {"category": "CHILD_ON_CHILD", "summary": "Name-calling at break"},
    ),
    Case("behaviour:pupil", SEES_PUPIL, kwargs=lambda p: {"pupil_id": p.pupil.pk}),
    Case("behaviour:detentions", ANY_STAFF),
    Case(
        "behaviour:detention_outcome",
        PASTORAL_TEAM,
        kwargs=lambda p: {"detention_id": detention(p).pk},
        method="POST",
        data=lambda p: {"status": "attended"},
    ),
    Case("behaviour:inclusion", PASTORAL_TEAM | OTHER_DSL),
    Case("behaviour:inclusion_book", PASTORAL_TEAM | OTHER_DSL),
    Case(
        "behaviour:inclusion_update",
        PASTORAL_TEAM,
        kwargs=lambda p: {"booking_id": booking(p).pk},
        method="POST",
        data=lambda p: {"status": "attended", "work_completed": "Maths sheet"},
    ),
    Case("behaviour:exclusions", EXCLUSION_VIEW | OTHER_DSL),
    Case("behaviour:census", SENIOR | {"admin"}),
    Case("behaviour:exclusion_new", HEAD, kwargs=lambda p: {"pupil_id": p.pupil.pk}),
    Case("behaviour:exclusion", EXCLUSION_VIEW, kwargs=lambda p: {"exclusion_id": exclusion(p).pk}),
    Case(
        "behaviour:exclusion_step",
        EXCLUSION_ADMIN,
        kwargs=lambda p: {"exclusion_id": exclusion(p).pk},
        method="POST",
        data=lambda p: {"step": "parents", "method": "phone"},
    ),
    Case(
        "behaviour:exclusion_cancel",
        HEAD,
        kwargs=lambda p: {"exclusion_id": exclusion(p).pk},
        method="POST",
        data=lambda p: {"reason": "New information"},
    ),
    Case("behaviour:exclusion_letter", EXCLUSION_ADMIN, kwargs=lambda p: {"exclusion_id": exclusion(p).pk}),
    Case("behaviour:reintegration", EXCLUSION_VIEW, kwargs=lambda p: {"exclusion_id": exclusion(p).pk}),
    Case("behaviour:psps", PASTORAL_TEAM | OTHER_DSL),
    Case("behaviour:psp_new", PASTORAL_TEAM, kwargs=lambda p: {"pupil_id": p.pupil.pk}),
    Case("behaviour:psp", PASTORAL_TEAM, kwargs=lambda p: {"psp_id": psp(p).pk}),
    Case(
        "behaviour:psp_action",
        PASTORAL_TEAM,
        kwargs=lambda p: {"psp_id": psp(p).pk},
        method="POST",
        data=lambda p: {"task": "Weekly mentor meeting", "owner": "Mr Khan"},
    ),
    Case(
        "behaviour:psp_review",
        PASTORAL_TEAM,
        kwargs=lambda p: {"psp_id": psp(p).pk},
        method="POST",
        data=lambda p: {"date": "2024-12-10", "progress": "Fewer removals", "outcome": "continue"},
    ),
    Case("behaviour:overview", EXCLUSION_VIEW | OTHER_DSL),
    Case("behaviour:types", EXCLUSION_ADMIN),
    Case("behaviour:report_card_new", PASTORAL_TEAM, kwargs=lambda p: {"pupil_id": p.pupil.pk}),
    Case("behaviour:report_card", SEES_PUPIL, kwargs=lambda p: {"card_id": card(p).pk}),
    Case(
        "behaviour:report_card",
        SEES_PUPIL,
        kwargs=lambda p: {"card_id": card(p).pk},
        method="POST",
        data=lambda p: {"date": "2024-11-12", "period": 2, "rating": 2},
        note="rate",
    ),
    Case("behaviour:groups", EXCLUSION_VIEW | OTHER_DSL | {"governor", "trust_officer"}),
    Case(
        "behaviour:types",
        EXCLUSION_ADMIN,
        method="POST",
        data=lambda p: {
            "name": "Kindness",
            "polarity": "positive",
            "category": "conduct",
            "points": 2,
            "is_active": "on",
        },
        note="post",
    ),
    Case("behaviour-event-list", SEES_PUPIL, data=lambda p: {"pupil": p.pupil.pk}, note="api", ok=frozenset({200})),
    Case("behaviour-event-list", SEES_PUPIL, method="POST", data=_api_data, note="api-post", ok=frozenset({201})),
    Case("behaviour:moves", PASTORAL_TEAM | OTHER_DSL),
    Case("behaviour:offsite_new", PASTORAL_TEAM, kwargs=lambda p: {"pupil_id": p.pupil.pk}),
    Case("behaviour:managed_move_new", PASTORAL_TEAM, kwargs=lambda p: {"pupil_id": p.pupil.pk}),
    Case("behaviour:move", PASTORAL_TEAM, kwargs=lambda p: {"move_id": move(p).pk}),
    Case("behaviour:move", PASTORAL_TEAM, kwargs=lambda p: {"move_id": move(p, "managed").pk}, note="managed"),
    Case(
        "behaviour:move_review",
        PASTORAL_TEAM,
        kwargs=lambda p: {"move_id": move(p).pk},
        method="POST",
        data=lambda p: {"date": "2024-12-10", "requested_by": "parent", "notes": "Settling well"},
    ),
    Case(
        "behaviour:move_outcome",
        PASTORAL_TEAM,
        kwargs=lambda p: {"move_id": move(p, "managed").pk},
        method="POST",
        data=lambda p: {"date": "2024-12-10", "outcome": "returned", "note": "Did not settle"},
    ),
]
