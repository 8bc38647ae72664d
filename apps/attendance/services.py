"""Every write to attendance goes through here.

`record_marks` is the agreed cross-module interface: behaviour records `E` for suspended
sessions, support records `B`/`D`/`K` for off-site provision. Registers, imports and closures use
the same set-based writer (`apply_marks`), so a mark is never overwritten without its history.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from apps.audit import services as audit
from apps.audit.models import Verb
from apps.core.calendar import SchoolCalendar, calendar_for
from apps.core.models import School

from . import statutory, summaries
from .models import AttendanceSettings, Mark, MarkHistory, RegisterTaken, Source
from .rules import may_manage, may_record_marks, may_take_register

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
    held: dict[tuple[int, dt.date, str], Mark] | None = None,
) -> MarkWriteResult:
    """Create or amend the marks in `rows` (set-based: a handful of queries for any batch).

    A row identical to the mark held changes nothing; a different one amends the mark and adds a
    `MarkHistory` row keeping the original entry, the new one, the reason, when and who. The
    caller has checked permissions and codes and holds a transaction. A caller that has just read
    the marks held for every (pupil, date, session) in `rows`, in this transaction, may pass them
    as `held` {(pupil id, date, session): mark} to save reading them again."""
    now = now or timezone.now()
    user = _user_or_none(actor)
    label = "" if user is not None else _actor_label(actor)
    if not rows:
        return MarkWriteResult(marks=[])
    if held is not None:
        existing = dict(held)
    else:
        pupil_ids = {r.pupil_id for r in rows}
        dates = {r.date for r in rows}
        existing = {
            (m.pupil_id, m.date, m.session): m
            for m in Mark.objects.filter(school=school, pupil_id__in=pupil_ids, date__in=dates)
        }
    result = MarkWriteResult(marks=[])
    changes: list[summaries.Change] = []
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
            changes.append((row.pupil_id, row.date, None, row.code))
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
            if mark.code != row.code:
                changes.append((row.pupil_id, row.date, mark.code, row.code))
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
    # The per-pupil per-year counts move with the marks, in the same transaction (summaries.py).
    summaries.record_changes(school, changes)
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
    calendar = calendar or calendar_for(school)
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

    def work() -> MarkWriteResult:
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
        return result

    # Retried on a lock or a concurrent first write (a mark, or a pupil's year summary row).
    return with_retry(work).marks


# Retrying on lock and serialisation errors ------------------------------------------------------

_RETRY_ATTEMPTS = 6
T = TypeVar("T")


def _is_retryable(exc: Exception) -> bool:
    """A lock or serialisation failure (SQLite "database is locked", PostgreSQL serialisation or
    deadlock), or a race on creating the same mark or register receipt: run it again."""
    text = str(exc).lower()
    if isinstance(exc, OperationalError):
        return any(w in text for w in ("locked", "busy", "could not serialize", "deadlock"))
    if isinstance(exc, IntegrityError):
        return any(w in text for w in ("uniq_mark_per_session", "uniq_register_taken", "attendance_mark.", "unique"))
    return False


def with_retry(work: Callable[[], T], *, attempts: int = _RETRY_ATTEMPTS) -> T:
    """Run `work` in its own transaction (a savepoint when already inside one), again after a short
    random pause when it fails on a lock or a concurrent insert. Each attempt rereads the data, so
    a retried save sees the other writer's marks and loses none of them."""
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                return work()
        except (OperationalError, IntegrityError) as exc:
            if attempt == attempts - 1 or not _is_retryable(exc):
                raise
            time.sleep(0.02 * (2**attempt) + random.random() * 0.02)
    raise AssertionError("unreachable")


def settings_for(school: School) -> AttendanceSettings:
    found = AttendanceSettings.objects.filter(school=school).first()
    return found or AttendanceSettings(school=school)


# Taking a register (domain §1.1) -----------------------------------------------------------------


@dataclass(frozen=True)
class RegisterEntry:
    """What the register form sent for one pupil. `seen` is the code the page showed when it was
    loaded ("" for none): a mark changed by someone else since then is not overwritten."""

    pupil_id: int
    code: str
    minutes_late: int | None = None
    seen: str = ""


@dataclass
class RegisterResult:
    created: int = 0
    amended: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)
    converted: list[str] = field(default_factory=list)  # L after close recorded as U
    marks: list[Mark] = field(default_factory=list)


REGISTER_CORRECTION_REASON = "Corrected on the register"


REGISTER_PUPIL_FIELDS = (
    "pk",
    "school_id",
    "form_id",  # the related manager sets each pupil's form: without it, one query per pupil
    "admission_date",
    "leaving_date",
    "legal_forename",
    "preferred_forename",
    "legal_surname",
    "preferred_surname",
)


def take_register(
    actor: Any,
    *,
    form: Any,
    day: dt.date,
    session: str,
    entries: Sequence[RegisterEntry],
    calendar: SchoolCalendar | None = None,
    now: dt.datetime | None = None,
) -> RegisterResult:
    """Save a form's register for one session in one transaction (domain §1.1).

    Blank codes are left unmarked. `L` with minutes late beyond the time the register stays open
    is recorded as `U` (arrived after registration closed). A mark someone else changed after the
    page was loaded is kept and reported as a conflict, never overwritten. Retries on lock and
    serialisation errors, so two people saving the same register at once both keep their marks."""
    school = form.school
    if not may_take_register(actor, form):
        audit.record(actor, Verb.DENIED, form, school=school, reason="attendance.take_register")
        raise PermissionDenied("You cannot take this form's register.")
    calendar = calendar or calendar_for(school)
    if session not in calendar.sessions_on(day):
        raise ValidationError(f"{day:%d/%m/%Y} {session} is not a school session, so there is no register to take.")
    policy = settings_for(school)
    # Only what validation and the messages need (no encrypted or free-text columns to decode).
    pupils = {p.pk: p for p in form.pupils.only(*REGISTER_PUPIL_FIELDS)}
    errors: list[str] = []
    wanted: list[tuple[RegisterEntry, str, int | None]] = []
    converted: list[str] = []
    for entry in entries:
        pupil = pupils.get(entry.pupil_id)
        if pupil is None:
            errors.append("A pupil on the page is no longer in this form: reload the register.")
            continue
        if not entry.code.strip():
            continue
        code = statutory.normalise_code(entry.code, session)
        minutes = entry.minutes_late
        if code == "L" and minutes is not None and statutory.late_code(minutes, policy.register_open_minutes) == "U":
            code = "U"
            converted.append(f"{pupil.full_name}: arrived {minutes} minutes after the register opened, so U.")
        if code not in statutory.LATE_CODES:
            minutes = None
        if problem := validate_mark(pupil, day, session, code, minutes):
            errors.append(f"{pupil.full_name}: {problem}")
            continue
        wanted.append((entry, code, minutes))
    if errors:
        raise ValidationError(errors)

    def work() -> RegisterResult:
        result = RegisterResult(converted=list(converted))
        held = {
            m.pupil_id: m for m in Mark.objects.filter(school=school, date=day, session=session, pupil_id__in=pupils)
        }
        rows: list[MarkRow] = []
        for entry, code, minutes in wanted:
            mark = held.get(entry.pupil_id)
            current = mark.code if mark else ""
            if current and current != entry.seen and (current, mark and mark.minutes_late) != (code, minutes):
                result.conflicts.append(
                    f"{pupils[entry.pupil_id].full_name}: already marked {current} by someone else; kept."
                )
                continue
            rows.append(MarkRow(entry.pupil_id, day, session, code, minutes))
        written = apply_marks(
            school,
            rows,
            actor=actor,
            source=Source.REGISTER,
            reason=REGISTER_CORRECTION_REASON,
            now=now,
            # Every row is for this day and session, whose marks were read just above.
            held={(pid, day, session): m for pid, m in held.items()},
        )
        result.created, result.amended, result.unchanged = written.created, written.amended, written.unchanged
        result.marks = written.marks
        RegisterTaken.objects.update_or_create(
            form=form,
            date=day,
            session=session,
            defaults={"school": school, "taken_by": _user_or_none(actor), "taken_at": now or timezone.now()},
        )
        audit.record(
            actor,
            Verb.AMEND if written.amended else Verb.CREATE,
            form,
            school=school,
            reason=f"attendance.take_register:{day:%Y%m%d}{session}:{len(rows)}",
        )
        absent = [m.pupil_id for m in written.marks if m.code == "N"]
        if absent:
            alert_dsl_of_unexplained_absence(school, day=day, pupil_ids=absent)
        return result

    return with_retry(work)


def amend_mark(
    actor: Any,
    *,
    pupil: Any,
    day: dt.date,
    session: str,
    code: str,
    reason: str,
    minutes_late: int | None = None,
) -> Mark:
    """The attendance office changes one mark, giving a reason (domain §1.1: the original entry,
    the new one, the reason, the date and who are all kept)."""
    school = pupil.school
    if not may_manage(actor, school):
        audit.record(actor, Verb.DENIED, pupil, pupil=pupil, school=school, reason="attendance.amend_mark")
        raise PermissionDenied("Only the attendance office can amend marks.")
    if not reason.strip():
        raise ValidationError("Give the reason for the change: it is kept with the register.")
    marks = with_retry(
        lambda: record_marks(
            actor,
            school=school,
            pupil=pupil,
            sessions=[(day, session)],
            code=code,
            reason=reason,
            minutes_late=minutes_late,
            source=Source.OFFICE,
        )
    )
    return marks[0]


# The DSL alert for pupils with a social worker (domain §1.7) --------------------------------------


def social_worker_pupils(school: School) -> set[int]:
    """Pupils with a social worker (an open CP, CIN or looked-after status), from the safeguarding
    module. Imported here because safeguarding reads attendance in turn."""
    from apps.safeguarding.selectors import pupils_with_social_worker

    return set(pupils_with_social_worker(school))


def alert_dsl_of_unexplained_absence(school: School, *, day: dt.date, pupil_ids: Iterable[int]) -> list[int]:
    """Tell the DSL team, the same day, about each pupil with a social worker who is absent without
    explanation (domain §1.7, guidance para 52: the social worker is to be told). Each pupil is
    alerted once a day. Returns the ids alerted now."""
    from django.urls import reverse

    from apps.accounts.models import DSL_TEAM
    from apps.accounts.selectors import staff_with_role
    from apps.accounts.services import notify

    from .models import AbsenceAlert

    ids = set(pupil_ids) & social_worker_pupils(school)
    if not ids:
        return []
    already = set(
        AbsenceAlert.objects.filter(school=school, date=day, pupil_id__in=ids).values_list("pupil_id", flat=True)
    )
    fresh = sorted(ids - already)
    if not fresh:
        return []
    now = timezone.now()
    AbsenceAlert.objects.bulk_create(
        [AbsenceAlert(school=school, pupil_id=pid, date=day, alerted_at=now) for pid in fresh]
    )
    dsls = staff_with_role(school, *DSL_TEAM)
    for pid in fresh:
        notify(
            dsls,
            school=school,
            title="A pupil with a social worker is absent without explanation today: tell their social worker.",
            url=reverse("attendance:pupil", kwargs={"pupil_id": pid}),
            urgent=True,
        )
        audit.record(
            None,
            Verb.CREATE,
            ("attendance.absence_alert", pid),
            school=school,
            pupil=pid,
            reason="attendance.dsl_alert",
        )
    return fresh


# First-day response ------------------------------------------------------------------------------


def record_contact(
    actor: Any,
    *,
    pupil: Any,
    day: dt.date,
    carer_id: int | None,
    method: str,
    outcome: str,
    new_code: str = "",
    note: str = "",
) -> Any:
    """Log one call (or message) about a pupil's `N` absence on `day` and, when it gave a reason,
    replace the `N` marks that day with `new_code` (an `N` must be replaced once the reason is known,
    domain §1.2). A carer under a no-contact restriction cannot be logged as called."""
    from apps.chronology.models import Confidentiality, Kind
    from apps.chronology.services import add_entry
    from apps.people.models import PupilCarer

    from .models import ContactAttempt

    school = pupil.school
    if not may_manage(actor, school):
        audit.record(actor, Verb.DENIED, pupil, pupil=pupil, school=school, reason="attendance.record_contact")
        raise PermissionDenied("Only the attendance office logs first-day calls.")
    carer = None
    if carer_id is not None:
        link = PupilCarer.objects.filter(pupil=pupil, carer_id=carer_id).select_related("carer").first()
        if link is None:
            raise ValidationError("That carer is not linked to this pupil.")
        if not link.may_be_contacted:
            raise ValidationError(
                f"{link.carer.full_name} must not be contacted ({link.get_restriction_display()}): "
                "call the next carer instead."
            )
        carer = link.carer
    if outcome not in ContactAttempt.Outcome.values:
        raise ValidationError("Choose the outcome of the call.")
    code = statutory.normalise_code(new_code, "AM") if new_code else ""
    if code and (problem := statutory.code_problem(code, day)):
        raise ValidationError(problem)
    if code == "N":
        code = ""

    def work() -> Any:
        contact = ContactAttempt.objects.create(
            school=school,
            pupil=pupil,
            date=day,
            carer=carer,
            method=method,
            outcome=outcome,
            new_code=code,
            note=note[:300],
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        if code:
            sessions = list(
                Mark.objects.filter(school=school, pupil=pupil, date=day, code="N").values_list("date", "session")
            )
            if sessions:
                record_marks(
                    actor,
                    school=school,
                    pupil=pupil,
                    sessions=sessions,
                    code=code,
                    reason=f"First-day call: {contact.get_outcome_display()}",
                    source=Source.FOLLOW_UP,
                )
        add_entry(
            pupil=pupil,
            kind=Kind.CONTACT,
            title=f"Attendance call about {day:%d/%m/%Y}: {contact.get_outcome_display()}",
            summary=note,
            author=actor,
            source=contact,
            confidentiality=Confidentiality.PASTORAL,
        )
        audit.record(actor, Verb.CREATE, contact, school=school, pupil=pupil, reason="attendance.record_contact")
        return contact

    return with_retry(work)


# Penalty notices (domain §1.6) and the support-first ladder (domain §1.5) -------------------------


def _refuse_unless_manager(actor: Any, pupil: Any, what: str) -> None:
    if not may_manage(actor, pupil.school):
        audit.record(actor, Verb.DENIED, pupil, pupil=pupil, school=pupil.school, reason=f"attendance.{what}")
        raise PermissionDenied("Only the attendance office can do this.")


def _story(actor: Any, pupil: Any, title: str, source: Any, summary: str = "") -> None:
    from apps.chronology.models import Confidentiality, Kind
    from apps.chronology.services import add_entry

    add_entry(
        pupil=pupil,
        kind=Kind.ATTENDANCE,
        title=title,
        summary=summary,
        author=actor,
        source=source,
        confidentiality=Confidentiality.PASTORAL,
    )


def decide_penalty(actor: Any, *, pupil: Any, on: dt.date, decision: str, reason: str) -> Any:
    """Record that a penalty notice was considered for a pupil who meets the national threshold on
    `on` (10 sessions of G/N/O/U in 10 school weeks), with the decision and its reason. A notice
    must be considered, not automatically issued (domain §1.6)."""
    from .models import PenaltyDecision
    from .selectors import penalty_threshold

    _refuse_unless_manager(actor, pupil, "decide_penalty")
    if decision not in PenaltyDecision.Decision.values:
        raise ValidationError("Choose a decision.")
    if not reason.strip():
        raise ValidationError("Give the reason for the decision: it is kept on the pupil's record.")
    flags = penalty_threshold(pupil.school, on, pupil_ids=[pupil.pk])
    if not flags:
        raise ValidationError(
            f"{pupil.full_name} does not meet the penalty-notice threshold on {on:%d/%m/%Y} "
            "(10 sessions of G, N, O or U in the last 10 school weeks)."
        )
    flag = flags[0]
    with transaction.atomic():
        made = PenaltyDecision.objects.create(
            school=pupil.school,
            pupil=pupil,
            considered_on=on,
            unauthorised_sessions=flag.unauthorised_sessions,
            window_start=flag.window_start,
            window_end=flag.window_end,
            decision=decision,
            reason=reason[:500],
            decided_by=actor,
            decided_at=timezone.now(),
        )
        _story(actor, pupil, f"Penalty notice considered: {made.get_decision_display()}", made, reason)
        audit.record(actor, Verb.CREATE, made, school=pupil.school, pupil=pupil, reason="attendance.decide_penalty")
    return made


def issue_penalty_notice(actor: Any, *, pupil: Any, carer_id: int, issued_on: dt.date, decision: Any = None) -> Any:
    """Record a penalty notice issued to one parent for one child, with the amounts the National
    Framework sets; refuse a third notice to the same parent for the same child within 3 years
    (withdrawn notices do not count) (domain §1.6)."""
    from apps.people.models import PupilCarer

    from .models import LadderStep, PenaltyNotice, PenaltyNoticeEvent

    _refuse_unless_manager(actor, pupil, "issue_penalty_notice")
    link = PupilCarer.objects.filter(pupil=pupil, carer_id=carer_id).select_related("carer").first()
    if link is None:
        raise ValidationError("That carer is not linked to this pupil.")
    if issued_on < statutory.REGULATIONS_2024_START:
        raise ValidationError("The National Framework for penalty notices applies from 19/08/2024.")
    earlier = list(
        PenaltyNotice.objects.filter(pupil=pupil, carer_id=carer_id)
        .exclude(status=PenaltyNotice.Status.WITHDRAWN)
        .filter(issued_on__lte=issued_on)
        .values_list("issued_on", flat=True)
    )
    try:
        sequence, full, reduced = statutory.penalty_notice_terms(earlier, issued_on)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    now = timezone.now()
    with transaction.atomic():
        notice = PenaltyNotice.objects.create(
            school=pupil.school,
            pupil=pupil,
            carer=link.carer,
            decision=decision,
            issued_on=issued_on,
            sequence=sequence,
            amount_full=full,
            amount_reduced=reduced,
            issued_by=actor,
            created_at=now,
        )
        PenaltyNoticeEvent.objects.create(
            notice=notice, new_status=notice.status, on=issued_on, reason="Issued", by=actor, at=now
        )
        LadderStep.objects.create(
            school=pupil.school,
            pupil=pupil,
            stage=LadderStep.Stage.PENALTY_NOTICE,
            on=issued_on,
            outcome=f"Notice {sequence} to {link.carer.full_name}: £{full}"
            + (f" (£{reduced} within 21 days)" if reduced else ""),
            recorded_by=actor,
            recorded_at=now,
        )
        _story(actor, pupil, f"Penalty notice {sequence} issued to {link.carer.full_name}", notice)
        audit.record(
            actor, Verb.CREATE, notice, school=pupil.school, pupil=pupil, reason="attendance.issue_penalty_notice"
        )
    return notice


def change_penalty_notice_status(actor: Any, *, notice: Any, status: str, on: dt.date, reason: str) -> Any:
    """Paid, not paid, referred for prosecution or withdrawn, with the reason; the earlier status is
    kept as an event (append-only)."""
    from .models import PenaltyNotice, PenaltyNoticeEvent

    _refuse_unless_manager(actor, notice.pupil, "change_penalty_notice_status")
    if status not in PenaltyNotice.Status.values or status == notice.status:
        raise ValidationError("Choose a new status.")
    if not reason.strip():
        raise ValidationError("Give the reason for the change.")
    with transaction.atomic():
        PenaltyNoticeEvent.objects.create(
            notice=notice,
            old_status=notice.status,
            new_status=status,
            on=on,
            reason=reason[:300],
            by=actor,
            at=timezone.now(),
        )
        notice.status = status
        notice.save(update_fields=["status"])
        audit.record(
            actor, Verb.UPDATE, notice, school=notice.school, pupil=notice.pupil, reason=f"attendance.notice:{status}"
        )
    return notice


def add_ladder_step(
    actor: Any, *, pupil: Any, stage: str, on: dt.date, outcome: str = "", next_review: dt.date | None = None
) -> Any:
    """A step on the support-first ladder (domain §1.5): meeting, support plan, attendance contract,
    Early Help, Notice to Improve, penalty notice, Education Supervision Order, prosecution."""
    from .models import LadderStep

    _refuse_unless_manager(actor, pupil, "add_ladder_step")
    if stage not in LadderStep.Stage.values:
        raise ValidationError("Choose a stage.")
    if next_review is not None and next_review < on:
        raise ValidationError("The next review cannot be before the step itself.")
    with transaction.atomic():
        step = LadderStep.objects.create(
            school=pupil.school,
            pupil=pupil,
            stage=stage,
            on=on,
            outcome=outcome[:500],
            next_review=next_review,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        _story(actor, pupil, f"Attendance: {step.get_stage_display()}", step, outcome)
        audit.record(actor, Verb.CREATE, step, school=pupil.school, pupil=pupil, reason="attendance.add_ladder_step")
    return step


def create_letter(actor: Any, *, pupil: Any, carer_id: int, stage: str, body: str) -> Any:
    """A letter to a carer at a ladder stage, from the (edited) template text; logged on the
    chronology. The PDF is produced from it on request."""
    from apps.people.models import PupilCarer

    from .models import LadderStep, Letter

    _refuse_unless_manager(actor, pupil, "create_letter")
    link = PupilCarer.objects.filter(pupil=pupil, carer_id=carer_id).select_related("carer").first()
    if link is None:
        raise ValidationError("That carer is not linked to this pupil.")
    if not link.receives_correspondence or not link.may_be_contacted:
        raise ValidationError(f"{link.carer.full_name} does not receive correspondence about {pupil.full_name}.")
    if stage not in LadderStep.Stage.values:
        raise ValidationError("Choose a stage.")
    if not body.strip():
        raise ValidationError("The letter is empty.")
    with transaction.atomic():
        letter = Letter.objects.create(
            school=pupil.school,
            pupil=pupil,
            carer=link.carer,
            stage=stage,
            body=body,
            created_by=actor,
            created_at=timezone.now(),
        )
        _story(actor, pupil, f"Attendance letter ({letter.get_stage_display()}) to {link.carer.full_name}", letter)
        audit.record(actor, Verb.CREATE, letter, school=pupil.school, pupil=pupil, reason="attendance.create_letter")
    return letter


def record_la_notification(actor: Any, *, pupil: Any, reason: str, absence_from: dt.date, told_on: dt.date) -> Any:
    """Record the date the local authority was told about a long absence (domain §1.7)."""
    from .models import LaNotification

    _refuse_unless_manager(actor, pupil, "record_la_notification")
    if reason not in LaNotification.Reason.values:
        raise ValidationError("Choose what the local authority was told about.")
    if told_on > timezone.localdate():
        raise ValidationError("The date the local authority was told cannot be in the future.")
    with transaction.atomic():
        made = LaNotification.objects.create(
            school=pupil.school,
            pupil=pupil,
            reason=reason,
            absence_from=absence_from,
            told_on=told_on,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        _story(actor, pupil, f"Local authority told: {made.get_reason_display()}", made)
        audit.record(actor, Verb.CREATE, made, school=pupil.school, pupil=pupil, reason="attendance.la_notification")
    return made


# Leave of absence (domain §1.4) ------------------------------------------------------------------

#: Only a person the proprietor has authorised may grant leave (reg 11(1)): here the headteacher
#: and senior leaders.
LEAVE_DECIDERS = frozenset({"headteacher", "senior_leader"})


def request_leave(
    actor: Any,
    *,
    pupil: Any,
    kind: str,
    start_date: dt.date,
    end_date: dt.date,
    reason: str,
    requested_on: dt.date,
    carer_id: int | None = None,
) -> Any:
    """Record a parent's request for leave of absence (domain §1.4)."""
    from .models import LeaveRequest

    _refuse_unless_manager(actor, pupil, "request_leave")
    if kind not in statutory.LEAVE_CODES:
        raise ValidationError("Choose the kind of leave.")
    if end_date < start_date:
        raise ValidationError("The leave ends before it starts.")
    if not reason.strip():
        raise ValidationError("Give the reason the parent gave.")
    with transaction.atomic():
        made = LeaveRequest.objects.create(
            school=pupil.school,
            pupil=pupil,
            carer_id=carer_id,
            kind=kind,
            requested_on=requested_on,
            start_date=start_date,
            end_date=end_date,
            reason=reason[:500],
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        audit.record(actor, Verb.CREATE, made, school=pupil.school, pupil=pupil, reason="attendance.request_leave")
    return made


def decide_leave(actor: Any, *, leave: Any, grant: bool, reason: str, on: dt.date | None = None) -> Any:
    """Grant or refuse a leave request, with the reason. A grant records the leave code for every
    school session in the range (never retrospectively); a refusal records nothing, and an absence
    taken anyway is marked by the office (G for a holiday) (domain §1.4)."""
    from apps.accounts.selectors import roles_in

    from .models import LeaveRequest

    pupil = leave.pupil
    if not roles_in(actor, pupil.school) & LEAVE_DECIDERS:
        audit.record(actor, Verb.DENIED, leave, pupil=pupil, school=pupil.school, reason="attendance.decide_leave")
        raise PermissionDenied("Only the headteacher or a senior leader can decide leave of absence.")
    if leave.status != LeaveRequest.Status.PENDING:
        raise ValidationError("This request has already been decided.")
    if not reason.strip():
        raise ValidationError("Give the reason for the decision.")
    on = on or timezone.localdate()
    if grant and (
        problem := statutory.leave_problem(leave.kind, leave.requested_on, leave.start_date, leave.end_date, on)
    ):
        raise ValidationError(problem)

    def work() -> Any:
        leave.status = LeaveRequest.Status.GRANTED if grant else LeaveRequest.Status.REFUSED
        leave.decided_by = actor
        leave.decided_on = on
        leave.decision_reason = reason[:500]
        leave.save(update_fields=["status", "decided_by", "decided_on", "decision_reason"])
        if grant:
            calendar = SchoolCalendar.for_school(pupil.school)
            sessions = calendar.sessions(leave.start_date, leave.end_date)
            if sessions:
                record_marks(
                    actor,
                    school=pupil.school,
                    pupil=pupil,
                    sessions=sessions,
                    code=leave.kind,
                    reason="Leave of absence granted",
                    source=Source.LEAVE,
                    calendar=calendar,
                )
        _story(
            actor,
            pupil,
            f"Leave of absence {leave.get_status_display().lower()}: {leave.get_kind_display()}",
            leave,
            reason,
        )
        audit.record(
            actor, Verb.UPDATE, leave, school=pupil.school, pupil=pupil, reason=f"attendance.leave:{leave.status}"
        )
        return leave

    return with_retry(work)


# Partial and unexpected closures in bulk (domain §1.2: Y1–Y7) ------------------------------------

#: Codes applied to many pupils at once. `#` (planned whole-school closure) is not here: a planned
#: closure is a calendar closure, and its sessions are not school sessions at all.
BULK_CODES = frozenset({"Y1", "Y2", "Y3", "Y4", "Y6", "Y7"})


def apply_closure_code(
    actor: Any,
    *,
    school: School,
    day: dt.date,
    sessions: Sequence[str],
    code: str,
    reason: str,
    year_numbers: Iterable[int] = (),
) -> MarkWriteResult:
    """Record an unavoidable-cause code (e.g. `Y3` part of the premises closed, `Y2` widespread
    travel disruption, `Y4` the whole site unexpectedly closed) for every pupil on roll, or those in
    the given years, in one set-based write; marks already held are amended with `reason` (domain
    §1.2: these sessions are not possible sessions)."""
    from apps.people.models import Pupil

    if not may_manage(actor, school):
        audit.record(actor, Verb.DENIED, school, school=school, reason="attendance.apply_closure_code")
        raise PermissionDenied("Only the attendance office can apply a closure code.")
    if code not in BULK_CODES:
        raise ValidationError(f"{code} cannot be applied in bulk: use one of {', '.join(sorted(BULK_CODES))}.")
    if not reason.strip():
        raise ValidationError("Give the reason (for example the heating failure in the science block).")
    calendar = SchoolCalendar.for_school(school)
    held = calendar.sessions_on(day)
    wanted = [s for s in sessions if s in ("AM", "PM")]
    if not wanted or any(s not in held for s in wanted):
        raise ValidationError(f"{day:%d/%m/%Y} {'/'.join(sessions) or '?'} is not a school session.")
    pupils = Pupil.objects.filter(school=school, admission_date__lte=day).exclude(leaving_date__lt=day)
    years = list(year_numbers)
    if years:
        pupils = pupils.filter(year_group__number__in=years)
    rows = [MarkRow(pid, day, s, code) for pid in pupils.values_list("pk", flat=True) for s in wanted]

    def work() -> MarkWriteResult:
        result = apply_marks(school, rows, actor=actor, source=Source.CLOSURE, reason=reason)
        audit.record(
            actor, Verb.UPDATE, school, school=school, reason=f"attendance.closure:{code}:{day:%Y%m%d}:{len(rows)}"
        )
        return result

    return with_retry(work)


# Part-time timetables (domain §1.8) --------------------------------------------------------------

WEEKDAY_SESSIONS = [f"{d}{s}" for d in range(5) for s in ("AM", "PM")]


def start_part_time_timetable(
    actor: Any,
    *,
    pupil: Any,
    start_date: dt.date,
    planned_end_date: dt.date,
    attended_sessions: Sequence[str],
    reason: str,
    parent_agreed_on: dt.date | None,
    next_review: dt.date,
    not_to_manage_behaviour: bool,
    la_notified_on: dt.date | None = None,
    social_worker_informed: bool = False,
) -> Any:
    """Start a temporary part-time timetable (domain §1.8): only with the parent's agreement
    (reg 11(6)(b)), never to manage behaviour, with a planned end and a review date. `C2` is recorded
    for the missed sessions from the start up to today; later sessions get `C2` on the register."""
    from .models import PartTimeTimetable

    _refuse_unless_manager(actor, pupil, "start_part_time_timetable")
    problems = []
    if parent_agreed_on is None:
        problems.append("A part-time timetable needs the agreement of the parent the pupil normally lives with.")
    if not not_to_manage_behaviour:
        problems.append("Confirm that the timetable is not being used to manage behaviour: that is not allowed.")
    if planned_end_date < start_date:
        problems.append("The planned end is before the start.")
    if next_review < start_date or next_review > planned_end_date:
        problems.append("Set the first review between the start and the planned end.")
    sessions = sorted(set(attended_sessions) & set(WEEKDAY_SESSIONS))
    if len(sessions) == len(WEEKDAY_SESSIONS):
        problems.append("Every session is ticked: that is a full-time timetable.")
    if not reason.strip():
        problems.append("Give the reason (for example a medical condition or a reintegration package).")
    if problems or parent_agreed_on is None:
        raise ValidationError(problems)
    agreed: dt.date = parent_agreed_on

    def work() -> Any:
        timetable = PartTimeTimetable.objects.create(
            school=pupil.school,
            pupil=pupil,
            start_date=start_date,
            planned_end_date=planned_end_date,
            attended_sessions=sessions,
            reason=reason[:500],
            parent_agreed_on=agreed,
            la_notified_on=la_notified_on,
            social_worker_informed=social_worker_informed,
            next_review=next_review,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        calendar = SchoolCalendar.for_school(pupil.school)
        until = min(planned_end_date, timezone.localdate() - dt.timedelta(days=1))
        missed = [(d, s) for d, s in calendar.sessions(start_date, until) if not timetable.attends(d, s)]
        held = set(
            Mark.objects.filter(pupil=pupil, date__gte=start_date, date__lte=until).values_list("date", "session")
        )
        missed = [m for m in missed if m not in held]  # never overwrite what was recorded
        if missed:
            record_marks(
                actor,
                school=pupil.school,
                pupil=pupil,
                sessions=missed,
                code="C2",
                reason="Part-time timetable",
                source=Source.PART_TIME,
                calendar=calendar,
            )
        _story(actor, pupil, "Part-time timetable started", timetable, reason)
        audit.record(actor, Verb.CREATE, timetable, school=pupil.school, pupil=pupil, reason="attendance.part_time")
        return timetable

    return with_retry(work)


def review_part_time_timetable(
    actor: Any, *, timetable: Any, held_on: dt.date, outcome: str, next_review: dt.date | None, end: bool = False
) -> Any:
    """Record a review with the pupil and parents; either set the next review or end the timetable."""
    from .models import PartTimeReview

    pupil = timetable.pupil
    _refuse_unless_manager(actor, pupil, "review_part_time_timetable")
    if not outcome.strip():
        raise ValidationError("Record the outcome of the review.")
    if not end and (next_review is None or next_review <= held_on):
        raise ValidationError("Set the next review after this one, or end the timetable.")
    with transaction.atomic():
        review = PartTimeReview.objects.create(
            timetable=timetable,
            held_on=held_on,
            outcome=outcome[:500],
            next_review=None if end else next_review,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        if end:
            timetable.ended_on = held_on
            timetable.end_outcome = outcome[:300]
        else:
            timetable.next_review = next_review
        timetable.save(update_fields=["ended_on", "end_outcome", "next_review"])
        _story(actor, pupil, "Part-time timetable " + ("ended" if end else "reviewed"), review, outcome)
        audit.record(
            actor, Verb.UPDATE, timetable, school=pupil.school, pupil=pupil, reason="attendance.part_time_review"
        )
    return review


# Letter templates (issue 5; domain §1.5) ---------------------------------------------------------


def save_letter_template(actor: Any, *, school: School, stage: str, body: str) -> Any:
    """Save the school's wording for a ladder stage's letter. Unknown placeholders are refused;
    the previous text stays in the history (who, when); the change is audited."""
    from .letters import check_template
    from .models import LadderStep, LetterTemplate, LetterTemplateVersion
    from .rules import may_edit_letter_templates

    if not may_edit_letter_templates(actor, school):
        audit.record(
            actor,
            Verb.DENIED,
            ("attendance.lettertemplate", stage[:64]),
            school=school,
            reason="attendance.save_letter_template",
        )
        raise PermissionDenied("Only the attendance office and senior leaders edit letter templates.")
    if stage not in LadderStep.Stage.values:
        raise ValidationError("Choose a stage.")
    body = body.replace("\r\n", "\n")
    check_template(body)
    now = timezone.now()
    with transaction.atomic():
        template = LetterTemplate.objects.select_for_update().filter(school=school, stage=stage).first()
        if template is not None and template.body == body:
            return template
        created = template is None
        if template is None:
            template = LetterTemplate.objects.create(
                school=school, stage=stage, body=body, updated_by=actor, updated_at=now
            )
        else:
            template.body, template.updated_by, template.updated_at = body, actor, now
            template.save(update_fields=["body", "updated_by", "updated_at"])
        LetterTemplateVersion.objects.create(template=template, body=body, edited_by=actor, edited_at=now)
        audit.record(
            actor,
            Verb.CREATE if created else Verb.UPDATE,
            template,
            school=school,
            reason="attendance.save_letter_template",
        )
    return template
