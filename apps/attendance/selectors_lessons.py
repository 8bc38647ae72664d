"""Reads for lesson registers and the post-registration truancy list (issue 5), scoped to the
school and filtered by what the viewer may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from apps.accounts.models import WHOLE_SCHOOL_ROLES
from apps.accounts.selectors import roles_in
from apps.audit import services as audit
from apps.audit.models import Verb
from apps.core.models import School
from apps.people.models import Pupil, PupilCarer, TeachingGroup

from . import statutory
from .models import LessonMark, LessonPeriod, LessonRegisterTaken, LessonStatus, Mark, TruancyFollowUp
from .selectors import _only_visible
from .services import settings_for


def lesson_periods(school: School, *, active_only: bool = True) -> list[LessonPeriod]:
    qs = LessonPeriod.objects.filter(school=school)
    if active_only:
        qs = qs.filter(active=True)
    return list(qs.order_by("starts", "name"))


def periods_text(periods: Iterable[LessonPeriod]) -> str:
    """The periods as the settings page's text box shows them, one a line."""
    return "\n".join(f"{p.name} {p.starts:%H:%M}-{p.ends:%H:%M} {p.session}" for p in periods)


def lesson_groups(school: School, viewer: Any, *, year: int | None = None) -> QuerySet[TeachingGroup]:
    """The teaching groups whose lesson register `viewer` may take: those they teach, or every
    group for a whole-school role (cover, the attendance office); `year`: groups with pupils in that
    year group only."""
    qs = TeachingGroup.objects.filter(school=school).order_by("name")
    if year is not None:
        qs = qs.filter(pk__in=TeachingGroup.objects.filter(school=school, pupils__year_group__number=year).values("pk"))
    if roles_in(viewer, school) & WHOLE_SCHOOL_ROLES:
        return qs
    return qs.filter(teachers=viewer)


def get_lesson_group(school: School, viewer: Any, group_id: int) -> TeachingGroup:
    """The group, or 404 when missing or not one `viewer` may take a register for (audited)."""
    group = lesson_groups(school, viewer).filter(pk=group_id).first()
    if group is None:
        audit.record(viewer, Verb.DENIED, ("people.teachinggroup", group_id), school=school, reason="attendance.lesson")
        raise Http404("No such teaching group.")
    return group


def get_lesson_period(school: School, period_id: int) -> LessonPeriod:
    period = LessonPeriod.objects.filter(school=school, pk=period_id).first()
    if period is None:
        raise Http404("No such lesson period.")
    return period


def current_period(periods: list[LessonPeriod], now: dt.time) -> LessonPeriod | None:
    """The period running at `now`, else the next one today, else the last one."""
    for period in periods:
        if now < period.ends:
            return period
    return periods[-1] if periods else None


@dataclass(frozen=True)
class LessonRow:
    pupil: Pupil
    mark: LessonMark | None
    registration: Mark | None  # the statutory mark for the lesson's session, if taken

    @property
    def out_of_lessons(self) -> bool:
        """Marked at registration with a code that means the pupil is not in school for this
        session (absent, or attending elsewhere: `V`, `B`, `P`...)."""
        return self.registration is not None and self.registration.code not in statutory.IN_SCHOOL_CODES

    @property
    def suggested(self) -> str:
        """What the page pre-fills: the status held, else absent for a pupil out of lessons, else
        present."""
        if self.mark is not None:
            return {"present": "/", "absent": "A", "late": "L"}[self.mark.status]
        return "A" if self.out_of_lessons else "/"


def lesson_register_rows(group: TeachingGroup, period: LessonPeriod, day: dt.date) -> list[LessonRow]:
    pupils = list(
        group.pupils.filter(admission_date__lte=day)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=day))
        .select_related("form")
        .order_by("legal_surname", "legal_forename")
    )
    ids = [p.pk for p in pupils]
    marks = {
        m.pupil_id: m for m in LessonMark.objects.filter(school=group.school, date=day, period=period, pupil_id__in=ids)
    }
    registration = {
        m.pupil_id: m
        for m in Mark.objects.filter(school=group.school, date=day, session=period.session, pupil_id__in=ids)
    }
    return [LessonRow(p, marks.get(p.pk), registration.get(p.pk)) for p in pupils]


@dataclass(frozen=True)
class LessonToTake:
    group: TeachingGroup
    taken: LessonRegisterTaken | None


def lessons_taken_today(
    school: School, viewer: Any, day: dt.date
) -> list[tuple[TeachingGroup, list[LessonRegisterTaken]]]:
    """For a teacher's home panel: each group they teach, with the lesson registers taken for it on
    `day` (Hearth holds no timetable, so the panel cannot know which periods each group meets)."""
    groups = list(TeachingGroup.objects.filter(school=school, teachers=viewer).order_by("name"))
    taken: dict[int, list[LessonRegisterTaken]] = {g.pk: [] for g in groups}
    for receipt in LessonRegisterTaken.objects.filter(school=school, date=day, group__in=groups).select_related(
        "period"
    ):
        taken[receipt.group_id].append(receipt)
    return [(g, sorted(taken[g.pk], key=lambda r: r.period.starts)) for g in groups]


# Post-registration truancy ------------------------------------------------------------------------


@dataclass
class MissedLesson:
    slot: statutory.LessonSlot
    group: str


@dataclass
class TruancyRow:
    pupil: Pupil
    registration: dict[str, str]  # session -> code
    missed: list[MissedLesson]
    carers: list[Any] = field(default_factory=list)  # PupilCarer links in contact-priority order
    follow_ups: list[TruancyFollowUp] = field(default_factory=list)

    @property
    def resolved(self) -> bool:
        return any(f.resolves for f in self.follow_ups)


def _register_opens(school: School) -> dict[str, dt.time]:
    """When each session's register opens, from the school's settings."""
    policy = settings_for(school)
    opens = {"AM": policy.am_register_opens, "PM": policy.pm_register_opens}
    return {k: (dt.time.fromisoformat(v) if isinstance(v, str) else v) for k, v in opens.items()}


def _missed_lessons(
    registration: dict[str, tuple[str, int | None]],
    opens: dict[str, dt.time],
    slots: list[tuple[statutory.LessonSlot, str]],
) -> list[MissedLesson]:
    """One pupil's lessons on one day that count as post-registration truancy, with their groups."""
    groups = dict(slots)
    counted = statutory.post_registration_truancy(registration, opens, [s for s, _ in slots])
    return [MissedLesson(s, groups[s]) for s in counted]


def _cases(school: School, day: dt.date, pupil_ids: Iterable[int] | None = None) -> dict[int, TruancyRow]:
    """Every pupil with at least one post-registration truancy lesson on `day`
    (`statutory.post_registration_truancy`), before visibility filtering."""
    absent = LessonMark.objects.filter(school=school, date=day, status=LessonStatus.ABSENT).select_related(
        "period", "group"
    )
    if pupil_ids is not None:
        absent = absent.filter(pupil_id__in=list(pupil_ids))
    lessons: dict[int, list[tuple[statutory.LessonSlot, str]]] = {}
    for mark in absent:
        p = mark.period
        lessons.setdefault(mark.pupil_id, []).append(
            (statutory.LessonSlot(p.name, p.session, p.starts, p.ends), mark.group.name)
        )
    if not lessons:
        return {}
    registration: dict[int, dict[str, tuple[str, int | None]]] = {}
    for m in Mark.objects.filter(school=school, date=day, pupil_id__in=list(lessons)):
        registration.setdefault(m.pupil_id, {})[m.session] = (m.code, m.minutes_late)
    opens = _register_opens(school)
    found: dict[int, list[MissedLesson]] = {}
    for pid, slots in lessons.items():
        if missed := _missed_lessons(registration.get(pid, {}), opens, slots):
            found[pid] = missed
    if not found:
        return {}
    pupils = Pupil.objects.filter(school=school, pk__in=list(found)).select_related("form", "year_group")
    rows = {
        p.pk: TruancyRow(p, {s: c for s, (c, _l) in registration.get(p.pk, {}).items()}, found[p.pk]) for p in pupils
    }
    return rows


def truancy_pupil_ids(school: School, day: dt.date, *, pupil_ids: Iterable[int] | None = None) -> list[int]:
    """The pupils who are post-registration truancy cases on `day` and not yet resolved."""
    rows = _cases(school, day, pupil_ids)
    resolved = set(
        TruancyFollowUp.objects.filter(school=school, date=day, pupil_id__in=list(rows))
        .exclude(outcome=TruancyFollowUp.Outcome.NOT_FOUND)
        .values_list("pupil_id", flat=True)
    )
    return sorted(set(rows) - resolved)


def truancy_list(school: School, day: dt.date, *, viewer: Any = None) -> list[TruancyRow]:
    """Post-registration truancy on `day`: pupils present at registration but absent from a later
    lesson, not explained by a later mark, with the lessons missed, their carers in contact-priority
    order (restrictions included, so no one rings a carer they must not) and the follow-ups so far.
    Unresolved cases first; a head of year sees only their years."""
    rows = _cases(school, day)
    if not rows:
        return []
    for link in (
        PupilCarer.objects.filter(pupil_id__in=list(rows)).select_related("carer").order_by("contact_priority", "id")
    ):
        rows[link.pupil_id].carers.append(link)
    for follow in TruancyFollowUp.objects.filter(school=school, date=day, pupil_id__in=list(rows)).select_related(
        "recorded_by"
    ):
        rows[follow.pupil_id].follow_ups.append(follow)
    ordered = sorted(
        rows.values(), key=lambda r: (r.resolved, r.pupil.legal_surname, r.pupil.legal_forename, r.pupil.pk)
    )
    return _only_visible(school, viewer, ordered, lambda r: r.pupil.pk)


def lesson_registers_on(school: School) -> bool:
    return bool(settings_for(school).lesson_registers)


def lesson_registers_taken(school: School, day: dt.date) -> set[tuple[int, int]]:
    """(group id, period id) of every lesson register taken on `day`."""
    return set(LessonRegisterTaken.objects.filter(school=school, date=day).values_list("group_id", "period_id"))


@dataclass(frozen=True)
class PupilTruancyDay:
    day: dt.date
    missed: list[MissedLesson]
    follow_ups: list[TruancyFollowUp]

    @property
    def resolved(self) -> bool:
        return any(f.resolves for f in self.follow_ups)


def pupil_truancy_days(school: School, pupil: Pupil, start: dt.date, end: dt.date) -> list[PupilTruancyDay]:
    """The days from `start` to `end` on which `pupil` missed a lesson after registration
    (`statutory.post_registration_truancy`), newest first, with the follow-ups logged. Three
    queries whatever the range."""
    lessons: dict[dt.date, list[tuple[statutory.LessonSlot, str]]] = {}
    for mark in LessonMark.objects.filter(
        school=school, pupil=pupil, date__gte=start, date__lte=end, status=LessonStatus.ABSENT
    ).select_related("period", "group"):
        p = mark.period
        lessons.setdefault(mark.date, []).append(
            (statutory.LessonSlot(p.name, p.session, p.starts, p.ends), mark.group.name)
        )
    if not lessons:
        return []
    registration: dict[dt.date, dict[str, tuple[str, int | None]]] = {}
    for m in Mark.objects.filter(school=school, pupil=pupil, date__in=list(lessons)):
        registration.setdefault(m.date, {})[m.session] = (m.code, m.minutes_late)
    follow_ups: dict[dt.date, list[TruancyFollowUp]] = {}
    for f in TruancyFollowUp.objects.filter(school=school, pupil=pupil, date__in=list(lessons)):
        follow_ups.setdefault(f.date, []).append(f)
    opens = _register_opens(school)
    days = []
    for day, slots in lessons.items():
        if missed := _missed_lessons(registration.get(day, {}), opens, slots):
            days.append(PupilTruancyDay(day, missed, follow_ups.get(day, [])))
    return sorted(days, key=lambda d: d.day, reverse=True)
