"""Every write to behaviour records goes through here (views, API, demo and commands alike)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from apps.accounts.selectors import roles_in, staff_with_role
from apps.accounts.services import notify
from apps.audit import services as audit
from apps.audit.models import Verb
from apps.chronology.models import Confidentiality, Kind
from apps.chronology.services import add_entry
from apps.core.calendar import SchoolCalendar, academic_year_bounds
from apps.core.models import School
from apps.people.selectors import visible_pupils
from apps.safeguarding import services as safeguarding_services

from . import statutory
from .models import (
    BehaviourSettings,
    BehaviourType,
    Detention,
    Exclusion,
    ExclusionReason,
    Incident,
    IncidentPupil,
    InclusionBooking,
    Location,
    PastoralSupportProgramme,
    Polarity,
    PSPAction,
    PSPReview,
    PupilMove,
    PupilMoveReview,
    ReintegrationMeeting,
    ReportCard,
    ReportCardEntry,
)
from .rules import DECIDE_ROLES, EXCLUSION_ADMIN_ROLES, PASTORAL_ROLES, SETTINGS_ROLES, STAFF_ROLES


def _deny(actor: Any, target: Any, code: str, message: str, *, school: Any = None, pupil: Any = None) -> None:
    audit.record(actor, Verb.DENIED, target, school=school, pupil=pupil, reason=code)
    raise PermissionDenied(message)


def _require_roles(
    actor: Any, school: School, wanted: frozenset[str], code: str, message: str, target: Any = None
) -> None:
    if not roles_in(actor, school) & wanted:
        _deny(actor, target or ("core.school", school.pk), code, message, school=school)


def _require_visible(actor: Any, school: School, pupils: Sequence[Any], code: str) -> None:
    ids = {p.pk for p in pupils}
    seen = set(visible_pupils(school, actor).filter(pk__in=ids).values_list("pk", flat=True))
    if seen != ids:
        _deny(actor, ("people.pupil", min(ids - seen)), code, "You cannot record this for that pupil.", school=school)


def settings_for(school: School) -> BehaviourSettings:
    found, _ = BehaviourSettings.objects.get_or_create(school=school)
    return found


# Incidents and rewards --------------------------------------------------------------------------


def log_incident(
    actor: Any,
    *,
    school: School,
    behaviour_type: BehaviourType,
    pupils: Iterable[Any],
    occurred_at: dt.datetime,
    roles: Mapping[int, str] | None = None,
    notes: Mapping[int, str] | None = None,
    period: int | None = None,
    subject: str = "",
    teaching_group: Any = None,
    location: Location | None = None,
    description: str = "",
    action_taken: str = "",
    detention_on: dt.date | None = None,
    notify_parents: bool | None = None,
) -> Incident:
    """Log one incident or reward for one or more pupils (a whole class at once). Each pupil gets
    their own role, points and chronology entry, which shows only their own part. Parents are
    told (a logged message) when the school's points threshold is reached or `notify_parents`."""
    _require_roles(actor, school, STAFF_ROLES, "behaviour.log_incident", "Only staff can log behaviour.")
    pupil_list = list(dict.fromkeys(pupils))
    errors: dict[str, str] = {}
    if not pupil_list:
        errors["pupils"] = "Choose at least one pupil."
    elif any(p.school_id != school.pk for p in pupil_list):
        errors["pupils"] = "Every pupil must be at this school."
    if behaviour_type.school_id != school.pk or not behaviour_type.is_active:
        errors["behaviour_type"] = "Choose one of this school's behaviour types."
    if location is not None and location.school_id != school.pk:
        errors["location"] = "Choose one of this school's locations."
    if occurred_at > timezone.now() + dt.timedelta(minutes=5):
        errors["occurred_at"] = "When it happened cannot be in the future."
    if period is not None and not 0 <= period <= 10:
        errors["period"] = "The lesson period must be between 0 and 10."
    positive = behaviour_type.polarity == Polarity.POSITIVE
    role_map = {int(k): v for k, v in (roles or {}).items()}
    allowed_roles = set(IncidentPupil.Role.values)
    if any(v not in allowed_roles for v in role_map.values()):
        errors["roles"] = "Each pupil's role must be instigator, involved, target, witness or recipient."
    if errors:
        raise ValidationError(errors)
    _require_visible(actor, school, pupil_list, "behaviour.log_incident")
    rules_ = settings_for(school)
    default_role = IncidentPupil.Role.RECIPIENT if positive else IncidentPupil.Role.INVOLVED
    local_day = timezone.localtime(occurred_at).date()
    with transaction.atomic():
        incident = Incident.objects.create(
            school=school,
            behaviour_type=behaviour_type,
            polarity=behaviour_type.polarity,
            occurred_at=occurred_at,
            date=local_day,
            period=period,
            subject=subject.strip()[:60],
            teaching_group=teaching_group,
            location=location,
            reported_by=actor,
            description=description.strip() or behaviour_type.template_description,
            action_taken=action_taken.strip()[:300],
        )
        links = []
        for p in pupil_list:
            role = role_map.get(p.pk, default_role)
            # Witnesses and targets carry no negative points.
            scores = positive or role in (IncidentPupil.Role.INSTIGATOR, IncidentPupil.Role.INVOLVED)
            points = (behaviour_type.points if positive else -behaviour_type.points) if scores else 0
            links.append(
                IncidentPupil(
                    school=school,
                    incident=incident,
                    pupil=p,
                    role=role,
                    points=points,
                    date=local_day,
                    note=(notes or {}).get(p.pk, "").strip()[:300],
                )
            )
        IncidentPupil.objects.bulk_create(links)
        should_tell = (
            notify_parents
            if notify_parents is not None
            else (not positive and behaviour_type.points >= rules_.notify_parents_from_points)
        )
        for link in links:
            pupil = link.pupil
            part = f"{behaviour_type.name} ({link.get_role_display().lower()}, {link.points:+d})"
            add_entry(
                pupil=pupil,
                kind=Kind.BEHAVIOUR,
                title=("Reward: " if positive else "Incident: ") + part,
                summary="; ".join(x for x in (link.note, incident.action_taken) if x),
                occurred_at=occurred_at,
                author=actor,
                source=incident,
                source_url=reverse("behaviour:pupil", args=[pupil.pk]),
                confidentiality=Confidentiality.GENERAL,
            )
            if should_tell and link.points:
                add_entry(
                    pupil=pupil,
                    kind=Kind.CONTACT,
                    title=f"Message to parents: {behaviour_type.name} on {local_day:%d/%m/%Y}",
                    summary=f"Parents told of the {'reward' if positive else 'incident'} under the school's "
                    "behaviour policy.",
                    occurred_at=timezone.now(),
                    author=actor,
                    source=incident,
                    confidentiality=Confidentiality.GENERAL,
                )
            audit.record(actor, Verb.CREATE, incident, pupil=pupil, reason="behaviour.log_incident")
        if should_tell:
            incident.parents_notified_at = timezone.now()
            incident.save(update_fields=["parents_notified_at"])
        if detention_on is not None and not positive:
            for link in links:
                if link.points:
                    set_detention(actor, pupil=link.pupil, date=detention_on, incident=incident, _checked=True)
    return incident


def escalate_incident(actor: Any, *, incident: Incident, category: str, summary: str = "") -> str:
    """Turn a bullying or child-on-child incident into a safeguarding concern without retyping
    (the safeguarding module takes it from there). Returns the concern's reference."""
    school = incident.school
    pupils = [link.pupil for link in incident.pupil_links.select_related("pupil")]
    _require_visible(actor, school, pupils, "behaviour.escalate")
    if incident.concern_reference:
        raise ValidationError("This incident has already been passed to the DSL team.")
    role_map: dict[str, str] = {
        IncidentPupil.Role.TARGET: "subject",
        IncidentPupil.Role.INSTIGATOR: "alleged",
        IncidentPupil.Role.WITNESS: "witness",
    }
    roles = {link.pupil_id: role_map.get(link.role, "other") for link in incident.pupil_links.all()}
    text = summary.strip() or incident.description or incident.behaviour_type.name
    concern = safeguarding_services.log_concern(
        actor,
        school=school,
        pupils=pupils,
        summary=text,
        occurred_at=incident.occurred_at,
        category=category,
        source=f"behaviour incident {incident.pk}",
        location=str(incident.location or ""),
        roles=roles,
    )
    reference = str(concern.reference)
    with transaction.atomic():
        incident.concern_reference = reference[:40]
        incident.escalated_at = timezone.now()
        incident.escalated_by = actor
        incident.save(update_fields=["concern_reference", "escalated_at", "escalated_by", "updated_at"])
        audit.record(actor, Verb.UPDATE, incident, reason="behaviour.escalate")
    return reference


# Detentions -------------------------------------------------------------------------------------


def set_detention(
    actor: Any,
    *,
    pupil: Any,
    date: dt.date,
    incident: Incident | None = None,
    minutes: int | None = None,
    room: str = "",
    _checked: bool = False,
) -> Detention:
    school = pupil.school
    if not _checked:
        _require_roles(actor, school, STAFF_ROLES, "behaviour.set_detention", "Only staff can set detentions.")
        _require_visible(actor, school, [pupil], "behaviour.set_detention")
    if date < timezone.localdate() - dt.timedelta(days=1) and not _checked:
        raise ValidationError({"date": "A detention cannot be set in the past."})
    detention = Detention.objects.create(
        school=school,
        pupil=pupil,
        incident=incident,
        date=date,
        minutes=minutes or settings_for(school).detention_minutes,
        room=room,
        set_by=actor,
    )
    add_entry(
        pupil=pupil,
        kind=Kind.BEHAVIOUR,
        title=f"Detention set for {date:%d/%m/%Y}",
        occurred_at=timezone.now(),
        author=actor,
        source=detention,
    )
    audit.record(actor, Verb.CREATE, detention, pupil=pupil, reason="behaviour.set_detention")
    return detention


def record_detention_outcome(actor: Any, *, detention: Detention, status: str) -> Detention:
    """Attended, missed or cancelled. A missed detention is escalated: a longer detention on the
    next school day, and the pupil's head of year is told."""
    school = detention.school
    _require_roles(actor, school, PASTORAL_ROLES, "behaviour.detention_outcome", "Only the pastoral team can do this.")
    _require_visible(actor, school, [detention.pupil], "behaviour.detention_outcome")
    if status not in {Detention.Status.ATTENDED, Detention.Status.MISSED, Detention.Status.CANCELLED}:
        raise ValidationError({"status": "Choose attended, missed or cancelled."})
    if detention.status != Detention.Status.SCHEDULED:
        raise ValidationError("This detention's outcome is already recorded.")
    with transaction.atomic():
        detention.status = status
        detention.status_recorded_by = actor
        detention.save(update_fields=["status", "status_recorded_by", "updated_at"])
        audit.record(actor, Verb.UPDATE, detention, pupil=detention.pupil, reason=f"behaviour.detention:{status}")
        if status == Detention.Status.MISSED:
            calendar = SchoolCalendar.for_school(school)
            try:
                next_day = calendar.add_school_days(max(detention.date, timezone.localdate()), 1)
            except ValueError:
                next_day = detention.date + dt.timedelta(days=1)
            follow_up = Detention.objects.create(
                school=school,
                pupil=detention.pupil,
                incident=detention.incident,
                date=next_day,
                minutes=detention.minutes * 2,
                set_by=actor,
                escalated_from=detention,
            )
            add_entry(
                pupil=detention.pupil,
                kind=Kind.BEHAVIOUR,
                title=f"Detention missed; escalated to {follow_up.minutes} minutes on {next_day:%d/%m/%Y}",
                author=actor,
                source=follow_up,
            )
            notify(
                list(detention.pupil.year_group.heads.all()),
                school=school,
                title=f"Missed detention escalated for a pupil in {detention.pupil.year_group}",
                url=reverse("behaviour:pupil", args=[detention.pupil_id]),
                email=False,
            )
    return detention


# Inclusion unit ---------------------------------------------------------------------------------


def book_inclusion(
    actor: Any,
    *,
    pupil: Any,
    date: dt.date,
    sessions: str,
    reason: str,
    incident: Incident | None = None,
    work_set: str = "",
    planned_return: str = "",
) -> tuple[InclusionBooking, str | None]:
    """Place a pupil in the inclusion unit. Returns the booking and a warning when the school's
    limit of days in the unit per half-term is passed (flagged, not refused)."""
    school = pupil.school
    _require_roles(actor, school, PASTORAL_ROLES, "behaviour.book_inclusion", "Only the pastoral team can do this.")
    _require_visible(actor, school, [pupil], "behaviour.book_inclusion")
    calendar = SchoolCalendar.for_school(school)
    errors = {}
    if not reason.strip():
        errors["reason"] = "Say why the pupil is placed in the unit."
    if not calendar.is_school_day(date):
        errors["date"] = f"{date:%d/%m/%Y} is not a school day."
    if sessions not in InclusionBooking.Sessions.values:
        errors["sessions"] = "Choose all day, morning or afternoon."
    if errors:
        raise ValidationError(errors)
    clash = InclusionBooking.objects.filter(school=school, pupil=pupil, date=date).exclude(
        status=InclusionBooking.Status.CANCELLED
    )
    if clash.exists():
        raise ValidationError({"date": "This pupil is already booked into the unit that day."})
    with transaction.atomic():
        booking = InclusionBooking.objects.create(
            school=school,
            pupil=pupil,
            incident=incident,
            date=date,
            sessions=sessions,
            reason=reason.strip()[:300],
            placed_by=actor,
            work_set=work_set.strip()[:300],
            planned_return=planned_return.strip()[:200],
        )
        add_entry(
            pupil=pupil,
            kind=Kind.BEHAVIOUR,
            title=f"Placed in the inclusion unit ({booking.get_sessions_display().lower()}) on {date:%d/%m/%Y}",
            summary=booking.reason,
            occurred_at=timezone.now(),
            author=actor,
            source=booking,
            confidentiality=Confidentiality.PASTORAL,
        )
        audit.record(actor, Verb.CREATE, booking, pupil=pupil, reason="behaviour.book_inclusion")
    warning = None
    term = calendar.term_containing(date)
    if term is not None:
        limit = settings_for(school).inclusion_days_per_half_term
        used = sum(
            (
                b.days
                for b in InclusionBooking.objects.filter(
                    school=school, pupil=pupil, date__gte=term.start_date, date__lte=term.end_date
                ).exclude(status=InclusionBooking.Status.CANCELLED)
            ),
            Decimal(0),
        )
        if used > limit:
            warning = (
                f"{pupil.full_name} has now spent {statutory.fmt_days(used)} days in the unit this half-term, "
                f"more than the school's limit of {limit}."
            )
    return booking, warning


def update_inclusion(
    actor: Any,
    *,
    booking: InclusionBooking,
    status: str,
    work_completed: str = "",
    behaviour_in_unit: str = "",
) -> InclusionBooking:
    school = booking.school
    _require_roles(actor, school, PASTORAL_ROLES, "behaviour.update_inclusion", "Only the pastoral team can do this.")
    _require_visible(actor, school, [booking.pupil], "behaviour.update_inclusion")
    if status not in InclusionBooking.Status.values:
        raise ValidationError({"status": "Choose a status from the list."})
    with transaction.atomic():
        booking.status = status
        booking.work_completed = work_completed.strip()[:300] or booking.work_completed
        booking.behaviour_in_unit = behaviour_in_unit.strip()[:300] or booking.behaviour_in_unit
        booking.save(update_fields=["status", "work_completed", "behaviour_in_unit", "updated_at"])
        audit.record(actor, Verb.UPDATE, booking, pupil=booking.pupil, reason="behaviour.update_inclusion")
    return booking


# Suspensions and permanent exclusions ----------------------------------------------------------


def suspended_days(
    school: School, pupil: Any, start: dt.date, end: dt.date, *, exclude_id: int | None = None
) -> Decimal:
    """Days of suspension (FIXD + LNCH, not cancelled) starting from `start` to `end`."""
    qs = Exclusion.objects.filter(
        school=school, pupil=pupil, start_date__gte=start, start_date__lte=end, cancelled_at__isnull=True
    ).exclude(kind=Exclusion.Kind.PERMANENT)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return statutory.days_from_sessions(int(qs.aggregate(n=Sum("sessions"))["n"] or 0))


def statutory_term_bounds(calendar: SchoolCalendar, day: dt.date) -> tuple[dt.date, dt.date]:
    """The statutory term (autumn, spring or summer: both half-terms of the season) around `day`.
    Falls back to the half-term, then the day itself."""
    term = calendar.term_containing(day) or calendar.term_containing(calendar.next_school_day(day))
    if term is None:
        return day, day
    same = [
        t for _s, _e, t in calendar.terms if t.academic_year_id == term.academic_year_id and t.season == term.season
    ]
    return min(t.start_date for t in same), max(t.end_date for t in same)


def suspend_pupil(
    actor: Any,
    *,
    pupil: Any,
    kind: str,
    start_date: dt.date,
    reasons: Sequence[str],
    reasons_text: str,
    days: Decimal | None = None,
    start_session: str = "AM",
    incidents: Iterable[Incident] = (),
    misses_public_exam: bool = False,
    exam_date: dt.date | None = None,
    has_social_worker: bool | None = None,
    home_la_differs: bool = False,
    return_time: dt.time | None = None,
    calendar: SchoolCalendar | None = None,
) -> Exclusion:
    """The headteacher suspends (FIXD, LNCH) or permanently excludes (PERM) a pupil (§2.1: only
    the headteacher). The 45-day annual cap is enforced; the sessions, end and return are computed
    from the school calendar; attendance `E` marks are written for suspended sessions."""
    school = pupil.school
    if not roles_in(actor, school) & DECIDE_ROLES:
        _deny(
            actor,
            pupil,
            "behaviour.suspend_pupil",
            "Only the headteacher can suspend or permanently exclude a pupil; the power cannot be delegated.",
            school=school,
            pupil=pupil,
        )
    calendar = calendar or SchoolCalendar.for_school(school)
    errors: dict[str, str] = {}
    codes = [r for r in reasons if r]
    if kind not in Exclusion.Kind.values:
        errors["kind"] = "Choose suspension, lunchtime suspension or permanent exclusion."
    if not codes:
        errors["reasons"] = "Give at least one census reason."
    elif len(codes) > 3:
        errors["reasons"] = "The school census takes at most three reasons."
    elif len(set(codes)) != len(codes):
        errors["reasons"] = "Give each reason once."
    elif any(c not in ExclusionReason.values for c in codes):
        errors["reasons"] = "Use the census reason codes."
    if not reasons_text.strip():
        errors["reasons_text"] = "Write the reasons as the parents will read them in the letter."
    if not calendar.is_school_day(start_date):
        errors["start_date"] = f"{start_date:%d/%m/%Y} is not a school day."
    if misses_public_exam and exam_date is None:
        errors["exam_date"] = "Give the date of the exam or test the pupil will miss."
    sessions = 0
    end_date: dt.date | None = None
    return_date: dt.date | None = None
    if not errors and kind in (Exclusion.Kind.FIXED, Exclusion.Kind.LUNCH):
        if days is None or days <= 0 or (days * 2) != int(days * 2):
            errors["days"] = "Give the length in school days, in halves (e.g. 1, 2.5)."
        elif kind == Exclusion.Kind.LUNCH and days * 2 != int(days * 2):
            errors["days"] = "Give the number of lunchtimes."
    if not errors and kind == Exclusion.Kind.FIXED and days is not None:
        sessions = int(days * 2)
        try:
            period = statutory.suspension_sessions(start_date, sessions, calendar, start_session)  # type: ignore[arg-type]
            end_date = period.last_day
            return_date, _session = statutory.return_after(period, calendar)
        except ValueError as exc:
            errors["days"] = str(exc)
    if not errors and kind == Exclusion.Kind.LUNCH and days is not None:
        # For a lunchtime suspension `days` is entered as the number of lunchtimes.
        sessions = int(days)
        try:
            lunch_days = statutory.lunchtime_days(start_date, sessions, calendar)
            end_date = lunch_days[-1]
            return_date = calendar.add_school_days(end_date, 1)
        except ValueError as exc:
            errors["days"] = str(exc)
    if errors:
        raise ValidationError(errors)
    overlap = Exclusion.objects.filter(school=school, pupil=pupil, cancelled_at__isnull=True)
    if overlap.filter(kind=Exclusion.Kind.PERMANENT).exists():
        raise ValidationError("This pupil is already permanently excluded.")
    clash = [
        e
        for e in overlap.exclude(kind=Exclusion.Kind.PERMANENT)
        if e.end_date and e.start_date <= (end_date or start_date) and start_date <= e.end_date
    ]
    if clash:
        raise ValidationError(
            {
                "start_date": "This overlaps a suspension already recorded. A suspension cannot be extended or "
                "converted; a new one can start after it ends, with a new notice."
            }
        )
    if kind != Exclusion.Kind.PERMANENT:
        year_start, year_end = academic_year_bounds(start_date)
        if problem := statutory.annual_cap_problem(
            suspended_days(school, pupil, year_start, year_end), statutory.days_from_sessions(sessions)
        ):
            raise ValidationError({"days": problem})
    with transaction.atomic():
        exclusion = Exclusion.objects.create(
            school=school,
            pupil=pupil,
            kind=kind,
            start_date=start_date,
            start_session=start_session if kind == Exclusion.Kind.FIXED else "AM",
            end_date=end_date,
            sessions=sessions,
            reason_1=codes[0],
            reason_2=codes[1] if len(codes) > 1 else "",
            reason_3=codes[2] if len(codes) > 2 else "",
            reasons_text=reasons_text.strip(),
            nc_year=pupil.year_group.number,
            return_date=return_date,
            return_time=return_time or (dt.time(8, 40) if return_date else None),
            decided_by=actor,
            decided_at=timezone.now(),
            misses_public_exam=misses_public_exam,
            exam_date=exam_date,
            has_social_worker=(
                has_social_worker
                if has_social_worker is not None
                else (pupil.looked_after or pupil.previously_looked_after)
            ),
            home_la_differs=home_la_differs,
        )
        exclusion.incidents.set([i for i in incidents if i.school_id == school.pk])
        add_entry(
            pupil=pupil,
            kind=Kind.BEHAVIOUR,
            title=(
                f"{exclusion.get_kind_display()} from {start_date:%d/%m/%Y}"
                + (f" ({statutory.fmt_days(exclusion.days)} days)" if kind != Exclusion.Kind.PERMANENT else "")
            ),
            summary=exclusion.reasons_text,
            occurred_at=timezone.now(),
            author=actor,
            source=exclusion,
            source_url=reverse("behaviour:exclusion", args=[exclusion.pk]),
            confidentiality=Confidentiality.PASTORAL,
        )
        audit.record(actor, Verb.CREATE, exclusion, pupil=pupil, reason=f"behaviour.suspend_pupil:{kind}")
        if kind == Exclusion.Kind.FIXED:
            _write_attendance(actor, exclusion, calendar)
        notify(
            staff_with_role(school, "pastoral_lead") + list(pupil.year_group.heads.all()),
            school=school,
            title=f"{exclusion.get_kind_display()} recorded: duties and deadlines to follow",
            url=reverse("behaviour:exclusion", args=[exclusion.pk]),
            email=False,
        )
        if kind != Exclusion.Kind.PERMANENT:
            _suggest_psp(school, pupil, start_date, calendar)
    return exclusion


def _suggest_psp(school: School, pupil: Any, day: dt.date, calendar: SchoolCalendar) -> None:
    """§2.9 triggers: when a pupil reaches the school's number of suspensions in a term and has no
    active PSP, the pastoral lead is told that a PSP should be considered."""
    trigger = settings_for(school).psp_trigger_suspensions_per_term
    term_start, term_end = statutory_term_bounds(calendar, day)
    count = (
        Exclusion.objects.filter(
            school=school, pupil=pupil, start_date__gte=term_start, start_date__lte=term_end, cancelled_at__isnull=True
        )
        .exclude(kind=Exclusion.Kind.PERMANENT)
        .count()
    )
    has_psp = PastoralSupportProgramme.objects.filter(
        school=school, pupil=pupil, status=PastoralSupportProgramme.Status.ACTIVE
    ).exists()
    if count == trigger and not has_psp:
        notify(
            staff_with_role(school, "pastoral_lead"),
            school=school,
            title=f"A pupil has had {count} suspensions this term: consider a Pastoral Support Programme",
            url=reverse("behaviour:psp_new", args=[pupil.pk]),
            email=False,
        )


def _write_attendance(actor: Any, exclusion: Exclusion, calendar: SchoolCalendar) -> None:
    """Code `E` for each suspended session, when the attendance module is present (§2.5)."""
    try:
        from apps.attendance import services as attendance
    except ImportError:  # pragma: no cover - attendance is optional
        return
    if not hasattr(attendance, "record_marks"):  # pragma: no cover
        return
    period = statutory.suspension_sessions(
        exclusion.start_date,
        exclusion.sessions,
        calendar,
        exclusion.start_session,  # type: ignore[arg-type]
    )
    attendance.record_marks(
        actor,
        school=exclusion.school,
        pupil=exclusion.pupil,
        sessions=period.sessions,
        code="E",
        reason=f"Suspension {exclusion.reference}",
        calendar=calendar,
    )


def exclusion_facts(exclusion: Exclusion, calendar: SchoolCalendar) -> statutory.ExclusionFacts:
    term_start, term_end = statutory_term_bounds(calendar, exclusion.start_date)
    term_days = suspended_days(exclusion.school, exclusion.pupil, term_start, term_end, exclude_id=exclusion.pk)
    if exclusion.kind != Exclusion.Kind.PERMANENT:
        term_days += exclusion.days
    school_days = (
        len(
            {
                d
                for d, _s in statutory.suspension_sessions(
                    exclusion.start_date,
                    exclusion.sessions,
                    calendar,
                    exclusion.start_session,  # type: ignore[arg-type]
                ).sessions
            }
        )
        if exclusion.kind == Exclusion.Kind.FIXED and exclusion.sessions
        else 0
    )
    return statutory.ExclusionFacts(
        kind=exclusion.kind,
        decided_on=timezone.localtime(exclusion.decided_at).date(),
        first_day=exclusion.start_date,
        school_days=school_days,
        term_days_including_this=term_days,
        misses_public_exam=exclusion.misses_public_exam,
        exam_date=exclusion.exam_date,
        has_social_worker_or_lac=exclusion.has_social_worker,
        home_la_differs=exclusion.home_la_differs,
        governors_notified=timezone.localtime(exclusion.governors_notified_at).date()
        if exclusion.governors_notified_at
        else None,
        parents_asked_for_meeting=exclusion.parents_requested_meeting_at,
        board_decision_notified=exclusion.gb_decision_notified_at,
        board_upheld=exclusion.gb_outcome == "upheld",
    )


#: The steps recorded after the decision: form field -> model field.
STEPS = {
    "parents": "parent_notified_at",
    "letter": "letter_sent_at",
    "la": "la_notified_at",
    "home_la": "home_la_notified_at",
    "governors": "governors_notified_at",
    "sw_vsh": "sw_vsh_notified_at",
}


def record_exclusion_step(
    actor: Any,
    *,
    exclusion: Exclusion,
    step: str,
    when: dt.datetime | None = None,
    method: str = "",
    on: dt.date | None = None,
    outcome: str = "",
    provider: str = "",
) -> Exclusion:
    """Record a notification, the day-6 provision, the parents' request for a meeting, the
    governing board's meeting and decision, or the IRP (§2.2–§2.5)."""
    school = exclusion.school
    _require_roles(
        actor,
        school,
        EXCLUSION_ADMIN_ROLES,
        "behaviour.exclusion_step",
        "Only senior leaders can record this.",
        exclusion,
    )
    now = when or timezone.now()
    fields: list[str] = []
    if step in STEPS:
        setattr(exclusion, STEPS[step], now)
        fields.append(STEPS[step])
        if step == "parents":
            exclusion.parent_notification_method = method.strip()[:60] or "phone"
            fields.append("parent_notification_method")
    elif step == "provision":
        if not provider.strip() or on is None:
            raise ValidationError({"provider": "Give the provider and the start date of the education from day 6."})
        exclusion.ap_provider, exclusion.ap_start = provider.strip()[:200], on
        fields += ["ap_provider", "ap_start"]
    elif step == "parents_ask":
        exclusion.parents_requested_meeting_at = on or timezone.localdate()
        fields.append("parents_requested_meeting_at")
    elif step == "board":
        if on is None or outcome not in {"upheld", "reinstated", "reinstated_by_date"}:
            raise ValidationError({"outcome": "Give the meeting date and the board's decision."})
        if exclusion.kind != Exclusion.Kind.PERMANENT and outcome != "upheld":
            facts_duty = statutory.board_duty(
                exclusion.kind,
                exclusion_facts(exclusion, SchoolCalendar.for_school(school)).term_days_including_this,
                exclusion.misses_public_exam,
            )
            if not statutory.board_can_reinstate(facts_duty):
                raise ValidationError(
                    {"outcome": "The board cannot reinstate when the term's total is 5 school days or fewer (§2.3)."}
                )
        exclusion.gb_meeting_date, exclusion.gb_outcome = on, outcome
        exclusion.gb_decision_notified_at = on
        fields += ["gb_meeting_date", "gb_outcome", "gb_decision_notified_at"]
    elif step == "irp":
        if exclusion.kind != Exclusion.Kind.PERMANENT:
            raise ValidationError("An independent review panel is only for a permanent exclusion (§2.4).")
        exclusion.irp_requested_at = on or timezone.localdate()
        exclusion.irp_outcome = outcome if outcome in {"upheld", "reconsider", "quashed"} else ""
        fields += ["irp_requested_at", "irp_outcome"]
    else:
        raise ValidationError({"step": "Unknown step."})
    with transaction.atomic():
        exclusion.save(update_fields=[*fields, "updated_at"])
        audit.record(actor, Verb.UPDATE, exclusion, pupil=exclusion.pupil, reason=f"behaviour.exclusion_step:{step}")
    return exclusion


def cancel_exclusion(actor: Any, *, exclusion: Exclusion, reason: str) -> Exclusion:
    """§2.1 Cancelling: the headteacher may withdraw an exclusion before the governing board meets,
    and must tell the parents, the board, the LA and any social worker / VSH (shown as duties)."""
    school = exclusion.school
    if not roles_in(actor, school) & DECIDE_ROLES:
        _deny(actor, exclusion, "behaviour.cancel_exclusion", "Only the headteacher can cancel.", pupil=exclusion.pupil)
    if exclusion.is_cancelled:
        raise ValidationError("This exclusion is already cancelled.")
    if exclusion.gb_meeting_date is not None:
        raise ValidationError("The governing board has met: the exclusion can no longer be cancelled.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the exclusion is cancelled."})
    with transaction.atomic():
        exclusion.cancelled_at = timezone.now()
        exclusion.cancelled_by = actor
        exclusion.cancel_reason = reason.strip()[:300]
        exclusion.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason", "updated_at"])
        add_entry(
            pupil=exclusion.pupil,
            kind=Kind.BEHAVIOUR,
            title=f"{exclusion.get_kind_display()} from {exclusion.start_date:%d/%m/%Y} cancelled",
            summary=exclusion.cancel_reason,
            author=actor,
            source=exclusion,
            confidentiality=Confidentiality.PASTORAL,
        )
        audit.record(actor, Verb.AMEND, exclusion, pupil=exclusion.pupil, reason="behaviour.cancel_exclusion")
    return exclusion


def record_reintegration(
    actor: Any,
    *,
    exclusion: Exclusion,
    date: dt.date,
    attendees: str,
    goals: str,
    parents_attended: bool = False,
    support: str = "",
    adjustments: str = "",
    review_date: dt.date | None = None,
) -> ReintegrationMeeting:
    """§2.6 reintegration meeting (not statutory; parents cannot be made to attend)."""
    school = exclusion.school
    _require_roles(
        actor, school, EXCLUSION_ADMIN_ROLES | PASTORAL_ROLES, "behaviour.reintegration", "Not allowed.", exclusion
    )
    if not goals.strip() or not attendees.strip():
        raise ValidationError({"goals": "Record who attended and the pupil's goals."})
    with transaction.atomic():
        meeting, _ = ReintegrationMeeting.objects.update_or_create(
            exclusion=exclusion,
            defaults={
                "school": school,
                "date": date,
                "attendees": attendees.strip()[:300],
                "parents_attended": parents_attended,
                "goals": goals.strip(),
                "support": support.strip(),
                "adjustments": adjustments.strip(),
                "review_date": review_date,
                "recorded_by": actor,
            },
        )
        add_entry(
            pupil=exclusion.pupil,
            kind=Kind.BEHAVIOUR,
            title=f"Reintegration meeting {date:%d/%m/%Y}",
            summary=meeting.goals,
            author=actor,
            source=meeting,
            confidentiality=Confidentiality.PASTORAL,
        )
        audit.record(actor, Verb.CREATE, meeting, pupil=exclusion.pupil, reason="behaviour.reintegration")
    return meeting


# Pastoral Support Programmes ------------------------------------------------------------------


def start_psp(
    actor: Any,
    *,
    pupil: Any,
    start_date: dt.date,
    reason: str,
    targets: str,
    pupil_views: str = "",
    parent_views: str = "",
    agency_views: str = "",
    rewards: str = "",
    contingency: str = "",
    weeks: int | None = None,
) -> PastoralSupportProgramme:
    """§2.9: a PSP of 16 weeks by default with reviews about every 6 weeks."""
    school = pupil.school
    _require_roles(actor, school, PASTORAL_ROLES, "behaviour.start_psp", "Only the pastoral team can start a PSP.")
    _require_visible(actor, school, [pupil], "behaviour.start_psp")
    if not targets.strip() or not reason.strip():
        raise ValidationError({"targets": "A PSP needs a reason and at least one target."})
    if PastoralSupportProgramme.objects.filter(
        school=school, pupil=pupil, status=PastoralSupportProgramme.Status.ACTIVE
    ).exists():
        raise ValidationError("This pupil already has an active PSP.")
    rules_ = settings_for(school)
    with transaction.atomic():
        psp = PastoralSupportProgramme.objects.create(
            school=school,
            pupil=pupil,
            start_date=start_date,
            end_date=start_date + dt.timedelta(weeks=weeks or rules_.psp_weeks),
            coordinator=actor,
            reason=reason.strip()[:300],
            targets=targets.strip(),
            pupil_views=pupil_views.strip(),
            parent_views=parent_views.strip(),
            agency_views=agency_views.strip(),
            rewards=rewards.strip(),
            contingency=contingency.strip(),
            review_every_weeks=rules_.psp_review_weeks,
        )
        add_entry(
            pupil=pupil,
            kind=Kind.SUPPORT,
            title=f"Pastoral Support Programme started ({psp.start_date:%d/%m/%Y} to {psp.end_date:%d/%m/%Y})",
            summary=psp.reason,
            author=actor,
            source=psp,
            confidentiality=Confidentiality.PASTORAL,
        )
        audit.record(actor, Verb.CREATE, psp, pupil=pupil, reason="behaviour.start_psp")
    return psp


def add_psp_action(
    actor: Any, *, psp: PastoralSupportProgramme, task: str, owner: str, due: dt.date | None
) -> PSPAction:
    _require_roles(
        actor, psp.school, PASTORAL_ROLES, "behaviour.psp_action", "Only the pastoral team can do this.", psp
    )
    if not task.strip() or not owner.strip():
        raise ValidationError({"task": "Give the task and who will do it."})
    with transaction.atomic():
        action = PSPAction.objects.create(psp=psp, task=task.strip()[:300], owner=owner.strip()[:120], due=due)
        audit.record(actor, Verb.UPDATE, psp, pupil=psp.pupil, reason="behaviour.psp_action")
    return action


def review_psp(
    actor: Any,
    *,
    psp: PastoralSupportProgramme,
    date: dt.date,
    progress: str,
    outcome: str,
    next_review: dt.date | None = None,
) -> PSPReview:
    """A PSP review with the behaviour figures for the period since the last review beside it."""
    from .selectors import behaviour_totals

    _require_roles(
        actor, psp.school, PASTORAL_ROLES, "behaviour.review_psp", "Only the pastoral team can do this.", psp
    )
    if psp.status != PastoralSupportProgramme.Status.ACTIVE:
        raise ValidationError("This PSP has ended.")
    if not progress.strip():
        raise ValidationError({"progress": "Record the progress against the targets."})
    if outcome not in PSPReview.Outcome.values:
        raise ValidationError({"outcome": "Choose an outcome."})
    if date < psp.start_date:
        raise ValidationError({"date": "A review cannot be before the PSP started."})
    last = psp.reviews.order_by("-date").first()
    since = last.date + dt.timedelta(days=1) if last else psp.start_date
    totals = behaviour_totals(school=psp.school, pupil_ids=[psp.pupil_id], start=since, end=date)[psp.pupil_id]
    if next_review is None and outcome in (PSPReview.Outcome.CONTINUE, PSPReview.Outcome.AMEND):
        next_review = date + dt.timedelta(weeks=psp.review_every_weeks)
    with transaction.atomic():
        review = PSPReview.objects.create(
            psp=psp,
            date=date,
            progress=progress.strip(),
            outcome=outcome,
            next_review=next_review,
            reviewed_by=actor,
            positive_points=totals.positive_points,
            negative_points=totals.negative_points,
            incidents=totals.incidents,
            suspension_days=totals.suspension_days,
        )
        if outcome in (PSPReview.Outcome.COMPLETE, PSPReview.Outcome.ESCALATE):
            psp.status = (
                PastoralSupportProgramme.Status.COMPLETED
                if outcome == PSPReview.Outcome.COMPLETE
                else PastoralSupportProgramme.Status.ENDED_EARLY
            )
            psp.save(update_fields=["status", "updated_at"])
        add_entry(
            pupil=psp.pupil,
            kind=Kind.SUPPORT,
            title=f"PSP review {date:%d/%m/%Y}: {review.get_outcome_display()}",
            summary=review.progress,
            author=actor,
            source=review.psp,
            confidentiality=Confidentiality.PASTORAL,
        )
        audit.record(actor, Verb.UPDATE, psp, pupil=psp.pupil, reason="behaviour.review_psp")
    return review


# Off-site directions and managed moves (§2.8) --------------------------------------------------


def _ehcp(pupil: Any) -> bool:
    return bool(pupil.sen_status == "E")


def direct_off_site(
    actor: Any,
    *,
    pupil: Any,
    start_date: dt.date,
    end_date: dt.date,
    receiving_school: str,
    address: str,
    report_to: str,
    session_times: str,
    reasons: str,
    objectives: str,
    parent_notice_date: dt.date,
    la_notice_date: dt.date | None = None,
    review_every_weeks: int = 6,
    calendar: SchoolCalendar | None = None,
) -> PupilMove:
    """§2.8: an off-site direction (s29A EA 2002) to improve behaviour, not a punishment.
    Time-limited; parental consent is not needed; the written notice (address, who to report to,
    number of days, reasons and objectives, session times) reaches the parents, and the LA when the
    pupil has an EHCP, at least 2 school days before it starts. A late notice is refused."""
    school = pupil.school
    _require_roles(
        actor, school, PASTORAL_ROLES, "behaviour.direct_off_site", "Only the pastoral team can direct off-site."
    )
    _require_visible(actor, school, [pupil], "behaviour.direct_off_site")
    errors: dict[str, str] = {}
    for field, value, message in (
        ("receiving_school", receiving_school, "Say where the pupil is directed to."),
        ("address", address, "The notice must give the address of the provision."),
        ("report_to", report_to, "The notice must say who the pupil reports to."),
        ("session_times", session_times, "The notice must give the session times."),
        ("reasons", reasons, "The notice must give the reasons for the direction."),
        ("objectives", objectives, "The notice must give the objectives (how it will improve behaviour)."),
    ):
        if not value.strip():
            errors[field] = message
    if end_date < start_date:
        errors["end_date"] = "An off-site direction is time-limited: the end date cannot be before the start."
    ehcp = _ehcp(pupil)
    if ehcp and la_notice_date is None:
        errors["la_notice_date"] = (
            "The pupil has an EHCP: the local authority must be given written notice too. Record the date."
        )
    if errors:
        raise ValidationError(errors)
    calendar = calendar or SchoolCalendar.for_school(school)
    try:
        late = statutory.offsite_notice_problem(parent_notice_date, start_date, calendar)
        if late:
            errors["parent_notice_date"] = late
        if ehcp and la_notice_date is not None:
            la_late = statutory.offsite_notice_problem(la_notice_date, start_date, calendar, "local authority")
            if la_late:
                errors["la_notice_date"] = la_late
        days = calendar.count_school_days(start_date, end_date)
    except ValueError as exc:
        raise ValidationError({"start_date": str(exc)}) from exc
    if errors:
        raise ValidationError(errors)
    if days == 0:
        raise ValidationError({"end_date": "There are no school days between the start and end dates."})
    with transaction.atomic():
        move = PupilMove.objects.create(
            school=school,
            kind=PupilMove.Kind.OFFSITE,
            pupil=pupil,
            start_date=start_date,
            end_date=end_date,
            receiving_school=receiving_school.strip()[:200],
            address=address.strip(),
            report_to=report_to.strip()[:200],
            session_times=session_times.strip()[:200],
            reasons=reasons.strip(),
            objectives=objectives.strip(),
            parent_notice_date=parent_notice_date,
            la_notice_date=la_notice_date,
            has_ehcp=ehcp,
            review_every_weeks=review_every_weeks,
            recorded_by=actor,
        )
        add_entry(
            pupil=pupil,
            kind=Kind.BEHAVIOUR,
            title=(
                f"Directed off-site to {move.receiving_school} ({start_date:%d/%m/%Y} to {end_date:%d/%m/%Y}, "
                f"{days} school day{'s' if days != 1 else ''})"
            ),
            summary=f"Reasons: {move.reasons}\nObjectives: {move.objectives}",
            author=actor,
            source=move,
            confidentiality=Confidentiality.PASTORAL,
        )
        audit.record(actor, Verb.CREATE, move, pupil=pupil, reason="behaviour.direct_off_site")
    return move


def agree_managed_move(
    actor: Any,
    *,
    pupil: Any,
    start_date: dt.date,
    receiving_school: str,
    admission_authority: str,
    reasons: str,
    parents_agreed_on: dt.date | None,
    new_school_agreed_on: dt.date | None,
    admission_authority_agreed_on: dt.date | None,
    not_under_threat_of_exclusion: bool,
    la_involved_on: dt.date | None = None,
    trial_period: bool = False,
    objectives: str = "",
) -> PupilMove:
    """§2.8: a managed move is a voluntary, permanent transfer to another school, recorded only
    once the parents, the new school and its admission authority have agreed; it must not be
    offered under threat of exclusion; with an EHCP the LA is involved first. A trial period is
    discouraged but not refused (the view warns)."""
    school = pupil.school
    _require_roles(
        actor, school, PASTORAL_ROLES, "behaviour.managed_move", "Only the pastoral team can record a managed move."
    )
    _require_visible(actor, school, [pupil], "behaviour.managed_move")
    errors: dict[str, str] = {}
    if not receiving_school.strip():
        errors["receiving_school"] = "Name the new school."
    if not admission_authority.strip():
        errors["admission_authority"] = "Name the new school's admission authority."
    if not reasons.strip():
        errors["reasons"] = "Give the reasons the move is in the pupil's best interests."
    for field, value, who in (
        ("parents_agreed_on", parents_agreed_on, "the parents"),
        ("new_school_agreed_on", new_school_agreed_on, "the new school"),
        ("admission_authority_agreed_on", admission_authority_agreed_on, "the admission authority"),
    ):
        if value is None:
            errors[field] = f"A managed move is voluntary: record the date {who} agreed."
        elif value > start_date:
            errors[field] = f"{who.capitalize()} must agree before the move starts ({start_date:%d/%m/%Y})."
    if not not_under_threat_of_exclusion:
        errors["not_under_threat_of_exclusion"] = (
            "A managed move must not be offered under threat of exclusion: confirm that it was not."
        )
    ehcp = _ehcp(pupil)
    if ehcp:
        agreed = [d for d in (parents_agreed_on, new_school_agreed_on, admission_authority_agreed_on) if d]
        if la_involved_on is None:
            errors["la_involved_on"] = "The pupil has an EHCP: the local authority must be involved first. Record when."
        elif agreed and la_involved_on > min(agreed):
            errors["la_involved_on"] = (
                "The pupil has an EHCP: the local authority must be involved before anyone agrees the move."
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        move = PupilMove.objects.create(
            school=school,
            kind=PupilMove.Kind.MANAGED,
            pupil=pupil,
            start_date=start_date,
            receiving_school=receiving_school.strip()[:200],
            admission_authority=admission_authority.strip()[:200],
            reasons=reasons.strip(),
            objectives=objectives.strip(),
            parents_agreed_on=parents_agreed_on,
            new_school_agreed_on=new_school_agreed_on,
            admission_authority_agreed_on=admission_authority_agreed_on,
            la_involved_on=la_involved_on,
            not_under_threat_of_exclusion=True,
            trial_period=trial_period,
            has_ehcp=ehcp,
            recorded_by=actor,
        )
        add_entry(
            pupil=pupil,
            kind=Kind.BEHAVIOUR,
            title=f"Managed move to {move.receiving_school} agreed (from {start_date:%d/%m/%Y})",
            summary=move.reasons,
            author=actor,
            source=move,
            confidentiality=Confidentiality.PASTORAL,
        )
        audit.record(actor, Verb.CREATE, move, pupil=pupil, reason="behaviour.managed_move")
    return move


def review_move(
    actor: Any,
    *,
    move: PupilMove,
    date: dt.date,
    notes: str,
    requested_by: str = PupilMoveReview.RequestedBy.SCHOOL,
    next_review: dt.date | None = None,
) -> PupilMoveReview:
    """§2.8: an off-site direction is reviewed at intervals the school sets (and when a parent or
    the LA asks, if there has been no review in the last 10 weeks); a managed move is reviewed
    with the new school."""
    _require_roles(
        actor, move.school, PASTORAL_ROLES, "behaviour.review_move", "Only the pastoral team can do this.", move
    )
    if move.status != PupilMove.Status.ACTIVE:
        raise ValidationError("This has ended; it cannot be reviewed.")
    if not notes.strip():
        raise ValidationError({"notes": "Record what the review found."})
    if requested_by not in PupilMoveReview.RequestedBy.values:
        raise ValidationError({"requested_by": "Say who asked for the review."})
    if date < move.start_date:
        raise ValidationError({"date": "A review cannot be before the start."})
    if next_review is None and move.kind == PupilMove.Kind.OFFSITE:
        next_review = date + dt.timedelta(weeks=move.review_every_weeks)
    with transaction.atomic():
        review = PupilMoveReview.objects.create(
            move=move,
            date=date,
            requested_by=requested_by,
            notes=notes.strip(),
            next_review=next_review,
            reviewed_by=actor,
        )
        add_entry(
            pupil=move.pupil,
            kind=Kind.BEHAVIOUR,
            title=f"{move.get_kind_display()} reviewed {date:%d/%m/%Y}",
            summary=review.notes,
            author=actor,
            source=move,
            confidentiality=Confidentiality.PASTORAL,
        )
        audit.record(actor, Verb.UPDATE, move, pupil=move.pupil, reason="behaviour.review_move")
    return review


#: Which outcomes each kind can end with.
MOVE_OUTCOMES = {
    PupilMove.Kind.OFFSITE: (PupilMove.Status.COMPLETED, PupilMove.Status.ENDED),
    PupilMove.Kind.MANAGED: (PupilMove.Status.COMPLETED, PupilMove.Status.RETURNED),
}


def end_move(actor: Any, *, move: PupilMove, outcome: str, date: dt.date, note: str = "") -> PupilMove:
    """Record how an off-site direction ended (completed / ended early) or the outcome of a managed
    move (completed: the pupil stays at the new school; returned: the pupil came back)."""
    _require_roles(
        actor, move.school, PASTORAL_ROLES, "behaviour.end_move", "Only the pastoral team can do this.", move
    )
    if move.status != PupilMove.Status.ACTIVE:
        raise ValidationError("The outcome has already been recorded.")
    if outcome not in MOVE_OUTCOMES[PupilMove.Kind(move.kind)]:
        raise ValidationError({"outcome": f"Choose an outcome for a {move.get_kind_display().lower()}."})
    if date < move.start_date:
        raise ValidationError({"date": "The outcome cannot be dated before the start."})
    with transaction.atomic():
        move.status = outcome
        move.outcome_date = date
        move.outcome_note = note.strip()
        move.outcome_by = actor
        move.save(update_fields=["status", "outcome_date", "outcome_note", "outcome_by", "updated_at"])
        add_entry(
            pupil=move.pupil,
            kind=Kind.BEHAVIOUR,
            title=(
                f"{move.get_kind_display()} to {move.receiving_school}: {move.get_status_display()} ({date:%d/%m/%Y})"
            ),
            summary=move.outcome_note,
            author=actor,
            source=move,
            confidentiality=Confidentiality.PASTORAL,
        )
        audit.record(actor, Verb.UPDATE, move, pupil=move.pupil, reason="behaviour.end_move")
    return move


# School settings -------------------------------------------------------------------------------


def save_behaviour_type(
    actor: Any,
    *,
    school: School,
    name: str,
    polarity: str,
    category: str,
    points: int,
    template_description: str = "",
    is_active: bool = True,
    behaviour_type: BehaviourType | None = None,
) -> BehaviourType:
    """Add or change one of the school's behaviour types. Points already given stay as they were."""
    _require_roles(actor, school, SETTINGS_ROLES, "behaviour.save_type", "Only senior leaders can change this.")
    errors = {}
    if not name.strip():
        errors["name"] = "Give the type a name."
    if polarity not in Polarity.values:
        errors["polarity"] = "Choose positive or negative."
    if not 0 <= points <= 50:
        errors["points"] = "Points must be between 0 and 50."
    clash = BehaviourType.objects.filter(school=school, name__iexact=name.strip())
    if behaviour_type is not None:
        clash = clash.exclude(pk=behaviour_type.pk)
    if clash.exists():
        errors["name"] = "The school already has a type with this name."
    if errors:
        raise ValidationError(errors)
    target = behaviour_type or BehaviourType(school=school)
    if target.school_id != school.pk:
        _deny(actor, target, "behaviour.save_type", "Not this school's type.", school=school)
    target.name = name.strip()[:100]
    target.polarity = polarity
    target.category = category
    target.points = points
    target.template_description = template_description.strip()[:300]
    target.is_active = is_active
    with transaction.atomic():
        target.save()
        audit.record(actor, Verb.UPDATE if behaviour_type else Verb.CREATE, target, reason="behaviour.save_type")
    return target


# Report cards -----------------------------------------------------------------------------------


def start_report_card(actor: Any, *, pupil: Any, start_date: dt.date, end_date: dt.date, targets: str) -> ReportCard:
    """The pastoral team puts a pupil on report with daily targets."""
    school = pupil.school
    _require_roles(actor, school, PASTORAL_ROLES, "behaviour.report_card", "Only the pastoral team can do this.")
    _require_visible(actor, school, [pupil], "behaviour.report_card")
    errors = {}
    if not [t for t in targets.splitlines() if t.strip()]:
        errors["targets"] = "Give at least one target."
    if end_date < start_date:
        errors["end_date"] = "The report cannot end before it starts."
    elif (end_date - start_date).days > 70:
        errors["end_date"] = "Keep a report card to 10 weeks at most; start a new one after a review."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        card = ReportCard.objects.create(
            school=school, pupil=pupil, start_date=start_date, end_date=end_date, targets=targets.strip(), set_by=actor
        )
        add_entry(
            pupil=pupil,
            kind=Kind.BEHAVIOUR,
            title=f"On report from {start_date:%d/%m/%Y} to {end_date:%d/%m/%Y}",
            summary=card.targets,
            author=actor,
            source=card,
        )
        audit.record(actor, Verb.CREATE, card, pupil=pupil, reason="behaviour.report_card")
    return card


def rate_lesson(
    actor: Any, *, card: ReportCard, date: dt.date, period: int, rating: int, comment: str = ""
) -> ReportCardEntry:
    """A teacher rates the pupil against the card's targets for one lesson."""
    school = card.school
    _require_roles(actor, school, STAFF_ROLES, "behaviour.rate_lesson", "Only staff can rate a lesson.")
    _require_visible(actor, school, [card.pupil], "behaviour.rate_lesson")
    errors = {}
    if not card.start_date <= date <= card.end_date:
        errors["date"] = f"The card runs from {card.start_date:%d/%m/%Y} to {card.end_date:%d/%m/%Y}."
    if rating not in ReportCardEntry.Rating.values:
        errors["rating"] = "Choose a rating from 1 to 4."
    if ReportCardEntry.objects.filter(card=card, date=date, period=period).exists():
        errors["period"] = "This lesson has already been rated."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = ReportCardEntry.objects.create(
            card=card, date=date, period=period, rating=rating, comment=comment.strip()[:300], teacher=actor
        )
        audit.record(actor, Verb.UPDATE, card, pupil=card.pupil, reason="behaviour.rate_lesson")
    return entry
