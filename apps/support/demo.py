"""Demo: plans with reviews and versions, an intervention catalogue with groups, registers and
measures, reintegration plans after suspensions, and off-site placements, over the years of
history. Written with bulk inserts (a few thousand rows) so the whole seed stays fast.

Proportions (synthetic, chosen to look like a typical 11–16 school): about 8% of pupils on a
support plan in a year, 1% with a reintegration plan, 0.5% at off-site provision, and about 12%
in at least one intervention group.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from apps.accounts.models import Role
from apps.chronology.models import Confidentiality, Entry, Kind
from apps.demo.context import DemoContext

from . import statutory
from .models import (
    AttainmentRecord,
    GroupMember,
    GroupSession,
    Intervention,
    InterventionCategory,
    InterventionGroup,
    Need,
    Placement,
    PlacementContact,
    PlanAction,
    PlanKind,
    PlanReview,
    PlanStatus,
    PlanTarget,
    PlanType,
    PlanVersion,
    Provider,
    ProviderKind,
    Reintegration,
    ReintegrationPhase,
    ReintegrationReason,
    ReviewDecision,
    SessionAttendance,
    SupportPlan,
    TargetProgress,
)
from .selectors import summarise_attainment

SEMH, COMMS, BEHAVIOUR = Need.SEMH, Need.COMMUNICATION, Need.BEHAVIOUR
IC = InterventionCategory
CATALOGUE = [
    ("Friendship group", IC.FRIENDSHIP, "Tuesday lunchtime, library", 8, "25.00", SEMH),
    ("Social communication group", IC.SOCIAL_COMMUNICATION, "Thursday P5, room L2", 6, "60.00", COMMS),
    ("Anger management", IC.ANGER_MANAGEMENT, "Wednesday P3, pastoral base", 6, "120.00", BEHAVIOUR),
    ("Learning mentor", IC.MENTORING, "Weekly 1:1, pastoral base", 10, "180.00", SEMH),
    ("School counsellor", IC.COUNSELLING, "Monday and Friday, medical room", 8, "300.00", SEMH),
    ("Homework club", IC.HOMEWORK, "Mon–Thu after school, library", 30, "10.00", Need.LEARNING),
    ("Breakfast club (attendance)", IC.CLUB, "Daily 8:00, canteen", 25, "35.00", Need.ATTENDANCE),
    ("Behaviour Support Service", IC.BEHAVIOUR_SUPPORT, "Fortnightly, visiting", 6, "400.00", BEHAVIOUR),
]

BARRIERS = [
    "Anxiety in crowded corridors and at lunch; avoids the canteen.",
    "Falling out with friends online spills into lessons.",
    "Late most mornings: caring for a younger sibling before school.",
    "Struggles to manage frustration when work is hard; leaves lessons.",
    "Low mood since a family bereavement; tired and withdrawn.",
    "Reading age well below chronological age; avoids written tasks.",
]
TARGETS = [
    ("Arrive on time at least 4 days a week", "Register shows L or / by 8:40"),
    ("Use the time-out card instead of leaving the lesson", "No 'left lesson' incidents for 3 weeks"),
    ("Eat lunch in the canteen with a friend twice a week", "Lunch supervisor check-in"),
    ("Attend every mentoring session", "Mentor register"),
    ("Hand in homework on time in English and maths", "Teacher log"),
    ("Talk to a trusted adult when worried", "Pupil's own rating at review"),
]
ACTIONS = [
    "Early lesson pass for corridors",
    "Meet parents to agree morning routine",
    "Refer to school counsellor",
    "Seat plan review with subject teachers",
    "Daily check-in with keyworker",
    "Breakfast club place",
]
PUPIL_VIEWS = [
    "I just want it to be quieter.",
    "I don't like being told off in front of everyone.",
    "Mornings are hard.",
]
PARENT_VIEWS = ["We want her to feel safe at school.", "He's happier when he has a routine.", "Please ring us first."]
PROVIDERS = [
    ("Riverbend Skills Centre", ProviderKind.APPROVED_ACTIVITY),
    ("Riverbend Pupil Referral Unit", ProviderKind.LA_ARRANGED),
    ("Northgate Academy (dual registration)", ProviderKind.DUAL_REGISTRATION),
]


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    school = ctx.school
    today = ctx.today
    keyworkers = [*ctx.staff.get(Role.PASTORAL, []), *ctx.staff.get(Role.PASTORAL_LEAD, [])]
    if not keyworkers or not ctx.pupils:
        return
    # The named demo keyworker ("pastoral"), not the deputy DSL who also holds the pastoral role.
    named = next(
        (u for u in ctx.staff[Role.PASTORAL] if u.username.startswith("pastoral")), ctx.staff[Role.PASTORAL][0]
    )
    dsl = ctx.staff.get(Role.DSL, keyworkers)[0]
    owners = keyworkers + ctx.staff.get(Role.HEAD_OF_YEAR, []) + ctx.staff.get(Role.SENCO, [])
    start = ctx.history_start

    def on_roll(pupil: Any, day: dt.date) -> bool:
        return bool(pupil.is_on_roll(day))

    def school_day(day: dt.date) -> dt.date:
        try:
            return ctx.calendar.next_school_day(day)  # type: ignore[no-any-return]
        except ValueError:
            return day

    def aware(day: dt.date, hour: int = 10) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))

    types = _plan_types(ctx)
    young_carer = types.pop("young_carer")

    # Plans: pick pupils and start dates across the history, weighted to the current year.
    span = (today - start).days
    plan_rows: list[SupportPlan] = []
    plan_meta: list[tuple[int, int]] = []  # (reviews to hold, versions to write)
    wanted = max(6, round(len(ctx.pupils) * 0.08 * (ctx.years + 1) / 2))
    candidates = [p for p in ctx.pupils]
    rng.shuffle(candidates)
    for i, pupil in enumerate(candidates[:wanted]):
        started = school_day(start + dt.timedelta(days=rng.randrange(max(1, span - 10))))
        if not on_roll(pupil, started):
            continue
        kind = rng.choices(
            [PlanKind.PASTORAL_SUPPORT, PlanKind.ATTENDANCE, PlanKind.BEHAVIOUR, PlanKind.PSP, PlanKind.SEN_SUPPORT,
             PlanKind.INDIVIDUAL_LEARNING, PlanKind.EARLY_HELP, PlanKind.CIN],
            [30, 22, 14, 6, 10, 10, 5, 3],
        )[0]  # fmt: skip
        interval = 16 if kind == PlanKind.PSP else rng.choice([4, 6, 6, 6, 8])
        weeks_open = (today - started).days // 7
        reviews_due = weeks_open // interval  # reviews that fell due by today
        # Most plans close after two to four reviews; those still open have had every review held,
        # so an open plan is current (a few slip below), as in a caseload the lead keeps in hand.
        reviews = min(reviews_due, rng.choice([2, 2, 3, 4]))
        closes = reviews_due > reviews and (rng.random() < 0.6 or reviews_due > 8)
        if not closes:
            reviews = reviews_due
        keyworker = named if i % 3 == 0 else rng.choice(keyworkers)
        plan_rows.append(
            SupportPlan(
                school=school,
                pupil=pupil,
                kind=kind,
                plan_type=young_carer if kind == PlanKind.PASTORAL_SUPPORT and i % 5 == 0 else types[kind],
                title=_title(kind, rng),
                keyworker=keyworker,
                status=PlanStatus.CLOSED if closes else PlanStatus.ACTIVE,
                started_on=started,
                review_interval_weeks=interval,
                next_review_on=None,
                created_by=dsl if kind in (PlanKind.EARLY_HELP, PlanKind.CIN) else keyworker,
            )
        )
        plan_meta.append((reviews, 1))
    plans = SupportPlan.objects.bulk_create(plan_rows)

    versions: list[PlanVersion] = []
    version_plan: list[tuple[SupportPlan, int]] = []
    review_specs: list[tuple[SupportPlan, int, dt.date, dt.date, str]] = []
    for plan, (reviews, _) in zip(plans, plan_meta, strict=True):
        held = []
        day = plan.started_on
        for _ in range(reviews):
            day = school_day(statutory.next_review_date(day, plan.review_interval_weeks))
            if day > today:
                break
            held.append(day)
        number = 1
        versions.append(_version(plan, 1, plan.started_on, rng, "First version"))
        version_plan.append((plan, 1))
        previous = plan.started_on
        for r, day in enumerate(held):
            last = r == len(held) - 1
            decision: str
            if last and plan.status == PlanStatus.CLOSED:
                decision = ReviewDecision.CLOSE
            else:
                decision = rng.choices([ReviewDecision.CONTINUE, ReviewDecision.AMEND], [65, 35])[0]
            review_specs.append((plan, number, previous, day, decision))
            previous = day + dt.timedelta(days=1)
            if decision == ReviewDecision.AMEND:
                number += 1
                versions.append(_version(plan, number, day, rng, f"Amended at the review of {day:%d/%m/%Y}"))
                version_plan.append((plan, number))
        plan.current_version = number
        if plan.status == PlanStatus.CLOSED and held:
            plan.closed_on = held[-1]
        elif plan.status == PlanStatus.CLOSED:
            plan.status = PlanStatus.ACTIVE
        if plan.status == PlanStatus.ACTIVE:
            base = held[-1] if held else plan.started_on
            plan.next_review_on = statutory.next_review_date(base, plan.review_interval_weeks)
            # Some reviews slip: a few fall overdue, as they do in real caseloads.
            if rng.random() < 0.15:
                plan.next_review_on = today - dt.timedelta(days=rng.randrange(1, 20))
    SupportPlan.objects.bulk_update(plans, ["current_version", "closed_on", "status", "next_review_on"])
    versions = PlanVersion.objects.bulk_create(versions)
    by_key = {(v.plan_id, v.number): v for v in versions}

    targets: list[PlanTarget] = []
    actions: list[PlanAction] = []
    for v in versions:
        made = v.created_at.date()
        for order, (text, measure) in enumerate(rng.sample(TARGETS, rng.choice([2, 3, 3])), start=1):
            targets.append(
                PlanTarget(
                    version=v,
                    order=order,
                    description=text,
                    success_measure=measure,
                    due_on=made + dt.timedelta(weeks=rng.choice([4, 6, 8])),
                )
            )
        for text in rng.sample(ACTIONS, rng.choice([2, 3])):
            due = made + dt.timedelta(days=rng.randrange(5, 30))
            done = due - dt.timedelta(days=rng.randrange(0, 4)) if due < today and rng.random() < 0.85 else None
            actions.append(
                PlanAction(version=v, description=text, owner=rng.choice(owners), due_on=due, completed_on=done)
            )
    targets = PlanTarget.objects.bulk_create(targets)
    PlanAction.objects.bulk_create(actions)
    targets_by_version: dict[int, list[PlanTarget]] = {}
    for t in targets:
        targets_by_version.setdefault(t.version_id, []).append(t)

    attainment = _attainment(ctx, rng, {plan.pupil_id for plan in plans})
    review_rows: list[PlanReview] = []
    marks = _marks_by_pupil(ctx, {plan.pupil_id for plan, *_ in review_specs})
    for plan, number, period_start, held_on, decision in review_specs:
        figures = _figures(ctx, plan, period_start, held_on, marks, with_behaviour=plan.keyworker_id == named.pk)
        review_rows.append(
            PlanReview(
                plan=plan,
                version=by_key[(plan.pk, number)],
                held_on=held_on,
                period_start=period_start,
                period_end=held_on,
                attendees="Keyworker, pupil, parent",
                summary=rng.choice(
                    [
                        "Good progress on punctuality; mornings still hard after weekends.",
                        "Fewer incidents; pupil says the time-out card helps.",
                        "Little change; agreed to add a counselling referral.",
                        "Targets met; family and pupil happy to close the plan.",
                    ]
                ),
                decision=decision,
                next_review_on=None if decision == ReviewDecision.CLOSE else held_on + dt.timedelta(weeks=6),
                possible_sessions=figures[0],
                attended_sessions=figures[1],
                unauthorised_sessions=figures[2],
                behaviour=figures[3],
                attainment=summarise_attainment(attainment.get(plan.pupil_id, []), period_start, held_on),
                recorded_by=plan.keyworker,
                recorded_at=aware(held_on, 15),
            )
        )
    review_rows = PlanReview.objects.bulk_create(review_rows)
    progress = []
    for review in review_rows:
        for t in targets_by_version.get(review.version_id, []):
            rating = 3 if review.decision == ReviewDecision.CLOSE else rng.choice([0, 1, 1, 2, 2, 3])
            progress.append(TargetProgress(review=review, target=t, rating=rating, note=""))
    TargetProgress.objects.bulk_create(progress)

    entries = [
        Entry(
            school=school,
            pupil=plan.pupil,
            occurred_at=aware(plan.started_on, 11),
            kind=Kind.SUPPORT,
            title=f"{plan.type_name} opened: {plan.title}"[:200],
            author=plan.created_by,
            source_type="support.supportplan",
            source_id=str(plan.pk),
            source_url=f"/support/plans/{plan.pk}/",
            confidentiality=Confidentiality.SAFEGUARDING if plan.is_safeguarding else Confidentiality.PASTORAL,
        )
        for plan in plans
    ] + [
        Entry(
            school=school,
            pupil=r.plan.pupil,
            occurred_at=aware(r.held_on, 15),
            kind=Kind.SUPPORT,
            title=f"{r.plan.type_name} reviewed: {r.get_decision_display().lower()}"[:200],
            author=r.recorded_by,
            source_type="support.supportplan",
            source_id=str(r.plan_id),
            source_url=f"/support/plans/{r.plan_id}/",
            confidentiality=Confidentiality.SAFEGUARDING if r.plan.is_safeguarding else Confidentiality.PASTORAL,
        )
        for r in review_rows
    ]

    _psp_plans(ctx, rng, types[PlanKind.PSP], named)
    _reintegrations(ctx, rng, keyworkers, named, types[PlanKind.REINTEGRATION])
    entries += _interventions(ctx, rng, owners, named, aware)
    _placements(ctx, rng, named, aware)
    _questionnaires(ctx, rng, named)
    _appointments(ctx, rng, named)
    Entry.objects.bulk_create(entries, batch_size=500)
    ctx.say(
        f"{len(plans)} support plans ({len(versions)} versions, {len(review_rows)} reviews), "
        f"{Intervention.objects.filter(school=school).count()} interventions, "
        f"{GroupMember.objects.filter(group__school=school).count()} group places, "
        f"{Placement.objects.filter(school=school).count()} off-site placements"
    )


def _plan_types(ctx: DemoContext) -> dict[str, Any]:
    """The school's default types plus one of its own (a young carer plan, on the pastoral
    support base), by base kind; the custom one under "young_carer"."""
    from .services import ensure_plan_types

    ensure_plan_types(ctx.school)
    found: dict[str, Any] = {}
    for plan_type in PlanType.objects.filter(school=ctx.school).order_by("order", "pk"):
        found.setdefault(plan_type.base, plan_type)
    found["young_carer"] = PlanType.objects.create(
        school=ctx.school,
        name="Young carer support plan",
        description="For a pupil who cares for someone at home: time, a quiet space and flexibility.",
        base=PlanKind.PASTORAL_SUPPORT,
        order=15,
    )
    return found


SUBJECTS = ("English", "Mathematics", "Science")


def _attainment(ctx: DemoContext, rng: Any, pupil_ids: set[int]) -> dict[int, list[tuple[str, str, dt.date, str, str]]]:
    """Working-at grades (1–9) three times a year in English, maths and science for the pupils on
    plans, so their reviews show attainment; returns the rows by pupil for the review copies."""
    days = [
        dt.date(year, month, day)
        for year in range(ctx.history_start.year, ctx.today.year + 1)
        for month, day in ((3, 20), (7, 5), (12, 5))
        if ctx.history_start <= dt.date(year, month, day) <= ctx.today
    ]
    days = sorted(set(days))
    rows: list[AttainmentRecord] = []
    by_pupil: dict[int, list[tuple[str, str, dt.date, str, str]]] = {}
    for pupil_id in sorted(pupil_ids):
        for subject in SUBJECTS:
            grade = rng.randint(2, 6)
            target = str(min(9, grade + 2))
            for on in days:
                grade = max(1, min(9, grade + rng.choice([-1, 0, 0, 1, 1])))
                rows.append(
                    AttainmentRecord(
                        school=ctx.school,
                        pupil_id=pupil_id,
                        subject=subject,
                        assessed_on=on,
                        value=str(grade),
                        target=target,
                        source="Assessment data import",
                    )
                )
                by_pupil.setdefault(pupil_id, []).append((subject, "Working-at grade", on, str(grade), target))
    AttainmentRecord.objects.bulk_create(rows, batch_size=1000)
    return by_pupil


def _psp_plans(ctx: DemoContext, rng: Any, plan_type: Any, named: Any) -> None:
    """Plans that carry the behaviour module's PSPs (up to three, the named keyworker's first)."""
    from apps.behaviour.models import PastoralSupportProgramme

    psps = list(
        PastoralSupportProgramme.objects.filter(school=ctx.school)
        .select_related("pupil")
        .order_by("status", "-start_date")[:3]
    )
    for psp in psps:
        plan = SupportPlan.objects.create(
            school=ctx.school,
            pupil=psp.pupil,
            kind=PlanKind.PSP,
            plan_type=plan_type,
            psp=psp,
            title="Pastoral Support Programme",
            keyworker=named,
            status=PlanStatus.ACTIVE if psp.status == PastoralSupportProgramme.Status.ACTIVE else PlanStatus.CLOSED,
            started_on=psp.start_date,
            closed_on=None if psp.status == PastoralSupportProgramme.Status.ACTIVE else psp.end_date,
            review_interval_weeks=psp.review_every_weeks,
            next_review_on=statutory.next_review_date(ctx.today, psp.review_every_weeks)
            if psp.status == PastoralSupportProgramme.Status.ACTIVE
            else None,
            created_by=named,
        )
        version = _version(plan, 1, psp.start_date, rng, "First version")
        version.save()
        PlanTarget.objects.create(
            version=version, order=1, description="Meet the PSP targets agreed with the family", due_on=psp.end_date
        )
        PlanAction.objects.create(
            version=version,
            description="Weekly check-in on the PSP report card",
            owner=named,
            due_on=psp.start_date + dt.timedelta(days=7),
            completed_on=psp.start_date + dt.timedelta(days=7),
        )


# Which barriers make sense for each kind of plan (indexes into BARRIERS); any for the others.
KIND_BARRIERS: dict[str, tuple[int, ...]] = {
    PlanKind.ATTENDANCE: (0, 2, 4),
    PlanKind.BEHAVIOUR: (1, 3),
    PlanKind.PSP: (1, 3),
    PlanKind.SEN_SUPPORT: (3, 5),
    PlanKind.INDIVIDUAL_LEARNING: (5, 3),
}


def _title(kind: str, rng: Any) -> str:
    label = str(dict(PlanKind.choices)[kind]).split(" (")[0]
    choices = KIND_BARRIERS.get(kind, tuple(range(len(BARRIERS))))
    focus = BARRIERS[rng.choice(choices)].split(";")[0].split(":")[0]
    return f"{label}: {focus}"[:200]


def _version(plan: SupportPlan, number: int, day: dt.date, rng: Any, reason: str) -> PlanVersion:
    return PlanVersion(
        plan=plan,
        number=number,
        barriers=rng.choice(BARRIERS),
        assessment_sources=rng.choice(["Interview and observation", "Questionnaire and attendance data", "Interview"]),
        strategies="Keyworker check-in each morning; agreed exit card; seat near the door.",
        pupil_views=rng.choice(PUPIL_VIEWS),
        parent_views=rng.choice(PARENT_VIEWS),
        change_reason=reason,
        created_by=plan.keyworker,
        created_at=timezone.make_aware(dt.datetime.combine(day, dt.time(15, 30))),
    )


def _marks_by_pupil(ctx: DemoContext, pupil_ids: set[int]) -> dict[int, list[tuple[dt.date, str]]]:
    """Every mark of these pupils, read once (the reviews' figures are counted from memory)."""
    from apps.attendance.selectors import on_roll_marks

    result: dict[int, list[tuple[dt.date, str]]] = {pid: [] for pid in pupil_ids}
    rows = on_roll_marks(ctx.school, ctx.history_start, ctx.today).filter(pupil_id__in=list(pupil_ids))
    for pid, day, code in rows.values_list("pupil_id", "date", "code").iterator(chunk_size=5000):
        result[pid].append((day, code))
    return result


def _figures(
    ctx: DemoContext,
    plan: SupportPlan,
    start: dt.date,
    end: dt.date,
    marks: dict[int, list[tuple[dt.date, str]]],
    *,
    with_behaviour: bool,
) -> tuple[int, int, int, dict[str, Any]]:
    """The figures a review copies in: attendance counted as domain §1.3 (the attendance module's
    code sets), behaviour from the behaviour module for the named keyworker's reviews only (the
    rest keep the seed fast)."""
    from apps.attendance.statutory import summarise_codes
    from apps.behaviour import selectors as behaviour_selectors

    from . import selectors

    summary = summarise_codes(code for day, code in marks.get(plan.pupil_id, []) if start <= day <= end)
    behaviour: dict[str, Any] = {}
    if with_behaviour:
        totals = behaviour_selectors.behaviour_totals(
            school=ctx.school, pupil_ids=[plan.pupil_id], start=start, end=end
        )
        behaviour = selectors.behaviour_figures(totals.get(plan.pupil_id))
    return summary.possible_sessions, summary.present, summary.unauthorised_absence, behaviour


def _reintegrations(ctx: DemoContext, rng: Any, keyworkers: list[Any], named: Any, plan_type: Any) -> None:
    """About 1% of pupils a year return after a suspension or long absence; one of the named
    keyworker's is in progress now, its first week on mornings only: a part-time timetable started
    through the attendance module and linked to the phase."""
    from apps.attendance import services as attendance

    school, today = ctx.school, ctx.today
    pupils = [p for p in ctx.pupils if p.is_on_roll(today)]
    count = max(2, round(len(ctx.pupils) * 0.01 * ctx.years))
    chosen = rng.sample(pupils, min(count, len(pupils)))
    for i, pupil in enumerate(chosen):
        current = i == 0
        started = today - dt.timedelta(days=10 if current else rng.randrange(40, (today - ctx.history_start).days))
        started = started - dt.timedelta(days=started.weekday())  # a Monday
        keyworker = named if current else rng.choice(keyworkers)
        plan = SupportPlan.objects.create(
            school=school,
            pupil=pupil,
            kind=PlanKind.REINTEGRATION,
            plan_type=plan_type,
            title="Reintegration after a suspension" if i % 2 == 0 else "Reintegration after long absence",
            keyworker=keyworker,
            status=PlanStatus.ACTIVE if current else PlanStatus.CLOSED,
            started_on=started,
            closed_on=None if current else started + dt.timedelta(weeks=4),
            review_interval_weeks=2,
            next_review_on=started + dt.timedelta(weeks=2) if current else None,
            created_by=keyworker,
        )
        version = _version(plan, 1, started, rng, "First version")
        version.save()
        PlanTarget.objects.create(
            version=version,
            order=1,
            description="Attend every timetabled session",
            due_on=started + dt.timedelta(weeks=4),
        )
        PlanAction.objects.create(
            version=version,
            description="Daily check-in at 8:35",
            owner=keyworker,
            due_on=started + dt.timedelta(days=1),
            completed_on=started + dt.timedelta(days=1),
        )
        reintegration = Reintegration.objects.create(
            plan=plan,
            reason=ReintegrationReason.SUSPENSION if i % 2 == 0 else ReintegrationReason.LONG_ABSENCE,
            meeting_on=started - dt.timedelta(days=3),
            meeting_attendees="Pastoral lead, keyworker, parent, pupil",
            parent_attended=rng.random() < 0.8,
            check_in_with=keyworker.display_name,
        )
        first, *_ = ReintegrationPhase.objects.bulk_create(
            [
                ReintegrationPhase(
                    reintegration=reintegration,
                    starts_on=started,
                    ends_on=started + dt.timedelta(days=4),
                    timetable="Core lessons, mornings" if current else "Full timetable with a learning mentor in maths",
                    lesson_support="Teaching assistant in English and maths",
                    reduces_hours=current,
                ),
                ReintegrationPhase(
                    reintegration=reintegration,
                    starts_on=started + dt.timedelta(days=7),
                    ends_on=started + dt.timedelta(days=11),
                    timetable="Full timetable",
                    lesson_support="Check-in at break",
                ),
            ]
        )
        if current:
            first.part_time = attendance.start_part_time_timetable(
                named,
                pupil=pupil,
                start_date=first.starts_on,
                planned_end_date=first.ends_on,
                attended_sessions=["0AM", "1AM", "2AM", "3AM", "4AM"],
                reason=f"Reintegration plan: {first.timetable}",
                parent_agreed_on=started - dt.timedelta(days=3),
                next_review=first.ends_on,
                not_to_manage_behaviour=True,
            )
            first.save(update_fields=["part_time"])


def _interventions(ctx: DemoContext, rng: Any, owners: list[Any], named: Any, aware: Any) -> list[Entry]:
    school, today = ctx.school, ctx.today
    catalogue = Intervention.objects.bulk_create(
        Intervention(
            school=school,
            name=name,
            category=category,
            when_where=when,
            capacity=capacity,
            cost_per_pupil=Decimal(cost),
            lead=named if i == 0 else rng.choice(owners),
            provider="Riverbend Behaviour Support Service"
            if category == InterventionCategory.BEHAVIOUR_SUPPORT
            else "",
        )
        for i, (name, category, when, capacity, cost, _need) in enumerate(CATALOGUE)
    )
    needs = {name: need for name, _c, _w, _cap, _cost, need in CATALOGUE}
    groups: list[InterventionGroup] = []
    # One group per intervention per term (three terms a year) through the history.
    term_starts: list[dt.date] = []
    for year in range(ctx.first_year_start, today.year + 1):
        for month, day in ((9, 15), (1, 12), (4, 27)):
            begin = dt.date(year if month == 9 else year + 1, month, day)
            if ctx.history_start <= begin <= today:
                term_starts.append(begin)
    for intervention in catalogue:
        for begin in term_starts:
            runner = named if intervention.name == "Friendship group" else (intervention.lead or rng.choice(owners))
            groups.append(
                InterventionGroup(
                    school=school,
                    intervention=intervention,
                    name=f"{intervention.name}, {begin:%B %Y}",
                    runner=runner,
                    starts_on=begin,
                    ends_on=begin + dt.timedelta(weeks=10),
                )
            )
    groups = InterventionGroup.objects.bulk_create(groups)
    members: list[GroupMember] = []
    scale = min(1.0, len(ctx.pupils) / 800)
    for group in groups:
        on_roll = [p for p in ctx.pupils if p.is_on_roll(group.starts_on)]
        size = max(2, int(group.intervention.capacity * rng.uniform(0.6, 1.0) * scale))
        finished = group.ends_on is not None and group.ends_on < today
        for pupil in rng.sample(on_roll, min(size, len(on_roll))):
            entry = rng.randint(8, 18)
            members.append(
                GroupMember(
                    group=group,
                    pupil=pupil,
                    need=needs[group.intervention.name],
                    joined_on=group.starts_on,
                    left_on=group.ends_on if finished else None,
                    entry_score=entry,
                    exit_score=min(30, entry + rng.randint(-2, 8)) if finished else None,
                    entry_rating=rng.randint(2, 6),
                    exit_rating=rng.randint(4, 9) if finished else None,
                )
            )
    members = GroupMember.objects.bulk_create(members, batch_size=500)
    by_group: dict[int, list[GroupMember]] = {}
    for m in members:
        by_group.setdefault(m.group_id, []).append(m)
    sessions: list[GroupSession] = []
    for group in groups:
        if group.intervention.category in (InterventionCategory.HOMEWORK, InterventionCategory.CLUB):
            continue  # drop-in clubs keep no weekly register in the demo
        meets: dt.date = group.starts_on + dt.timedelta(days=1)
        end = min(group.ends_on or today, today - dt.timedelta(days=1))
        while meets <= end:
            if ctx.calendar.is_school_day(meets):
                sessions.append(
                    GroupSession(
                        group=group, held_on=meets, taken_by=group.runner, notes=rng.choice(["", "", "Calm, focused."])
                    )
                )
            meets += dt.timedelta(weeks=1)
    sessions = GroupSession.objects.bulk_create(sessions, batch_size=500)
    attendance = [
        SessionAttendance(session=s, pupil_id=m.pupil_id, present=rng.random() < 0.86)
        for s in sessions
        for m in by_group.get(s.group_id, [])
    ]
    SessionAttendance.objects.bulk_create(attendance, batch_size=1000)
    return [
        Entry(
            school=school,
            pupil_id=m.pupil_id,
            occurred_at=aware(m.joined_on, 12),
            kind=Kind.SUPPORT,
            title=f"Joined {m.group.intervention.name} ({m.group.name})"[:200],
            author=m.group.runner,
            source_type="support.interventiongroup",
            source_id=str(m.group_id),
            source_url=f"/support/groups/{m.group_id}/",
            confidentiality=Confidentiality.PASTORAL,
        )
        for m in members
    ]


def _placements(ctx: DemoContext, rng: Any, named: Any, aware: Any) -> None:
    """About 0.5% of pupils attend off-site provision; the provider's reports become B/D/K marks
    through the attendance module for the last few weeks."""
    from apps.attendance import services as attendance

    school, today = ctx.school, ctx.today
    providers = Provider.objects.bulk_create(
        Provider(school=school, name=name, kind=kind, contact_name="Centre manager", telephone="01632 960111")
        for name, kind in PROVIDERS
    )
    older = [p for p in ctx.pupils if p.year_group.number >= 10 and p.is_on_roll(today)]
    count = max(2, round(len(ctx.pupils) * 0.005))
    for i, pupil in enumerate(rng.sample(older, min(count, len(older)))):
        provider = providers[i % len(providers)]
        starts = today - dt.timedelta(weeks=rng.randint(3, 10))
        starts -= dt.timedelta(days=starts.weekday())
        placement = Placement.objects.create(
            school=school,
            pupil=pupil,
            provider=provider,
            starts_on=starts,
            weekdays="0,2" if i % 2 == 0 else "1,3",
            sessions="AM,PM",
            safeguarding_confirmed_on=None if i == 1 else starts - dt.timedelta(days=7),
            safeguarding_reference="" if i == 1 else "Letter from the provider",
            keyworker=named if i == 0 else rng.choice(ctx.staff[Role.PASTORAL_LEAD]),
            review_interval_weeks=6,
            next_review_on=statutory.next_review_date(starts, 6),
        )
        PlacementContact.objects.create(
            placement=placement,
            contacted_on=starts + dt.timedelta(days=7),
            note="First week went well; arrived on time each day.",
            recorded_by=placement.keyworker,
        )
        runs = statutory.placement_sessions(
            placement.weekday_numbers,
            placement.session_list,
            ctx.calendar.sessions(max(starts, today - dt.timedelta(weeks=3)), today - dt.timedelta(days=1)),
        )
        runs = [(d, s) for d, s in runs if pupil.is_on_roll(d)]
        if runs and i == 0:
            # The named keyworker's placement: the provider's weekly files, imported as a school
            # would (one missed morning, for the attendance office to resolve).
            from .csv_import import import_provider_attendance

            lines = ["upn,date,session,attended"] + [
                f"{pupil.upn},{d:%d/%m/%Y},{s},{'N' if n == 2 else 'Y'}" for n, (d, s) in enumerate(runs)
            ]
            import_provider_attendance(placement, lines, calendar=ctx.calendar)
            PlacementContact.objects.create(
                placement=placement,
                contacted_on=runs[-1][0],
                note="Weekly attendance file received from the provider and imported.",
                recorded_by=placement.keyworker,
            )
        elif runs:
            attendance.record_marks(
                None,
                school=school,
                pupil=pupil,
                sessions=runs,
                code=statutory.placement_code(provider.kind),
                reason=f"Reported by {provider.name}",
                calendar=ctx.calendar,
            )


WELLBEING = [
    "I feel safe at school",
    "I have a friend I can talk to",
    "I know which adult to go to if I am worried",
    "I enjoy coming to school",
]


def _questionnaires(ctx: DemoContext, rng: Any, named: Any) -> None:
    """A named wellbeing check answered by pupils on plans, and an anonymous whole-school survey."""
    from .models import Answer, Question, Questionnaire, QuestionnaireResponse

    school, today = ctx.school, ctx.today
    made = []
    for title, anonymous in (("Wellbeing check", False), ("Whole-school wellbeing survey", True)):
        questionnaire = Questionnaire.objects.create(
            school=school,
            title=title,
            introduction="There are no right or wrong answers. Choose 1 for not at all, 5 for very much.",
            anonymous=anonymous,
            created_by=named,
        )
        questions = Question.objects.bulk_create(
            [Question(questionnaire=questionnaire, order=i, text=t) for i, t in enumerate(WELLBEING, start=1)]
            + [Question(questionnaire=questionnaire, order=9, text="Anything else you want to tell us?", kind="text")]
        )
        made.append((questionnaire, questions))
    planned = list(
        {p.pupil_id: p.pupil for p in SupportPlan.objects.filter(school=school).select_related("pupil")}.values()
    )
    on_roll = [p for p in ctx.pupils if p.is_on_roll(today)]
    from apps.people.models import YearGroup

    year_numbers = dict(YearGroup.objects.filter(school=school).values_list("pk", "number"))
    responses: list[QuestionnaireResponse] = []
    ratings: list[list[int | None]] = []
    for (questionnaire, _questions), pupils in (
        (made[0], planned[:40]),
        (made[1], rng.sample(on_roll, min(150, len(on_roll)))),
    ):
        for pupil in pupils:
            scores: list[int | None] = [rng.choice([2, 3, 3, 4, 4, 5]) for _ in WELLBEING] + [None]
            responses.append(
                QuestionnaireResponse(
                    questionnaire=questionnaire,
                    pupil=None if questionnaire.anonymous else pupil,
                    year_number=year_numbers.get(pupil.year_group_id),
                    submitted_at=timezone.make_aware(
                        dt.datetime.combine(today - dt.timedelta(days=rng.randrange(1, 60)), dt.time(10, 15))
                    ),
                    total_score=statutory.questionnaire_score(scores),
                )
            )
            ratings.append(scores)
    responses = QuestionnaireResponse.objects.bulk_create(responses, batch_size=500)
    question_sets = {q.pk: qs for q, qs in made}
    Answer.objects.bulk_create(
        (
            Answer(response=r, question=q, rating=score, text="" if score else rng.choice(["", "", "Lunch is noisy."]))
            for r, scores in zip(responses, ratings, strict=True)
            for q, score in zip(question_sets[r.questionnaire_id], scores, strict=True)
        ),
        batch_size=1000,
    )


def _appointments(ctx: DemoContext, rng: Any, named: Any) -> None:
    """Careers adviser days this term: most of Year 11 seen, some of Year 10, and free slots ahead."""
    from .models import Appointment

    school, today = ctx.school, ctx.today
    pupils = [p for p in ctx.pupils if p.is_on_roll(today) and p.year_group.number in (10, 11)]
    rng.shuffle(pupils)
    seen = [p for p in pupils if rng.random() < (0.6 if p.year_group.number == 11 else 0.2)]
    rows = []
    day = today - dt.timedelta(days=60)
    slot = 0
    while slot < len(seen) + 12:
        day += dt.timedelta(days=1)
        if day.weekday() != 2 or not ctx.calendar.is_school_day(day):
            if day > today + dt.timedelta(days=60):
                break
            continue
        for i in range(8):
            starts = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)) + dt.timedelta(minutes=30 * i))
            pupil = seen[slot] if slot < len(seen) and day < today else None
            rows.append(
                Appointment(
                    school=school,
                    adviser="Ms Okafor (careers adviser)",
                    starts_at=starts,
                    location="Careers office",
                    pupil=pupil,
                    preparation="Completed the careers questionnaire." if pupil else "",
                    outcome="Discussed college courses and apprenticeships; action plan emailed." if pupil else "",
                    attended=True if pupil else None,
                    booked_by=named if pupil else None,
                )
            )
            if pupil is not None or day >= today:
                slot += 1
    Appointment.objects.bulk_create(rows, batch_size=500)
