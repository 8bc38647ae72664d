"""Safeguarding records: concerns, their amendments, the DSL's triage decisions, actions, and each
pupil's children's-social-care status (domain file §3.2, §3.3, §3.6).

Concerns are append-only (§3.3, KCSIE Part 2 / Annex C): the text a member of staff submitted is
never changed; a correction is a `ConcernAmendment` with a reason, and every version stays
visible to the DSL team. Narrative fields are encrypted at rest (`EncryptedTextField`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models

from apps.core.fields import EncryptedTextField
from apps.core.models import SchoolScopedModel


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete a record that may only be added to."""


class ConcernCategory(models.TextChoices):
    """Domain file §3.2: the four categories of abuse plus the KCSIE specific safeguarding issues
    (Annex B) and the practice categories the domain file recommends."""

    PHYSICAL = "PHYS", "Physical abuse"
    EMOTIONAL = "EMOT", "Emotional abuse"
    SEXUAL = "SEX", "Sexual abuse"
    NEGLECT = "NEGL", "Neglect"
    CCE = "CCE", "Child criminal exploitation"
    CSE = "CSE", "Child sexual exploitation"
    COUNTY_LINES = "COUNTY_LINES", "County lines"
    CHILD_ON_CHILD = "CHILD_ON_CHILD", "Child-on-child abuse (incl. bullying)"
    SEXUAL_VIOLENCE_HARASSMENT = "SEXUAL_VIOLENCE_HARASSMENT", "Sexual violence or sexual harassment"
    NUDES_SHARING = "NUDES_SHARING", "Sharing nudes or semi-nudes"
    ONLINE_SAFETY = "ONLINE_SAFETY", "Online safety"
    DOMESTIC_ABUSE = "DOMESTIC_ABUSE", "Domestic abuse"
    FGM = "FGM", "Female genital mutilation"
    FORCED_MARRIAGE = "FORCED_MARRIAGE", "Forced marriage"
    HBA = "HBA", "So-called honour-based abuse"
    RADICALISATION = "RADICALISATION", "Radicalisation (Prevent)"
    SERIOUS_VIOLENCE = "SERIOUS_VIOLENCE", "Serious violence"
    MODERN_SLAVERY = "MODERN_SLAVERY", "Modern slavery"
    ABSENT_FROM_EDUCATION = "ABSENT_FROM_EDUCATION", "Children absent from education"
    MENTAL_HEALTH = "MENTAL_HEALTH", "Mental health"
    SELF_HARM = "SELF_HARM", "Self-harm"
    HOMELESSNESS = "HOMELESSNESS", "Homelessness"
    PARENT_IN_PRISON = "PARENT_IN_PRISON", "Family member in prison"
    COURT_SYSTEM = "COURT_SYSTEM", "Children and the court system"
    CYBERCRIME = "CYBERCRIME", "Cybercrime"
    PRIVATE_FOSTERING = "PRIVATE_FOSTERING", "Private fostering"
    YOUNG_CARER = "YOUNG_CARER", "Young carer"
    ABDUCTION_COMMUNITY = "ABDUCTION_COMMUNITY", "Child abduction and community safety"
    OTHER = "OTHER", "Other"


class AbuseCategory(models.TextChoices):
    """The four statutory categories, used for child protection plans (§3.2, §3.6)."""

    PHYSICAL = "PHYS", "Physical abuse"
    EMOTIONAL = "EMOT", "Emotional abuse"
    SEXUAL = "SEX", "Sexual abuse"
    NEGLECT = "NEGL", "Neglect"


class SafeguardingSettings(models.Model):
    """Time limits a school sets for its DSL team (the issue's defaults: an immediate-risk concern
    acknowledged within 1 hour; every concern triaged within 1 school day)."""

    school = models.OneToOneField("core.School", on_delete=models.CASCADE, related_name="safeguarding_settings")
    acknowledge_within_minutes = models.PositiveIntegerField(default=60)
    triage_within_school_days = models.PositiveSmallIntegerField(default=1)
    pattern_window_days = models.PositiveSmallIntegerField(default=30)
    pattern_distinct_staff = models.PositiveSmallIntegerField(default=3)

    def __str__(self) -> str:
        return f"Safeguarding settings for {self.school}"


class Concern(SchoolScopedModel):
    class Status(models.TextChoices):
        NEW = "new", "New: awaiting triage"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField("When it happened")
    recorded_at = models.DateTimeField("When it was recorded", db_index=True)
    location = models.CharField(max_length=200, blank=True)
    summary = EncryptedTextField("What was seen or heard")
    categories = models.JSONField(default=list, blank=True)
    immediate_risk = models.BooleanField("Child at immediate risk", default=False)
    immediate_action = EncryptedTextField("Immediate action taken", blank=True)
    others_involved = EncryptedTextField("Other people involved", blank=True)
    source = models.CharField(max_length=120, blank=True, help_text="e.g. behaviour.incident:123")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW, db_index=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledge_due_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    triage_due_at = models.DateTimeField()
    triaged_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    outcome = EncryptedTextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome_shared_with_author = models.BooleanField(default=False)
    pupils = models.ManyToManyField("people.Pupil", through="ConcernPupil", related_name="safeguarding_concerns")
    linked = models.ManyToManyField("self", blank=True, symmetrical=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["school", "status", "recorded_at"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"SG-{self.pk:05d}" if self.pk else "SG-new"

    def category_labels(self) -> list[str]:
        labels = dict(ConcernCategory.choices)
        return [str(labels.get(c, c)) for c in self.categories]

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A submitted concern changes only through its workflow fields; the account itself is
        never rewritten (amendments hold corrections)."""
        if self.pk is not None:
            fields = kwargs.get("update_fields")
            if fields is None or set(fields) & CONCERN_ACCOUNT_FIELDS:
                raise AppendOnlyError("A submitted concern cannot be edited; add an amendment with a reason.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Safeguarding concerns cannot be deleted.")


# What the member of staff wrote: fixed once the concern is submitted.
CONCERN_ACCOUNT_FIELDS = frozenset(
    {
        "logged_by",
        "occurred_at",
        "recorded_at",
        "location",
        "summary",
        "categories",
        "immediate_risk",
        "immediate_action",
        "others_involved",
        "school",
        "source",
    }
)


class ConcernPupil(models.Model):
    """A pupil in a concern, in one role. Each pupil's chronology shows only their own part."""

    class Role(models.TextChoices):
        SUBJECT = "subject", "Subject of the concern"
        ALLEGED_PERPETRATOR = "alleged", "Alleged perpetrator"
        WITNESS = "witness", "Witness"
        OTHER = "other", "Other"

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="pupil_links")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.SUBJECT)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["concern", "pupil"], name="uniq_concern_pupil")]

    def __str__(self) -> str:
        return f"{self.pupil_id} in {self.concern_id} ({self.role})"


class AppendOnlyModel(SchoolScopedModel):
    """A row that may be written once and never changed or deleted."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError(f"{self._meta.verbose_name} records cannot be changed; add an amendment.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError(f"{self._meta.verbose_name} records cannot be deleted.")


class ConcernAmendment(AppendOnlyModel):
    """A correction or addition to a concern's account, with its reason. The original is kept."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="amendments")
    summary = EncryptedTextField("Amended account")
    reason = models.CharField(max_length=300)
    amended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Amendment to {self.concern}"


class Decision(models.TextChoices):
    """Triage decisions (domain file §3.3 `actions[].type`, the issue's list)."""

    MONITOR = "monitor", "Monitor"
    INTERNAL_SUPPORT = "internal_support", "Internal support"
    EARLY_HELP = "early_help", "Early Help"
    CSC_REFERRAL = "csc_referral", "Referral to children's social care / MASH"
    POLICE = "police", "Referral to the police"
    LADO = "lado", "Referral to the LADO (allegation against staff)"
    CHANNEL = "channel", "Channel / Prevent referral"
    FGM_REPORT = "fgm_report", "FGM mandatory report to the police"
    NRM = "nrm", "National Referral Mechanism (modern slavery)"
    CAMHS = "camhs", "Referral to CAMHS"
    NO_FURTHER_ACTION = "nfa", "No further action"


# Decisions that send the concern to another agency and need a reference, a date and an outcome.
REFERRAL_DECISIONS = frozenset(
    {
        Decision.CSC_REFERRAL,
        Decision.POLICE,
        Decision.LADO,
        Decision.CHANNEL,
        Decision.FGM_REPORT,
        Decision.NRM,
        Decision.CAMHS,
    }
)


class TriageDecision(AppendOnlyModel):
    """The DSL's decision on a concern and its reason in writing (KCSIE, domain file §3.3). A later
    decision is a new row; the earlier one stays."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    reason = EncryptedTextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    referral_reference = models.CharField(max_length=60, blank=True)
    referral_date = models.DateField(null=True, blank=True)
    response_due_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} on {self.concern}"


class ReferralResponse(AppendOnlyModel):
    """The other agency's answer to a referral (e.g. children's social care's decision)."""

    decision = models.ForeignKey(TriageDecision, on_delete=models.PROTECT, related_name="responses")
    outcome = EncryptedTextField()
    received_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return f"Response to {self.decision}"


class ReferralReminder(AppendOnlyModel):
    """The DSL team was reminded that children's social care had not answered a referral within
    1 working day (domain file §3.6): one row per referral, so the reminder goes once."""

    decision = models.OneToOneField(TriageDecision, on_delete=models.PROTECT, related_name="reminder")
    sent_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Reminder about {self.decision}"


class ConcernAction(SchoolScopedModel):
    """Something someone must do about a concern, by a date. Its description is fixed once set;
    its status moves open → done (with an outcome) or cancelled (with a reason)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="actions")
    description = EncryptedTextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    outcome = EncryptedTextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    due_reminder_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["school", "status", "due_on"])]

    def __str__(self) -> str:
        return f"Action on {self.concern} due {self.due_on:%d/%m/%Y}"


class StatusKind(models.TextChoices):
    """Children's social care statuses (domain file §3.6)."""

    EARLY_HELP = "early_help", "Early Help"
    CIN = "cin", "Child in Need (s17)"
    CP = "cp", "Child Protection plan (s47)"
    LAC = "lac", "Looked after (s20 / s31)"
    PLAC = "plac", "Previously looked after"
    KINSHIP = "kinship", "Kinship care"


# Statuses that mean the child has an allocated social worker (§3.6 "child with a social worker").
SOCIAL_WORKER_STATUSES = frozenset({StatusKind.CIN, StatusKind.CP, StatusKind.LAC})


class SafeguardingStatus(SchoolScopedModel):
    """One period of a status for one pupil. Ending a status sets `end_date`; rows are never
    deleted, so the history stays."""

    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=StatusKind.choices)
    cp_category = models.CharField(
        "Child protection plan category", max_length=4, choices=AbuseCategory.choices, blank=True
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)
    social_worker_name = models.CharField(max_length=120, blank=True)
    social_worker_contact = EncryptedTextField(blank=True)
    virtual_school_head = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name_plural = "safeguarding statuses"
        indexes = [models.Index(fields=["school", "kind", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="sg_status_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.start_date:%d/%m/%Y}"


class CPFileTransfer(SchoolScopedModel):
    """Sending a pupil's child protection file to their next school (domain file §3.5, KCSIE):
    separately from the main pupil file, securely, within 5 school days of an in-year move or the
    first 5 school days of a new term, and with confirmation of receipt. The receiving DSL confirms
    with a one-time code that travels with the pack; only its hash is stored."""

    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="+")
    destination_name = models.CharField("Receiving school", max_length=200)
    destination_urn = models.CharField("Receiving school URN", max_length=6, blank=True)
    leaving_date = models.DateField()
    due_on = models.DateField()
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    receipt_code_hash = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField(null=True, blank=True)
    received_by_name = models.CharField(max_length=200, blank=True)
    received_by_school = models.CharField(max_length=200, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"CP file transfer for pupil {self.pupil_id} due {self.due_on:%d/%m/%Y}"


class BodyRegion(models.TextChoices):
    HEAD = "head", "Head"
    FACE = "face", "Face"
    NECK = "neck", "Neck"
    CHEST = "chest", "Chest / upper back"
    ABDOMEN = "abdomen", "Abdomen / lower back"
    BUTTOCKS = "buttocks", "Buttocks / groin"
    LEFT_UPPER_ARM = "l_upper_arm", "Left upper arm"
    RIGHT_UPPER_ARM = "r_upper_arm", "Right upper arm"
    LEFT_FOREARM = "l_forearm", "Left forearm"
    RIGHT_FOREARM = "r_forearm", "Right forearm"
    LEFT_HAND = "l_hand", "Left hand"
    RIGHT_HAND = "r_hand", "Right hand"
    LEFT_THIGH = "l_thigh", "Left thigh"
    RIGHT_THIGH = "r_thigh", "Right thigh"
    LEFT_LOWER_LEG = "l_lower_leg", "Left lower leg"
    RIGHT_LOWER_LEG = "r_lower_leg", "Right lower leg"
    LEFT_FOOT = "l_foot", "Left foot"
    RIGHT_FOOT = "r_foot", "Right foot"


class BodyMapMark(AppendOnlyModel):
    """One mark on the body map (front or back outline) with its note. Part of the account, so
    written once with the concern and never changed."""

    class Side(models.TextChoices):
        FRONT = "front", "Front"
        BACK = "back", "Back"

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="body_marks")
    side = models.CharField(max_length=5, choices=Side.choices)
    region = models.CharField(max_length=12, choices=BodyRegion.choices)
    note = EncryptedTextField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_side_display()} {self.get_region_display()}"


def _attachment_path(instance: Any, filename: str) -> str:
    import uuid

    # Never the uploaded name: a fixed folder and a random name, so no path trick can escape it.
    return f"safeguarding/{instance.school_id}/{uuid.uuid4().hex}"


class PrivateStorage(FileSystemStorage):
    """Files under MEDIA_ROOT (outside the web root) with no public URL: they are served only
    through a view that checks permission."""

    def url(self, name: str | None) -> str:
        raise ValueError("Safeguarding files have no public URL.")


class ConcernAttachment(AppendOnlyModel):
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, storage=PrivateStorage(), max_length=200)
    original_name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class ConcernDraft(models.Model):
    """An unfinished "Log a concern" form, saved as the member of staff types, so it survives a
    session timeout or a reload. Not a record: deleted when the concern is submitted."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("core.School", on_delete=models.CASCADE, related_name="+")
    data = EncryptedTextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "school"], name="uniq_concern_draft")]

    def __str__(self) -> str:
        return f"Draft concern by {self.user_id}"


class StaffAllegation(SchoolScopedModel):
    """An allegation or a low-level concern about a member of staff (KCSIE Part 4; domain file
    §3.2: KCSIE 2025 adds low-level concerns and allegations against staff). Kept apart from pupil
    records, visible to the DSL and the headteacher only, and never to the person it is about."""

    class Kind(models.TextChoices):
        ALLEGATION = "allegation", "Allegation (may meet the harm threshold)"
        LOW_LEVEL = "low_level", "Low-level concern"

    class Outcome(models.TextChoices):
        SUBSTANTIATED = "substantiated", "Substantiated"
        UNSUBSTANTIATED = "unsubstantiated", "Unsubstantiated"
        UNFOUNDED = "unfounded", "Unfounded"
        FALSE = "false", "False"
        MALICIOUS = "malicious", "Malicious"
        NO_FURTHER_ACTION = "nfa", "No further action (low-level concern)"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_name = models.CharField("Who it is about", max_length=200)
    summary = EncryptedTextField("What was alleged or seen")
    occurred_at = models.DateTimeField()
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    lado_reference = models.CharField(max_length=60, blank=True)
    lado_referred_on = models.DateField(null=True, blank=True)
    lado_advice = EncryptedTextField(blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    outcome_notes = EncryptedTextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Staff allegation {self.pk}"

    @property
    def reference(self) -> str:
        return f"SA-{self.pk:04d}" if self.pk else "SA-new"
