"""Tenancy (trusts and schools) and the academic calendar.

Every domain row in Hearth belongs to one school (`SchoolScopedModel`). The calendar rows here are
the raw facts a school enters; `apps.core.calendar` turns them into school days and sessions.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Trust(TimeStampedModel):
    name = models.CharField(max_length=200, unique=True)
    companies_house_number = models.CharField(max_length=8, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class School(TimeStampedModel):
    class Phase(models.TextChoices):
        PRIMARY = "primary", "Primary"
        SECONDARY = "secondary", "Secondary"
        ALL_THROUGH = "all_through", "All-through"
        SPECIAL = "special", "Special"
        AP = "ap", "Alternative provision / PRU"

    trust = models.ForeignKey(Trust, null=True, blank=True, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(max_length=200)
    urn = models.CharField(
        "URN", max_length=6, unique=True, validators=[RegexValidator(r"^\d{6}$", "A URN is 6 digits.")]
    )
    la_code = models.CharField(
        "LA code", max_length=3, validators=[RegexValidator(r"^\d{3}$", "An LA code is 3 digits.")]
    )
    establishment_number = models.CharField(
        max_length=4, validators=[RegexValidator(r"^\d{4}$", "An establishment number is 4 digits.")]
    )
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.SECONDARY)
    is_academy = models.BooleanField(default=False)
    address = models.TextField(blank=True)
    telephone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def laestab(self) -> str:
        """The 7-digit DfE number: LA code + establishment number (domain file §7.5)."""
        return f"{self.la_code}{self.establishment_number}"


class SchoolScopedModel(TimeStampedModel):
    """Base for every domain row: it belongs to exactly one school."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class AcademicYear(models.Model):
    """A school year, 1 September to 31 August (domain file §7.1)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="academic_years")
    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        ordering = ["start_date"]
        constraints = [models.UniqueConstraint(fields=["school", "start_date"], name="uniq_year_per_school")]

    def __str__(self) -> str:
        return f"{self.start_date.year}/{str(self.end_date.year)[-2:]}"

    @property
    def name(self) -> str:
        return str(self)

    def clean(self) -> None:
        if (self.start_date.month, self.start_date.day) != (9, 1) or self.end_date != dt.date(
            self.start_date.year + 1, 8, 31
        ):
            raise ValidationError("A school year runs from 1 September to 31 August.")


class Term(models.Model):
    """A half-term: the unit in which schools publish term dates. Days outside every term are
    holidays."""

    class Season(models.TextChoices):
        AUTUMN = "autumn", "Autumn"
        SPRING = "spring", "Spring"
        SUMMER = "summer", "Summer"

    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="terms")
    season = models.CharField(max_length=10, choices=Season.choices)
    half = models.PositiveSmallIntegerField(choices=[(1, "first half"), (2, "second half")])
    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.UniqueConstraint(fields=["academic_year", "season", "half"], name="uniq_half_term"),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="term_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_season_display()} {self.half}"

    def clean(self) -> None:
        if self.end_date < self.start_date:
            raise ValidationError("A term cannot end before it starts.")


class Closure(models.Model):
    """A day or run of days inside term when pupils are not expected: INSET, bank holiday, planned
    or emergency closure. `sessions` allows a morning-only or afternoon-only closure."""

    class Kind(models.TextChoices):
        INSET = "inset", "INSET / training day"
        BANK_HOLIDAY = "bank_holiday", "Bank holiday"
        PLANNED = "planned", "Planned closure"
        UNPLANNED = "unplanned", "Unexpected closure"

    class Sessions(models.TextChoices):
        BOTH = "both", "All day"
        AM = "AM", "Morning only"
        PM = "PM", "Afternoon only"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="closures")
    start_date = models.DateField()
    end_date = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sessions = models.CharField(max_length=4, choices=Sessions.choices, default=Sessions.BOTH)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="closure_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start_date:%d/%m/%Y}"
