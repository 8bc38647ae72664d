"""One timeline per pupil, written by every module through `chronology.services.add_entry`."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.core.fields import EncryptedTextField
from apps.core.models import SchoolScopedModel


class Confidentiality(models.TextChoices):
    """Who may read an entry (architecture: confidentiality levels)."""

    GENERAL = "general", "General (staff who teach the pupil)"
    PASTORAL = "pastoral", "Pastoral team"
    SAFEGUARDING = "safeguarding", "Safeguarding (DSL team)"
    RESTRICTED = "restricted", "Restricted (named people)"


class Kind(models.TextChoices):
    NOTE = "note", "Note"
    CONTACT = "contact", "Contact with family"
    PEOPLE = "people", "Record change"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    ATTENDANCE = "attendance", "Attendance"
    BEHAVIOUR = "behaviour", "Behaviour"
    SUPPORT = "support", "Support and plans"
    AGENCY = "agency", "Agencies"


class Entry(SchoolScopedModel):
    pupil = models.ForeignKey("people.Pupil", on_delete=models.PROTECT, related_name="chronology_entries")
    occurred_at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    summary = EncryptedTextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_type = models.CharField(max_length=80, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    source_url = models.CharField(max_length=300, blank=True)
    confidentiality = models.CharField(max_length=20, choices=Confidentiality.choices, default=Confidentiality.GENERAL)
    restricted_to = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    transferred_from = models.CharField(
        max_length=200, blank=True, help_text="The school this entry came from, for transferred records."
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "entries"
        indexes = [
            models.Index(fields=["school", "pupil", "-occurred_at"]),
            models.Index(fields=["source_type", "source_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%d/%m/%Y} {self.title}"
