"""Who may open each safeguarding URL. Concerns here are logged by `teacher` about the persona
pupil, so the teacher (the author) sees a receipt; only the DSL team sees the record."""

from __future__ import annotations

from typing import Any

from apps.safeguarding.tests.factories import ConcernActionFactory, SafeguardingStatusFactory, concern_about
from tests.permissions import ANY_STAFF, DSL_TEAM, Case

AUTHOR = frozenset({"teacher"})


def _concern(p: Any) -> Any:
    return concern_about(p.pupil, logged_by=p.teacher)


def _concern_kwargs(p: Any) -> dict[str, Any]:
    return {"concern_id": _concern(p).pk}


def _triaged_kwargs(p: Any) -> dict[str, Any]:
    from django.utils import timezone

    from apps.safeguarding.models import Concern

    concern = concern_about(p.pupil, logged_by=p.teacher, status=Concern.Status.OPEN, triaged_at=timezone.now())
    return {"concern_id": concern.pk}


def _decision_kwargs(p: Any) -> dict[str, Any]:
    from apps.safeguarding.models import Decision, TriageDecision

    concern = _concern(p)
    decision = TriageDecision.objects.create(
        school=concern.school,
        concern=concern,
        decision=Decision.CSC_REFERRAL,
        reason="Disclosure of physical harm at home.",
        decided_by=p.dsl,
        referral_date=concern.recorded_at.date(),
    )
    return {"concern_id": concern.pk, "decision_id": decision.pk}


def _action_kwargs(p: Any) -> dict[str, Any]:
    action: Any = ConcernActionFactory(concern=_concern(p), owner=p.pastoral)
    return {"action_id": action.pk}


def _status_kwargs(p: Any) -> dict[str, Any]:
    status: Any = SafeguardingStatusFactory(pupil=p.pupil, recorded_by=p.dsl)
    return {"status_id": status.pk}


def _log_data(p: Any) -> dict[str, Any]:
    return {
        "pupils": [p.pupil.pk],
        "summary": 'Amelia said "I do not want to go home".',
        "occurred_at": "2026-11-20T10:15",
        "categories": ["EMOT"],
    }


CASES = [
    Case("safeguarding:log_concern", ANY_STAFF),
    Case("safeguarding:log_concern", ANY_STAFF, query="pupil=0", note="preselect"),
    Case("safeguarding:log", ANY_STAFF),
    # Staff who cannot see the pupil get the form back with an error (200), never the pupil.
    Case("safeguarding:log_concern", ANY_STAFF, method="POST", data=_log_data, note="submit"),
    Case("safeguarding:mine", ANY_STAFF),
    Case("safeguarding:queue", DSL_TEAM | {"other_school_dsl"}),
    Case("safeguarding:concern", DSL_TEAM | AUTHOR, kwargs=_concern_kwargs),
    Case(
        "safeguarding:amend",
        DSL_TEAM | AUTHOR,
        kwargs=_concern_kwargs,
        method="POST",
        data=lambda p: {"summary": "Corrected account.", "reason": "Wrong arm recorded at first."},
    ),
    Case("safeguarding:acknowledge", DSL_TEAM, kwargs=_concern_kwargs, method="POST"),
    Case(
        "safeguarding:triage",
        DSL_TEAM,
        kwargs=_concern_kwargs,
        method="POST",
        data=lambda p: {"decision": "monitor", "reason": "First concern; watch and speak to tutor."},
    ),
    Case(
        "safeguarding:record_response",
        DSL_TEAM,
        kwargs=_decision_kwargs,
        method="POST",
        data=lambda p: {"outcome": "Accepted for assessment.", "received_on": "2026-11-20"},
    ),
    Case(
        "safeguarding:add_action",
        DSL_TEAM,
        kwargs=_concern_kwargs,
        method="POST",
        data=lambda p: {"description": "Speak to tutor", "owner": p.pastoral.pk, "due_on": "2026-12-01"},
    ),
    Case(
        "safeguarding:complete_action",
        DSL_TEAM | {"pastoral"},
        kwargs=_action_kwargs,
        method="POST",
        data=lambda p: {"outcome": "Done and noted."},
    ),
    Case(
        "safeguarding:close",
        DSL_TEAM,
        kwargs=_triaged_kwargs,
        method="POST",
        data=lambda p: {"outcome": "Resolved after a talk with the family."},
    ),
    Case("safeguarding:pupil", DSL_TEAM, kwargs=lambda p: {"pupil_id": p.pupil.pk}),
    Case(
        "safeguarding:add_status",
        DSL_TEAM,
        kwargs=lambda p: {"pupil_id": p.pupil.pk},
        method="POST",
        data=lambda p: {"kind": "early_help", "start_date": "2026-11-02"},
    ),
    Case(
        "safeguarding:end_status",
        DSL_TEAM,
        kwargs=_status_kwargs,
        method="POST",
        data=lambda p: {"end_date": "2026-11-02", "reason": "Stepped down to Early Help"},
    ),
]


def _transfer_kwargs(p: Any) -> dict[str, Any]:
    import datetime as dt

    from apps.safeguarding.models import CPFileTransfer

    concern_about(p.pupil, logged_by=p.teacher)
    transfer = CPFileTransfer.objects.create(
        school=p.school,
        pupil=p.pupil,
        destination_name="Hillside School",
        leaving_date=dt.date(2026, 11, 20),
        due_on=dt.date(2026, 11, 27),
        prepared_by=p.dsl,
        receipt_code_hash="0" * 64,
    )
    return {"transfer_id": transfer.pk}


CASES += [
    Case("safeguarding:transfers", DSL_TEAM | {"other_school_dsl"}),
    Case("safeguarding:confirm_receipt", DSL_TEAM | {"other_school_dsl"}),
    Case(
        "safeguarding:confirm_receipt",
        DSL_TEAM | {"other_school_dsl"},
        method="POST",
        data=lambda p: {"code": "NOT-A-CODE"},
        note="wrong code",
    ),
    Case("safeguarding:transfer_pack", DSL_TEAM, kwargs=_transfer_kwargs),
    Case("safeguarding:transfer_pdf", DSL_TEAM, kwargs=_transfer_kwargs),
    Case(
        "safeguarding:prepare_transfer",
        DSL_TEAM,
        kwargs=lambda p: {"pupil_id": p.pupil.pk},
        method="POST",
        data=lambda p: {"destination_name": "Hillside School", "leaving_date": "2026-11-20"},
    ),
    Case("safeguarding:import_pack", DSL_TEAM, kwargs=lambda p: {"pupil_id": p.pupil.pk}),
]


def _attachment_kwargs(p: Any) -> dict[str, Any]:
    from django.core.files.base import ContentFile

    from apps.safeguarding.models import ConcernAttachment

    attachment = ConcernAttachment(
        school=p.school,
        concern=_concern(p),
        original_name="note.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        uploaded_by=p.teacher,
    )
    attachment.file.save("upload", ContentFile(b"%PDF-1.7\n"), save=False)
    attachment.save()
    return {"attachment_id": attachment.pk}


CASES += [
    Case("safeguarding:save_draft", ANY_STAFF, method="POST", data=lambda p: {"summary": "Half-written"}),
    Case("safeguarding:attachment", DSL_TEAM | AUTHOR, kwargs=_attachment_kwargs),
    # No file sent: allowed people get the page back with "This field is required" (400).
    Case("safeguarding:add_attachment", DSL_TEAM | AUTHOR, kwargs=_concern_kwargs, method="POST", ok=frozenset({400})),
]


def _allegation_kwargs(p: Any) -> dict[str, Any]:
    from django.utils import timezone

    from apps.safeguarding.models import StaffAllegation

    found = StaffAllegation.objects.create(
        school=p.school,
        kind=StaffAllegation.Kind.LOW_LEVEL,
        subject=p.other_teacher,
        subject_name="Other Teacher",
        summary="Shouted at a pupil and used a nickname.",
        occurred_at=timezone.now(),
        reported_by=p.teacher,
    )
    return {"allegation_id": found.pk}


ALLEGATION_READERS = frozenset({"dsl", "headteacher"})
CASES += [
    Case("safeguarding:report_allegation", ANY_STAFF),
    Case(
        "safeguarding:report_allegation",
        ANY_STAFF,
        method="POST",
        data=lambda p: {
            "kind": "low_level",
            "subject_name": "A. Colleague, teaching assistant",
            "summary": "Messaged a pupil on a personal phone.",
            "occurred_at": "2026-11-20T12:00",
        },
        note="submit",
    ),
    Case("safeguarding:allegations", ALLEGATION_READERS | {"other_school_dsl"}),
    Case("safeguarding:allegation", ALLEGATION_READERS, kwargs=_allegation_kwargs),
    Case(
        "safeguarding:allegation_lado",
        ALLEGATION_READERS,
        kwargs=_allegation_kwargs,
        method="POST",
        data=lambda p: {"referred_on": "2026-11-20", "reference": "LADO-77"},
    ),
    Case(
        "safeguarding:allegation_close",
        ALLEGATION_READERS,
        kwargs=_allegation_kwargs,
        method="POST",
        data=lambda p: {"outcome": "nfa", "notes": "Spoken to; reminded of the code of conduct."},
    ),
]
