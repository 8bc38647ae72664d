"""Behaviour: incidents and rewards, sanctions, the inclusion unit, suspensions and permanent
exclusions, and Pastoral Support Programmes.

Rules that decide anything (thresholds, deadlines, the 45-day cap) live in `statutory.py`; the
workflow lives in `services.py`. These models hold one-row facts only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models

from apps.core.models import SchoolScopedModel


class Polarity(models.TextChoices):
    POSITIVE = "positive", "Positive (reward)"
    NEGATIVE = "negative", "Negative (incident)"


class Category(models.TextChoices):
    """Broad groups for analysis. Bullying and child-on-child categories can be escalated to a
    safeguarding concern in one step."""

    ACHIEVEMENT = "achievement", "Achievement"
    EFFORT = "effort", "Effort"
    CONDUCT = "conduct", "Good conduct / citizenship"
    DISRUPTION = "disruption", "Disruption to learning"
    DEFIANCE = "defiance", "Defiance / refusal"
    EQUIPMENT = "equipment", "Equipment, uniform, homework"
    LATENESS = "lateness", "Lateness / truancy from lessons"
    VERBAL = "verbal", "Verbal abuse / language"
    PHYSICAL = "physical", "Physical aggression"
    BULLYING = "bullying", "Bullying"
    CHILD_ON_CHILD = "child_on_child", "Child-on-child abuse (incl. sexual harassment)"
    DISCRIMINATION = "discrimination", "Discriminatory language or abuse"
    ONLINE = "online", "Online / phone misuse"
    DAMAGE = "damage", "Damage / theft"
    SUBSTANCES = "substances", "Drugs, alcohol, vaping"
    WEAPONS = "weapons", "Weapon or prohibited item"
    OTHER = "other", "Other"


#: Categories that may be escalated to a safeguarding concern (KCSIE child-on-child abuse).
ESCALATABLE_CATEGORIES = frozenset(
    {Category.BULLYING, Category.CHILD_ON_CHILD, Category.DISCRIMINATION, Category.ONLINE}
)


class BehaviourSettings(models.Model):
    """What each school decides for itself (limits, triggers, points for notifying parents)."""

    school = models.OneToOneField("core.School", on_delete=models.CASCADE, related_name="behaviour_settings")
    inclusion_days_per_half_term = models.PositiveSmallIntegerField(
        default=5, help_text="Flag a pupil who spends more than this many days in the inclusion unit in a half-term."
    )
    psp_trigger_suspensions_per_term = models.PositiveSmallIntegerField(
        default=2, help_text="Suggest a PSP when a pupil has this many suspensions in a term."
    )
    at_risk_negative_points = models.PositiveSmallIntegerField(
        default=20, help_text="Flag a pupil whose negative points in the last 4 weeks reach this."
    )
    notify_parents_from_points = models.PositiveSmallIntegerField(
        default=3, help_text="Tell parents about a negative incident worth at least this many points."
    )
    detention_minutes = models.PositiveSmallIntegerField(default=30)
    psp_weeks = models.PositiveSmallIntegerField(default=16)
    psp_review_weeks = models.PositiveSmallIntegerField(default=6)

    def __str__(self) -> str:
        return f"Behaviour settings for {self.school}"


class BehaviourType(SchoolScopedModel):
    """A kind of incident or reward and its points, set by the school."""

    name = models.CharField(max_length=100)
    polarity = models.CharField(max_length=10, choices=Polarity.choices)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    points = models.PositiveSmallIntegerField(
        default=1, help_text="Always a positive number; the polarity says which way."
    )
    is_active = models.BooleanField(default=True)
    template_description = models.CharField(
        max_length=300, blank=True, help_text="Text offered when a teacher picks this type (a common incident)."
    )

    class Meta:
        ordering = ["polarity", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="uniq_behaviour_type")]

    def __str__(self) -> str:
        sign = "+" if self.polarity == Polarity.POSITIVE else "−"
        return f"{self.name} ({sign}{self.points})"

    @property
    def escalatable(self) -> bool:
        return self.polarity == Polarity.NEGATIVE and self.category in ESCALATABLE_CATEGORIES


class Location(SchoolScopedModel):
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="uniq_behaviour_location")]

    def __str__(self) -> str:
        return self.name


class Incident(SchoolScopedModel):
    """One behaviour event (positive or negative), possibly involving several pupils."""

    behaviour_type = models.ForeignKey(BehaviourType, on_delete=models.PROTECT, related_name="incidents")
    polarity = models.CharField(max_length=10, choices=Polarity.choices)
    occurred_at = models.DateTimeField()
    date = models.DateField(help_text="Local date of occurred_at, for fast per-day analysis.")
    period = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Lesson period (1-6), if in a lesson.")
    subject = models.CharField(max_length=60, blank=True)
    teaching_group = models.ForeignKey(
        "people.TeachingGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    description = models.TextField(blank=True)
    action_taken = models.CharField(max_length=300, blank=True)
    parents_notified_at = models.DateTimeField(null=True, blank=True)
    concern_reference = models.CharField(
        max_length=40, blank=True, help_text="The safeguarding concern this incident was escalated to."
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["school", "date"]), models.Index(fields=["school", "polarity", "date"])]

    def __str__(self) -> str:
        return f"{self.behaviour_type.name} {self.occurred_at:%d/%m/%Y}"


class IncidentPupil(models.Model):
    """One pupil's part in an incident. Each pupil's record shows only their own part."""

    class Role(models.TextChoices):
        INSTIGATOR = "instigator", "Instigator"
        INVOLVED = "involved", "Involved"
        TARGET = "target", "Target"
        WITNESS = "witness", "Witness"
        RECIPIENT = "recipient", "Recipient (reward)"

    school = models.ForeignKey("core.School", on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="pupil_links")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="behaviour_links")
    role = models.CharField(max_length=12, choices=Role.choices)
    points = models.SmallIntegerField(help_text="Signed: positive for rewards, negative for incidents.")
    date = models.DateField()
    note = models.CharField(max_length=300, blank=True, help_text="This pupil's own part, shown only on their record.")

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [models.UniqueConstraint(fields=["incident", "pupil"], name="uniq_incident_pupil")]
        indexes = [models.Index(fields=["school", "pupil", "date"])]

    def __str__(self) -> str:
        return f"{self.pupil} ({self.get_role_display()})"


class Detention(SchoolScopedModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        ATTENDED = "attended", "Attended"
        MISSED = "missed", "Missed"
        CANCELLED = "cancelled", "Cancelled"

    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="detentions")
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="detentions")
    date = models.DateField()
    start_time = models.TimeField(default=dt.time(15, 15))
    minutes = models.PositiveSmallIntegerField(default=30)
    room = models.CharField(max_length=40, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    status_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalated_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="escalations"
    )

    class Meta:
        ordering = ["date", "start_time", "id"]
        indexes = [models.Index(fields=["school", "date"]), models.Index(fields=["school", "pupil", "date"])]

    def __str__(self) -> str:
        return f"Detention {self.date:%d/%m/%Y} {self.pupil}"


class InclusionBooking(SchoolScopedModel):
    """A pupil placed in the inclusion unit (internal exclusion / removal from lessons) for one
    day or part of a day."""

    class Sessions(models.TextChoices):
        DAY = "day", "All day"
        AM = "AM", "Morning"
        PM = "PM", "Afternoon"

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        ATTENDED = "attended", "Attended"
        ABSENT = "absent", "Did not attend"
        RETURNED_EARLY = "returned", "Returned to lessons early"
        CANCELLED = "cancelled", "Cancelled"

    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="inclusion_bookings")
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    date = models.DateField()
    sessions = models.CharField(max_length=4, choices=Sessions.choices, default=Sessions.DAY)
    reason = models.CharField(max_length=300)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    work_set = models.CharField(max_length=300, blank=True)
    work_completed = models.CharField(max_length=300, blank=True)
    behaviour_in_unit = models.CharField(max_length=300, blank=True)
    planned_return = models.CharField(max_length=200, blank=True, help_text="e.g. lesson 4 on 24/11/2026")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)

    class Meta:
        ordering = ["date", "pupil__legal_surname"]
        indexes = [models.Index(fields=["school", "date"]), models.Index(fields=["school", "pupil", "date"])]

    def __str__(self) -> str:
        return f"Inclusion {self.date:%d/%m/%Y} {self.pupil}"

    @property
    def days(self) -> Decimal:
        return Decimal("1") if self.sessions == self.Sessions.DAY else Decimal("0.5")


class ExclusionReason(models.TextChoices):
    """DfE school census exclusion reason codes (domain file §2.7)."""

    PP = "PP", "Physical assault against a pupil"
    PA = "PA", "Physical assault against an adult"
    VP = "VP", "Verbal abuse / threatening behaviour against a pupil"
    VA = "VA", "Verbal abuse / threatening behaviour against an adult"
    BU = "BU", "Bullying"
    RA = "RA", "Racist abuse"
    LG = "LG", "Abuse against sexual orientation and gender identity"
    DS = "DS", "Abuse relating to disability"
    SM = "SM", "Sexual misconduct"
    DA = "DA", "Drug and alcohol related"
    DM = "DM", "Damage to property"
    TH = "TH", "Theft"
    DB = "DB", "Persistent or general disruptive behaviour"
    MT = "MT", "Inappropriate use of social media or online technology"
    OW = "OW", "Use or threat of use of an offensive weapon or prohibited item"


class Exclusion(SchoolScopedModel):
    """A suspension (FIXD, LNCH) or permanent exclusion (PERM), following the suggested data model
    of domain file §2.7. Never extended or converted (§2.1): a further period is a new row."""

    class Kind(models.TextChoices):
        FIXED = "FIXD", "Suspension"
        LUNCH = "LNCH", "Lunchtime suspension"
        PERMANENT = "PERM", "Permanent exclusion"

    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="exclusions")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Last day of a suspension; empty for PERM.")
    sessions = models.PositiveSmallIntegerField(
        default=0, help_text="Sessions excluded (1 day = 2 sessions; a lunchtime counts as 1, i.e. half a day)."
    )
    reason_1 = models.CharField(max_length=2, choices=ExclusionReason.choices)
    reason_2 = models.CharField(max_length=2, choices=ExclusionReason.choices, blank=True)
    reason_3 = models.CharField(max_length=2, choices=ExclusionReason.choices, blank=True)
    reasons_text = models.TextField(help_text="The reasons as the parents will read them in the letter.")
    incidents = models.ManyToManyField(Incident, blank=True, related_name="exclusions")
    nc_year = models.PositiveSmallIntegerField(help_text="NC year at the time of the exclusion.")
    return_date = models.DateField(null=True, blank=True)
    return_time = models.TimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    misses_public_exam = models.BooleanField(default=False)
    has_social_worker = models.BooleanField(
        default=False, help_text="The pupil has a social worker or is looked after (tell them / the VSH)."
    )
    home_la_differs = models.BooleanField(default=False, help_text="The pupil lives in another LA (PEx: tell both).")
    start_session = models.CharField(max_length=2, default="AM", choices=[("AM", "Morning"), ("PM", "Afternoon")])
    exam_date = models.DateField(null=True, blank=True)
    # Notifications (§2.2)
    parent_notified_at = models.DateTimeField(null=True, blank=True)
    parent_notification_method = models.CharField(max_length=60, blank=True)
    letter_sent_at = models.DateTimeField(null=True, blank=True)
    la_notified_at = models.DateTimeField(null=True, blank=True)
    home_la_notified_at = models.DateTimeField(null=True, blank=True)
    governors_notified_at = models.DateTimeField(null=True, blank=True)
    sw_vsh_notified_at = models.DateTimeField(null=True, blank=True)
    # Education from day 6 (§2.5)
    ap_provider = models.CharField(max_length=200, blank=True)
    ap_start = models.DateField(null=True, blank=True)
    # Governing board (§2.3) and IRP (§2.4)
    parents_requested_meeting_at = models.DateField(null=True, blank=True)
    gb_meeting_date = models.DateField(null=True, blank=True)
    gb_outcome = models.CharField(
        max_length=20,
        blank=True,
        choices=[("upheld", "Upheld"), ("reinstated", "Reinstated"), ("reinstated_by_date", "Reinstated by a date")],
    )
    gb_decision_notified_at = models.DateField(null=True, blank=True)
    irp_requested_at = models.DateField(null=True, blank=True)
    irp_hearing_date = models.DateField(null=True, blank=True)
    irp_outcome = models.CharField(
        max_length=20,
        blank=True,
        choices=[("upheld", "Upheld"), ("reconsider", "Recommend reconsideration"), ("quashed", "Quashed")],
    )
    # Cancelling (§2.1)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancel_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["school", "start_date"]),
            models.Index(fields=["school", "pupil", "start_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start_date:%d/%m/%Y} {self.pupil}"

    @property
    def days(self) -> Decimal:
        """School days of the exclusion: sessions / 2 (a lunchtime is half a day, §2.1)."""
        return Decimal(self.sessions) / 2

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def reasons(self) -> list[str]:
        return [r for r in (self.reason_1, self.reason_2, self.reason_3) if r]

    @property
    def reference(self) -> str:
        return f"EX-{self.pk:05d}" if self.pk else "EX-new"


class ReintegrationMeeting(SchoolScopedModel):
    """Reintegration after a suspension (§2.6: not statutory; the guidance says schools should have
    a strategy). Parents cannot be made to attend; the pupil returns anyway."""

    exclusion = models.OneToOneField(Exclusion, on_delete=models.CASCADE, related_name="reintegration")
    date = models.DateField()
    attendees = models.CharField(max_length=300)
    parents_attended = models.BooleanField(default=False)
    goals = models.TextField()
    support = models.TextField(blank=True)
    adjustments = models.TextField(blank=True, help_text="Reasonable adjustments (SEND).")
    review_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"Reintegration {self.date:%d/%m/%Y}"


class PastoralSupportProgramme(SchoolScopedModel):
    """A PSP for a pupil at risk of exclusion (domain file §2.9)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        ENDED_EARLY = "ended", "Ended early"

    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="psps")
    start_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)
    pupil_views = models.TextField(blank=True)
    parent_views = models.TextField(blank=True)
    agency_views = models.TextField(blank=True)
    targets = models.TextField()
    rewards = models.TextField(blank=True)
    contingency = models.TextField(blank=True)
    review_every_weeks = models.PositiveSmallIntegerField(default=6)

    class Meta:
        ordering = ["-start_date", "-id"]

    def __str__(self) -> str:
        return f"PSP {self.pupil} from {self.start_date:%d/%m/%Y}"


class PSPAction(models.Model):
    psp = models.ForeignKey(PastoralSupportProgramme, on_delete=models.CASCADE, related_name="actions")
    task = models.CharField(max_length=300)
    owner = models.CharField(max_length=120)
    due = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.task


class PSPReview(models.Model):
    class Outcome(models.TextChoices):
        CONTINUE = "continue", "Continue"
        AMEND = "amend", "Continue with changes"
        COMPLETE = "complete", "Completed successfully"
        ESCALATE = "escalate", "Escalate (further support or referral)"

    psp = models.ForeignKey(PastoralSupportProgramme, on_delete=models.CASCADE, related_name="reviews")
    date = models.DateField()
    progress = models.TextField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    next_review = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    # The figures for the period, frozen at the review so they can be read beside it.
    positive_points = models.IntegerField(default=0)
    negative_points = models.IntegerField(default=0)
    incidents = models.IntegerField(default=0)
    suspension_days = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal("0"))

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"PSP review {self.date:%d/%m/%Y}"


class ReportCard(SchoolScopedModel):
    """A report card: daily targets a pupil carries to each lesson, with each teacher's rating."""

    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="report_cards")
    start_date = models.DateField()
    end_date = models.DateField()
    targets = models.TextField(help_text="One target a line.")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-start_date", "-id"]

    def __str__(self) -> str:
        return f"Report card {self.pupil} from {self.start_date:%d/%m/%Y}"

    @property
    def target_list(self) -> list[str]:
        return [t.strip() for t in self.targets.splitlines() if t.strip()]


class ReportCardEntry(models.Model):
    class Rating(models.IntegerChoices):
        EXCELLENT = 1, "1 – met every target"
        GOOD = 2, "2 – met most targets"
        POOR = 3, "3 – met few targets"
        UNACCEPTABLE = 4, "4 – met none"

    card = models.ForeignKey(ReportCard, on_delete=models.CASCADE, related_name="entries")
    date = models.DateField()
    period = models.PositiveSmallIntegerField()
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    comment = models.CharField(max_length=300, blank=True)
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["date", "period"]
        constraints = [models.UniqueConstraint(fields=["card", "date", "period"], name="uniq_report_card_lesson")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} P{self.period}: {self.rating}"


class PupilMove(SchoolScopedModel):
    """An off-site direction (s29A Education Act 2002) or a managed move (domain file §2.8).

    One row holds either kind; the fields that belong to one kind only are left empty for the
    other. The rules (the 2-school-day notice, the 10-week review request, the agreements a
    managed move needs) are in `statutory.py` and `services.py`."""

    class Kind(models.TextChoices):
        OFFSITE = "offsite", "Off-site direction"
        MANAGED = "managed", "Managed move"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        RETURNED = "returned", "Returned to this school"
        ENDED = "ended", "Ended early"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="pupil_moves")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Required for an off-site direction.")
    receiving_school = models.CharField(max_length=200, help_text="Where the pupil goes (school or provider).")
    reasons = models.TextField()
    objectives = models.TextField(blank=True)
    has_ehcp = models.BooleanField(default=False, help_text="The pupil had an EHCP when this was recorded.")
    # Off-site direction: the written notice (§2.8)
    address = models.TextField(blank=True)
    report_to = models.CharField(max_length=200, blank=True)
    session_times = models.CharField(max_length=200, blank=True)
    parent_notice_date = models.DateField(null=True, blank=True)
    la_notice_date = models.DateField(null=True, blank=True)
    review_every_weeks = models.PositiveSmallIntegerField(default=6)
    # Managed move: the agreements (§2.8)
    parents_agreed_on = models.DateField(null=True, blank=True)
    new_school_agreed_on = models.DateField(null=True, blank=True)
    admission_authority = models.CharField(max_length=200, blank=True)
    admission_authority_agreed_on = models.DateField(null=True, blank=True)
    la_involved_on = models.DateField(null=True, blank=True)
    not_under_threat_of_exclusion = models.BooleanField(default=False)
    trial_period = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    # Outcome
    outcome_date = models.DateField(null=True, blank=True)
    outcome_note = models.TextField(blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pupil} from {self.start_date:%d/%m/%Y}"


class PupilMoveReview(models.Model):
    class RequestedBy(models.TextChoices):
        SCHOOL = "school", "The school (planned review)"
        PARENT = "parent", "A parent"
        LA = "la", "The local authority"

    move = models.ForeignKey(PupilMove, on_delete=models.CASCADE, related_name="reviews")
    date = models.DateField()
    requested_by = models.CharField(max_length=10, choices=RequestedBy.choices, default=RequestedBy.SCHOOL)
    notes = models.TextField()
    next_review = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"Review {self.date:%d/%m/%Y}"
