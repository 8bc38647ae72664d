"""Reads of attendance, scoped to the school. Measures are counted set-based in SQL.

`attendance_summaries` is the agreed cross-module interface (architecture brief): other modules
call it with a school, pupil ids and a date range.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, cast

from django.db.models import Case, Count, F, Min, Q, QuerySet, When
from django.http import Http404

from apps.accounts.models import WHOLE_SCHOOL_ROLES, Role
from apps.accounts.selectors import roles_in
from apps.audit import services as audit
from apps.audit.models import Verb
from apps.core.calendar import SchoolCalendar
from apps.core.disclosure import too_small, withheld_groups
from apps.core.models import School
from apps.people.models import Form, Pupil, PupilCarer

from . import statutory
from .models import ContactAttempt, Mark, MarkHistory, RegisterTaken
from .statutory import AttendanceSummary

#: Above this many pupils the selector reads the whole school and keeps the ones asked for,
#: instead of sending a long `IN (...)` list.
_IN_LIST_LIMIT = 500


def on_roll_marks(school: School, start: dt.date, end: dt.date) -> QuerySet[Mark]:
    """Marks in `[start, end]` for sessions while the pupil was on roll (domain §1.3)."""
    return (
        Mark.objects.filter(school=school, date__gte=start, date__lte=end)
        .filter(date__gte=F("pupil__admission_date"))
        .filter(Q(pupil__leaving_date__isnull=True) | Q(date__lte=F("pupil__leaving_date")))
    )


def _summary_annotations() -> dict[str, Count]:
    return {
        "possible": Count("pk", filter=~Q(code__in=statutory.NOT_POSSIBLE_CODES)),
        "attended": Count("pk", filter=Q(code__in=statutory.ATTENDED_CODES)),
        "authorised": Count("pk", filter=Q(code__in=statutory.AUTHORISED_CODES)),
        "unauthorised": Count("pk", filter=Q(code__in=statutory.UNAUTHORISED_CODES)),
    }


def attendance_summaries(
    school: School, pupil_ids: Iterable[int] | None, start: dt.date, end: dt.date
) -> dict[int, AttendanceSummary]:
    """Per pupil: possible sessions, attended, authorised and unauthorised absence from `start` to
    `end` (both included), counting only sessions while on roll (domain §1.3).

    Every pupil id asked for is in the answer (with zeros when they had no marks); with
    `pupil_ids=None`, every pupil of the school with a mark in the range.

    For exactly one school year (1 September to 31 August) the counts come from the per-pupil
    summary rows (`summaries.py`): one row per pupil instead of ~380 marks, the same answer."""
    from . import summaries

    if (year := summaries.whole_year(start, end)) is not None:
        return summaries.year_summaries(school, year, pupil_ids)
    wanted = None if pupil_ids is None else set(pupil_ids)
    qs = on_roll_marks(school, start, end)
    if wanted is not None and len(wanted) <= _IN_LIST_LIMIT:
        qs = qs.filter(pupil_id__in=wanted)
    rows = qs.values("pupil_id").annotate(**_summary_annotations()).order_by()
    result: dict[int, AttendanceSummary] = {}
    if wanted is not None:
        result = dict.fromkeys(wanted, AttendanceSummary())
    for row in cast(Iterable[dict[str, Any]], rows):
        pid = row["pupil_id"]
        if wanted is not None and pid not in wanted:
            continue
        result[pid] = AttendanceSummary(row["possible"], row["attended"], row["authorised"], row["unauthorised"])
    return result


def attendance_summary_total(
    school: School, pupil_ids: Iterable[int] | None, start: dt.date, end: dt.date
) -> AttendanceSummary:
    """One summary over all the pupils given (a group or the whole school)."""
    qs = on_roll_marks(school, start, end)
    if pupil_ids is not None:
        qs = qs.filter(pupil_id__in=list(pupil_ids))
    row = qs.aggregate(**_summary_annotations())
    return AttendanceSummary(
        row["possible"] or 0, row["attended"] or 0, row["authorised"] or 0, row["unauthorised"] or 0
    )


def marks_for(school: School, pupil_ids: Iterable[int], day: dt.date, session: str | None = None) -> QuerySet[Mark]:
    qs = Mark.objects.filter(school=school, pupil_id__in=list(pupil_ids), date=day)
    if session:
        qs = qs.filter(session=session)
    return qs


# Penalty-notice threshold (domain §1.6) ------------------------------------------------------


@dataclass(frozen=True)
class PenaltyFlag:
    pupil_id: int
    upn: str
    unauthorised_sessions: int
    window_start: dt.date
    window_end: dt.date


def penalty_window_on(calendar: SchoolCalendar, on: dt.date) -> tuple[dt.date, dt.date] | None:
    """The 10 most recent school weeks up to and including the week of `on` (statutory)."""
    # Ten school weeks can stretch over a summer holiday and two half-terms: a year back is ample.
    days = calendar.school_days(on - dt.timedelta(days=400), on + dt.timedelta(days=6 - on.weekday()))
    return statutory.penalty_window(days, on)


def penalty_threshold(
    school: School, on: dt.date, *, calendar: SchoolCalendar | None = None, pupil_ids: Iterable[int] | None = None
) -> list[PenaltyFlag]:
    """Pupils with at least 10 sessions of G/N/O/U in the rolling window on `on`, counting marks
    up to and including `on` while on roll (issue 5; domain §1.6). Ordered by UPN."""
    calendar = calendar or SchoolCalendar.for_school(school)
    window = penalty_window_on(calendar, on)
    if window is None:
        return []
    start, end = window
    qs = on_roll_marks(school, start, end).filter(code__in=statutory.PENALTY_CODES)
    if pupil_ids is not None:
        qs = qs.filter(pupil_id__in=list(pupil_ids))
    rows = (
        qs.values("pupil_id", "pupil__upn")
        .annotate(n=Count("pk"))
        .filter(n__gte=statutory.PENALTY_THRESHOLD_SESSIONS)
        .order_by("pupil__upn")
    )
    return [
        PenaltyFlag(r["pupil_id"], r["pupil__upn"], r["n"], start, end) for r in cast(Iterable[dict[str, Any]], rows)
    ]


# Registers ---------------------------------------------------------------------------------------


def register_forms(school: School, viewer: Any) -> QuerySet[Form]:
    """The forms whose register `viewer` may take: every form for whole-school roles, the forms of
    the years a head of year leads, a tutor's own forms."""
    roles = roles_in(viewer, school)
    qs = Form.objects.filter(school=school).select_related("year_group").order_by("year_group__number", "name")
    if roles & WHOLE_SCHOOL_ROLES:
        return qs
    condition = Q(pk__in=[])
    if Role.HEAD_OF_YEAR in roles:
        condition |= Q(year_group__heads=viewer)
    if Role.FORM_TUTOR in roles:
        condition |= Q(tutors=viewer)
    return qs.filter(condition).distinct()


def get_register_form(school: School, viewer: Any, form_id: int) -> Form:
    """The form, or 404 when it is missing or not one whose register `viewer` may take (audited)."""
    form = register_forms(school, viewer).filter(pk=form_id).first()
    if form is None:
        audit.record(viewer, Verb.DENIED, ("people.form", form_id), school=school, reason="attendance.register")
        raise Http404("No such form.")
    return form


@dataclass(frozen=True)
class RegisterRow:
    pupil: Pupil
    mark: Mark | None
    part_time: Any = None  # the part-time timetable running that day, if any
    suggested: str = ""  # the code the page pre-fills when unmarked ("C2" for a missed part-time session)

    @property
    def elsewhere(self) -> bool:
        """Marked by someone other than the register (a trip, a suspension, a closure...)."""
        return self.mark is not None and self.mark.source != "register"


def register_rows(form: Form, day: dt.date, session: str) -> list[RegisterRow]:
    """The pupils on roll in `form` on `day`, with the mark already held for the session."""
    pupils = list(
        Pupil.objects.filter(form=form, admission_date__lte=day)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=day))
        .order_by("legal_surname", "legal_forename")
    )
    ids = [p.pk for p in pupils]
    marks = {m.pupil_id: m for m in marks_for(form.school, ids, day, session)}
    part_time = part_time_on(form.school, ids, day)
    rows = []
    for p in pupils:
        timetable = part_time.get(p.pk)
        missed = timetable is not None and not timetable.attends(day, session)
        rows.append(RegisterRow(p, marks.get(p.pk), timetable, "C2" if missed else statutory.present_code(session)))
    return rows


@dataclass(frozen=True)
class RegisterStatus:
    form: Form
    taken: RegisterTaken | None
    pupils: int


def register_completion(school: School, day: dt.date, session: str) -> list[RegisterStatus]:
    """Every form with pupils on roll, and whether its register was taken for the session."""
    forms = list(
        Form.objects.filter(school=school)
        .select_related("year_group")
        .annotate(
            on_roll=Count(
                "pupils",
                filter=Q(pupils__admission_date__lte=day)
                & (Q(pupils__leaving_date__isnull=True) | Q(pupils__leaving_date__gte=day)),
            )
        )
        .order_by("year_group__number", "name")
    )
    taken = {
        r.form_id: r
        for r in RegisterTaken.objects.filter(school=school, date=day, session=session).select_related("taken_by")
    }
    return [RegisterStatus(f, taken.get(f.pk), f.on_roll) for f in forms if f.on_roll]  # type: ignore[attr-defined]


def mark_history(school: School, pupil: Pupil, start: dt.date, end: dt.date) -> list[MarkHistory]:
    return list(
        MarkHistory.objects.filter(school=school, mark__pupil=pupil, mark__date__gte=start, mark__date__lte=end)
        .select_related("mark", "amended_by", "old_recorded_by")
        .order_by("-amended_at", "-id")
    )


# One pupil ---------------------------------------------------------------------------------------


def year_start(day: dt.date) -> dt.date:
    from apps.core.calendar import academic_year_start

    return academic_year_start(day)


@dataclass(frozen=True)
class CalendarDay:
    day: dt.date
    am: str
    pm: str
    school_day: bool


def session_calendar(school: School, pupil: Pupil, start: dt.date, end: dt.date) -> list[list[CalendarDay]]:
    """Weeks (Monday to Friday) from `start` to `end` with the pupil's AM and PM codes."""
    calendar = SchoolCalendar.for_school(school)
    marks = {
        (m.date, m.session): m.code
        for m in Mark.objects.filter(school=school, pupil=pupil, date__gte=start, date__lte=end).only(
            "date", "session", "code"
        )
    }
    weeks: list[list[CalendarDay]] = []
    monday = statutory.week_start(start)
    while monday <= end:
        week = []
        for i in range(5):
            day = monday + dt.timedelta(days=i)
            week.append(
                CalendarDay(day, marks.get((day, "AM"), ""), marks.get((day, "PM"), ""), calendar.is_school_day(day))
            )
        weeks.append(week)
        monday += dt.timedelta(days=7)
    return weeks


def pupil_attendance(
    school: School, viewer: Any, pupil: Pupil, start: dt.date, end: dt.date, *, today: dt.date
) -> dict[str, Any]:
    """Everything on a pupil's attendance page. The viewer has already been checked."""
    calendar = SchoolCalendar.for_school(school)
    term = calendar.term_containing(today)
    year_from = year_start(today)
    summaries = {
        "Year to date": attendance_summaries(school, [pupil.pk], year_from, today)[pupil.pk],
        "Selected range": attendance_summaries(school, [pupil.pk], start, end)[pupil.pk],
    }
    if term is not None:
        summaries["This half-term"] = attendance_summaries(school, [pupil.pk], term.start_date, today)[pupil.pk]
    # Trend: the last 4 and 8 weeks against the pupil's own rate earlier in the year.
    for weeks in (4, 8):
        summaries[f"Last {weeks} weeks"] = attendance_summaries(
            school, [pupil.pk], today - dt.timedelta(weeks=weeks), today
        )[pupil.pk]
    earlier_end = today - dt.timedelta(weeks=8, days=1)
    if earlier_end >= year_from:
        summaries["Earlier this year"] = attendance_summaries(school, [pupil.pk], year_from, earlier_end)[pupil.pk]
    lates = dict(
        on_roll_marks(school, year_from, today)
        .filter(pupil=pupil, code__in=statutory.LATE_CODES)
        .values("code")
        .annotate(n=Count("pk"))
        .values_list("code", "n")
    )
    cal_end = min(end, today)
    cal_start = max(start, cal_end - dt.timedelta(weeks=12))
    return {
        "summaries": summaries,
        "start": start,
        "end": end,
        "weeks": session_calendar(school, pupil, cal_start, cal_end),
        "lates": {"before_close": lates.get("L", 0), "after_close": lates.get("U", 0)},
        "history": mark_history(school, pupil, year_from - dt.timedelta(days=365), today)[:50],
    }


def _only_visible(school: School, viewer: Any, rows: list[Any], pupil_id: Callable[[Any], int]) -> list[Any]:
    """Keep the rows about pupils `viewer` may see (a head of year: their years). None: all."""
    from apps.people.selectors import pupil_visibility

    if viewer is None:
        return rows
    condition = pupil_visibility(school, viewer)
    if condition is None:
        return rows
    ids = set(Pupil.objects.filter(school=school).filter(condition).values_list("pk", flat=True))
    return [r for r in rows if pupil_id(r) in ids]


# First-day response (issue 5; domain §1.5 stage 1, §1.2 on N) -----------------------------------


@dataclass
class FirstDayRow:
    pupil: Pupil
    sessions: list[str]
    carers: list[Any]  # PupilCarer links in priority order, restricted ones included (to show why)
    contacts: list[ContactAttempt]


def first_day_list(school: School, day: dt.date, *, viewer: Any = None) -> list[FirstDayRow]:
    """Pupils marked `N` (no reason yet) on `day`, with their carers in contact-priority order
    (restrictions shown, so no one rings a carer they must not) and the calls logged so far."""
    marks = list(
        on_roll_marks(school, day, day)
        .filter(code="N")
        .select_related("pupil", "pupil__form", "pupil__year_group")
        .order_by("pupil__legal_surname", "pupil__legal_forename", "session")
    )
    rows: dict[int, FirstDayRow] = {}
    for mark in marks:
        row = rows.setdefault(mark.pupil_id, FirstDayRow(mark.pupil, [], [], []))
        row.sessions.append(mark.session)
    if not rows:
        return []
    links = PupilCarer.objects.filter(pupil_id__in=rows).select_related("carer").order_by("contact_priority", "id")
    for link in links:
        rows[link.pupil_id].carers.append(link)
    for contact in ContactAttempt.objects.filter(school=school, date=day, pupil_id__in=rows).select_related(
        "carer", "recorded_by"
    ):
        rows[contact.pupil_id].contacts.append(contact)
    return _only_visible(school, viewer, list(rows.values()), lambda r: r.pupil.pk)


@dataclass(frozen=True)
class OverdueN:
    pupil: Pupil
    first: dt.date
    sessions: int


def overdue_n_marks(
    school: School, today: dt.date, *, calendar: SchoolCalendar | None = None, viewer: Any = None
) -> list[OverdueN]:
    """Pupils with an `N` still unresolved after the school's limit in school days (a setting:
    the widely quoted 5 days is unconfirmed, domain §1.2). Looks back one year."""
    from .models import AttendanceSettings

    calendar = calendar or SchoolCalendar.for_school(school)
    policy = AttendanceSettings.objects.filter(school=school).first()
    limit = policy.n_code_limit_school_days if policy else 5
    try:
        limit_day = calendar.add_school_days(today, -limit)
    except ValueError:
        return []
    rows = (
        on_roll_marks(school, today - dt.timedelta(days=365), limit_day)
        .filter(code="N")
        .values("pupil_id")
        .annotate(first=Min("date"), n=Count("pk"))
        .order_by("first")
    )
    found = list(cast(Iterable[dict[str, Any]], rows))
    pupils = Pupil.objects.select_related("form").in_bulk([r["pupil_id"] for r in found])
    flagged = [OverdueN(pupils[r["pupil_id"]], r["first"], r["n"]) for r in found if r["pupil_id"] in pupils]
    return _only_visible(school, viewer, flagged, lambda r: r.pupil.pk)


# Measures: persistent and severe absence, group breakdowns (domain §1.3) -------------------------


@dataclass(frozen=True)
class PupilMeasure:
    pupil: Pupil
    summary: AttendanceSummary


def _pupils_on_roll_between(school: School, start: dt.date, end: dt.date) -> QuerySet[Pupil]:
    return (
        Pupil.objects.filter(school=school, admission_date__lte=end)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=start))
        .select_related("year_group", "form")
    )


# The columns the absence list and its CSV show (`.only()`: no other pupil column is read).
ABSENCE_LIST_PUPIL_FIELDS = (
    "pk",
    "upn",
    "legal_forename",
    "preferred_forename",
    "legal_surname",
    "preferred_surname",
    "year_group__number",
    "form__name",
)


def absence_list(
    school: School,
    viewer: Any,
    start: dt.date,
    end: dt.date,
    *,
    year: int | None = None,
    form: str = "",
    band: str = "pa",
) -> list[PupilMeasure]:
    """Pupils the viewer may see with persistent (≥ 10%) or severe (≥ 50%) absence over
    `start`..`end`, counting only sessions on roll, thresholds tested on exact integers
    (domain §1.3). `band`: "pa" (PA, which includes SA), "sa", or "all". Highest absence first.

    Set-based: one `GROUP BY pupil` keeps only the pupils in the band (`HAVING`, the same integer
    tests as `statutory.is_persistent_absence`/`is_severe_absence`), limited to the pupils the
    viewer sees by a subquery; then only those pupils are loaded, with only the columns shown."""
    from apps.people.selectors import pupil_visibility

    pupils = _pupils_on_roll_between(school, start, end)
    restricted = False
    condition = pupil_visibility(school, viewer)
    if condition is not None:
        pupils = pupils.filter(condition)
        restricted = True
    if year is not None:
        pupils = pupils.filter(year_group__number=year)
        restricted = True
    if form:
        pupils = pupils.filter(form__name=form)
        restricted = True
    marks = on_roll_marks(school, start, end)
    if restricted:
        marks = marks.filter(pupil_id__in=pupils.order_by().values("pk"))
    absent = F("authorised") + F("unauthorised")
    grouped = marks.values("pupil_id").annotate(**_summary_annotations()).filter(Q(possible__gt=0))
    if band == "sa":
        grouped = grouped.filter(Q(possible__lte=absent * 2))
    elif band == "pa":
        grouped = grouped.filter(Q(possible__lte=absent * 10))
    summaries = {
        row["pupil_id"]: AttendanceSummary(row["possible"], row["attended"], row["authorised"], row["unauthorised"])
        for row in cast(Iterable[dict[str, Any]], grouped.order_by())
    }
    if not summaries:
        return []
    shown = (
        Pupil.objects.filter(school=school, pk__in=list(summaries))
        .select_related("year_group", "form")
        .only(*ABSENCE_LIST_PUPIL_FIELDS)
    )
    rows = [PupilMeasure(p, summaries[p.pk]) for p in shown]
    rows.sort(key=lambda r: (-r.summary.absence_fraction, r.pupil.legal_surname, r.pupil.legal_forename))
    return rows


BREAKDOWNS: dict[str, str] = {
    "year": "Year group",
    "form": "Form",
    "sex": "Sex",
    "fsm": "Free school meals",
    "sen": "SEN status",
    "eal": "English as an additional language",
    "looked_after": "Looked after",
}


@dataclass
class GroupMeasure:
    label: str
    pupils: int = 0
    summary: AttendanceSummary = field(default_factory=AttendanceSummary)
    persistent: int = 0
    severe: int = 0
    withheld: bool = False  # set by the breakdown: withheld to protect a smaller group (disclosure)

    @property
    def pa_rate(self) -> Fraction:
        return Fraction(self.persistent, self.pupils) if self.pupils else Fraction(0)

    @property
    def suppressed(self) -> bool:
        """A group of 1 or 2 pupils would show those pupils' own figures: withheld (no names
        appear on this page, and governors see it), with the next-smallest group when needed so
        the total cannot give them back (`apps.core.disclosure.withheld_groups`)."""
        return self.withheld or too_small(self.pupils)


def _group_label(pupil: Pupil, by: str) -> str:
    if by == "year":
        return str(pupil.year_group)
    if by == "form":
        return pupil.form.name if pupil.form else "No form"
    if by == "sex":
        return pupil.get_sex_display()
    if by == "sen":
        return pupil.get_sen_status_display()
    value = {"fsm": pupil.fsm, "eal": pupil.eal, "looked_after": pupil.looked_after}[by]
    return "Yes" if value else "No"


def label_order(label: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key for group labels in natural order: "Year 7" before "Year 10", "9A" before "10A"
    (a plain string sort put Year 10 and 11 above Year 7)."""
    return tuple((0, int(part)) if part.isdigit() else (1, part.lower()) for part in re.split(r"(\d+)", label) if part)


def group_breakdown(school: School, start: dt.date, end: dt.date, by: str) -> tuple[list[GroupMeasure], GroupMeasure]:
    """Attendance, PA and SA counts per group and for the whole school (no names: governors and
    trust officers may see it). A pupil counts in PA when their own absence is ≥ 10% (domain §1.3)."""
    pupils = {p.pk: p for p in _pupils_on_roll_between(school, start, end)}
    summaries = attendance_summaries(school, None, start, end)
    groups: dict[str, GroupMeasure] = {}
    total = GroupMeasure("Whole school")
    for pid, summary in summaries.items():
        pupil = pupils.get(pid)
        if pupil is None or not summary.possible_sessions:
            continue
        for group in (groups.setdefault(_group_label(pupil, by), GroupMeasure(_group_label(pupil, by))), total):
            group.pupils += 1
            group.summary = group.summary + summary
            group.persistent += summary.persistent_absentee
            group.severe += summary.severe_absentee
    ordered = sorted(groups.values(), key=lambda g: label_order(g.label))
    for i in withheld_groups([g.pupils for g in ordered]):
        ordered[i].withheld = True
    return ordered, total


def persistent_absence_counts(school: School, start: dt.date, end: dt.date) -> tuple[int, int, int]:
    """(pupils with sessions, PA count, SA count) for the whole school."""
    _groups, total = group_breakdown(school, start, end, "year")
    return total.pupils, total.persistent, total.severe


def todays_absentees(school: School, day: dt.date) -> dict[str, int]:
    """Counts of today's marks by statistical meaning (no names) for the home panel."""
    rows = Mark.objects.filter(school=school, date=day).values("code").annotate(n=Count("pk")).order_by()
    counts = {"unauthorised": 0, "authorised": 0, "n": 0}
    for row in cast(Iterable[dict[str, Any]], rows):
        if row["code"] in statutory.UNAUTHORISED_CODES:
            counts["unauthorised"] += row["n"]
        if row["code"] in statutory.AUTHORISED_CODES:
            counts["authorised"] += row["n"]
        if row["code"] == "N":
            counts["n"] += row["n"]
    return counts


# Penalty notices and the ladder (domain §1.5, §1.6) ---------------------------------------------


@dataclass(frozen=True)
class PenaltyRow:
    pupil: Pupil
    flag: PenaltyFlag
    decision: Any  # the latest PenaltyDecision, or None
    notices: int  # notices on record for the pupil (any parent), withdrawn ones included


def penalty_overview(school: School, on: dt.date, *, viewer: Any = None) -> list[PenaltyRow]:
    """Pupils meeting the penalty-notice threshold on `on`, with the latest decision recorded for
    them in the current window (so a flag not yet considered stands out)."""
    from .models import PenaltyDecision, PenaltyNotice

    flags = penalty_threshold(school, on)
    ids = [f.pupil_id for f in flags]
    pupils = Pupil.objects.select_related("year_group", "form").in_bulk(ids)
    decisions: dict[int, Any] = {}
    for d in PenaltyDecision.objects.filter(school=school, pupil_id__in=ids).order_by("considered_on", "id"):
        decisions[d.pupil_id] = d
    notices = dict(
        PenaltyNotice.objects.filter(school=school, pupil_id__in=ids)
        .values("pupil_id")
        .annotate(n=Count("pk"))
        .values_list("pupil_id", "n")
    )
    rows = []
    for flag in flags:
        decision = decisions.get(flag.pupil_id)
        if decision is not None and decision.considered_on < flag.window_start:
            decision = None  # decided for an earlier window: consider again
        rows.append(PenaltyRow(pupils[flag.pupil_id], flag, decision, notices.get(flag.pupil_id, 0)))
    return _only_visible(school, viewer, rows, lambda r: r.pupil.pk)


def pupil_ladder(school: School, pupil: Pupil) -> dict[str, Any]:
    """The pupil's attendance ladder: steps, penalty decisions, notices with their history, letters."""
    from .models import LadderStep, Letter, PenaltyDecision, PenaltyNotice

    return {
        "steps": list(LadderStep.objects.filter(school=school, pupil=pupil).select_related("recorded_by")),
        "decisions": list(PenaltyDecision.objects.filter(school=school, pupil=pupil).select_related("decided_by")),
        "notices": list(
            PenaltyNotice.objects.filter(school=school, pupil=pupil)
            .select_related("carer")
            .prefetch_related("events__by")
        ),
        "letters": list(Letter.objects.filter(school=school, pupil=pupil).select_related("carer", "created_by")),
    }


def get_notice(school: School, viewer: Any, notice_id: int) -> Any:
    from apps.people.selectors import can_view_pupil

    from .models import PenaltyNotice

    notice = PenaltyNotice.objects.filter(school=school, pk=notice_id).select_related("pupil", "carer").first()
    if notice is None or not can_view_pupil(viewer, notice.pupil):
        audit.record(viewer, Verb.DENIED, ("attendance.penaltynotice", notice_id), school=school, reason="attendance")
        raise Http404("No such notice.")
    return notice


def get_letter(school: School, viewer: Any, letter_id: int) -> Any:
    from apps.people.selectors import can_view_pupil

    from .models import Letter

    letter = Letter.objects.filter(school=school, pk=letter_id).select_related("pupil", "carer", "school").first()
    if letter is None or not can_view_pupil(viewer, letter.pupil):
        audit.record(viewer, Verb.DENIED, ("attendance.letter", letter_id), school=school, reason="attendance")
        raise Http404("No such letter.")
    audit.record(viewer, Verb.PRINT, letter, school=school, pupil=letter.pupil)
    return letter


# Children absent from education (domain §1.7) ----------------------------------------------------


@dataclass(frozen=True)
class LongAbsence:
    pupil: Pupil
    reason: str  # LaNotification.Reason value
    first: dt.date
    last: dt.date
    days: int
    told: Any  # the LaNotification for this absence, or None


def long_absences(
    school: School, today: dt.date, *, calendar: SchoolCalendar | None = None, viewer: Any = None
) -> list[LongAbsence]:
    """Pupils on roll with 10 or more consecutive school days of unauthorised absence (the latest
    run this school year) or 15 or more days (30 sessions) of illness this school year, with the
    date the LA was told (domain §1.7)."""
    from .models import LaNotification

    calendar = calendar or SchoolCalendar.for_school(school)
    start = year_start(today)
    marks = on_roll_marks(school, start, today).filter(pupil__leaving_date__isnull=True)
    unauth = dict(
        marks.filter(code__in=statutory.UNAUTHORISED_CODES)
        .values("pupil_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=statutory.CME_UNAUTHORISED_DAYS)
        .values_list("pupil_id", "n")
    )
    illness = dict(
        marks.filter(code="I")
        .values("pupil_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=2 * statutory.CME_ILLNESS_DAYS)
        .values_list("pupil_id", "n")
    )
    ids = set(unauth) | set(illness)
    if not ids:
        return []
    pupils = Pupil.objects.select_related("form", "year_group").in_bulk(ids)
    told: dict[tuple[int, str], Any] = {}
    for n in LaNotification.objects.filter(school=school, pupil_id__in=ids, told_on__gte=start).order_by("told_on"):
        told[(n.pupil_id, n.reason)] = n
    by_day: dict[int, dict[dt.date, list[str]]] = {}
    for pid, day, code in marks.filter(pupil_id__in=unauth).values_list("pupil_id", "date", "code"):
        by_day.setdefault(pid, {}).setdefault(day, []).append(code)
    school_days = calendar.school_days(start, today)
    rows: list[LongAbsence] = []
    for pid, days in by_day.items():
        series = [(d, statutory.day_is_unauthorised(days.get(d, []))) for d in school_days if d in days]
        run = statutory.latest_run(series)
        if run and statutory.is_children_missing_education_concern(run[2]):
            notice = told.get((pid, "unauthorised"))
            rows.append(LongAbsence(pupils[pid], "unauthorised", run[0], run[1], run[2], notice))
    for pid, sessions in illness.items():
        first = marks.filter(pupil_id=pid, code="I").aggregate(first=Min("date"))["first"]
        rows.append(LongAbsence(pupils[pid], "illness", first, today, sessions // 2, told.get((pid, "illness"))))
    rows.sort(key=lambda r: (r.told is not None, r.pupil.legal_surname, r.pupil.legal_forename))
    return _only_visible(school, viewer, rows, lambda r: r.pupil.pk)


# Leave of absence (domain §1.4) ------------------------------------------------------------------


def leave_requests(school: School, *, limit: int = 200, viewer: Any = None) -> list[Any]:
    from .models import LeaveRequest

    found = list(
        LeaveRequest.objects.filter(school=school)
        .select_related("pupil", "pupil__form", "carer", "decided_by")
        .order_by(
            # pending first, then the most recent
            Case(When(status="pending", then=0), default=1),
            "-start_date",
            "-id",
        )[:limit]
    )
    return _only_visible(school, viewer, found, lambda r: r.pupil_id)


def get_leave(school: School, viewer: Any, leave_id: int) -> Any:
    from .models import LeaveRequest

    found = LeaveRequest.objects.filter(school=school, pk=leave_id).select_related("pupil", "pupil__school").first()
    if found is None:
        audit.record(viewer, Verb.DENIED, ("attendance.leaverequest", leave_id), school=school, reason="attendance")
        raise Http404("No such request.")
    return found


# Part-time timetables (domain §1.8) --------------------------------------------------------------


@dataclass(frozen=True)
class PartTimeRow:
    timetable: Any
    review_overdue: bool
    past_end: bool


def part_time_timetables(
    school: School, today: dt.date, *, active_only: bool = True, viewer: Any = None
) -> list[PartTimeRow]:
    """Part-time timetables with their flags: a review overdue, or the planned end passed while the
    timetable is still running (domain §1.8: shortest time, a time limit, regular review). Also the
    list for the local authority."""
    from .models import PartTimeTimetable

    qs = PartTimeTimetable.objects.filter(school=school).select_related("pupil", "pupil__form")
    if active_only:
        qs = qs.filter(ended_on__isnull=True)
    rows = [
        PartTimeRow(t, t.ended_on is None and t.next_review < today, t.ended_on is None and t.planned_end_date < today)
        for t in qs.order_by("planned_end_date", "id")
    ]
    return _only_visible(school, viewer, rows, lambda r: r.timetable.pupil_id)


def part_time_on(school: School, pupil_ids: Iterable[int], day: dt.date) -> dict[int, Any]:
    """The part-time timetable running on `day` for each of the pupils that have one."""
    from .models import PartTimeTimetable

    found = PartTimeTimetable.objects.filter(school=school, pupil_id__in=list(pupil_ids), start_date__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=day)
    )
    return {t.pupil_id: t for t in found}


def get_part_time(school: School, viewer: Any, timetable_id: int) -> Any:
    from .models import PartTimeTimetable

    found = (
        PartTimeTimetable.objects.filter(school=school, pk=timetable_id)
        .select_related("pupil", "pupil__school")
        .first()
    )
    if found is None:
        audit.record(
            viewer, Verb.DENIED, ("attendance.parttimetimetable", timetable_id), school=school, reason="attendance"
        )
        raise Http404("No such timetable.")
    return found


# Letter templates (issue 5) ----------------------------------------------------------------------


@dataclass(frozen=True)
class LetterTemplateRow:
    stage: str
    label: str
    body: str
    template: Any  # the saved LetterTemplate, or None while the default wording is in use


def letter_templates(school: School) -> list[LetterTemplateRow]:
    """Every ladder stage with the school's wording (or the default until it is edited)."""
    from .letters import default_text
    from .models import LadderStep, LetterTemplate

    saved = {t.stage: t for t in LetterTemplate.objects.filter(school=school).select_related("updated_by")}
    return [
        LetterTemplateRow(
            value, str(label), saved[value].body if value in saved else default_text(value), saved.get(value)
        )
        for value, label in LadderStep.Stage.choices
    ]


def letter_template_text(school: School, stage: str) -> str:
    from .letters import default_text
    from .models import LetterTemplate

    saved = LetterTemplate.objects.filter(school=school, stage=stage).values_list("body", flat=True).first()
    return saved if saved is not None else default_text(stage)


def letter_template_history(school: School, stage: str) -> list[Any]:
    from .models import LetterTemplateVersion

    return list(
        LetterTemplateVersion.objects.filter(template__school=school, template__stage=stage).select_related(
            "edited_by"
        )[:50]
    )
