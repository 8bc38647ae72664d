"""Demo: two school years of AM/PM marks for every pupil (the current year to date and the one
before), written with bulk_create in batches, with a realistic shape: most pupils above 95%, a
persistent-absence tail of about 15–20%, a few severe absentees, term-time holidays, illness
clusters in winter, a part-time timetable (C2), today's registers part-taken with a few N marks to
call, and a penalty-notice case with its decision, notice and ladder steps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from apps.accounts.models import Role
from apps.demo.context import DemoContext

from . import statutory, summaries
from .models import (
    AttendanceSettings,
    LadderStep,
    LeaveRequest,
    Mark,
    PartTimeTimetable,
    PenaltyDecision,
    PenaltyNotice,
    PenaltyNoticeEvent,
    RegisterTaken,
    Source,
)

BATCH = 5000


def _insert(rows: list[tuple[Any, ...]]) -> int:
    """Insert marks as plain rows: at demo scale (600k+ rows) building model instances for
    bulk_create costs more than the database does."""
    if not rows:
        return 0
    table = connection.ops.quote_name(Mark._meta.db_table)
    columns = "school_id, pupil_id, date, session, code, minutes_late, recorded_at, source"
    sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"  # noqa: S608 - our own table
    date_field = Mark._meta.get_field("date")
    at_field = Mark._meta.get_field("recorded_at")
    prepared = [
        (
            r[0],
            r[1],
            date_field.get_db_prep_value(r[2], connection),
            r[3],
            r[4],
            r[5],
            at_field.get_db_prep_value(r[6], connection),
            r[7],
        )
        for r in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)
    return len(rows)


def _propensity(rng: Any) -> tuple[float, float]:
    """(daily absence probability, share of absence that is unauthorised) for one pupil."""
    roll = rng.random()
    if roll < 0.02:  # severe absentees
        return rng.uniform(0.5, 0.75), 0.6
    if roll < 0.15:  # the persistent-absence tail
        return rng.uniform(0.09, 0.3), 0.25
    if roll < 0.32:
        return rng.uniform(0.035, 0.07), 0.15
    return rng.uniform(0.0, 0.035), 0.1


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    school = ctx.school
    calendar = ctx.calendar
    today = ctx.today
    now = timezone.now()
    AttendanceSettings.objects.get_or_create(school=school)
    # Two years of marks back from today (the current year to date and the two before it in part).
    start = max(ctx.history_start, calendar.next_school_day(today.replace(year=today.year - 2)))
    yesterday = today - dt.timedelta(days=1)
    sessions = calendar.sessions(start, yesterday)
    officer = ctx.staff.get(Role.ATTENDANCE_OFFICER, [None])[0]
    pupils = list(ctx.pupils)
    part_timer = next((p for p in pupils if p.year_group.number == 10 and p.leaving_date is None), None)
    holiday_taker = next((p for p in pupils if p.year_group.number == 8 and p.leaving_date is None), None)
    winter = {12, 1, 2}
    batch: list[tuple[Any, ...]] = []
    total = 0
    for pupil in pupils:
        p_absent, unauth_share = _propensity(rng)
        first = max(pupil.admission_date, start)
        last = min(pupil.leaving_date or yesterday, yesterday)
        # One term-time holiday for about 1 pupil in 12: five school days of G.
        holiday: set[dt.date] = set()
        if rng.random() < 0.08 or pupil is holiday_taker:
            days = calendar.school_days(first, last)
            if len(days) > 10:
                if pupil is holiday_taker:  # the penalty-notice case: recent, inside the 10-week window
                    recent = calendar.school_days(today - dt.timedelta(days=40), last)
                    i = max(0, len(recent) - 12)
                    holiday = set(recent[i : i + 5])
                    days_extra = recent[i + 6 : i + 8]
                    holiday |= set(days_extra)
                else:
                    i = rng.randrange(0, len(days) - 6)
                    holiday = set(days[i : i + 5])
        absent_day: dt.date | None = None
        absent_code = ""
        for day, session in sessions:
            if day < first or day > last:
                continue
            code: str
            minutes: int | None = None
            if day in holiday:
                code = "G"
            elif pupil is part_timer and session == "PM" and day >= today - dt.timedelta(days=42):
                code = "C2"
            elif absent_day == day:
                code = absent_code  # the afternoon follows the morning
            else:
                chance = p_absent * (1.6 if day.month in winter else 1.0)
                if session == "AM" and rng.random() < chance:
                    absent_day = day
                    r = rng.random()
                    if r < unauth_share:
                        absent_code = "O" if rng.random() < 0.8 else "N"
                    elif r < unauth_share + 0.1:
                        absent_code = "M"
                    else:
                        absent_code = "I"
                    # An N older than a week is resolved in real life: keep N only for the last days.
                    if absent_code == "N" and (today - day).days > 7:
                        absent_code = "O"
                    code = absent_code
                else:
                    r = rng.random()
                    if r < 0.015:
                        code, minutes = "L", rng.randint(2, 14)
                    elif r < 0.018:
                        code, minutes = "U", rng.randint(16, 50)
                    else:
                        code = statutory.present_code(session)
            batch.append((school.pk, pupil.pk, day, session, code, minutes, now, Source.DEMO))
            if len(batch) >= BATCH:
                total += _insert(batch)
                batch = []
    # Today's morning registers: taken for all but two forms, with a few pupils to call.
    if "AM" in calendar.sessions_on(today):
        forms = sorted({p.form for p in pupils if p.form is not None}, key=lambda f: f.name)
        untaken = {f.pk for f in forms[-2:]}
        receipts = []
        for form in forms:
            if form.pk in untaken:
                continue
            receipts.append(
                RegisterTaken(school=school, form=form, date=today, session="AM", taken_by=None, taken_at=now)
            )
        RegisterTaken.objects.bulk_create(receipts)
        for pupil in pupils:
            if pupil.form_id is None or pupil.form_id in untaken or not pupil.is_on_roll(today):
                continue
            code = "N" if rng.random() < 0.03 else ("I" if rng.random() < 0.02 else "/")
            batch.append((school.pk, pupil.pk, today, "AM", code, None, now, Source.DEMO))
    total += _insert(batch)
    # The marks went in as plain rows: count the per-pupil per-year summaries once, set-based.
    summaries.refresh(school)
    ctx.say(f"{total} attendance marks from {start:%d/%m/%Y}")
    if holiday_taker is not None and officer is not None:
        _penalty_case(ctx, holiday_taker, officer)
    if part_timer is not None and officer is not None:
        _part_time_case(ctx, part_timer, officer)
    if officer is not None:
        _leave_requests(ctx, [p for p in pupils if p.leaving_date is None][5:7], officer)
    if officer is not None:  # attreg: lesson registers, truancy cases and # closures
        _lesson_registers(ctx, officer)
        _calendar_closures(ctx, officer)
    _letter_templates(ctx, officer)
    _governor_reports(ctx)


def _governor_reports(ctx: DemoContext) -> None:
    """The monthly attendance reports for the headteacher and governors for the last two complete
    months, produced as the scheduled command would (stored figures and PDF; the headteacher and
    governors get an in-app link to the latest)."""
    from .services_governor import produce_report

    first_of_month = ctx.today.replace(day=1)
    month_before = (first_of_month - dt.timedelta(days=1)).replace(day=1)
    made = 0
    for on, tell in ((month_before, False), (first_of_month, True)):
        try:
            _report, new = produce_report(None, school=ctx.school, schedule="monthly", on=on, notify_readers=tell)
        except ValidationError:
            continue
        made += new
    ctx.say(f"{made} attendance reports for the headteacher and governors")


def _letter_templates(ctx: DemoContext, officer: Any) -> None:
    """The school's letter templates (issue 5): the default wording for every ladder stage, with
    the meeting letter already personalised once so the history shows an edit."""
    from .letters import default_text
    from .models import LetterTemplate, LetterTemplateVersion

    now = timezone.now()
    made = LetterTemplate.objects.bulk_create(
        [
            LetterTemplate(school=ctx.school, stage=stage, body=default_text(stage), updated_by=officer, updated_at=now)
            for stage in LadderStep.Stage.values
        ]
    )
    versions = [LetterTemplateVersion(template=t, body=t.body, edited_by=officer, edited_at=now) for t in made]
    meeting = next(t for t in made if t.stage == LadderStep.Stage.MEETING)
    meeting.body = meeting.body.replace(
        "Please contact the attendance office", "Please ring the attendance office on the school's main number"
    )
    meeting.save(update_fields=["body"])
    versions.append(LetterTemplateVersion(template=meeting, body=meeting.body, edited_by=officer, edited_at=now))
    LetterTemplateVersion.objects.bulk_create(versions)
    ctx.say(f"{len(made)} letter templates")


def _part_time_case(ctx: DemoContext, pupil: Any, officer: Any) -> None:
    """The record behind the C2 afternoons written above: mornings only for six weeks, then review."""
    today = ctx.today
    started = ctx.calendar.next_school_day(today - dt.timedelta(days=42))
    PartTimeTimetable.objects.create(
        school=ctx.school,
        pupil=pupil,
        start_date=started,
        planned_end_date=today + dt.timedelta(days=28),
        attended_sessions=[f"{d}AM" for d in range(5)],
        reason="Phased return after a long illness, agreed with the school nurse.",
        parent_agreed_on=started - dt.timedelta(days=3),
        la_notified_on=started,
        next_review=today - dt.timedelta(days=2),  # overdue: shows the flag in the demo
        recorded_by=officer,
        recorded_at=timezone.now(),
    )


def _leave_requests(ctx: DemoContext, pupils: list[Any], officer: Any) -> None:
    """One request waiting for the head, one refused holiday."""
    today = ctx.today
    later = ctx.calendar.next_school_day(today + dt.timedelta(days=21))
    head = ctx.staff.get(Role.HEADTEACHER, [None])[0]
    for i, pupil in enumerate(pupils):
        LeaveRequest.objects.create(
            school=ctx.school,
            pupil=pupil,
            kind="C" if i else "J1",
            requested_on=today - dt.timedelta(days=3),
            start_date=later,
            end_date=later + dt.timedelta(days=4 if i else 0),
            reason="Family holiday abroad" if i else "Interview at the sixth-form college",
            status="refused" if i and head else "pending",
            decided_by=head if i else None,
            decided_on=today if i and head else None,
            decision_reason="A holiday is not an exceptional circumstance." if i and head else "",
            recorded_by=officer,
            recorded_at=timezone.now(),
        )


def _penalty_case(ctx: DemoContext, pupil: Any, officer: Any) -> None:
    from .selectors import penalty_threshold

    today = ctx.today
    now = timezone.now()
    flags = penalty_threshold(ctx.school, today, calendar=ctx.calendar, pupil_ids=[pupil.pk])
    if not flags:
        return
    flag = flags[0]
    link = pupil.carer_links.select_related("carer").first()
    decision = PenaltyDecision.objects.create(
        school=ctx.school,
        pupil=pupil,
        considered_on=today,
        unauthorised_sessions=flag.unauthorised_sessions,
        window_start=flag.window_start,
        window_end=flag.window_end,
        decision=PenaltyDecision.Decision.ISSUE,
        reason="Term-time holiday taken after the request was refused; support offered beforehand.",
        decided_by=officer,
        decided_at=now,
    )
    LadderStep.objects.create(
        school=ctx.school,
        pupil=pupil,
        stage=LadderStep.Stage.MEETING,
        on=today - dt.timedelta(days=60),
        outcome="Leave request for a holiday discussed and refused.",
        recorded_by=officer,
        recorded_at=now,
    )
    if link is not None:
        notice = PenaltyNotice.objects.create(
            school=ctx.school,
            pupil=pupil,
            carer=link.carer,
            decision=decision,
            issued_on=today,
            sequence=1,
            amount_full=statutory.PENALTY_FIRST_FULL,
            amount_reduced=statutory.PENALTY_FIRST_REDUCED,
            issued_by=officer,
            created_at=now,
        )
        PenaltyNoticeEvent.objects.create(
            notice=notice, new_status="issued", on=today, reason="Issued", by=officer, at=now
        )
    ctx.say(f"penalty-notice case: {pupil.full_name} ({flag.unauthorised_sessions} sessions)")


# Lesson registers, post-registration truancy and calendar closures (issue 5; attreg) -------------

DEMO_PERIODS = "P1 09:00-10:00 AM\nP2 10:00-11:00 AM\nP3 11:20-12:20 AM\nP4 13:40-14:40 PM\nP5 14:40-15:30 PM"
#: Follow-ups logged on the past days' truancy cases, in order; the rest stay open.
DEMO_OUTCOMES = ["found_in_school", "with_parent", "truanting"]


def _lesson_registers(ctx: DemoContext, officer: Any) -> None:
    """Lesson registers switched on with five periods; the last two school days and this morning
    taken for every teaching group (each subject's sets meet in one period, rotating by day), every
    pupil present in lessons when present at registration; a few pupils then miss a later lesson
    (post-registration truancy), most of the past ones followed up, one case today left open.
    Lesson marks are bulk-inserted; settings, periods and follow-ups go through the services."""
    from apps.people.models import TeachingGroup

    from . import services_lessons
    from .models import LessonMark, LessonRegisterTaken, LessonStatus

    school, calendar, today, rng = ctx.school, ctx.calendar, ctx.today, ctx.rng
    services_lessons.update_settings(officer, school=school, lesson_registers=True)
    periods = services_lessons.set_lesson_periods(officer, school=school, text=DEMO_PERIODS)
    past = calendar.school_days(today - dt.timedelta(days=10), today - dt.timedelta(days=1))[-2:]
    days = [*past, today] if calendar.is_school_day(today) else past
    if not days:
        return
    groups = list(TeachingGroup.objects.filter(school=school).prefetch_related("pupils", "teachers"))
    by_subject: dict[str, list[Any]] = {}
    for group in groups:
        by_subject.setdefault(group.name.split("/")[-1][:2], []).append(group)
    subjects = sorted(by_subject)
    if not subjects:
        return
    registration = {
        (pid, day, session): code
        for pid, day, session, code in Mark.objects.filter(school=school, date__in=days).values_list(
            "pupil_id", "date", "session", "code"
        )
    }
    now = timezone.now()
    marks: list[LessonMark] = []
    receipts: list[LessonRegisterTaken] = []
    cases: list[tuple[dt.date, Any]] = []
    for d, day in enumerate(days):
        wanted = [p for p in periods if day < today or p.session == "AM"]  # today: the morning so far
        truants: set[int] = set()
        for k, period in enumerate(wanted):
            for group in by_subject[subjects[(d + k) % len(subjects)]]:
                teacher = next(iter(group.teachers.all()), None)
                receipts.append(
                    LessonRegisterTaken(
                        school=school, group=group, period=period, date=day, taken_by=teacher, taken_at=now
                    )
                )
                for pupil in group.pupils.all():
                    if not pupil.is_on_roll(day):
                        continue
                    code = registration.get((pupil.pk, day, period.session))
                    in_school = code in statutory.IN_SCHOOL_CODES
                    status = LessonStatus.PRESENT if in_school else LessonStatus.ABSENT
                    # A few pupils registered in school miss a lesson later in the day.
                    later = period.name == ("P3", "P4")[d % 2] or (day == today and period.name == "P2")
                    limit = 1 if day == today else 4
                    if in_school and later and len(truants) < limit and rng.random() < 0.01:
                        status = LessonStatus.ABSENT
                        truants.add(pupil.pk)
                        cases.append((day, pupil))
                    marks.append(
                        LessonMark(
                            school=school,
                            pupil=pupil,
                            group=group,
                            period=period,
                            date=day,
                            status=status,
                            recorded_by=teacher,
                            recorded_at=now,
                        )
                    )
    LessonMark.objects.bulk_create(marks, batch_size=2000)
    LessonRegisterTaken.objects.bulk_create(receipts, batch_size=2000)
    followed = 0
    for i, (day, pupil) in enumerate(sorted(cases, key=lambda c: (c[0], c[1].pk))):
        if day == today or i % 4 == 3:
            continue  # left open: today's case, and one in four of the earlier ones
        services_lessons.record_truancy_follow_up(
            officer, pupil=pupil, day=day, outcome=DEMO_OUTCOMES[followed % len(DEMO_OUTCOMES)], note="Demo follow-up"
        )
        followed += 1
    ctx.say(f"{len(marks)} lesson marks on {len(days)} days, {len(cases)} truancy cases ({followed} followed up)")


def _calendar_closures(ctx: DemoContext, officer: Any) -> None:
    """`#` (or `Y4`) on the register for every calendar closure up to today; later ones are left for
    the Closures page's button."""
    from apps.core.models import Closure

    from .services_closures import apply_calendar_closure

    written = 0
    for closure in Closure.objects.filter(
        school=ctx.school, start_date__gte=ctx.history_start, end_date__lte=ctx.today
    ):
        try:
            result = apply_calendar_closure(officer, school=ctx.school, closure_id=closure.pk)
        except ValidationError:
            continue  # a closure on no weekday in term: nothing to record
        written += result.created + result.amended
    ctx.say(f"{written} closure marks (#) from the calendar")
