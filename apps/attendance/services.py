"""Every write to attendance goes through here.

`record_marks` is the agreed cross-module interface: behaviour records `E` for suspended
sessions, support records `B`/`D`/`K` for off-site provision. Registers, imports and closures use
the same set-based writer (`apply_marks`), so a mark is never overwritten without its history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.audit import services as audit
from apps.audit.models import Verb
from apps.core.calendar import SchoolCalendar
from apps.core.models import School

from . import statutory
from .models import Mark, MarkHistory, Source
from .rules import may_record_marks

# Writing marks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MarkRow:
    """One mark to write: already validated."""

    pupil_id: int
    date: dt.date
    session: str
    code: str
    minutes_late: int | None = None


@dataclass
class MarkWriteResult:
    marks: list[Mark]
    created: int = 0
    amended: int = 0
    unchanged: int = 0


def _user_or_none(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _actor_label(actor: Any) -> str:
    user = _user_or_none(actor)
    return user.get_username() if user is not None else str(actor or "system")[:150]


def apply_marks(
    school: School,
    rows: Sequence[MarkRow],
    *,
    actor: Any,
    source: str,
    reason: str,
    now: dt.datetime | None = None,
) -> MarkWriteResult:
    """Create or amend the marks in `rows` (set-based: a handful of queries for any batch).

    A row identical to the mark held changes nothing; a different one amends the mark and adds a
    `MarkHistory` row keeping the original entry, the new one, the reason, when and who. The
    caller has checked permissions and codes and holds a transaction."""
    now = now or timezone.now()
    user = _user_or_none(actor)
    label = "" if user is not None else _actor_label(actor)
    if not rows:
        return MarkWriteResult(marks=[])
    pupil_ids = {r.pupil_id for r in rows}
    dates = {r.date for r in rows}
    existing = {
        (m.pupil_id, m.date, m.session): m
        for m in Mark.objects.filter(school=school, pupil_id__in=pupil_ids, date__in=dates)
    }
    result = MarkWriteResult(marks=[])
    to_create: list[Mark] = []
    to_update: list[Mark] = []
    history: list[MarkHistory] = []
    for row in rows:
        mark = existing.get((row.pupil_id, row.date, row.session))
        if mark is None:
            mark = Mark(
                school=school,
                pupil_id=row.pupil_id,
                date=row.date,
                session=row.session,
                code=row.code,
                minutes_late=row.minutes_late,
                recorded_by=user,
                recorded_at=now,
                source=source,
            )
            to_create.append(mark)
            existing[(row.pupil_id, row.date, row.session)] = mark
            result.created += 1
        elif mark.code == row.code and mark.minutes_late == row.minutes_late:
            result.unchanged += 1
        else:
            if not reason.strip():
                raise ValidationError("Give a reason for changing a mark that has already been recorded.")
            history.append(
                MarkHistory(
                    mark=mark,
                    school=school,
                    old_code=mark.code,
                    old_minutes_late=mark.minutes_late,
                    old_recorded_by_id=mark.recorded_by_id,
                    old_recorded_at=mark.recorded_at,
                    old_source=mark.source,
                    new_code=row.code,
                    new_minutes_late=row.minutes_late,
                    new_source=source,
                    reason=reason[:300],
                    amended_by=user,
                    amended_by_label=label,
                    amended_at=now,
                )
            )
            mark.code = row.code
            mark.minutes_late = row.minutes_late
            mark.recorded_by = user
            mark.recorded_at = now
            mark.source = source
            if mark.pk is not None and mark not in to_update:
                to_update.append(mark)
            result.amended += 1
        result.marks.append(mark)
    if to_create:
        Mark.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        Mark.objects.bulk_update(
            to_update, ["code", "minutes_late", "recorded_by", "recorded_at", "source"], batch_size=500
        )
    if history:
        for h in history:
            h.mark_id = h.mark.pk
        MarkHistory.objects.bulk_create(history, batch_size=500)
    return result


def validate_mark(pupil: Any, day: dt.date, session: str, code: str, minutes_late: int | None) -> str | None:
    """Why this mark cannot be recorded, or None. `code` is already normalised."""
    if session not in ("AM", "PM"):
        return f"“{session}” is not a session: use AM or PM."
    if problem := statutory.code_problem(code, day):
        return problem
    on_roll = pupil.admission_date <= day and (pupil.leaving_date is None or day <= pupil.leaving_date)
    if code == "Z":
        if on_roll or day > pupil.admission_date:
            return "Z is only for a prospective pupil before they join the admission register."
    elif not on_roll:
        return f"{pupil.full_name} was not on roll on {day:%d/%m/%Y}."
    if minutes_late is not None:
        if code not in statutory.LATE_CODES:
            return f"Minutes late go only with L or U, not with {code}."
        if minutes_late < 0 or minutes_late > 300:
            return "Minutes late must be between 0 and 300."
    return None


def record_marks(
    actor: Any,
    *,
    school: School,
    pupil: Any,
    sessions: Iterable[tuple[dt.date, str]],
    code: str,
    reason: str,
    minutes_late: int | None = None,
    source: str = Source.SERVICE,
    calendar: SchoolCalendar | None = None,
) -> list[Mark]:
    """Record `code` for `pupil` in each `(date, "AM"|"PM")` session, creating marks or amending
    the ones held (the history keeps the old entry, with `reason`). Returns the marks.

    `actor` is the member of staff (checked: see `rules.may_record_marks`), or None for the
    system itself (management commands, demo data). Sessions must be school sessions."""
    if pupil.school_id != school.pk:
        raise PermissionDenied("That pupil is not at this school.")
    if actor is not None and not may_record_marks(actor, pupil):
        audit.record(actor, Verb.DENIED, pupil, pupil=pupil, school=school, reason="attendance.record_marks")
        raise PermissionDenied("You cannot record attendance for this pupil.")
    wanted = sorted(set(sessions))
    if not wanted:
        return []
    calendar = calendar or SchoolCalendar.for_school(school)
    rows: list[MarkRow] = []
    errors: list[str] = []
    for day, session in wanted:
        normalised = statutory.normalise_code(code, session)
        if session in ("AM", "PM") and session not in calendar.sessions_on(day):
            errors.append(f"{day:%d/%m/%Y} {session} is not a school session.")
            continue
        if problem := validate_mark(pupil, day, session, normalised, minutes_late):
            errors.append(f"{day:%d/%m/%Y} {session}: {problem}")
            continue
        rows.append(MarkRow(pupil.pk, day, session, normalised, minutes_late))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        result = apply_marks(school, rows, actor=actor, source=source, reason=reason)
        if result.created or result.amended:
            audit.record(
                actor,
                Verb.AMEND if result.amended else Verb.CREATE,
                ("attendance.mark", f"{pupil.pk}:{wanted[0][0]:%Y%m%d}"),
                school=school,
                pupil=pupil,
                reason=f"attendance.record_marks:{code}:{len(rows)}",
            )
    return result.marks
