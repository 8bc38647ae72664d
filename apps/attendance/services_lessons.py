"""Writes for the attendance settings page, lesson registers and post-registration truancy
follow-up (issue 5). Kept apart from `services.py` so the register and import paths stay small;
the same conventions apply: permission first, clear `ValidationError`s, one transaction, the
chronology when the pupil's story changes, and the audit log.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import WHOLE_SCHOOL_ROLES
from apps.accounts.selectors import roles_in
from apps.audit import services as audit
from apps.audit.models import Verb
from apps.core.calendar import calendar_for
from apps.core.models import School

from . import statutory
from .models import (
    AttendanceSettings,
    LessonMark,
    LessonMarkHistory,
    LessonPeriod,
    LessonRegisterTaken,
    LessonStatus,
    TruancyFollowUp,
)
from .rules import may_change_settings, may_manage
from .services import REGISTER_PUPIL_FIELDS, _story, _user_or_none, settings_for, with_retry

LESSON_CORRECTION_REASON = "Corrected on the lesson register"


def may_take_lesson_register(user: Any, group: Any) -> bool:
    """A teacher of the group, or a whole-school role (cover, the attendance office)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if roles_in(user, group.school_id) & WHOLE_SCHOOL_ROLES:
        return True
    return bool(roles_in(user, group.school_id)) and group.teachers.filter(pk=user.pk).exists()


# Settings ----------------------------------------------------------------------------------------


SETTINGS_FIELDS = (
    "am_register_opens",
    "pm_register_opens",
    "register_open_minutes",
    "n_code_limit_school_days",
    "lesson_registers",
    "report_schedule",
)


def update_settings(actor: Any, *, school: School, **values: Any) -> AttendanceSettings:
    """Change the school's attendance policy (domain §1.1: a register stays open the same time
    every session, no more than 30 minutes). Every change is audited with the fields changed."""
    if not may_change_settings(actor, school):
        audit.record(actor, Verb.DENIED, school, school=school, reason="attendance.update_settings")
        raise PermissionDenied("Only the attendance office or senior leaders can change attendance settings.")
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown settings: {', '.join(sorted(unknown))}.")
    minutes = values.get("register_open_minutes")
    if minutes is not None and not 1 <= minutes <= statutory.MAX_REGISTER_OPEN_MINUTES:
        raise ValidationError(
            {"register_open_minutes": "A register may stay open for 1 to 30 minutes, the same for every session."}
        )
    limit = values.get("n_code_limit_school_days")
    if limit is not None and not 1 <= limit <= 30:
        raise ValidationError({"n_code_limit_school_days": "Choose a limit from 1 to 30 school days."})
    am, pm = values.get("am_register_opens"), values.get("pm_register_opens")
    if am is not None and pm is not None and pm <= am:
        raise ValidationError({"pm_register_opens": "The afternoon register must open after the morning one."})
    with transaction.atomic():
        policy = AttendanceSettings.objects.select_for_update().filter(school=school).first()
        if policy is None:
            policy = AttendanceSettings(school=school)
        changed = [name for name, value in values.items() if getattr(policy, name) != value]
        for name in changed:
            setattr(policy, name, values[name])
        if changed or policy.pk is None:
            policy.full_clean()
            policy.save()
            audit.record(
                actor,
                Verb.UPDATE,
                policy,
                school=school,
                reason=f"attendance.settings:{','.join(changed) or 'created'}",
            )
    return policy


_PERIOD_LINE = re.compile(
    r"^\s*(?P<name>[^\s]{1,20})\s+(?P<starts>\d{1,2}[:.]\d{2})\s*(?:-|–|to)\s*(?P<ends>\d{1,2}[:.]\d{2})\s+(?P<session>AM|PM)\s*$",
    re.IGNORECASE,
)


def parse_periods(text: str) -> tuple[list[tuple[str, dt.time, dt.time, str]], list[str]]:
    """Lesson periods typed one a line, `P1 09:00-10:00 AM`. Returns the periods and, for lines
    that cannot be read, a message naming the line."""
    periods: list[tuple[str, dt.time, dt.time, str]] = []
    errors: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        found = _PERIOD_LINE.match(line)
        if found is None:
            errors.append(f"Line {number} (“{line.strip()[:40]}”): write it as “P1 09:00-10:00 AM”.")
            continue
        try:
            starts = dt.datetime.strptime(found["starts"].replace(".", ":"), "%H:%M").time()  # noqa: DTZ007
            ends = dt.datetime.strptime(found["ends"].replace(".", ":"), "%H:%M").time()  # noqa: DTZ007
        except ValueError:
            errors.append(f"Line {number}: {found['starts']} or {found['ends']} is not a time of day.")
            continue
        periods.append((found["name"], starts, ends, found["session"].upper()))
    return periods, errors


def set_lesson_periods(actor: Any, *, school: School, text: str) -> list[LessonPeriod]:
    """Replace the school's lesson periods with those typed (one a line). A period kept by name is
    updated; one no longer listed is switched off (its lesson marks stay); a new name is added.
    Nothing is saved when any line is wrong, and the message names every problem."""
    if not may_change_settings(actor, school):
        audit.record(actor, Verb.DENIED, school, school=school, reason="attendance.set_lesson_periods")
        raise PermissionDenied("Only the attendance office or senior leaders can change lesson periods.")
    periods, errors = parse_periods(text)
    errors += statutory.lesson_period_problems(periods)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        held = {p.name.upper(): p for p in LessonPeriod.objects.select_for_update().filter(school=school)}
        kept: list[LessonPeriod] = []
        for name, starts, ends, session in periods:
            period = held.pop(name.upper(), None) or LessonPeriod(school=school)
            period.name, period.starts, period.ends, period.session, period.active = name, starts, ends, session, True
            period.save()
            kept.append(period)
        for gone in held.values():
            if gone.active:
                gone.active = False
                gone.save(update_fields=["active"])
        audit.record(actor, Verb.UPDATE, school, school=school, reason=f"attendance.lesson_periods:{len(kept)}")
    return kept


# Lesson registers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonEntry:
    """What the lesson register sent for one pupil: status `present`/`absent`/`late` (or "" to
    leave unmarked), minutes late, and the status the page showed when loaded."""

    pupil_id: int
    status: str
    minutes_late: int | None = None
    seen: str = ""


@dataclass
class LessonRegisterResult:
    created: int = 0
    amended: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)


#: What may be typed in a lesson register's status box.
STATUS_KEYS = {
    "/": LessonStatus.PRESENT,
    "\\": LessonStatus.PRESENT,
    "P": LessonStatus.PRESENT,
    "PRESENT": LessonStatus.PRESENT,
    "A": LessonStatus.ABSENT,
    "N": LessonStatus.ABSENT,
    "ABSENT": LessonStatus.ABSENT,
    "L": LessonStatus.LATE,
    "LATE": LessonStatus.LATE,
}


def normalise_status(text: str) -> str | None:
    """`present`, `absent` or `late` from what was typed (`/`, `P`, `A`, `N`, `L`...), "" for a
    blank box, None when it cannot be read."""
    text = text.strip().upper()
    if not text:
        return ""
    found = STATUS_KEYS.get(text)
    return str(found) if found else None


def take_lesson_register(
    actor: Any,
    *,
    group: Any,
    period: LessonPeriod,
    day: dt.date,
    entries: Sequence[LessonEntry],
    now: dt.datetime | None = None,
) -> LessonRegisterResult:
    """Save a teaching group's register for one lesson in one request. A mark changed since the
    page was loaded by someone else is kept and reported, never overwritten; a change to the
    teacher's own earlier entry keeps the old one in the history with the reason."""
    school = group.school
    if not may_take_lesson_register(actor, group):
        audit.record(actor, Verb.DENIED, group, school=school, reason="attendance.take_lesson_register")
        raise PermissionDenied("You cannot take this group's lesson register.")
    if not settings_for(school).lesson_registers:
        raise ValidationError("Lesson registers are not in use at this school (see the attendance settings).")
    if period.school_id != school.pk or not period.active:
        raise ValidationError("That lesson period is not in use: reload the page.")
    if period.session not in calendar_for(school).sessions_on(day):
        raise ValidationError(f"{day:%d/%m/%Y} {period.name} is not in a school session, so there is no lesson.")
    pupils = {
        p.pk: p
        for p in group.pupils.filter(admission_date__lte=day)
        .exclude(leaving_date__lt=day)
        .only(*[f for f in REGISTER_PUPIL_FIELDS if f != "form_id"])
    }
    errors: list[str] = []
    wanted: list[tuple[LessonEntry, str, int | None]] = []
    for entry in entries:
        pupil = pupils.get(entry.pupil_id)
        if pupil is None:
            errors.append("A pupil on the page is no longer in this group: reload the register.")
            continue
        status = normalise_status(entry.status)
        if status is None:
            errors.append(f"{pupil.full_name}: “{entry.status}” is not a lesson mark: use / (present), A or L.")
            continue
        if not status:
            continue
        minutes = entry.minutes_late if status == LessonStatus.LATE else None
        if status != LessonStatus.LATE and entry.minutes_late is not None:
            errors.append(f"{pupil.full_name}: minutes late go only with L.")
            continue
        if minutes is not None and not 0 <= minutes <= 300:
            errors.append(f"{pupil.full_name}: minutes late must be between 0 and 300.")
            continue
        wanted.append((entry, status, minutes))
    if errors:
        raise ValidationError(errors)
    user = _user_or_none(actor)

    def work() -> LessonRegisterResult:
        at = now or timezone.now()
        result = LessonRegisterResult()
        held = {
            m.pupil_id: m
            for m in LessonMark.objects.select_for_update().filter(
                school=school, date=day, period=period, pupil_id__in=pupils
            )
        }
        to_create: list[LessonMark] = []
        to_update: list[LessonMark] = []
        history: list[LessonMarkHistory] = []
        for entry, status, minutes in wanted:
            mark = held.get(entry.pupil_id)
            if mark is None:
                to_create.append(
                    LessonMark(
                        school=school,
                        pupil_id=entry.pupil_id,
                        group=group,
                        period=period,
                        date=day,
                        status=status,
                        minutes_late=minutes,
                        recorded_by=user,
                        recorded_at=at,
                    )
                )
                continue
            if (mark.status, mark.minutes_late) == (status, minutes):
                result.unchanged += 1
                continue
            if mark.status != entry.seen:
                result.conflicts.append(
                    f"{pupils[entry.pupil_id].full_name}: already marked {mark.get_status_display().lower()} "
                    "by someone else; kept."
                )
                continue
            history.append(
                LessonMarkHistory(
                    lesson_mark=mark,
                    old_status=mark.status,
                    old_minutes_late=mark.minutes_late,
                    old_recorded_by_id=mark.recorded_by_id,
                    old_recorded_at=mark.recorded_at,
                    new_status=status,
                    new_minutes_late=minutes,
                    reason=LESSON_CORRECTION_REASON,
                    amended_by=user,
                    amended_at=at,
                )
            )
            mark.status, mark.minutes_late, mark.recorded_by, mark.recorded_at = status, minutes, user, at
            to_update.append(mark)
        LessonMark.objects.bulk_create(to_create)
        LessonMark.objects.bulk_update(to_update, ["status", "minutes_late", "recorded_by", "recorded_at"])
        LessonMarkHistory.objects.bulk_create(history)
        result.created, result.amended = len(to_create), len(to_update)
        LessonRegisterTaken.objects.update_or_create(
            group=group, date=day, period=period, defaults={"school": school, "taken_by": user, "taken_at": at}
        )
        audit.record(
            actor,
            Verb.AMEND if to_update else Verb.CREATE,
            group,
            school=school,
            reason=f"attendance.take_lesson_register:{day:%Y%m%d}:{period.name}:{len(wanted)}",
        )
        absent = [e.pupil_id for e, status, _m in wanted if status == LessonStatus.ABSENT]
        if absent:
            transaction.on_commit(lambda: alert_dsl_of_truancy(school, day=day, pupil_ids=absent))
        return result

    return with_retry(work)


def amend_lesson_mark(
    actor: Any, *, mark: LessonMark, status: str, reason: str, minutes_late: int | None = None
) -> Any:
    """The attendance office corrects one lesson mark, with a reason kept in its history."""
    school = mark.school
    if not may_manage(actor, school):
        audit.record(actor, Verb.DENIED, mark, school=school, pupil=mark.pupil_id, reason="attendance.amend_lesson")
        raise PermissionDenied("Only the attendance office can amend lesson marks.")
    found = normalise_status(status)
    if not found:
        raise ValidationError("Choose present, absent or late.")
    if not reason.strip():
        raise ValidationError("Give the reason for the change: it is kept with the lesson register.")
    minutes = minutes_late if found == LessonStatus.LATE else None
    if (mark.status, mark.minutes_late) == (found, minutes):
        return mark
    now = timezone.now()
    with transaction.atomic():
        LessonMarkHistory.objects.create(
            lesson_mark=mark,
            old_status=mark.status,
            old_minutes_late=mark.minutes_late,
            old_recorded_by_id=mark.recorded_by_id,
            old_recorded_at=mark.recorded_at,
            new_status=found,
            new_minutes_late=minutes,
            reason=reason[:300],
            amended_by=_user_or_none(actor),
            amended_at=now,
        )
        mark.status, mark.minutes_late, mark.recorded_by, mark.recorded_at = found, minutes, _user_or_none(actor), now
        mark.save(update_fields=["status", "minutes_late", "recorded_by", "recorded_at"])
        audit.record(actor, Verb.AMEND, mark, school=school, pupil=mark.pupil_id, reason="attendance.amend_lesson")
    return mark


# Post-registration truancy ------------------------------------------------------------------------


def alert_dsl_of_truancy(school: School, *, day: dt.date, pupil_ids: Sequence[int]) -> list[int]:
    """Tell the DSL team about each pupil with a social worker who has become a post-registration
    truancy case (domain §1.7, guidance para 52: the social worker is to be told of unexplained
    absence). Reuses the once-a-day absence alert, so a pupil already alerted today is not again."""
    from .selectors_lessons import truancy_pupil_ids
    from .services import alert_dsl_of_unexplained_absence

    cases = truancy_pupil_ids(school, day, pupil_ids=pupil_ids)
    if not cases:
        return []
    return alert_dsl_of_unexplained_absence(school, day=day, pupil_ids=cases)


def record_truancy_follow_up(actor: Any, *, pupil: Any, day: dt.date, outcome: str, note: str = "") -> TruancyFollowUp:
    """Log what was found when a post-registration truancy case was followed up: found in school,
    with a parent, truanting confirmed, not found yet, or other (with a note). It goes on the
    pupil's chronology (pastoral) and the audit log; any outcome but "not found yet" takes the pupil
    off the day's list."""
    from apps.people.selectors import can_view_pupil

    school = pupil.school
    if not may_manage(actor, school) or not can_view_pupil(actor, pupil):
        audit.record(actor, Verb.DENIED, pupil, pupil=pupil, school=school, reason="attendance.truancy_follow_up")
        raise PermissionDenied("Only the attendance office and pastoral team follow up truancy.")
    if outcome not in TruancyFollowUp.Outcome.values:
        raise ValidationError("Choose what was found.")
    if outcome == TruancyFollowUp.Outcome.OTHER and not note.strip():
        raise ValidationError("Say what happened in the note when the outcome is “Other”.")
    if day > timezone.localdate():
        raise ValidationError("A follow-up cannot be for a day that has not happened yet.")
    with transaction.atomic():
        made = TruancyFollowUp.objects.create(
            school=school,
            pupil=pupil,
            date=day,
            outcome=outcome,
            note=note[:300],
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        _story(actor, pupil, f"Missed lessons on {day:%d/%m/%Y} followed up: {made.get_outcome_display()}", made, note)
        audit.record(
            actor, Verb.CREATE, made, school=school, pupil=pupil, reason=f"attendance.truancy_follow_up:{outcome}"
        )
    return made
