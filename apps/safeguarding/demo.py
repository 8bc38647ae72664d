"""Demo: a plausible two-year safeguarding history, entirely fictional.

Proportions (a secondary school of about 1,000): roughly one pupil in eight has a concern in a
year, a few pupils have many; about 1% have a CP plan, 2-3% a CIN plan, 4% Early Help; every
pupil flagged looked after in `people` has an LAC status. Most concerns are triaged within a day
and closed within a term; the last few days leave a live queue for the DSL (one immediate-risk
concern, untriaged concerns, an overdue action, a referral with no response yet). Rows are
written with bulk_create; the chronology gets one safeguarding-level entry per pupil per concern.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from apps.accounts.models import Role
from apps.chronology.models import Confidentiality, Entry, Kind
from apps.demo.context import DemoContext

from . import statutory
from .models import (
    AbuseCategory,
    Concern,
    ConcernAction,
    ConcernPupil,
    CPFileTransfer,
    Decision,
    ReferralResponse,
    SafeguardingStatus,
    StaffAllegation,
    StatusKind,
    TriageDecision,
)

CATEGORY_WEIGHTS = [
    ("MENTAL_HEALTH", 18),
    ("SELF_HARM", 9),
    ("NEGL", 12),
    ("EMOT", 10),
    ("DOMESTIC_ABUSE", 9),
    ("CHILD_ON_CHILD", 10),
    ("ONLINE_SAFETY", 8),
    ("PHYS", 6),
    ("ABSENT_FROM_EDUCATION", 5),
    ("YOUNG_CARER", 3),
    ("CCE", 2),
    ("SEXUAL_VIOLENCE_HARASSMENT", 2),
    ("NUDES_SHARING", 2),
    ("RADICALISATION", 1),
    ("HOMELESSNESS", 1),
    ("PARENT_IN_PRISON", 1),
    ("OTHER", 1),
]
ACCOUNTS = {
    "MENTAL_HEALTH": ['Was tearful in the lesson and said "I can\'t cope with anything at the moment".'],
    "SELF_HARM": [
        'Noticed fresh cuts on the forearm when sleeves were rolled up. Said "it\'s nothing, I did it at home".'
    ],
    "NEGL": ['Came in without a coat for the third day running and said "there wasn\'t any breakfast again".'],
    "EMOT": ["Said \"mum says I'm useless and she wishes I'd never been born\" when asked why upset."],
    "DOMESTIC_ABUSE": ['Arrived late and said "the police came round last night because dad was shouting at mum".'],
    "CHILD_ON_CHILD": ['Reported that older pupils "keep taking my stuff and pushing me on the bus".'],
    "ONLINE_SAFETY": ['Said "someone I met on a game keeps asking for pictures" and showed the messages.'],
    "PHYS": ['Bruising seen on the upper arm during PE. Said "I fell over" then "dad grabbed me".'],
    "ABSENT_FROM_EDUCATION": ["Third unexplained absence this fortnight; the family cannot be reached by phone."],
    "YOUNG_CARER": ['Fell asleep in class and said "I was up with my mum all night, she was poorly again".'],
    "CCE": ['Seen with a new phone and cash; said "I just do some jobs for an older lad".'],
    "SEXUAL_VIOLENCE_HARASSMENT": ['Said a boy in the year "keeps touching me and saying things" in the corridor.'],
    "NUDES_SHARING": ['Told a friend who told staff that "a picture of her is going round the year group".'],
    "RADICALISATION": ["Repeated extremist slogans in a lesson and showed a video from an extremist channel."],
    "HOMELESSNESS": ["Said \"we've been sleeping at my nan's sofa since the landlord kicked us out\"."],
    "PARENT_IN_PRISON": ['Said "my dad went to prison on Friday and I\'m not allowed to talk about it".'],
    "OTHER": ["Appeared withdrawn and unusually quiet all day; would not say what was wrong."],
}
DECISION_WEIGHTS = [
    (Decision.MONITOR, 38),
    (Decision.INTERNAL_SUPPORT, 22),
    (Decision.NO_FURTHER_ACTION, 14),
    (Decision.EARLY_HELP, 10),
    (Decision.CSC_REFERRAL, 8),
    (Decision.CAMHS, 5),
    (Decision.POLICE, 2),
    (Decision.CHANNEL, 1),
]
REASONS = {
    Decision.MONITOR: "First concern of this kind; tutor and head of year to watch and report back.",
    Decision.INTERNAL_SUPPORT: "Needs met in school: keyworker sessions and a check-in each morning.",
    Decision.NO_FURTHER_ACTION: "Explained by a known family event; parent spoken to; no risk identified.",
    Decision.EARLY_HELP: "Several needs emerging; family agreed to an Early Help assessment.",
    Decision.CSC_REFERRAL: "Reasonable cause to suspect harm given the disclosure and earlier concerns.",
    Decision.CAMHS: "Low mood persisting over weeks; GP and CAMHS referral agreed with the parent.",
    Decision.POLICE: "A crime may have been committed; police informed in line with the local protocol.",
    Decision.CHANNEL: "Risk of radicalisation; Prevent referral made after discussion with the head.",
}
ACTIONS = [
    "Phone parent and record the call",
    "Keyworker check-in each morning for two weeks",
    "Speak to the pupil with the head of year",
    "Share with the school nurse",
    "Complete the Early Help assessment",
    "Chase the social worker for the outcome",
]


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    school = ctx.school
    now = timezone.now()
    dsl_team = list(ctx.staff.get(Role.DSL, [])) + list(ctx.staff.get(Role.DEPUTY_DSL, []))
    reporters = (
        list(ctx.staff.get(Role.TEACHER, []))
        + list(ctx.staff.get(Role.FORM_TUTOR, [])) * 4
        + list(ctx.staff.get(Role.PASTORAL, [])) * 6
        + list(ctx.staff.get(Role.HEAD_OF_YEAR, [])) * 3
    )
    if not dsl_team or not reporters or not ctx.pupils:
        return
    days = ctx.calendar.school_days(ctx.history_start, ctx.today)
    if not days:
        return
    pupils = [p for p in ctx.pupils if p.leaving_date is None or p.leaving_date > ctx.history_start]
    # A skewed set of pupils of concern: most have one or two concerns, a few have many.
    of_concern = rng.sample(pupils, k=max(3, len(pupils) // 7))
    weights = [rng.choice([1, 1, 1, 2, 2, 4, 8]) for _ in of_concern]
    total = max(6, int(len(pupils) * 0.26 * ctx.years))
    categories = [c for c, _ in CATEGORY_WEIGHTS]
    category_weights = [w for _, w in CATEGORY_WEIGHTS]

    planned: list[tuple[Concern, list[tuple[Any, str]]]] = []
    in_queue: set[int] = set()
    for i in range(total):
        recent = i >= total - 6  # the last few make a live queue for the demo DSL
        day = days[-1 - rng.randrange(min(3, len(days)))] if recent else rng.choice(days)
        pupil = rng.choices(of_concern, weights=weights)[0]
        if not pupil.is_on_roll(day):
            day = max(pupil.admission_date, days[0])
            day = ctx.calendar.next_school_day(day) if day <= ctx.today else days[-1]
        recorded = ctx.random_datetime(day, 9, 16)
        if recorded > now:
            recorded = now - dt.timedelta(minutes=rng.randrange(20, 300))
        category = rng.choices(categories, weights=category_weights)[0]
        involved: list[tuple[Any, str]] = [(pupil, ConcernPupil.Role.SUBJECT)]
        if category == "CHILD_ON_CHILD":
            other = rng.choice(pupils)
            if other.pk != pupil.pk:
                involved.append((other, ConcernPupil.Role.ALLEGED_PERPETRATOR))
        immediate = (recent and i == total - 1) or rng.random() < 0.02
        concern = Concern(
            school=school,
            logged_by=rng.choice(reporters),
            occurred_at=recorded - dt.timedelta(minutes=rng.randrange(5, 180)),
            recorded_at=recorded,
            location=rng.choice(["Classroom", "Corridor", "Playground", "Form room", "Canteen", "On the way in", ""]),
            summary=rng.choice(ACCOUNTS[category]),
            categories=[category] + ([rng.choice(categories)] if rng.random() < 0.15 else []),
            immediate_risk=immediate,
            immediate_action="Stayed with the pupil and took them to the DSL." if immediate else "",
            triage_due_at=statutory.triage_due_at(recorded, ctx.calendar),
            acknowledge_due_at=statutory.acknowledge_due_at(recorded) if immediate else None,
        )
        planned.append((concern, involved))
        if recent and i >= total - 4:
            in_queue.add(id(concern))
    planned.sort(key=lambda item: item[0].recorded_at)

    decisions: list[TriageDecision] = []
    for concern, _involved in planned:
        age = now - concern.recorded_at
        if id(concern) in in_queue or (age < dt.timedelta(days=2) and rng.random() < 0.8):
            continue  # still in the queue
        dsl = rng.choice(dsl_team)
        decision = rng.choices([d for d, _ in DECISION_WEIGHTS], weights=[w for _, w in DECISION_WEIGHTS])[0]
        decided = concern.recorded_at + dt.timedelta(hours=rng.uniform(0.3, 20))
        decided = min(decided, now - dt.timedelta(minutes=5))
        concern.triaged_at = concern.acknowledged_at = decided
        concern.handled_by = dsl
        concern.status = Concern.Status.OPEN
        if decision == Decision.NO_FURTHER_ACTION or age > dt.timedelta(days=rng.randrange(40, 120)):
            concern.status = Concern.Status.CLOSED
            concern.closed_at = min(decided + dt.timedelta(days=rng.randrange(1, 40)), now)
            concern.closed_by = dsl
            concern.outcome = (
                f"No further action: {REASONS[decision]}"
                if decision == Decision.NO_FURTHER_ACTION
                else "Support in place and no further concerns reported; closed after review."
            )
        referral_day = timezone.localtime(decided).date()
        decisions.append(
            TriageDecision(
                school=school,
                concern=concern,
                decision=decision,
                reason=REASONS[decision],
                decided_by=dsl,
                referral_reference=f"MASH-{rng.randrange(10000, 99999)}" if decision == Decision.CSC_REFERRAL else "",
                referral_date=referral_day if decision in {Decision.CSC_REFERRAL, Decision.POLICE} else None,
                response_due_on=statutory.referral_response_due_on(referral_day)
                if decision == Decision.CSC_REFERRAL
                else None,
            )
        )
    Concern.objects.bulk_create([c for c, _ in planned], batch_size=500)
    links = [
        ConcernPupil(concern=concern, pupil=pupil, role=role)
        for concern, involved in planned
        for pupil, role in involved
    ]
    ConcernPupil.objects.bulk_create(links, batch_size=1000)
    for d in decisions:
        d.concern_id = d.concern.pk
    TriageDecision.objects.bulk_create(decisions, batch_size=500)

    actions: list[ConcernAction] = []
    staff_pool = dsl_team + list(ctx.staff.get(Role.PASTORAL, [])) + list(ctx.staff.get(Role.HEAD_OF_YEAR, []))
    for d in decisions:
        if d.decision in {Decision.NO_FURTHER_ACTION, Decision.MONITOR} and rng.random() < 0.7:
            continue
        concern = d.concern
        for _ in range(rng.choice([1, 1, 2])):
            start = timezone.localtime(concern.triaged_at or concern.recorded_at).date()
            due = start + dt.timedelta(days=rng.randrange(2, 15))
            finished = concern.status == Concern.Status.CLOSED or (due < ctx.today and rng.random() < 0.85)
            actions.append(
                ConcernAction(
                    school=school,
                    concern=concern,
                    description=rng.choice(ACTIONS),
                    owner=rng.choice(staff_pool),
                    due_on=due,
                    status=ConcernAction.Status.DONE if finished else ConcernAction.Status.OPEN,
                    outcome="Done; noted on the file." if finished else "",
                    created_by=d.decided_by,
                    completed_at=timezone.make_aware(dt.datetime.combine(min(due, ctx.today), dt.time(15)))
                    if finished
                    else None,
                    completed_by=d.decided_by if finished else None,
                )
            )
    ConcernAction.objects.bulk_create(actions, batch_size=500)
    responses = [
        ReferralResponse(
            school=school,
            decision=d,
            outcome=rng.choice(
                [
                    "Accepted for a child and family assessment.",
                    "Strategy discussion held; section 47 enquiry started.",
                    "No further action by children's social care; signposted to Early Help.",
                ]
            ),
            received_on=d.response_due_on,
            recorded_by=d.decided_by,
        )
        for d in decisions
        if d.decision == Decision.CSC_REFERRAL
        and d.response_due_on
        and d.response_due_on < ctx.today - dt.timedelta(days=3)
    ]
    ReferralResponse.objects.bulk_create(responses, batch_size=500)

    statuses = _statuses(ctx, pupils, of_concern, dsl_team)
    _live_items(ctx, planned, decisions, dsl_team, reporters)
    _chronology(ctx, planned, decisions, statuses)
    open_count = sum(1 for c, _ in planned if c.status != Concern.Status.CLOSED)
    ctx.say(
        f"{len(planned)} safeguarding concerns ({open_count} open), {len(decisions)} decisions, "
        f"{len(actions)} actions, {len(statuses)} statuses"
    )


def _statuses(ctx: DemoContext, pupils: list[Any], of_concern: list[Any], dsl_team: list[Any]) -> list[Any]:
    rng = ctx.rng
    made: list[SafeguardingStatus] = []
    span = max(30, (ctx.today - ctx.history_start).days)

    def add(pupil: Any, kind: str, *, ended: bool, category: str = "") -> None:
        start = ctx.history_start + dt.timedelta(days=rng.randrange(span - 20))
        end = None
        if ended:
            end = start + dt.timedelta(days=rng.randrange(60, 300))
            end = end if end < ctx.today else None
        made.append(
            SafeguardingStatus(
                school=ctx.school,
                pupil=pupil,
                kind=kind,
                cp_category=category,
                start_date=start,
                end_date=end,
                end_reason="Plan ended at review" if end else "",
                social_worker_name=rng.choice(["Jo Whitfield", "Sam Okafor", "Ruth Penhale", "Kiran Dhillon"])
                if kind in {StatusKind.CP, StatusKind.CIN, StatusKind.LAC}
                else "",
                social_worker_contact="Children's Services duty desk 01632 960000 (fictional)"
                if kind in {StatusKind.CP, StatusKind.CIN, StatusKind.LAC}
                else "",
                virtual_school_head="Virtual School Head, Riverbend LA (fictional)"
                if kind in {StatusKind.LAC, StatusKind.PLAC}
                else "",
                recorded_by=rng.choice(dsl_team),
            )
        )

    candidates = list(of_concern)
    rng.shuffle(candidates)
    n = len(pupils)
    counts = [(StatusKind.CP, max(1, n // 100)), (StatusKind.CIN, max(1, n // 40)), (StatusKind.EARLY_HELP, n // 25)]
    used: set[int] = set()
    for kind, count in counts:
        for pupil in [p for p in candidates if p.pk not in used][:count]:
            used.add(pupil.pk)
            category = rng.choice(AbuseCategory.values) if kind == StatusKind.CP else ""
            add(pupil, kind, ended=rng.random() < 0.3, category=category)
    for pupil in pupils:
        if pupil.looked_after:
            add(pupil, StatusKind.LAC, ended=False)
        elif pupil.previously_looked_after:
            add(pupil, StatusKind.PLAC, ended=False)
    SafeguardingStatus.objects.bulk_create(made, batch_size=500)
    return made


def _chronology(
    ctx: DemoContext, planned: list[tuple[Concern, list[tuple[Any, str]]]], decisions: list[Any], statuses: list[Any]
) -> None:
    entries: list[Entry] = []

    def entry(pupil: Any, at: dt.datetime, title: str, summary: str, source: Any, author: Any, url: str) -> None:
        entries.append(
            Entry(
                school=ctx.school,
                pupil=pupil,
                occurred_at=at,
                kind=Kind.SAFEGUARDING,
                title=title[:200],
                summary=summary,
                author=author,
                source_type=source._meta.label_lower,
                source_id=str(source.pk),
                source_url=url,
                confidentiality=Confidentiality.SAFEGUARDING,
            )
        )

    for concern, involved in planned:
        url = f"/safeguarding/concerns/{concern.pk}/"
        single = len(involved) == 1
        for pupil, role in involved:
            role_label = ConcernPupil.Role(role).label.lower()
            entry(
                pupil,
                concern.recorded_at,
                "Safeguarding concern logged" + ("" if single else f" ({role_label})"),
                concern.summary if single else "Several pupils are involved; the DSL team holds the full record.",
                concern,
                concern.logged_by,
                url,
            )
    involved_by_id = {c.pk: inv for c, inv in planned}
    for d in decisions:
        concern = d.concern
        involved = involved_by_id[concern.pk]
        for pupil, _role in involved:
            entry(
                pupil,
                concern.triaged_at or concern.recorded_at,
                f"DSL decision: {Decision(d.decision).label}",
                f"Reason: {d.reason}" if len(involved) == 1 else "",
                concern,
                d.decided_by,
                f"/safeguarding/concerns/{concern.pk}/",
            )
    for s in statuses:
        entry(
            s.pupil,
            timezone.make_aware(dt.datetime.combine(s.start_date, dt.time(9))),
            f"{StatusKind(s.kind).label} started",
            "",
            s,
            s.recorded_by,
            "",
        )
    Entry.objects.bulk_create(entries, batch_size=1000)


def _live_items(
    ctx: DemoContext,
    planned: list[tuple[Concern, list[tuple[Any, str]]]],
    decisions: list[Any],
    dsl_team: list[Any],
    reporters: list[Any],
) -> None:
    """A referral still waiting for children's social care, a CP file transfer in progress for a
    pupil who has left, and one low-level concern about an adult, so each page has something live."""
    import hashlib

    rng = ctx.rng
    open_decisions = [d for d in decisions if d.concern.status == Concern.Status.OPEN]
    if open_decisions:
        d = open_decisions[-1]
        referral_day = ctx.calendar.add_school_days(ctx.today, -3) if ctx.calendar.first_day else ctx.today
        TriageDecision.objects.create(
            school=ctx.school,
            concern=d.concern,
            decision=Decision.CSC_REFERRAL,
            reason="Further disclosure at review; threshold for a referral now met.",
            decided_by=d.decided_by,
            referral_reference="MASH-40411",
            referral_date=referral_day,
            response_due_on=statutory.referral_response_due_on(referral_day),
        )
    leavers = [p for p in ctx.pupils if p.leaving_date and p.leaving_date < ctx.today]
    with_file = {p.pk for c, inv in planned for p, _r in inv}
    leaver = next((p for p in sorted(leavers, key=lambda p: p.leaving_date, reverse=True) if p.pk in with_file), None)
    if leaver is not None:
        CPFileTransfer.objects.create(
            school=ctx.school,
            pupil=leaver,
            destination_name="Moorside High School" if ctx.is_main_school else "Riverbend Academy",
            destination_urn="148888" if ctx.is_main_school else "149999",
            leaving_date=leaver.leaving_date,
            due_on=statutory.cp_file_transfer_due_on(leaver.leaving_date, ctx.calendar),
            prepared_by=dsl_team[0],
            receipt_code_hash=hashlib.sha256(f"DEMO-{ctx.school.pk}".encode()).hexdigest(),
        )
    StaffAllegation.objects.create(
        school=ctx.school,
        kind=StaffAllegation.Kind.LOW_LEVEL,
        subject_name="A supply teacher (fictional)",
        summary="Gave a pupil a lift home in their own car without telling anyone.",
        occurred_at=ctx.random_datetime(
            ctx.calendar.add_school_days(ctx.today, -2) if ctx.calendar.first_day else ctx.today
        ),
        reported_by=rng.choice(reporters),
    )
