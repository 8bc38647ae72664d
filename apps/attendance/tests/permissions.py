from tests.permissions import PASTORAL_TEAM, SEES_PUPIL, SENIOR, SIGNED_IN, STAFF, WHOLE_SCHOOL, Case

# A Monday in the persona school's calendar (2024-25).
DAY = "2025-01-13"
ATTENDANCE_TEAM = PASTORAL_TEAM | {"attendance_officer", "admin"}
# Who may take form 9A's register: whole-school roles, its head of year and its tutor.
TAKES_9A = WHOLE_SCHOOL | {"head_of_year", "form_tutor"}


# attreg: settings, lesson registers, truancy, closures.
SETTINGS = SENIOR | {"attendance_officer", "admin"}
# Who may take 9X/Ma1's lesson register: its teacher and whole-school roles.
TEACHES_MA1 = WHOLE_SCHOOL | {"teacher"}


def _lesson(p):
    from apps.attendance.models import LessonPeriod
    from apps.people.models import TeachingGroup

    period, _ = LessonPeriod.objects.get_or_create(
        school=p.school, name="P2", defaults={"starts": "10:00", "ends": "11:00", "session": "AM"}
    )
    return {"group_id": TeachingGroup.objects.get(school=p.school, name="9X/Ma1").pk, "period_id": period.pk}


def _lesson_post(p):
    from apps.attendance.models import AttendanceSettings

    AttendanceSettings.objects.update_or_create(school=p.school, defaults={"lesson_registers": True})
    return {"date": DAY, f"status-{p.pupil.pk}": "A", f"seen-{p.pupil.pk}": ""}


def _settings_post(p):
    return {
        "which": "settings",
        "am_register_opens": "08:40",
        "pm_register_opens": "13:30",
        "register_open_minutes": "20",
        "n_code_limit_school_days": "5",
        "lesson_registers": "on",
    }


def _periods_post(p):
    return {"which": "periods", "periods": "P1 09:00-10:00 AM\nP2 10:00-11:00 AM\nP4 13:40-14:40 PM"}


def _closure(p):
    from apps.core.models import Closure

    return {"closure_id": Closure.objects.filter(school=p.school).order_by("start_date")[0].pk}


def _form(p):
    return {"form_id": p.pupil.form_id}


def _pupil(p):
    return {"pupil_id": p.pupil.pk}


def _register_post(p):
    return {"date": DAY, "session": "AM", f"code-{p.pupil.pk}": "/", f"seen-{p.pupil.pk}": ""}


def _carer_id(p):
    return p.pupil.carer_links.first().carer_id


def _notice(p):
    from django.utils import timezone

    from apps.attendance.models import PenaltyNotice

    notice = PenaltyNotice.objects.create(
        school=p.school,
        pupil=p.pupil,
        carer_id=_carer_id(p),
        issued_on=DAY,
        sequence=1,
        amount_full=160,
        amount_reduced=80,
        issued_by=p.attendance_officer,
        created_at=timezone.now(),
    )
    return {"notice_id": notice.pk}


def _letter(p):
    from django.utils import timezone

    from apps.attendance.models import Letter

    letter = Letter.objects.create(
        school=p.school,
        pupil=p.pupil,
        carer_id=_carer_id(p),
        stage="meeting",
        body="Dear Jane,\n\nPlease come in.",
        created_by=p.attendance_officer,
        created_at=timezone.now(),
    )
    return {"letter_id": letter.pk}


def _leave(p):
    from django.utils import timezone

    from apps.attendance.models import LeaveRequest

    made = LeaveRequest.objects.create(
        school=p.school,
        pupil=p.pupil,
        kind="M",
        requested_on=DAY,
        start_date="2025-01-20",
        end_date="2025-01-20",
        reason="Hospital appointment",
        recorded_by=p.attendance_officer,
        recorded_at=timezone.now(),
    )
    return {"leave_id": made.pk}


def _part_time(p):
    from django.utils import timezone

    from apps.attendance.models import PartTimeTimetable

    made = PartTimeTimetable.objects.create(
        school=p.school,
        pupil=p.pupil,
        start_date="2025-01-13",
        planned_end_date="2025-02-14",
        attended_sessions=["0AM", "1AM"],
        reason="Medical condition",
        parent_agreed_on="2025-01-10",
        next_review="2025-01-27",
        recorded_by=p.attendance_officer,
        recorded_at=timezone.now(),
    )
    return {"timetable_id": made.pk}


def _table(slug):
    return lambda p: {"table": slug}


# attfin: the attendance report for the headteacher and governors.
GOVERNOR_READERS = SENIOR | {"governor", "attendance_officer", "admin"}


def _governor_report(p):
    import datetime as dt

    from django.utils import timezone

    from apps.attendance.models import GovernorReport

    report, _ = GovernorReport.objects.get_or_create(
        school=p.school,
        schedule="monthly",
        start=dt.date(2024, 12, 1),
        end=dt.date(2024, 12, 31),
        defaults={
            "figures": {
                "tables": [{"slug": "whole-school", "caption": "Whole school", "header": ["A"], "rows": [["1"]]}]
            },
            "pdf": b"%PDF-1.4 test",
            "produced_at": timezone.now(),
        },
    )
    return {"report_id": report.pk}


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
    Case("attendance:penalties", ATTENDANCE_TEAM | {"other_school_dsl"}, query=f"on={DAY}"),
    Case("attendance:ladder", ATTENDANCE_TEAM, kwargs=_pupil),
    Case(
        "attendance:ladder",
        ATTENDANCE_TEAM,
        kwargs=_pupil,
        method="POST",
        data=lambda p: {"stage": "meeting", "on": DAY, "outcome": "Agreed a plan"},
        note="add step",
    ),
    Case("attendance:penalty_decide", ATTENDANCE_TEAM, kwargs=_pupil, query=f"on={DAY}"),
    Case("attendance:notice_add", ATTENDANCE_TEAM, kwargs=_pupil),
    Case(
        "attendance:notice_add",
        ATTENDANCE_TEAM,
        kwargs=_pupil,
        method="POST",
        data=lambda p: {"carer": _carer_id(p), "issued_on": DAY},
        note="save",
    ),
    Case(
        "attendance:notice_status",
        ATTENDANCE_TEAM,
        kwargs=_notice,
        method="POST",
        data=lambda p: {"status": "paid", "on": DAY, "reason": "Paid online"},
    ),
    Case("attendance:letter_new", ATTENDANCE_TEAM, kwargs=_pupil, query="stage=contract"),
    Case(
        "attendance:letter_new",
        ATTENDANCE_TEAM,
        kwargs=_pupil,
        method="POST",
        data=lambda p: {"stage": "meeting", "carer": _carer_id(p), "body": "Dear Jane"},
        note="save",
    ),
    Case("attendance:letter_pdf", ATTENDANCE_TEAM, kwargs=_letter),
    Case("attendance:long_absence", ATTENDANCE_TEAM | {"other_school_dsl"}, query=f"on={DAY}"),
    Case(
        "attendance:la_notify",
        ATTENDANCE_TEAM,
        kwargs=_pupil,
        method="POST",
        data=lambda p: {"reason": "unauthorised", "absence_from": DAY, "told_on": DAY},
    ),
    Case("attendance:leave", ATTENDANCE_TEAM | {"other_school_dsl"}),
    Case("attendance:leave_new", ATTENDANCE_TEAM, kwargs=_pupil),
    Case(
        "attendance:leave_new",
        ATTENDANCE_TEAM,
        kwargs=_pupil,
        method="POST",
        data=lambda p: {
            "kind": "M",
            "requested_on": DAY,
            "start_date": "2025-01-20",
            "end_date": "2025-01-20",
            "reason": "Dentist",
        },
        note="save",
    ),
    Case(
        "attendance:leave_decide",
        SENIOR,
        kwargs=_leave,
        method="POST",
        data=lambda p: {"decision": "refuse", "reason": "Not exceptional"},
    ),
    Case("attendance:closure", ATTENDANCE_TEAM | {"other_school_dsl"}),
    Case(
        "attendance:closure",
        ATTENDANCE_TEAM | {"other_school_dsl"},  # applies to their own school's pupils
        method="POST",
        data=lambda p: {"date": DAY, "session": ["AM"], "code": "Y3", "reason": "Boiler failure", "year": ["9"]},
        note="apply",
    ),
    Case("attendance:part_time", ATTENDANCE_TEAM | {"other_school_dsl"}),
    Case("attendance:part_time", ATTENDANCE_TEAM | {"other_school_dsl"}, query="format=csv", note="csv"),
    Case("attendance:part_time_new", ATTENDANCE_TEAM, kwargs=_pupil),
    Case(
        "attendance:part_time_review",
        ATTENDANCE_TEAM,
        kwargs=_part_time,
        method="POST",
        data=lambda p: {"held_on": "2025-01-27", "outcome": "Going well", "next_review": "2025-02-10"},
    ),
    # Settings, lesson registers, post-registration truancy and calendar closures (issue 5; attreg).
    Case("attendance:settings", SETTINGS),
    Case("attendance:settings", SETTINGS, method="POST", data=_settings_post, note="save"),
    Case("attendance:settings", SETTINGS, method="POST", data=_periods_post, note="periods"),
    Case("attendance:lessons", STAFF | {"other_school_dsl"}, query=f"date={DAY}"),
    Case("attendance:lesson_register", TEACHES_MA1, kwargs=_lesson, query=f"date={DAY}"),
    Case("attendance:lesson_register", TEACHES_MA1, kwargs=_lesson, method="POST", data=_lesson_post, note="save"),
    Case(
        "attendance:lesson_register",
        TEACHES_MA1,
        kwargs=_lesson,
        method="POST",
        data=_lesson_post,
        htmx=True,
        note="htmx",
    ),
    Case("attendance:truancy", ATTENDANCE_TEAM | {"other_school_dsl"}, query=f"date={DAY}"),
    Case("attendance:truancy_follow_up", ATTENDANCE_TEAM, kwargs=_pupil, query=f"date={DAY}"),
    Case(
        "attendance:truancy_follow_up",
        ATTENDANCE_TEAM,
        kwargs=_pupil,
        method="POST",
        data=lambda p: {"date": DAY, "outcome": "found_in_school", "note": "In the library"},
        note="save",
    ),
    Case("attendance:closures", ATTENDANCE_TEAM | {"other_school_dsl"}, query=f"date={DAY}"),
    Case("attendance:closure_apply", ATTENDANCE_TEAM, kwargs=_closure, method="POST", data=lambda p: {"date": DAY}),
    # Reports (issue 5): charts, punctuality, CSV of every table ----------------------------------
    Case("attendance:rates", SIGNED_IN - {"teacher", "other_teacher"}),
    Case("attendance:rates", SIGNED_IN - {"teacher", "other_teacher"}, query="by=sex&format=csv", note="csv"),
    Case("attendance:heatmap", SIGNED_IN - {"teacher", "other_teacher"}, query="year=9"),
    Case("attendance:heatmap", SIGNED_IN - {"teacher", "other_teacher"}, query="year=9&format=csv", note="csv"),
    # Drilling into a form names its pupils: only staff who see named figures, in the persona school.
    Case("attendance:heatmap", TAKES_9A, query="year=9&form=9A", note="form"),
    Case("attendance:punctuality", SIGNED_IN - {"teacher", "other_teacher"}),
    Case("attendance:punctuality", SIGNED_IN - {"teacher", "other_teacher"}, query="by=fsm&format=csv", note="csv"),
    Case(
        "attendance:punctuality",
        TAKES_9A | {"other_school_dsl"},
        query="by=pupil",
        note="pupils",
    ),
    Case("attendance:pupil_weekly", SEES_PUPIL, kwargs=_pupil),
    Case("attendance:pupil_weekly", SEES_PUPIL, kwargs=_pupil, query="format=csv", note="csv"),
    Case("attendance:pupil_weekly", SEES_PUPIL, kwargs=_pupil, query="table=summary&format=csv", note="summary-csv"),
    *[
        Case(
            "attendance:export",
            ATTENDANCE_TEAM | {"other_school_dsl"},
            kwargs=_table(table),
            query=f"date={DAY}&on={DAY}",
            note=table,
        )
        for table in ("first-day", "overdue-n", "long-absence", "penalty-flags", "completion", "leave")
    ],
    # Letter templates: the office reads them; the attendance office and senior leaders edit them.
    Case("attendance:letter_templates", ATTENDANCE_TEAM | {"other_school_dsl"}),
    Case(
        "attendance:letter_template_edit",
        SENIOR | {"attendance_officer", "admin"},
        kwargs=lambda p: {"stage": "meeting"},
    ),
    Case(
        "attendance:letter_template_edit",
        SENIOR | {"attendance_officer", "admin"},
        kwargs=lambda p: {"stage": "meeting"},
        method="POST",
        data=lambda p: {"body": "Dear {carer_name}, about {pupil_name}."},
        note="save",
    ),
    # API (read-only): the same rules as the pupil's attendance page and the measures page.
    Case(
        "attendance-mark-list",
        SEES_PUPIL,
        data=lambda p: {"pupil": p.pupil.pk, "from": "2025-01-13", "to": "2025-01-17"},
        note="api",
        ok=frozenset({200}),
    ),
    Case(
        "attendance-summary-list",
        SEES_PUPIL,
        data=lambda p: {"pupil": p.pupil.pk},
        note="api-pupil",
        ok=frozenset({200}),
    ),
    Case(
        "attendance-summary-list",
        SIGNED_IN - {"teacher", "other_teacher"},
        data=lambda p: {"by": "sex"},
        note="api-groups",
        ok=frozenset({200}),
    ),
    # The attendance report for the headteacher and governors (issue 5; attfin).
    Case("attendance:governor_reports", GOVERNOR_READERS),
    Case(
        "attendance:governor_report_produce",
        SETTINGS,
        method="POST",
        data=lambda p: {"schedule": "monthly", "on": DAY},
    ),
    Case("attendance:governor_report", GOVERNOR_READERS, kwargs=_governor_report),
    Case(
        "attendance:governor_report",
        GOVERNOR_READERS,
        kwargs=_governor_report,
        query="format=csv&table=whole-school",
        note="csv",
    ),
    Case("attendance:governor_report_pdf", GOVERNOR_READERS, kwargs=_governor_report),
]
