"""Attendance: one mark per pupil per session, with an append-only amendment history.

The mark table holds about a million rows per school (1,000 pupils × 2 sessions × 190 days ×
several years), so it is kept lean: no timestamps beyond `recorded_at`, short character codes and
two indexes that serve every query (one pupil's marks; a school's marks in a date range).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from apps.core.models import School, SchoolScopedModel

from . import statutory


class Session(models.TextChoices):
    AM = "AM", "Morning"
    PM = "PM", "Afternoon"


class Source(models.TextChoices):
    REGISTER = "register", "Form register"
    LESSON = "lesson", "Lesson register"
    OFFICE = "office", "Attendance office"
    IMPORT = "import", "Import"
    SERVICE = "service", "Another module"
    CLOSURE = "closure", "Closure"
    LEAVE = "leave", "Leave of absence"
    PART_TIME = "part_time", "Part-time timetable"
    FOLLOW_UP = "follow_up", "First-day response"
    DEMO = "demo", "Demo data"


class Mark(models.Model):
    """The register entry for one pupil in one session (domain §1.1)."""

    # No single-column indexes on the three foreign keys (docs/performance.md, "Import"): the
    # covering index leads with `school`, the unique constraint leads with `pupil`, and marks are
    # never looked up by `recorded_by` (staff are deactivated, not deleted). Three fewer B-trees to
    # maintain on every write of a mark.
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+", db_index=False)
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="attendance_marks", db_index=False)
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    code = models.CharField(max_length=3)
    minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    recorded_at = models.DateTimeField()
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.REGISTER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pupil", "date", "session"], name="uniq_mark_per_session"),
        ]
        # Covering index for set-based summaries of a school over a date range.
        indexes = [models.Index(fields=["school", "date", "pupil", "code"], name="att_mark_school_date")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.session} {self.code}"

    @property
    def meaning(self) -> str:
        found = statutory.CODES.get(self.code)
        return found.meaning if found else ""

    @property
    def stat(self) -> statutory.Stat:
        return statutory.stat_of(self.code)


class MarkHistory(models.Model):
    """One amendment to a mark: the original entry, the new entry, the reason, when and who
    (domain §1.1). Rows are only ever added."""

    mark = models.ForeignKey(Mark, on_delete=models.PROTECT, related_name="history")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    old_code = models.CharField(max_length=3)
    old_minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    old_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    old_recorded_at = models.DateTimeField()
    old_source = models.CharField(max_length=10, choices=Source.choices)
    new_code = models.CharField(max_length=3)
    new_minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    new_source = models.CharField(max_length=10, choices=Source.choices)
    reason = models.CharField(max_length=300)
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amended_by_label = models.CharField(max_length=150, blank=True, help_text="Who, when not a user (an import).")
    amended_at = models.DateTimeField()

    class Meta:
        ordering = ["mark", "amended_at", "id"]
        verbose_name_plural = "mark history"

    def __str__(self) -> str:
        return f"{self.old_code} → {self.new_code} ({self.amended_at:%d/%m/%Y})"


class AttendanceSettings(SchoolScopedModel):
    """Per-school attendance policy (domain §1.1; issue 5)."""

    am_register_opens = models.TimeField(default="08:40")
    pm_register_opens = models.TimeField(default="13:30")
    register_open_minutes = models.PositiveSmallIntegerField(
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(statutory.MAX_REGISTER_OPEN_MINUTES)],
        help_text="How long a register stays open; the same for every session and no more than 30 minutes.",
    )
    n_code_limit_school_days = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="School days after which an unresolved N is flagged (the widely quoted 5 days is unconfirmed).",
    )
    lesson_registers = models.BooleanField(default=False)

    class ReportSchedule(models.TextChoices):
        WEEKLY = "weekly", "Weekly (each Monday to Sunday week)"
        MONTHLY = "monthly", "Monthly (each calendar month)"
        HALF_TERMLY = "half_termly", "Half-termly (each half-term in the school calendar)"

    report_schedule = models.CharField(
        max_length=12,
        choices=ReportSchedule.choices,
        default=ReportSchedule.MONTHLY,
        help_text="How often the attendance report for the headteacher and governors is produced.",
    )

    class Meta:
        verbose_name_plural = "attendance settings"
        constraints = [models.UniqueConstraint(fields=["school"], name="uniq_attendance_settings")]

    def __str__(self) -> str:
        return f"Attendance settings for {self.school}"

    def clean(self) -> None:
        if self.register_open_minutes > statutory.MAX_REGISTER_OPEN_MINUTES:
            raise ValidationError({"register_open_minutes": "A register may stay open for no more than 30 minutes."})


class RegisterTaken(models.Model):
    """That a form's register was taken for a session, by whom and when (for the completion
    overview). The marks themselves are in `Mark`; this row is only the receipt."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    form = models.ForeignKey("people.Form", on_delete=models.PROTECT, related_name="registers_taken")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    taken_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["form", "date", "session"], name="uniq_register_taken")]
        indexes = [models.Index(fields=["school", "date", "session"], name="att_register_school_day")]

    def __str__(self) -> str:
        return f"{self.form} {self.date:%d/%m/%Y} {self.session}"


class ContactAttempt(models.Model):
    """One first-day call (or message) to a carer about an absence, and its outcome (issue 5,
    domain §1.5 stage 1: first-day calling). Rows are only ever added."""

    class Method(models.TextChoices):
        PHONE = "phone", "Phone call"
        TEXT = "text", "Text message"
        EMAIL = "email", "Email"
        HOME_VISIT = "home_visit", "Home visit"

    class Outcome(models.TextChoices):
        NO_ANSWER = "no_answer", "No answer"
        MESSAGE_LEFT = "message_left", "Message left"
        REASON_GIVEN = "reason_given", "Reason given"
        NUMBER_WRONG = "number_wrong", "Number not working"
        PUPIL_ON_WAY = "on_way", "Pupil on the way in"
        CARER_UNAWARE = "carer_unaware", "Carer did not know the pupil was absent"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="attendance_contacts")
    date = models.DateField(help_text="The day of the absence.")
    carer = models.ForeignKey("people.Carer", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=12, choices=Method.choices, default=Method.PHONE)
    outcome = models.CharField(max_length=15, choices=Outcome.choices)
    new_code = models.CharField(max_length=3, blank=True, help_text="The code recorded from this call, if any.")
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["school", "date"], name="att_contact_school_day")]

    def __str__(self) -> str:
        return f"{self.pupil} {self.date:%d/%m/%Y}: {self.get_outcome_display()}"


class AbsenceAlert(models.Model):
    """The DSL was alerted that a pupil with a social worker was absent without explanation
    (domain §1.7, guidance para 52). One per pupil per day, so the DSL is told once."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    alerted_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pupil", "date"], name="uniq_absence_alert")]

    def __str__(self) -> str:
        return f"Absence alert {self.pupil_id} {self.date:%d/%m/%Y}"


class PenaltyDecision(models.Model):
    """The record that a penalty notice was considered when the national threshold was met, with
    the decision and its reason (domain §1.6: a notice must be considered, not automatically
    issued)."""

    class Decision(models.TextChoices):
        ISSUE = "issue", "Issue a penalty notice"
        NOTICE_TO_IMPROVE = "notice_to_improve", "Notice to Improve first"
        NOT_ISSUE = "not_issue", "Do not issue: support instead"
        OTHER_ACTION = "other_action", "Other legal action (limit reached)"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="penalty_decisions")
    considered_on = models.DateField()
    unauthorised_sessions = models.PositiveSmallIntegerField()
    window_start = models.DateField()
    window_end = models.DateField()
    decision = models.CharField(max_length=20, choices=Decision.choices)
    reason = models.CharField(max_length=500)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-considered_on", "-id"]

    def __str__(self) -> str:
        return f"{self.pupil} {self.considered_on:%d/%m/%Y}: {self.get_decision_display()}"


class PenaltyNotice(models.Model):
    """A penalty notice issued to one parent for one child (domain §1.6). Status changes are kept
    as `PenaltyNoticeEvent` rows; a withdrawn notice stays on record but does not count."""

    class Status(models.TextChoices):
        ISSUED = "issued", "Issued"
        PAID = "paid", "Paid"
        UNPAID = "unpaid", "Not paid"
        PROSECUTED = "prosecuted", "Referred for prosecution"
        WITHDRAWN = "withdrawn", "Withdrawn"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="penalty_notices")
    carer = models.ForeignKey("people.Carer", on_delete=models.PROTECT, related_name="penalty_notices")
    decision = models.ForeignKey(PenaltyDecision, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField()
    sequence = models.PositiveSmallIntegerField(help_text="1st or 2nd notice in the 3-year period.")
    amount_full = models.PositiveSmallIntegerField(help_text="£ due if paid within 28 days.")
    amount_reduced = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="£ due if paid within 21 days (first notice only)."
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ISSUED)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"Penalty notice {self.issued_on:%d/%m/%Y} ({self.get_status_display()})"


class PenaltyNoticeEvent(models.Model):
    """A change of a penalty notice's status, with the reason (append-only)."""

    notice = models.ForeignKey(PenaltyNotice, on_delete=models.PROTECT, related_name="events")
    old_status = models.CharField(max_length=12, choices=PenaltyNotice.Status.choices, blank=True)
    new_status = models.CharField(max_length=12, choices=PenaltyNotice.Status.choices)
    on = models.DateField()
    reason = models.CharField(max_length=300)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.old_status or '-'} → {self.new_status}"


class LadderStep(models.Model):
    """One step on the support-first ladder on a pupil's attendance record (domain §1.5): a
    meeting, a support plan, an attendance contract, Early Help, a Notice to Improve, a penalty
    notice, an Education Supervision Order or prosecution; with date, outcome and next review."""

    class Stage(models.TextChoices):
        MEETING = "meeting", "Attendance meeting"
        SUPPORT_PLAN = "support_plan", "Support plan"
        CONTRACT = "contract", "Attendance contract"
        EARLY_HELP = "early_help", "Early Help plan"
        NOTICE_TO_IMPROVE = "notice_to_improve", "Notice to Improve"
        PENALTY_NOTICE = "penalty_notice", "Penalty notice"
        ESO = "eso", "Education Supervision Order"
        PROSECUTION = "prosecution", "Prosecution (s444 Education Act 1996)"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="attendance_steps")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    on = models.DateField()
    outcome = models.CharField(max_length=500, blank=True)
    next_review = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.on:%d/%m/%Y}"


class Letter(models.Model):
    """A letter to a carer produced at a ladder stage (the PDF is rebuilt from these fields)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="attendance_letters")
    carer = models.ForeignKey("people.Carer", on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=20, choices=LadderStep.Stage.choices)
    body = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Letter ({self.get_stage_display()}) {self.created_at:%d/%m/%Y}"


class LaNotification(models.Model):
    """The date the local authority was told about a pupil's long absence (domain §1.7)."""

    class Reason(models.TextChoices):
        UNAUTHORISED = "unauthorised", "10 or more consecutive school days of unauthorised absence"
        ILLNESS = "illness", "15 or more school days of absence for illness"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=12, choices=Reason.choices)
    absence_from = models.DateField(help_text="The first day of the absence reported.")
    told_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-told_on", "-id"]

    def __str__(self) -> str:
        return f"LA told {self.told_on:%d/%m/%Y} ({self.reason})"


class LeaveRequest(models.Model):
    """A request for leave of absence (domain §1.4, reg 11): who asked, for what, who decided, the
    decision and the reason, and the code it produces."""

    class Kind(models.TextChoices):
        C = "C", "Exceptional circumstances (C)"
        C1 = "C1", "Regulated performance or employment abroad (C1)"
        M = "M", "Medical or dental appointment (M)"
        J1 = "J1", "Interview for employment or admission (J1)"
        S = "S", "Study for a public examination (S)"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        GRANTED = "granted", "Granted"
        REFUSED = "refused", "Refused"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="leave_requests")
    carer = models.ForeignKey("people.Carer", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=2, choices=Kind.choices)
    requested_on = models.DateField()
    start_date = models.DateField()
    end_date = models.DateField()
    reason = models.CharField(max_length=500)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    decision_reason = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-start_date", "-id"]

    def __str__(self) -> str:
        return f"Leave {self.kind} {self.start_date:%d/%m/%Y}–{self.end_date:%d/%m/%Y} ({self.status})"


class PartTimeTimetable(models.Model):
    """A temporary part-time timetable (domain §1.8; reg 11(6)): the sessions the pupil attends,
    why, the parent's agreement, the planned end and the reviews. Missed sessions are `C2`."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="part_time_timetables")
    start_date = models.DateField()
    planned_end_date = models.DateField()
    attended_sessions = models.JSONField(
        default=list, help_text='Weekday sessions attended, e.g. ["0AM", "1AM"] (0 is Monday).'
    )
    reason = models.CharField(max_length=500)
    parent_agreed_on = models.DateField(help_text="The date the parent the pupil normally lives with agreed.")
    la_notified_on = models.DateField(null=True, blank=True)
    social_worker_informed = models.BooleanField(default=False)
    next_review = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_outcome = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-start_date", "-id"]

    def __str__(self) -> str:
        return f"Part-time timetable from {self.start_date:%d/%m/%Y}"

    def attends(self, day: Any, session: str) -> bool:
        return f"{day.weekday()}{session}" in self.attended_sessions

    def active_on(self, day: Any) -> bool:
        return self.start_date <= day and (self.ended_on is None or day <= self.ended_on)


class PartTimeReview(models.Model):
    """A review of a part-time timetable with the pupil and parents (domain §1.8)."""

    timetable = models.ForeignKey(PartTimeTimetable, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField()
    outcome = models.CharField(max_length=500)
    next_review = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"Review {self.held_on:%d/%m/%Y}"


# Lesson registers and post-registration truancy (issue 5; attreg) ----------------------------------


class LessonPeriod(models.Model):
    """One of the school's lesson periods (e.g. P1 09:00–10:00), in the morning or afternoon
    session. A period that has lesson marks is switched off, never deleted."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=20)
    starts = models.TimeField()
    ends = models.TimeField()
    session = models.CharField(max_length=2, choices=Session.choices)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["starts", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="uniq_lesson_period_name"),
            models.CheckConstraint(condition=models.Q(ends__gt=models.F("starts")), name="lesson_period_ends_after"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.starts:%H:%M}–{self.ends:%H:%M}"


class LessonStatus(models.TextChoices):
    PRESENT = "present", "Present"
    ABSENT = "absent", "Absent"
    LATE = "late", "Late"


class LessonMark(models.Model):
    """Whether a pupil was in one lesson (a teaching group in a period on a date). Lesson marks
    are not statutory register marks: they feed the post-registration truancy check."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+", db_index=False)
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="lesson_marks", db_index=False)
    group = models.ForeignKey("people.TeachingGroup", on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(LessonPeriod, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    status = models.CharField(max_length=8, choices=LessonStatus.choices)
    minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pupil", "date", "period"], name="uniq_lesson_mark")]
        indexes = [models.Index(fields=["school", "date", "status"], name="att_lesson_school_day")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.period_id} {self.status}"


class LessonMarkHistory(models.Model):
    """One amendment to a lesson mark: old and new entry, reason, who and when (append-only)."""

    lesson_mark = models.ForeignKey(LessonMark, on_delete=models.PROTECT, related_name="history")
    old_status = models.CharField(max_length=8, choices=LessonStatus.choices)
    old_minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    old_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    old_recorded_at = models.DateTimeField()
    new_status = models.CharField(max_length=8, choices=LessonStatus.choices)
    new_minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=300)
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amended_at = models.DateTimeField()

    class Meta:
        ordering = ["lesson_mark", "amended_at", "id"]
        verbose_name_plural = "lesson mark history"

    def __str__(self) -> str:
        return f"{self.old_status} → {self.new_status} ({self.amended_at:%d/%m/%Y})"


class LessonRegisterTaken(models.Model):
    """The receipt that a teaching group's register was taken for a period on a date."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey("people.TeachingGroup", on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(LessonPeriod, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    taken_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "date", "period"], name="uniq_lesson_register_taken")]
        indexes = [models.Index(fields=["school", "date"], name="att_lesson_reg_school_day")]

    def __str__(self) -> str:
        return f"{self.group_id} {self.date:%d/%m/%Y} {self.period_id}"


class TruancyFollowUp(models.Model):
    """What was found when a post-registration truancy case was followed up (append-only). Any
    outcome but "not found yet" resolves the case for that day."""

    class Outcome(models.TextChoices):
        FOUND_IN_SCHOOL = "found_in_school", "Found in school"
        WITH_PARENT = "with_parent", "With a parent or carer (left with permission)"
        TRUANTING = "truanting", "Truanting confirmed"
        NOT_FOUND = "not_found", "Not found yet (still looking)"
        OTHER = "other", "Other (see the note)"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="truancy_follow_ups")
    date = models.DateField(help_text="The day of the missed lessons.")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["school", "date"], name="att_truancy_school_day")]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.date:%d/%m/%Y}: {self.get_outcome_display()}"

    @property
    def resolves(self) -> bool:
        return self.outcome != self.Outcome.NOT_FOUND


# Letter templates (issue 5) -----------------------------------------------------------------------


class LetterTemplate(models.Model):
    """A school's wording for the letter at one ladder stage (domain §1.5), with placeholders
    (`apps.attendance.letters.PLACEHOLDERS`). Each save adds a `LetterTemplateVersion`."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=20, choices=LadderStep.Stage.choices)
    body = models.TextField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "stage"], name="attendance_lettertemplate_one_per_stage")
        ]
        ordering = ["school", "stage"]

    def __str__(self) -> str:
        return f"Letter template ({self.get_stage_display()})"


class LetterTemplateVersion(models.Model):
    """The history of a template: every saved text, who saved it and when. Rows are only added."""

    template = models.ForeignKey(LetterTemplate, on_delete=models.PROTECT, related_name="versions")
    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField()

    class Meta:
        ordering = ["-edited_at", "-id"]

    def __str__(self) -> str:
        return f"Letter template version {self.edited_at:%d/%m/%Y %H:%M}"


# Per-pupil per-school-year summary (perf, issue 8) -----------------------------------------------


class PupilYearSummary(models.Model):
    """One pupil's session counts for one school year (1 September to 31 August), counting only
    sessions while on roll (domain §1.3), kept so that whole-year and trust-wide figures read one
    row per pupil instead of ~380 marks.

    Maintained by `apps.attendance.summaries`: `apply_marks` adds each write's difference in the
    same transaction, the import and `manage.py rebuild_attendance_summaries` recompute set-based.
    A row exists for every pupil with any mark in the year (counts may be zero). The on-roll rule
    depends on the pupil's admission and leaving dates, so the row keeps the dates it was counted
    with; a reader uses the row only while they still equal the pupil's, and counts from the marks
    otherwise (`summaries.py`)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+", db_index=False)
    pupil = models.ForeignKey("people.Pupil", on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField(help_text="The calendar year the school year starts in (2025 is 2025/26).")
    admission_date = models.DateField(help_text="The pupil's admission date these counts were made with.")
    leaving_date = models.DateField(null=True, blank=True, help_text="The leaving date these counts were made with.")
    sessions = models.PositiveIntegerField(default=0, help_text="Marks while on roll, of any code.")
    possible = models.PositiveIntegerField(default=0)
    attended = models.PositiveIntegerField(default=0)
    authorised = models.PositiveIntegerField(default=0)
    unauthorised = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pupil", "year"], name="uniq_pupil_year_summary")]
        indexes = [models.Index(fields=["school", "year"], name="att_summary_school_year")]
        verbose_name_plural = "pupil year summaries"

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.year}/{(self.year + 1) % 100:02d}"


class GovernorReport(models.Model):
    """An attendance report for the headteacher and governors for one period (issue 5: "attendance
    data to the Head Teacher/Management Committee according to agreed schedules"). Aggregates only,
    small groups withheld. The figures and the PDF are stored as produced, so a past report stays
    exactly as it was sent; it is never recalculated or edited."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    schedule = models.CharField(max_length=12, choices=AttendanceSettings.ReportSchedule.choices)
    start = models.DateField()
    end = models.DateField()
    figures = models.JSONField(help_text="The report's tables as produced (display values, already withheld).")
    pdf = models.BinaryField()
    produced_at = models.DateTimeField()
    produced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the scheduled command produced it.",
    )

    class Meta:
        ordering = ["-end", "-produced_at"]
        constraints = [
            models.UniqueConstraint(fields=["school", "schedule", "start", "end"], name="uniq_governor_report"),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="governor_report_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"Attendance report {self.start:%d/%m/%Y} to {self.end:%d/%m/%Y}"
