"""Attendance: one mark per pupil per session, with an append-only amendment history.

The mark table holds about a million rows per school (1,000 pupils × 2 sessions × 190 days ×
several years), so it is kept lean: no timestamps beyond `recorded_at`, short character codes and
two indexes that serve every query (one pupil's marks; a school's marks in a date range).
"""

from __future__ import annotations

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

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="attendance_marks")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    code = models.CharField(max_length=3)
    minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
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

    class Meta:
        verbose_name_plural = "attendance settings"
        constraints = [models.UniqueConstraint(fields=["school"], name="uniq_attendance_settings")]

    def __str__(self) -> str:
        return f"Attendance settings for {self.school}"

    def clean(self) -> None:
        if self.register_open_minutes > statutory.MAX_REGISTER_OPEN_MINUTES:
            raise ValidationError({"register_open_minutes": "A register may stay open for no more than 30 minutes."})
