"""Demo: two years of behaviour with realistic patterns.

Most incidents come from a few pupils (a heavy-tailed propensity per pupil); Friday afternoons are
worse; rewards outnumber incidents; detentions follow many incidents, a few are missed; the
inclusion unit is used for the more serious ones; a few suspensions (lunchtimes as half days), one
permanent exclusion upheld by the governing board, and PSPs for pupils with repeated suspensions.
Rows are written with bulk_create; suspensions add their chronology entry and attendance marks.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from apps.accounts.models import Role
from apps.chronology.models import Confidentiality, Kind
from apps.chronology.services import add_entry
from apps.core.calendar import academic_year_bounds, academic_year_start
from apps.demo.context import DemoContext

from . import services, statutory
from .models import (
    BehaviourSettings,
    BehaviourType,
    Category,
    Detention,
    Exclusion,
    Incident,
    IncidentPupil,
    InclusionBooking,
    Location,
    PastoralSupportProgramme,
    Polarity,
    PSPAction,
    PSPReview,
    PupilMove,
    ReportCard,
    ReportCardEntry,
)

NEGATIVE = [
    # name, category, points, weight, template
    ("Low-level disruption", Category.DISRUPTION, 1, 30, "Talking over the teacher after a warning."),
    ("No homework", Category.EQUIPMENT, 1, 14, "Homework not handed in."),
    ("Equipment or uniform", Category.EQUIPMENT, 1, 10, "No equipment / uniform not correct."),
    ("Late to lesson", Category.LATENESS, 1, 12, "Arrived late without a reason."),
    ("Refusal to follow instructions", Category.DEFIANCE, 2, 12, "Refused a reasonable instruction."),
    ("Rudeness to staff", Category.VERBAL, 3, 6, "Spoke rudely to a member of staff."),
    ("Bad language", Category.VERBAL, 2, 5, "Swearing in the corridor."),
    ("Truancy from lesson", Category.LATENESS, 3, 3, "Did not arrive at the lesson; found elsewhere on site."),
    ("Phone misuse", Category.ONLINE, 2, 4, "Phone out in lesson after a warning."),
    ("Bullying", Category.BULLYING, 4, 1, "Repeated unkind comments towards another pupil."),
    ("Fighting", Category.PHYSICAL, 5, 1, "Physical altercation with another pupil."),
    ("Damage to property", Category.DAMAGE, 3, 1, "Deliberately damaged school property."),
    ("Vaping", Category.SUBSTANCES, 4, 1, "Found vaping in the toilets."),
]
POSITIVE = [
    ("Great effort", Category.EFFORT, 1, 40, "Worked hard all lesson."),
    ("Excellent work", Category.ACHIEVEMENT, 2, 25, "An excellent piece of work."),
    ("Helping others", Category.CONDUCT, 2, 12, "Helped a classmate."),
    ("Full week of homework", Category.EFFORT, 2, 10, ""),
    ("Representing the school", Category.CONDUCT, 5, 2, "Represented the school at an event."),
]
LOCATIONS = ["Classroom", "Corridor", "Canteen", "Playground", "Toilets", "Sports hall", "Library", "Bus bay"]
# period -> (hour, minute, in a lesson?)
PERIODS = {1: (8, 55, True), 2: (9, 55, True), 3: (11, 15, True), 4: (12, 15, True), 5: (14, 0, True), 6: (15, 0, True)}
UNSTRUCTURED = [(10, 55), (13, 20), (8, 35)]


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    school = ctx.school
    cal = ctx.calendar
    BehaviourSettings.objects.get_or_create(school=school)
    neg_types = BehaviourType.objects.bulk_create(
        BehaviourType(
            school=school,
            name=n,
            polarity=Polarity.NEGATIVE,
            category=c,
            points=p,
            template_description=t,
        )
        for n, c, p, _w, t in NEGATIVE
    )
    pos_types = BehaviourType.objects.bulk_create(
        BehaviourType(school=school, name=n, polarity=Polarity.POSITIVE, category=c, points=p, template_description=t)
        for n, c, p, _w, t in POSITIVE
    )
    locations = {name: Location.objects.create(school=school, name=name) for name in LOCATIONS}
    teachers = list(ctx.staff.get(Role.TEACHER, [])) or [ctx.user(Role.HEADTEACHER)]
    pastoral = (ctx.staff.get(Role.PASTORAL) or teachers)[0]
    head = ctx.user(Role.HEADTEACHER)
    pupils = list(ctx.pupils)
    if not pupils:
        return
    # Most incidents from a few pupils: a heavy-tailed propensity, a little higher with SEN or FSM.
    propensity = {}
    for p in pupils:
        base = min(rng.paretovariate(1.3), 40.0)
        if p.sen_status != "N":
            base *= 1.5
        if p.fsm:
            base *= 1.3
        propensity[p.pk] = base
    by_id = {p.pk: p for p in pupils}
    ids = [p.pk for p in pupils]
    weights = [propensity[i] for i in ids]
    neg_weights = [w for *_x, w, _t in NEGATIVE]
    pos_weights = [w for *_x, w, _t in POSITIVE]
    days = cal.school_days(ctx.history_start, ctx.today - dt.timedelta(days=1))
    neg_per_day = max(1, round(len(pupils) * 0.03))
    pos_per_day = max(1, round(len(pupils) * 0.045))

    incidents: list[Incident] = []
    pupil_for: list[tuple[int, int, str]] = []  # (incident index, pupil id, role)
    for day in days:
        friday = day.weekday() == 4
        for polarity, per_day in ((Polarity.NEGATIVE, neg_per_day), (Polarity.POSITIVE, pos_per_day)):
            count = round(per_day * (1.35 if friday and polarity == Polarity.NEGATIVE else 1.0) * rng.uniform(0.6, 1.4))
            for _ in range(count):
                if polarity == Polarity.NEGATIVE:
                    btype = rng.choices(neg_types, neg_weights)[0]
                    pid = rng.choices(ids, weights)[0]
                    if friday and rng.random() < 0.5:
                        period = rng.choice([5, 6])
                    else:
                        period = rng.choice([1, 2, 3, 4, 5, 6, 0, 0])
                else:
                    btype = rng.choices(pos_types, pos_weights)[0]
                    pid = rng.choice(ids)
                    period = rng.choice([1, 2, 3, 4, 5, 6])
                pupil = by_id[pid]
                if not pupil.is_on_roll(day):
                    continue
                if period:
                    hour, minute, _lesson = PERIODS[period]
                    location = locations["Classroom"] if rng.random() < 0.85 else locations["Sports hall"]
                else:
                    hour, minute = rng.choice(UNSTRUCTURED)
                    location = locations[rng.choice(["Corridor", "Canteen", "Playground", "Toilets", "Bus bay"])]
                occurred = timezone.make_aware(
                    dt.datetime.combine(day, dt.time(hour)) + dt.timedelta(minutes=minute + rng.randrange(0, 30))
                )
                incidents.append(
                    Incident(
                        school=school,
                        behaviour_type=btype,
                        polarity=btype.polarity,
                        occurred_at=occurred,
                        date=day,
                        period=period or None,
                        location=location,
                        reported_by=rng.choice(teachers),
                        description=btype.template_description,
                        action_taken="Warning and conversation" if polarity == Polarity.NEGATIVE else "",
                    )
                )
                pupil_for.append((len(incidents) - 1, pid, "instigator" if btype.points >= 4 else "involved"))
                if btype.category in (Category.BULLYING, Category.PHYSICAL):
                    other = rng.choice(ids)
                    if other != pid and by_id[other].is_on_roll(day):
                        pupil_for.append((len(incidents) - 1, other, "target"))
    Incident.objects.bulk_create(incidents, batch_size=2000)
    links = []
    for index, pid, role in pupil_for:
        incident = incidents[index]
        positive = incident.polarity == Polarity.POSITIVE
        points = incident.behaviour_type.points
        links.append(
            IncidentPupil(
                school=school,
                incident=incident,
                pupil_id=pid,
                role=IncidentPupil.Role.RECIPIENT if positive else role,
                points=points if positive else (0 if role == "target" else -points),
                date=incident.date,
            )
        )
    IncidentPupil.objects.bulk_create(links, batch_size=2000)

    # Detentions and the inclusion unit follow the more serious incidents.
    detentions: list[Detention] = []
    bookings: list[InclusionBooking] = []
    booked: set[tuple[int, dt.date]] = set()
    for link in links:
        if link.points >= 0:
            continue
        incident = link.incident
        if -link.points >= 2 and rng.random() < 0.45:
            try:
                when = cal.add_school_days(incident.date, rng.choice([1, 1, 2]))
            except ValueError:
                continue
            future = when >= ctx.today
            status = (
                Detention.Status.SCHEDULED
                if future
                else rng.choices(
                    [Detention.Status.ATTENDED, Detention.Status.MISSED, Detention.Status.CANCELLED], [85, 10, 5]
                )[0]
            )
            detentions.append(
                Detention(
                    school=school,
                    pupil_id=link.pupil_id,
                    incident=incident,
                    date=when,
                    minutes=30 if -link.points < 4 else 60,
                    room="D12",
                    set_by=incident.reported_by,
                    status=status,
                )
            )
        if -link.points >= 3 and rng.random() < 0.35 and (link.pupil_id, incident.date) not in booked:
            booked.add((link.pupil_id, incident.date))
            bookings.append(
                InclusionBooking(
                    school=school,
                    pupil_id=link.pupil_id,
                    incident=incident,
                    date=incident.date,
                    sessions=rng.choice([InclusionBooking.Sessions.AM, InclusionBooking.Sessions.PM]),
                    reason=f"Removed from lesson: {incident.behaviour_type.name.lower()}",
                    placed_by=pastoral,
                    work_set="Work from the class teacher",
                    work_completed="Completed" if rng.random() < 0.7 else "Partly completed",
                    planned_return="Next lesson",
                    status=InclusionBooking.Status.ATTENDED,
                )
            )
    Detention.objects.bulk_create(detentions, batch_size=2000)
    InclusionBooking.objects.bulk_create(bookings, batch_size=2000)

    exclusions = _suspensions(ctx, links, head)
    _psps(ctx, exclusions, pastoral)
    moves = _moves(ctx, exclusions, ctx.staff.get(Role.PASTORAL_LEAD, [pastoral])[0])
    ctx.say(
        f"{len(incidents)} behaviour events, {len(detentions)} detentions, {len(bookings)} inclusion bookings, "
        f"{len(exclusions)} suspensions and exclusions, {moves} off-site directions and managed moves"
    )


def _moves(ctx: DemoContext, exclusions: list[Exclusion], lead: Any) -> int:
    """§2.8, through the services: a finished off-site direction, one running now with a review, and
    a managed move from which the pupil came back, for pupils with suspensions."""
    cal = ctx.calendar
    today = ctx.today
    suspended = list(dict.fromkeys(e.pupil for e in exclusions if e.kind != Exclusion.Kind.PERMANENT))
    if len(suspended) < 3:
        return 0
    done_pupil, current_pupil, moved_pupil = suspended[:3]
    made = 0
    plans = (
        (done_pupil, cal.add_school_days(today, -150), 30, True),
        (current_pupil, cal.add_school_days(today, -12), 30, False),
    )
    for pupil, start, days, finished in plans:
        direction = services.direct_off_site(
            lead,
            pupil=pupil,
            start_date=start,
            end_date=cal.add_school_days(start, days),
            receiving_school="Riverside Learning Centre",
            address="Unit 4, Mill Lane, " + (ctx.school.name.split()[0] if ctx.school else "Town"),
            report_to="Mrs J. Example, centre manager",
            session_times="08:45 to 14:30",
            reasons="Repeated serious disruption in lessons despite a PSP and inclusion unit placements.",
            objectives="Re-engage with learning in small groups; agree a reintegration plan.",
            parent_notice_date=cal.add_school_days(start, -3),
            la_notice_date=cal.add_school_days(start, -3) if pupil.sen_status == "E" else None,
            calendar=cal,
        )
        review_on = cal.add_school_days(start, 10)
        if review_on <= today:
            services.review_move(
                lead, move=direction, date=review_on, notes="Attending well; two incidents in the first fortnight."
            )
        if finished:
            services.end_move(
                lead, move=direction, outcome=PupilMove.Status.COMPLETED, date=cal.add_school_days(start, days)
            )
        made += 1
    agreed = cal.add_school_days(today, -60)
    move = services.agree_managed_move(
        lead,
        pupil=moved_pupil,
        start_date=cal.add_school_days(agreed, 5),
        receiving_school="Northgate Academy",
        admission_authority="Northgate Academy Trust",
        reasons="A fresh start away from a long-running friendship-group conflict, agreed by the family.",
        parents_agreed_on=agreed,
        new_school_agreed_on=agreed,
        admission_authority_agreed_on=agreed,
        not_under_threat_of_exclusion=True,
        la_involved_on=cal.add_school_days(agreed, -5) if moved_pupil.sen_status == "E" else None,
    )
    services.end_move(
        lead,
        move=move,
        outcome=PupilMove.Status.RETURNED,
        date=cal.add_school_days(agreed, 35),
        note="The pupil asked to come back; reintegration meeting held.",
    )
    return made + 1


def _suspensions(ctx: DemoContext, links: list[IncidentPupil], head: Any) -> list[Exclusion]:
    """About 6 suspensions per 100 pupils a year, for the most serious incidents; one PEx."""
    rng = ctx.rng
    cal = ctx.calendar
    serious = [link for link in links if link.points <= -4 and link.role == "instigator"]
    rng.shuffle(serious)
    years = max(1, ctx.years)
    wanted = max(3, round(len(ctx.pupils) * 0.06 * years))
    made: list[Exclusion] = []
    year_days: dict[tuple[int, dt.date], Decimal] = {}
    taken: dict[int, dt.date] = {}
    reason_for: dict[str, str] = {
        Category.PHYSICAL: "PP",
        Category.BULLYING: "BU",
        Category.SUBSTANCES: "DA",
        Category.DAMAGE: "DM",
        Category.VERBAL: "VA",
    }
    for link in serious:
        if len(made) >= wanted:
            break
        incident = link.incident
        try:
            start = cal.add_school_days(incident.date, 1)
        except ValueError:
            continue
        if start >= ctx.today or (link.pupil_id in taken and taken[link.pupil_id] >= start):
            continue
        kind = Exclusion.Kind.LUNCH if rng.random() < 0.12 else Exclusion.Kind.FIXED
        sessions = rng.choice([1, 2, 3]) if kind == Exclusion.Kind.LUNCH else rng.choice([2, 2, 2, 4, 4, 6, 10, 12])
        key = (link.pupil_id, academic_year_start(start))
        if statutory.annual_cap_problem(year_days.get(key, Decimal(0)), statutory.days_from_sessions(sessions)):
            continue
        try:
            if kind == Exclusion.Kind.FIXED:
                period = statutory.suspension_sessions(start, sessions, cal)
                end = period.last_day
                back, _session = statutory.return_after(period, cal)
            else:
                lunch = statutory.lunchtime_days(start, sessions, cal)
                end, back = lunch[-1], cal.add_school_days(lunch[-1], 1)
        except ValueError:
            continue
        pupil = next(p for p in ctx.pupils if p.pk == link.pupil_id)
        elapsed = academic_year_start(ctx.today).year - academic_year_start(start).year
        decided = timezone.make_aware(dt.datetime.combine(incident.date, dt.time(15, 30)))
        made.append(
            Exclusion(
                school=ctx.school,
                pupil=pupil,
                kind=kind,
                start_date=start,
                end_date=end,
                sessions=sessions,
                reason_1=reason_for.get(incident.behaviour_type.category, "DB"),
                reasons_text=f"{incident.behaviour_type.template_description} This is a serious breach of the "
                "behaviour policy.",
                nc_year=max(7, pupil.year_group.number - elapsed),
                return_date=back,
                return_time=dt.time(8, 40),
                decided_by=head,
                decided_at=decided,
                parent_notified_at=decided + dt.timedelta(minutes=20),
                parent_notification_method="phone",
                letter_sent_at=decided + dt.timedelta(hours=1),
                la_notified_at=decided + dt.timedelta(days=1),
                has_social_worker=pupil.looked_after,
                sw_vsh_notified_at=decided + dt.timedelta(days=1) if pupil.looked_after else None,
            )
        )
        year_days[key] = year_days.get(key, Decimal(0)) + statutory.days_from_sessions(sessions)
        taken[link.pupil_id] = back
    # One permanent exclusion, last school year, upheld by the governing board.
    last_year_start = dt.date(academic_year_start(ctx.today).year - 1, 9, 1)
    pex_link = next(
        (
            link
            for link in serious
            if last_year_start + dt.timedelta(days=120) <= link.date < last_year_start + dt.timedelta(days=240)
        ),
        None,
    )
    if pex_link is not None:
        pupil = next(p for p in ctx.pupils if p.pk == pex_link.pupil_id)
        start = cal.add_school_days(pex_link.date, 1)
        decided = timezone.make_aware(dt.datetime.combine(pex_link.date, dt.time(16, 0)))
        meeting = cal.add_school_days(start, 12)
        made.append(
            Exclusion(
                school=ctx.school,
                pupil=pupil,
                kind=Exclusion.Kind.PERMANENT,
                start_date=start,
                sessions=0,
                reason_1="PA",
                reason_2="OW",
                reasons_text="Assaulted a member of staff and brought a prohibited item into school, after "
                "persistent breaches of the behaviour policy despite a Pastoral Support Programme.",
                nc_year=max(7, pupil.year_group.number - 1),
                decided_by=head,
                decided_at=decided,
                parent_notified_at=decided + dt.timedelta(minutes=15),
                parent_notification_method="in person",
                letter_sent_at=decided + dt.timedelta(hours=1),
                la_notified_at=decided + dt.timedelta(hours=2),
                governors_notified_at=decided + dt.timedelta(hours=2),
                ap_provider="Riverbend Pupil Referral Unit",
                ap_start=statutory.sixth_day(start, cal),
                gb_meeting_date=meeting,
                gb_outcome="upheld",
                gb_decision_notified_at=meeting,
            )
        )
    Exclusion.objects.bulk_create(made)
    for e in made:
        add_entry(
            pupil=e.pupil,
            kind=Kind.BEHAVIOUR,
            title=f"{e.get_kind_display()} from {e.start_date:%d/%m/%Y}"
            + (f" ({statutory.fmt_days(e.days)} days)" if e.kind != Exclusion.Kind.PERMANENT else ""),
            summary=e.reasons_text,
            occurred_at=e.decided_at,
            author=head,
            source=e,
            confidentiality=Confidentiality.PASTORAL,
        )
    _attendance_marks(ctx, [e for e in made if e.kind == Exclusion.Kind.FIXED])
    return made


def _attendance_marks(ctx: DemoContext, exclusions: list[Exclusion]) -> None:
    try:
        from apps.attendance import services as attendance
    except ImportError:  # pragma: no cover
        return
    if not hasattr(attendance, "apply_marks"):  # pragma: no cover
        return
    rows = []
    for e in exclusions:
        for day, session in statutory.suspension_sessions(e.start_date, e.sessions, ctx.calendar).sessions:
            if day < ctx.today and e.pupil.is_on_roll(day):
                rows.append(attendance.MarkRow(e.pupil_id, day, session, "E"))
    if rows:
        attendance.apply_marks(ctx.school, rows, actor=None, source="service", reason="Suspension (demo)")


def _psps(ctx: DemoContext, exclusions: list[Exclusion], coordinator: Any) -> None:
    """PSPs for pupils with two or more suspensions this school year, one with a review."""
    start_year, _end = academic_year_bounds(ctx.today)
    counts: dict[int, int] = {}
    for e in exclusions:
        if e.start_date >= start_year and e.kind != Exclusion.Kind.PERMANENT:
            counts[e.pupil_id] = counts.get(e.pupil_id, 0) + 1
    chosen = [pid for pid, n in sorted(counts.items(), key=lambda kv: -kv[1]) if n >= 2][:3]
    if not chosen:
        chosen = [e.pupil_id for e in exclusions if e.start_date >= start_year][:1]
    for i, pid in enumerate(chosen):
        started = max(start_year + dt.timedelta(days=21), ctx.today - dt.timedelta(weeks=7 + i))
        psp = PastoralSupportProgramme.objects.create(
            school=ctx.school,
            pupil_id=pid,
            start_date=started,
            end_date=started + dt.timedelta(weeks=16),
            coordinator=coordinator,
            reason="Two suspensions this term; rising negative points.",
            pupil_views="Finds afternoons hard; wants to stay in lessons.",
            parent_views="Supportive; worried about the suspensions.",
            agency_views="Early Help worker to attend reviews.",
            targets="Attend every lesson on time.\nUse the time-out card instead of leaving class.\nNo suspensions.",
            rewards="Weekly phone call home when targets are met.",
            contingency="If removed twice in a week: meeting with parents and head of year.",
        )
        PSPAction.objects.bulk_create(
            [
                PSPAction(
                    psp=psp,
                    task="Weekly mentoring session",
                    owner="Pastoral co-ordinator",
                    due=started + dt.timedelta(weeks=1),
                ),
                PSPAction(
                    psp=psp,
                    task="Report card with daily targets",
                    owner="Head of year",
                    due=started + dt.timedelta(days=3),
                ),
            ]
        )
        card = ReportCard.objects.create(
            school=ctx.school,
            pupil_id=pid,
            start_date=started,
            end_date=started + dt.timedelta(days=11),
            targets="Arrive on time with equipment\nStay in the lesson\nFollow instructions first time",
            set_by=coordinator,
        )
        ReportCardEntry.objects.bulk_create(
            ReportCardEntry(
                card=card, date=day, period=period, rating=ctx.rng.choice([1, 2, 2, 3, 4]), teacher=coordinator
            )
            for day in ctx.calendar.school_days(started, min(card.end_date, ctx.today - dt.timedelta(days=1)))
            for period in (1, 3, 5)
        )
        if i == 0 and started + dt.timedelta(weeks=6) < ctx.today:
            PSPReview.objects.create(
                psp=psp,
                date=started + dt.timedelta(weeks=6),
                progress="Fewer removals from lessons; one lunchtime incident.",
                outcome=PSPReview.Outcome.CONTINUE,
                next_review=started + dt.timedelta(weeks=12),
                reviewed_by=coordinator,
            )
