"""Pupils, their groups and the adults in their lives."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from apps.core.models import SchoolScopedModel

from .identifiers import uln_problem, upn_problem


class YearGroup(SchoolScopedModel):
    """A national curriculum year (7 to 13 in a secondary school)."""

    number = models.PositiveSmallIntegerField()
    heads = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="years_led")

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["school", "number"], name="uniq_year_group")]

    def __str__(self) -> str:
        return f"Year {self.number}"

    @property
    def key_stage(self) -> str:
        if self.number <= 2:
            return "KS1"
        if self.number <= 6:
            return "KS2"
        if self.number <= 9:
            return "KS3"
        if self.number <= 11:
            return "KS4"
        return "KS5"


class Form(SchoolScopedModel):
    """A registration (tutor) group."""

    year_group = models.ForeignKey(YearGroup, on_delete=models.PROTECT, related_name="forms")
    name = models.CharField(max_length=20)
    tutors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="forms_tutored")
    room = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["year_group__number", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="uniq_form_name")]

    def __str__(self) -> str:
        return self.name


class Pupil(SchoolScopedModel):
    class Sex(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"

    class SenStatus(models.TextChoices):
        NONE = "N", "No special educational need"
        SUPPORT = "K", "SEN support"
        EHCP = "E", "Education, health and care plan"

    legal_forename = models.CharField(max_length=100)
    legal_middle_names = models.CharField(max_length=100, blank=True)
    legal_surname = models.CharField(max_length=100)
    preferred_forename = models.CharField(max_length=100, blank=True)
    preferred_surname = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    gender_identity = models.CharField(max_length=60, blank=True)
    upn = models.CharField("UPN", max_length=13)
    uln = models.CharField("ULN", max_length=10, blank=True)
    admission_date = models.DateField()
    leaving_date = models.DateField(null=True, blank=True)
    year_group = models.ForeignKey(YearGroup, on_delete=models.PROTECT, related_name="pupils")
    form = models.ForeignKey(Form, null=True, blank=True, on_delete=models.SET_NULL, related_name="pupils")
    ethnicity = models.CharField(max_length=4, blank=True, help_text="DfE ethnicity code, e.g. WBRI")
    first_language = models.CharField(max_length=60, blank=True)
    # Flags pastoral staff rely on.
    fsm = models.BooleanField("Free school meals", default=False)
    fsm_ever6 = models.BooleanField("FSM in the last 6 years", default=False)
    pupil_premium = models.BooleanField(default=False)
    sen_status = models.CharField("SEN status", max_length=1, choices=SenStatus.choices, default=SenStatus.NONE)
    sen_need = models.CharField("Primary SEN need", max_length=60, blank=True)
    eal = models.BooleanField("English as an additional language", default=False)
    looked_after = models.BooleanField(default=False)
    previously_looked_after = models.BooleanField(default=False)
    young_carer = models.BooleanField(default=False)
    service_child = models.BooleanField(default=False)
    medical_notes = models.TextField(blank=True)

    class Meta:
        ordering = ["legal_surname", "legal_forename"]
        constraints = [models.UniqueConstraint(fields=["school", "upn"], name="uniq_upn_per_school")]
        indexes = [
            models.Index(fields=["school", "legal_surname"]),
            models.Index(fields=["school", "year_group"]),
            models.Index(fields=["school", "form"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def forename(self) -> str:
        return self.preferred_forename or self.legal_forename

    @property
    def surname(self) -> str:
        return self.preferred_surname or self.legal_surname

    @property
    def full_name(self) -> str:
        return f"{self.forename} {self.surname}"

    @property
    def legal_name(self) -> str:
        middle = f" {self.legal_middle_names}" if self.legal_middle_names else ""
        return f"{self.legal_forename}{middle} {self.legal_surname}"

    @property
    def initials(self) -> str:
        return (self.forename[:1] + self.surname[:1]).upper()

    def is_on_roll(self, day: dt.date) -> bool:
        return self.admission_date <= day and (self.leaving_date is None or day <= self.leaving_date)

    def age_on(self, day: dt.date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def clean(self) -> None:
        errors = {}
        if problem := upn_problem(self.upn):
            errors["upn"] = problem
        if self.uln and (problem := uln_problem(self.uln)):
            errors["uln"] = problem
        if self.leaving_date and self.leaving_date < self.admission_date:
            errors["leaving_date"] = "A pupil cannot leave before they were admitted."
        if errors:
            raise ValidationError(errors)


class TeachingGroup(SchoolScopedModel):
    """A class taught by one or more teachers (e.g. 9X/Ma1)."""

    name = models.CharField(max_length=40)
    subject = models.CharField(max_length=60)
    teachers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="teaching_groups")
    pupils = models.ManyToManyField(Pupil, blank=True, related_name="teaching_groups")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="uniq_teaching_group")]

    def __str__(self) -> str:
        return self.name


class Carer(SchoolScopedModel):
    """A parent or carer. One carer can be linked to several pupils (siblings)."""

    title = models.CharField(max_length=20, blank=True)
    forename = models.CharField(max_length=100)
    surname = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    mobile = models.CharField(max_length=30, blank=True)
    home_phone = models.CharField(max_length=30, blank=True)
    work_phone = models.CharField(max_length=30, blank=True)
    address = models.TextField(blank=True)
    preferred_language = models.CharField(max_length=60, blank=True)
    needs_interpreter = models.BooleanField(default=False)

    class Meta:
        ordering = ["surname", "forename"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.title, self.forename, self.surname) if p)

    @property
    def phone_numbers(self) -> list[tuple[str, str]]:
        numbers = [("Mobile", self.mobile), ("Home", self.home_phone), ("Work", self.work_phone)]
        return [(label, n) for label, n in numbers if n]


class PupilCarer(models.Model):
    """How a carer relates to a pupil, and what the school may and may not do."""

    class Relationship(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        STEP_MOTHER = "step_mother", "Step-mother"
        STEP_FATHER = "step_father", "Step-father"
        GRANDPARENT = "grandparent", "Grandparent"
        AUNT_UNCLE = "aunt_uncle", "Aunt or uncle"
        SIBLING = "sibling", "Adult sibling"
        FOSTER_CARER = "foster_carer", "Foster carer"
        KINSHIP_CARER = "kinship_carer", "Kinship carer"
        SOCIAL_WORKER = "social_worker", "Social worker (corporate parent)"
        OTHER = "other", "Other"

    class Restriction(models.TextChoices):
        NONE = "", "None"
        NO_CONTACT = "no_contact", "No contact"
        NOT_TO_COLLECT = "not_to_collect", "Not to collect"
        NO_INFORMATION = "no_information", "No information to be shared"
        SUPERVISED_ONLY = "supervised_only", "Supervised contact only"

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="carer_links")
    carer = models.ForeignKey(Carer, on_delete=models.CASCADE, related_name="pupil_links")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    parental_responsibility = models.BooleanField(default=True)
    lives_with_pupil = models.BooleanField(default=True)
    contact_priority = models.PositiveSmallIntegerField(default=1, help_text="1 is called first.")
    receives_correspondence = models.BooleanField(default=True)
    restriction = models.CharField(max_length=20, choices=Restriction.choices, blank=True, default="")
    restriction_detail = models.CharField(
        max_length=300, blank=True, help_text="e.g. the court order and its date. No narrative here."
    )

    class Meta:
        ordering = ["contact_priority", "id"]
        constraints = [models.UniqueConstraint(fields=["pupil", "carer"], name="uniq_pupil_carer")]

    def __str__(self) -> str:
        return f"{self.carer} ({self.get_relationship_display()} of {self.pupil})"

    @property
    def may_be_contacted(self) -> bool:
        return self.restriction not in {self.Restriction.NO_CONTACT, self.Restriction.NO_INFORMATION}
