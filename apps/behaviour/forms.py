"""Forms: they parse and check input; services apply the rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from .models import (
    BehaviourType,
    Category,
    Detention,
    Exclusion,
    ExclusionReason,
    IncidentPupil,
    InclusionBooking,
    Location,
    Polarity,
    PSPReview,
    PupilMove,
    PupilMoveReview,
    ReportCardEntry,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
ROLE_CHOICES = [(v, label) for v, label in IncidentPupil.Role.choices]


class IncidentForm(forms.Form):
    behaviour_type = forms.ModelChoiceField(queryset=BehaviourType.objects.none(), label="What happened")
    pupils = forms.MultipleChoiceField(label="Pupils", widget=forms.CheckboxSelectMultiple)
    role = forms.ChoiceField(
        choices=[("", "Involved (recipient for a reward)"), *ROLE_CHOICES],
        required=False,
        label="Role of every pupil chosen",
        help_text="Leave as it is for a reward or a class-wide incident; set roles one by one below if they differ.",
    )
    occurred_at = forms.DateTimeField(label="When", widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"])
    period = forms.IntegerField(label="Lesson period", required=False, min_value=0, max_value=10)
    subject = forms.CharField(max_length=60, required=False)
    location = forms.ModelChoiceField(queryset=Location.objects.none(), required=False)
    description = forms.CharField(widget=forms.Textarea, required=False, label="What happened (staff only)")
    action_taken = forms.CharField(max_length=300, required=False, label="Action taken")
    detention_on = forms.DateField(required=False, widget=DATE, label="Set a detention on (optional)")
    notify_parents = forms.ChoiceField(
        choices=[("", "Follow the school's rules"), ("yes", "Yes, tell the parents"), ("no", "No")],
        required=False,
        label="Tell the parents",
    )

    def __init__(self, *args: Any, school: Any, pupil_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["behaviour_type"].queryset = BehaviourType.objects.filter(school=school, is_active=True)  # type: ignore[attr-defined]
        self.fields["location"].queryset = Location.objects.filter(school=school)  # type: ignore[attr-defined]
        self.fields["pupils"].choices = [(str(pk), name) for pk, name in pupil_choices]  # type: ignore[attr-defined]
        if len(pupil_choices) > 40:
            self.fields["pupils"].widget = forms.SelectMultiple(attrs={"size": 12})
        self.initial.setdefault("occurred_at", timezone.localtime().replace(second=0, microsecond=0))

    def roles_from(self, data: Any) -> dict[int, str]:
        """Per-pupil roles posted as role_<pupil id>, falling back to the role for everyone."""
        roles: dict[int, str] = {}
        default = self.cleaned_data.get("role") or ""
        for pk in self.cleaned_data.get("pupils", []):
            chosen = data.get(f"role_{pk}") or default
            if chosen:
                roles[int(pk)] = chosen
        return roles


class EscalateForm(forms.Form):
    category = forms.ChoiceField(
        choices=[
            ("CHILD_ON_CHILD", "Child-on-child abuse (incl. bullying)"),
            ("SEXUAL_VIOLENCE_HARASSMENT", "Sexual violence or sexual harassment"),
            ("ONLINE_SAFETY", "Online safety"),
            ("OTHER", "Other"),
        ]
    )
    summary = forms.CharField(
        widget=forms.Textarea, required=False, help_text="Leave blank to pass on the incident's own description."
    )


class DetentionOutcomeForm(forms.Form):
    status = forms.ChoiceField(choices=[c for c in Detention.Status.choices if c[0] != Detention.Status.SCHEDULED])


class InclusionForm(forms.Form):
    pupil = forms.ChoiceField(label="Pupil")
    date = forms.DateField(widget=DATE)
    sessions = forms.ChoiceField(choices=InclusionBooking.Sessions.choices)
    reason = forms.CharField(max_length=300)
    work_set = forms.CharField(max_length=300, required=False)
    planned_return = forms.CharField(max_length=200, required=False, help_text="e.g. period 4 on 24/11/2026")

    def __init__(self, *args: Any, pupil_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pupil"].choices = [("", "Choose a pupil")] + [(str(pk), n) for pk, n in pupil_choices]  # type: ignore[attr-defined]


class InclusionUpdateForm(forms.Form):
    status = forms.ChoiceField(choices=InclusionBooking.Status.choices)
    work_completed = forms.CharField(max_length=300, required=False)
    behaviour_in_unit = forms.CharField(max_length=300, required=False)


REASON_CHOICES = [("", "None"), *ExclusionReason.choices]


class ExclusionForm(forms.Form):
    kind = forms.ChoiceField(choices=Exclusion.Kind.choices, label="Type")
    start_date = forms.DateField(widget=DATE, label="First day")
    start_session = forms.ChoiceField(choices=[("AM", "Morning"), ("PM", "Afternoon")], label="Starting in the")
    days = forms.DecimalField(
        required=False,
        min_value=0,
        max_value=45,
        decimal_places=1,
        label="Length",
        help_text="School days for a suspension (halves allowed, e.g. 2.5); the number of lunchtimes for a lunchtime "
        "suspension; blank for a permanent exclusion.",
    )
    reason_1 = forms.ChoiceField(choices=list(ExclusionReason.choices), label="Census reason")
    reason_2 = forms.ChoiceField(choices=REASON_CHOICES, required=False, label="Second reason")
    reason_3 = forms.ChoiceField(choices=REASON_CHOICES, required=False, label="Third reason")
    reasons_text = forms.CharField(widget=forms.Textarea, label="Reasons, as the parents will read them")
    misses_public_exam = forms.BooleanField(required=False, label="The pupil will miss a public exam or national test")
    exam_date = forms.DateField(widget=DATE, required=False)
    has_social_worker = forms.BooleanField(
        required=False, label="The pupil has a social worker or is looked after (tell them / the Virtual School Head)"
    )
    home_la_differs = forms.BooleanField(required=False, label="The pupil lives in another local authority")


class StepForm(forms.Form):
    step = forms.ChoiceField(
        choices=[
            ("parents", "Parents told"),
            ("letter", "Letter sent"),
            ("la", "LA told"),
            ("home_la", "Home LA told"),
            ("governors", "Governing board told"),
            ("sw_vsh", "Social worker / VSH told"),
            ("provision", "Education from day 6 arranged"),
            ("parents_ask", "Parents asked for a meeting"),
            ("board", "Governing board met"),
            ("irp", "Independent review requested"),
        ]
    )
    method = forms.CharField(max_length=60, required=False)
    on = forms.DateField(widget=DATE, required=False, label="Date")
    outcome = forms.ChoiceField(
        required=False,
        choices=[
            ("", "—"),
            ("upheld", "Upheld"),
            ("reinstated", "Reinstated"),
            ("reinstated_by_date", "Reinstated by a date"),
            ("reconsider", "IRP: recommend reconsideration"),
            ("quashed", "IRP: quashed"),
        ],
    )
    provider = forms.CharField(max_length=200, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=300, label="Why the exclusion is cancelled")


class ReintegrationForm(forms.Form):
    date = forms.DateField(widget=DATE)
    attendees = forms.CharField(max_length=300)
    parents_attended = forms.BooleanField(required=False)
    goals = forms.CharField(widget=forms.Textarea, label="Pupil's goals")
    support = forms.CharField(widget=forms.Textarea, required=False, label="Agreed support")
    adjustments = forms.CharField(widget=forms.Textarea, required=False, label="Reasonable adjustments (SEND)")
    review_date = forms.DateField(widget=DATE, required=False)


class PSPForm(forms.Form):
    start_date = forms.DateField(widget=DATE, initial=dt.date.today)
    reason = forms.CharField(max_length=300, label="Why a PSP (the trigger)")
    targets = forms.CharField(widget=forms.Textarea, help_text="Specific, realistic targets, one a line.")
    pupil_views = forms.CharField(widget=forms.Textarea, required=False, label="The pupil's views")
    parent_views = forms.CharField(widget=forms.Textarea, required=False, label="The parents' views")
    agency_views = forms.CharField(widget=forms.Textarea, required=False, label="Agencies' views")
    rewards = forms.CharField(widget=forms.Textarea, required=False)
    contingency = forms.CharField(widget=forms.Textarea, required=False, label="Contingency plan")


class PSPActionForm(forms.Form):
    task = forms.CharField(max_length=300)
    owner = forms.CharField(max_length=120, label="By whom")
    due = forms.DateField(widget=DATE, required=False, label="By when")


class PSPReviewForm(forms.Form):
    date = forms.DateField(widget=DATE)
    progress = forms.CharField(widget=forms.Textarea, label="Progress against the targets")
    outcome = forms.ChoiceField(choices=PSPReview.Outcome.choices)
    next_review = forms.DateField(widget=DATE, required=False)


class BehaviourTypeForm(forms.Form):
    name = forms.CharField(max_length=100)
    polarity = forms.ChoiceField(choices=Polarity.choices, label="Kind")
    category = forms.ChoiceField(choices=Category.choices)
    points = forms.IntegerField(min_value=0, max_value=50)
    template_description = forms.CharField(max_length=300, required=False, label="Usual wording (optional)")
    is_active = forms.BooleanField(required=False, initial=True, label="In use")


class ReportCardForm(forms.Form):
    start_date = forms.DateField(widget=DATE)
    end_date = forms.DateField(widget=DATE)
    targets = forms.CharField(
        widget=forms.Textarea, help_text="One target a line, e.g. “Arrive on time with equipment”."
    )


class RatingForm(forms.Form):
    date = forms.DateField(widget=DATE)
    period = forms.IntegerField(min_value=0, max_value=10, label="Lesson period")
    rating = forms.TypedChoiceField(choices=ReportCardEntry.Rating.choices, coerce=int)
    comment = forms.CharField(max_length=300, required=False)


class OffSiteForm(forms.Form):
    """§2.8: the written notice of an off-site direction gives all of these."""

    start_date = forms.DateField(widget=DATE, label="First day")
    end_date = forms.DateField(widget=DATE, label="Last day", help_text="An off-site direction is time-limited.")
    receiving_school = forms.CharField(max_length=200, label="Where (school or provider)")
    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Address of the provision")
    report_to = forms.CharField(max_length=200, label="Who the pupil reports to")
    session_times = forms.CharField(max_length=200, label="Session times", help_text="e.g. 9:00 to 15:00")
    reasons = forms.CharField(widget=forms.Textarea, label="Reasons")
    objectives = forms.CharField(
        widget=forms.Textarea, label="Objectives", help_text="How the direction will improve behaviour."
    )
    parent_notice_date = forms.DateField(
        widget=DATE,
        label="Written notice given to the parents on",
        help_text="At least 2 school days before the first day.",
    )
    la_notice_date = forms.DateField(
        widget=DATE,
        required=False,
        label="Written notice given to the local authority on",
        help_text="Required when the pupil has an EHCP.",
    )
    review_every_weeks = forms.IntegerField(min_value=1, max_value=20, initial=6, label="Review every (weeks)")


class ManagedMoveForm(forms.Form):
    start_date = forms.DateField(widget=DATE, label="Starts at the new school on")
    receiving_school = forms.CharField(max_length=200, label="New school")
    admission_authority = forms.CharField(max_length=200, label="The new school's admission authority")
    reasons = forms.CharField(widget=forms.Textarea, label="Why the move is in the pupil's best interests")
    objectives = forms.CharField(widget=forms.Textarea, required=False, label="Information shared and support planned")
    parents_agreed_on = forms.DateField(widget=DATE, required=False, label="Parents agreed on")
    new_school_agreed_on = forms.DateField(widget=DATE, required=False, label="New school agreed on")
    admission_authority_agreed_on = forms.DateField(widget=DATE, required=False, label="Admission authority agreed on")
    la_involved_on = forms.DateField(
        widget=DATE,
        required=False,
        label="Local authority involved on",
        help_text="Required first when the pupil has an EHCP.",
    )
    not_under_threat_of_exclusion = forms.BooleanField(
        required=False, label="I confirm this move was not offered under threat of exclusion"
    )
    trial_period = forms.BooleanField(required=False, label="The move starts with a trial period (discouraged)")


class MoveReviewForm(forms.Form):
    date = forms.DateField(widget=DATE)
    requested_by = forms.ChoiceField(choices=PupilMoveReview.RequestedBy.choices, label="Asked for by")
    notes = forms.CharField(widget=forms.Textarea, label="What the review found")
    next_review = forms.DateField(widget=DATE, required=False)


class MoveOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=[])
    date = forms.DateField(widget=DATE)
    note = forms.CharField(widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, kind: str = PupilMove.Kind.OFFSITE, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .services import MOVE_OUTCOMES

        field = self.fields["outcome"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(s.value, s.label) for s in MOVE_OUTCOMES[PupilMove.Kind(kind)]]
