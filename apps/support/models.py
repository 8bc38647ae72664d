"""Support: action plans with versions and reviews, interventions and groups, reintegration and
off-site provision.

A plan's content (barriers, views, targets, actions) lives in `PlanVersion` rows. Changing a plan
never edits a version: it writes the next one, so every version is kept and comparable. Progress
facts (an action done, a review held) are recorded against the version they belong to.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from apps.core.models import SchoolScopedModel


class PlanKind(models.TextChoices):
    PASTORAL_SUPPORT = "pastoral_support", "Pastoral support plan"
    INDIVIDUAL_LEARNING = "individual_learning", "Individual learning plan"
    SEN_SUPPORT = "sen_support", "SEN support plan"
    ATTENDANCE = "attendance", "Attendance support plan"
    BEHAVIOUR = "behaviour", "Behaviour support plan"
    PSP = "psp", "Pastoral Support Programme (PSP)"
    REINTEGRATION = "reintegration", "Reintegration plan"
    EARLY_HELP = "early_help", "Early Help plan (school's part)"
    CIN = "cin", "Child in Need plan (school's contribution)"
    CP_CONTRIBUTION = "cp_contribution", "Child protection plan (school's contribution)"


#: Plan kinds that are safeguarding records: only the DSL team and the plan's keyworker see them.
SAFEGUARDING_KINDS = frozenset({PlanKind.EARLY_HELP, PlanKind.CIN, PlanKind.CP_CONTRIBUTION})


class PlanType(SchoolScopedModel):
    """A kind of plan the school offers (its own name, order and description). `base` is one of the
    fixed kinds and carries the behaviour: a `reintegration` type gets the reintegration details, a
    `psp` type links to the behaviour module's Pastoral Support Programme, and the safeguarding
    bases (Early Help, CIN, CP contribution) stay restricted to the DSL team and the keyworker."""

    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    base = models.CharField(max_length=30, choices=PlanKind.choices)
    is_active = models.BooleanField("Offered for new plans", default=True)
    order = models.PositiveSmallIntegerField(default=10)

    class Meta:
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="uniq_plan_type_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_safeguarding(self) -> bool:
        return self.base in SAFEGUARDING_KINDS


class PlanStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"
    ESCALATED = "escalated", "Escalated"


class SupportPlan(SchoolScopedModel):
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="support_plans")
    #: The base kind (copied from `plan_type.base`): it decides visibility and behaviour.
    kind = models.CharField(max_length=30, choices=PlanKind.choices)
    plan_type = models.ForeignKey(PlanType, null=True, blank=True, on_delete=models.PROTECT, related_name="plans")
    psp = models.ForeignKey(
        "behaviour.PastoralSupportProgramme",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The behaviour module's PSP this plan carries (plans of the PSP kind).",
    )
    title = models.CharField(max_length=200)
    keyworker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="keyworker_plans")
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    started_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    review_interval_weeks = models.PositiveSmallIntegerField(
        default=6, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    next_review_on = models.DateField(null=True, blank=True)
    current_version = models.PositiveSmallIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["next_review_on", "id"]
        indexes = [
            models.Index(fields=["school", "keyworker", "status"]),
            models.Index(fields=["school", "pupil"]),
            models.Index(fields=["school", "status", "next_review_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.type_name}: {self.title}"

    @property
    def type_name(self) -> str:
        """The school's name for the plan's type (the fixed kind's label for an untyped plan)."""
        if self.plan_type_id is not None and self.plan_type is not None:
            return self.plan_type.name
        return str(self.get_kind_display())

    @property
    def is_safeguarding(self) -> bool:
        return self.kind in SAFEGUARDING_KINDS

    @property
    def is_active(self) -> bool:
        return self.status == PlanStatus.ACTIVE


class PlanVersion(models.Model):
    """One version of a plan's content. Never edited after it is written."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    barriers = models.TextField(help_text="What gets in the way, from interview, observation, questionnaire and data.")
    assessment_sources = models.CharField(max_length=200, blank=True)
    strategies = models.TextField(blank=True, help_text="Strategies and support in school.")
    pupil_views = models.TextField(blank=True, help_text="In the pupil's own words.")
    parent_views = models.TextField(blank=True, help_text="In the parents' own words.")
    change_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="uniq_plan_version")]

    def __str__(self) -> str:
        return f"Version {self.number}"


class PlanTarget(models.Model):
    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="targets")
    order = models.PositiveSmallIntegerField(default=1)
    description = models.CharField(max_length=300, help_text="Specific, measurable, achievable, realistic, timed.")
    success_measure = models.CharField(max_length=300, blank=True)
    due_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["version", "order", "id"]

    def __str__(self) -> str:
        return self.description


class PlanAction(models.Model):
    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="actions")
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="support_actions")
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["version", "due_on", "id"]
        indexes = [models.Index(fields=["owner", "completed_on", "due_on"])]

    def __str__(self) -> str:
        return self.description


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", "Continue the plan as it is"
    AMEND = "amend", "Amend the plan (a new version)"
    CLOSE = "close", "Close the plan"
    ESCALATE = "escalate", "Escalate"


class PlanReview(models.Model):
    """A review meeting. The figures for the period are copied in when the review is recorded,
    so the review shows what the meeting saw even after later amendments to the registers."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="reviews")
    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField()
    period_start = models.DateField()
    period_end = models.DateField()
    attendees = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True)
    decision = models.CharField(max_length=20, choices=ReviewDecision.choices)
    next_review_on = models.DateField(null=True, blank=True)
    possible_sessions = models.PositiveIntegerField(default=0)
    attended_sessions = models.PositiveIntegerField(default=0)
    unauthorised_sessions = models.PositiveIntegerField(default=0)
    behaviour = models.JSONField(default=dict, blank=True, help_text="Behaviour totals for the period, when known.")
    attainment = models.JSONField(
        default=list, blank=True, help_text="Per subject: the latest value in the period and the latest before it."
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["plan", "-held_on", "-id"]

    def __str__(self) -> str:
        return f"Review {self.held_on:%d/%m/%Y}"

    @property
    def attendance_pct(self) -> Decimal | None:
        if not self.possible_sessions:
            return None
        return Decimal(100 * self.attended_sessions) / Decimal(self.possible_sessions)


class Progress(models.IntegerChoices):
    NOT_STARTED = 0, "Not started"
    SOME = 1, "Some progress"
    GOOD = 2, "Good progress"
    ACHIEVED = 3, "Achieved"


class TargetProgress(models.Model):
    review = models.ForeignKey(PlanReview, on_delete=models.CASCADE, related_name="progress")
    target = models.ForeignKey(PlanTarget, on_delete=models.PROTECT, related_name="progress")
    rating = models.PositiveSmallIntegerField(choices=Progress.choices)
    note = models.CharField(max_length=500, blank=True)
    evidence = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["review", "target__order"]
        constraints = [models.UniqueConstraint(fields=["review", "target"], name="uniq_progress_per_target")]

    def __str__(self) -> str:
        return f"{self.target}: {self.get_rating_display()}"


# Interventions and groups ---------------------------------------------------------------------


class InterventionCategory(models.TextChoices):
    MENTORING = "mentoring", "Mentoring"
    FRIENDSHIP = "friendship", "Friendship group"
    SOCIAL_COMMUNICATION = "social_communication", "Social communication group"
    COUNSELLING = "counselling", "Counselling"
    ANGER_MANAGEMENT = "anger_management", "Anger management"
    BEHAVIOUR_SUPPORT = "behaviour_support", "Behaviour Support Service work"
    CLUB = "club", "Club (break, lunch or after school)"
    HOMEWORK = "homework", "Homework club"
    ENRICHMENT = "enrichment", "Enrichment day"
    OTHER = "other", "Other"


class Need(models.TextChoices):
    SEMH = "semh", "Social, emotional and mental health"
    COMMUNICATION = "communication", "Communication and interaction"
    LEARNING = "learning", "Cognition and learning"
    SENSORY = "sensory", "Sensory and/or physical"
    ATTENDANCE = "attendance", "Attendance"
    BEHAVIOUR = "behaviour", "Behaviour"
    OTHER = "other", "Other"


class Intervention(SchoolScopedModel):
    """An entry in the school's catalogue of interventions."""

    name = models.CharField(max_length=120)
    category = models.CharField(max_length=30, choices=InterventionCategory.choices)
    description = models.TextField(blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider = models.CharField(max_length=120, blank=True, help_text="Outside provider, if any.")
    when_where = models.CharField("When and where", max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(default=8)
    cost_per_pupil = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("0.00"))
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="uniq_intervention_name")]

    def __str__(self) -> str:
        return self.name


class InterventionGroup(SchoolScopedModel):
    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="groups")
    name = models.CharField(max_length=120)
    runner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    group = models.ForeignKey(InterventionGroup, on_delete=models.PROTECT, related_name="members")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="intervention_memberships")
    need = models.CharField(max_length=20, choices=Need.choices, default=Need.SEMH)
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    entry_score = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Questionnaire score at entry.")
    exit_score = models.PositiveSmallIntegerField(null=True, blank=True)
    entry_rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)], help_text="Pupil's own, 1–10."
    )
    exit_rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )

    class Meta:
        ordering = ["group", "pupil__legal_surname"]
        constraints = [models.UniqueConstraint(fields=["group", "pupil"], name="uniq_group_member")]

    def __str__(self) -> str:
        return f"{self.pupil} in {self.group}"


class GroupSession(models.Model):
    group = models.ForeignKey(InterventionGroup, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField()
    notes = models.TextField(blank=True)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["group", "-held_on"]
        constraints = [models.UniqueConstraint(fields=["group", "held_on"], name="uniq_group_session_day")]

    def __str__(self) -> str:
        return f"{self.group} {self.held_on:%d/%m/%Y}"


class SessionAttendance(models.Model):
    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="attendance")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "pupil"], name="uniq_session_pupil")]

    def __str__(self) -> str:
        return f"{self.pupil}: {'present' if self.present else 'absent'}"


# Reintegration ----------------------------------------------------------------------------------


class ReintegrationReason(models.TextChoices):
    SUSPENSION = "suspension", "After a suspension"
    LONG_ABSENCE = "long_absence", "After long absence (e.g. mental health)"
    INCLUSION_UNIT = "inclusion_unit", "From the inclusion unit"
    OFF_SITE = "off_site", "From off-site provision"


class Reintegration(models.Model):
    """The reintegration details of a plan of kind `reintegration` (domain §2.6)."""

    plan = models.OneToOneField(SupportPlan, on_delete=models.PROTECT, related_name="reintegration")
    reason = models.CharField(max_length=20, choices=ReintegrationReason.choices)
    meeting_on = models.DateField(null=True, blank=True)
    meeting_attendees = models.CharField(max_length=300, blank=True)
    parent_attended = models.BooleanField(default=False)
    check_in_with = models.CharField(max_length=120, blank=True, help_text="Who the pupil checks in with each day.")
    reasonable_adjustments = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Reintegration: {self.plan}"


class ReintegrationPhase(models.Model):
    """One week (or run of weeks) of a phased timetable."""

    reintegration = models.ForeignKey(Reintegration, on_delete=models.CASCADE, related_name="phases")
    starts_on = models.DateField()
    ends_on = models.DateField()
    timetable = models.CharField(max_length=300, help_text="e.g. mornings only; lessons 1–3 plus tutor time.")
    lesson_support = models.CharField(max_length=300, blank=True)
    reduces_hours = models.BooleanField(default=False, help_text="A part-time timetable (domain §1.8).")
    part_time = models.ForeignKey(
        "attendance.PartTimeTimetable",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The attendance module's part-time timetable record for this phase.",
    )

    class Meta:
        ordering = ["reintegration", "starts_on"]

    def __str__(self) -> str:
        return f"{self.starts_on:%d/%m/%Y}–{self.ends_on:%d/%m/%Y}: {self.timetable}"


# Attainment ---------------------------------------------------------------------------------------


class AttainmentRecord(SchoolScopedModel):
    """One assessment of one pupil in one subject (e.g. a working-at grade), entered or imported,
    so a review can show attainment beside attendance and behaviour. Values are kept as the school
    writes them ("6", "5+", "WTS"): grading systems differ between schools and subjects."""

    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="attainment")
    subject = models.CharField(max_length=80)
    assessed_on = models.DateField()
    measure = models.CharField(max_length=60, default="Working-at grade")
    value = models.CharField(max_length=20)
    target = models.CharField(max_length=20, blank=True)
    source = models.CharField(max_length=120, blank=True, help_text="e.g. an import file, or 'Entered'.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["pupil", "subject", "-assessed_on", "-id"]
        indexes = [models.Index(fields=["school", "pupil", "assessed_on"])]
        # One figure per pupil, subject, date and measure: importing the same termly file twice
        # must not count a pupil's grade twice.
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "subject", "assessed_on", "measure"], name="uniq_attainment_per_assessment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.assessed_on:%d/%m/%Y}: {self.value}"


# Off-site and alternative provision ---------------------------------------------------------------


class ProviderKind(models.TextChoices):
    APPROVED_ACTIVITY = "approved", "Approved educational activity arranged by the school (B)"
    DUAL_REGISTRATION = "dual", "Another school where the pupil is dual registered (D)"
    LA_ARRANGED = "la", "Provision arranged by the local authority (K)"


class Provider(SchoolScopedModel):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ProviderKind.choices)
    address = models.TextField(blank=True)
    contact_name = models.CharField(max_length=120, blank=True)
    telephone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Placement(SchoolScopedModel):
    """A pupil attending a provider on set days (domain §2.8)."""

    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="placements")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="placements")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    weekdays = models.CharField(max_length=20, help_text="Days attended, e.g. 0,2 for Monday and Wednesday.")
    sessions = models.CharField(max_length=5, default="AM,PM")
    safeguarding_confirmed_on = models.DateField(
        null=True, blank=True, help_text="Date of the provider's written confirmation of safeguarding checks."
    )
    safeguarding_reference = models.CharField(max_length=200, blank=True)
    review_interval_weeks = models.PositiveSmallIntegerField(default=6)
    next_review_on = models.DateField(null=True, blank=True)
    keyworker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return f"{self.pupil} at {self.provider}"

    @property
    def weekday_numbers(self) -> list[int]:
        return [int(d) for d in self.weekdays.split(",") if d.strip().isdigit()]

    @property
    def session_list(self) -> list[str]:
        return [s for s in self.sessions.split(",") if s in ("AM", "PM")]


class PlacementContact(models.Model):
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="contacts")
    contacted_on = models.DateField()
    note = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["placement", "-contacted_on", "-id"]

    def __str__(self) -> str:
        return f"Contact {self.contacted_on:%d/%m/%Y}"


# Questionnaires and student voice ---------------------------------------------------------------


class Questionnaire(SchoolScopedModel):
    """A questionnaire the school builds (wellbeing, attitudes to learning, friendship...).
    An anonymous one keeps no link from a response to the pupil (whole-school surveys)."""

    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True)
    anonymous = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    RATING = "rating", "Rating, 1 to 5"
    TEXT = "text", "Free text"


class Question(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices, default=QuestionKind.RATING)

    class Meta:
        ordering = ["questionnaire", "order"]

    def __str__(self) -> str:
        return self.text


class QuestionnaireInvite(models.Model):
    """A one-time link for one pupil. Only a hash of the token is stored; the link is shown once,
    when it is made. It works once and expires."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="invites")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invite to {self.questionnaire}"


class QuestionnaireResponse(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="responses")
    pupil = models.ForeignKey(
        "people.Pupil", null=True, blank=True, on_delete=models.PROTECT, related_name="questionnaire_responses"
    )
    submitted_at = models.DateTimeField()
    total_score = models.PositiveSmallIntegerField(default=0)
    #: The pupil's year group when they answered, kept for results by year group (also on an
    #: anonymous response: only groups of `statutory.MIN_GROUP_SHOWN` or more are shown).
    year_number = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"Response to {self.questionnaire}"


class Answer(models.Model):
    response = models.ForeignKey(QuestionnaireResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["response", "question__order"]

    def __str__(self) -> str:
        return f"{self.question}: {self.rating or self.text[:30]}"


# Careers and visiting professionals -----------------------------------------------------------


class AppointmentKind(models.TextChoices):
    CAREERS = "careers", "Careers adviser"
    OTHER = "other", "Other visiting professional"


class Appointment(SchoolScopedModel):
    """A bookable slot with a careers adviser or another visiting professional. A slot with no
    pupil is free."""

    kind = models.CharField(max_length=20, choices=AppointmentKind.choices, default=AppointmentKind.CAREERS)
    adviser = models.CharField(max_length=120)
    starts_at = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField(default=30)
    location = models.CharField(max_length=120, blank=True)
    pupil = models.ForeignKey(
        "people.Pupil", null=True, blank=True, on_delete=models.PROTECT, related_name="appointments"
    )
    attendees = models.CharField(max_length=200, blank=True, help_text="Who else attends (e.g. a parent).")
    preparation = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    attended = models.BooleanField(null=True, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["school", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%d/%m/%Y %H:%M}"
