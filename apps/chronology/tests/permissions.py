from tests.permissions import DSL_TEAM, PASTORAL_SEES_PUPIL, SEES_PUPIL, Case

AUDIT_READERS = DSL_TEAM | frozenset({"admin", "headteacher"})


def _pupil(p):
    return {"pupil_id": p.pupil.pk}


def _note(p):
    return {
        "kind": "contact",
        "title": "Phone call home",
        "summary": "Mother called about the trip.",
        "occurred_on": "20/11/2025",
        "occurred_time": "10:15",
        "confidentiality": "pastoral",
    }


CASES = [
    Case("chronology:pupil", SEES_PUPIL, kwargs=_pupil),
    Case("chronology:pupil", SEES_PUPIL, kwargs=_pupil, query="kind=note&start=01/09/2024", note="filtered"),
    Case("chronology:pupil_pdf", SEES_PUPIL, kwargs=_pupil),
    Case("chronology:add_note", PASTORAL_SEES_PUPIL, kwargs=_pupil),
    Case("chronology:add_note", PASTORAL_SEES_PUPIL, kwargs=_pupil, method="POST", data=_note, note="save"),
    Case("chronology:subject_access", AUDIT_READERS, kwargs=_pupil),
    Case(
        "chronology:subject_access",
        AUDIT_READERS,
        kwargs=_pupil,
        method="POST",
        data=lambda p: {"received": "02/11/2025"},
        note="export",
    ),
]
