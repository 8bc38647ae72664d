from tests.permissions import PASTORAL_TEAM, SEES_PUPIL, SIGNED_IN, WHOLE_SCHOOL, Case

# A Monday in the persona school's calendar (2024-25).
DAY = "2025-01-13"
ATTENDANCE_TEAM = PASTORAL_TEAM | {"attendance_officer", "admin"}
# Who may take form 9A's register: whole-school roles, its head of year and its tutor.
TAKES_9A = WHOLE_SCHOOL | {"head_of_year", "form_tutor"}


def _form(p):
    return {"form_id": p.pupil.form_id}


def _pupil(p):
    return {"pupil_id": p.pupil.pk}


def _register_post(p):
    return {"date": DAY, "session": "AM", f"code-{p.pupil.pk}": "/", f"seen-{p.pupil.pk}": ""}


CASES = [
    # School-wide pages: the other school's DSL uses them for their own school.
    Case("attendance:registers", TAKES_9A | {"other_school_dsl"}),
    Case("attendance:register", TAKES_9A, kwargs=_form, query=f"date={DAY}&session=AM"),
    Case("attendance:register", TAKES_9A, kwargs=_form, method="POST", data=_register_post, note="save"),
    Case("attendance:register", TAKES_9A, kwargs=_form, method="POST", data=_register_post, htmx=True, note="htmx"),
    Case("attendance:completion", ATTENDANCE_TEAM | {"other_school_dsl"}, query=f"date={DAY}&session=AM"),
    Case("attendance:pupil", SEES_PUPIL, kwargs=_pupil),
    Case("attendance:amend", ATTENDANCE_TEAM, kwargs=_pupil),
    Case(
        "attendance:amend",
        ATTENDANCE_TEAM,
        kwargs=_pupil,
        method="POST",
        data=lambda p: {"date": DAY, "session": "AM", "code": "I", "reason": "Carer phoned"},
        note="save",
    ),
    Case("attendance:first_day", ATTENDANCE_TEAM | {"other_school_dsl"}, query=f"date={DAY}"),
    Case("attendance:contact", ATTENDANCE_TEAM, kwargs=_pupil, query=f"date={DAY}"),
    Case(
        "attendance:contact",
        ATTENDANCE_TEAM,
        kwargs=_pupil,
        method="POST",
        data=lambda p: {
            "date": DAY,
            "carer": p.pupil.carer_links.first().carer_id,
            "method": "phone",
            "outcome": "no_answer",
        },
        note="save",
    ),
    Case("attendance:persistent_absence", TAKES_9A | {"other_school_dsl"}),
    Case("attendance:persistent_absence", TAKES_9A | {"other_school_dsl"}, query="band=all&format=csv", note="csv"),
    # Aggregates without names: governors and trust officers too, but not classroom teachers.
    Case("attendance:measures", SIGNED_IN - {"teacher", "other_teacher"}),
    Case("attendance:measures", SIGNED_IN - {"teacher", "other_teacher"}, query="by=fsm&format=csv", note="csv"),
]
