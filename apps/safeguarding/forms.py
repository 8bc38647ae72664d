"""Forms check shape only; the services check the domain rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from .models import AbuseCategory, ConcernCategory, ConcernPupil, Decision, StatusKind

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConcernForm(forms.Form):
    pupils: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        queryset=None,
        label="Pupil or pupils",
        help_text="Hold Ctrl (Cmd on a Mac) to choose several. The first is the subject of the concern.",
    )
    others_role = forms.ChoiceField(
        choices=ConcernPupil.Role.choices,
        initial=ConcernPupil.Role.OTHER,
        label="Role of the other pupils chosen",
        required=False,
    )
    summary = forms.CharField(
        label="What did you see or hear?",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Facts only. Put the child's own words in quotes. Do not investigate or ask leading questions.",
    )
    occurred_at = forms.DateTimeField(label="When it happened", widget=DATETIME_INPUT)
    location = forms.CharField(label="Where", max_length=200, required=False)
    categories = forms.MultipleChoiceField(
        choices=ConcernCategory.choices,
        label="Categories (choose any that apply)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    immediate_risk = forms.BooleanField(
        label="Child at immediate risk: alert the DSL team now",
        required=False,
    )
    immediate_action = forms.CharField(
        label="Immediate action taken", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    others_involved = forms.CharField(
        label="Other people involved (adults, pupils at other schools)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args: Any, pupils: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pupils"].queryset = pupils  # type: ignore[attr-defined]
        if not self.is_bound and "occurred_at" not in self.initial:
            self.initial["occurred_at"] = timezone.localtime().replace(second=0, microsecond=0)


class AmendForm(forms.Form):
    summary = forms.CharField(label="Amended account", widget=forms.Textarea(attrs={"rows": 6}))
    reason = forms.CharField(label="Reason for the amendment", max_length=300)


class TriageForm(forms.Form):
    decision = forms.ChoiceField(choices=[("", "Choose a decision"), *Decision.choices], label="Decision")
    reason = forms.CharField(
        label="Reason for the decision",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="KCSIE: record decisions and the reasons for them in writing.",
    )
    referral_reference = forms.CharField(label="Referral reference (if any)", max_length=60, required=False)
    referral_date = forms.DateField(label="Date referred", required=False, widget=DATE_INPUT)


class ResponseForm(forms.Form):
    outcome = forms.CharField(label="What the agency decided", widget=forms.Textarea(attrs={"rows": 3}))
    received_on = forms.DateField(label="Date received", widget=DATE_INPUT)


class ActionForm(forms.Form):
    description = forms.CharField(label="Action", max_length=500)
    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None, label="Owner")
    due_on = forms.DateField(label="Due date", widget=DATE_INPUT)

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff  # type: ignore[attr-defined]


class CompleteActionForm(forms.Form):
    outcome = forms.CharField(label="Outcome", max_length=500)
    cancelled = forms.BooleanField(label="Cancel this action instead (give the reason above)", required=False)


class CloseForm(forms.Form):
    outcome = forms.CharField(
        label="Outcome: how the concern was followed up and resolved", widget=forms.Textarea(attrs={"rows": 3})
    )


class StatusForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "Choose a status"), *StatusKind.choices], label="Status")
    cp_category = forms.ChoiceField(
        choices=[("", "Not a CP plan"), *AbuseCategory.choices], label="CP plan category", required=False
    )
    start_date = forms.DateField(label="Start date", widget=DATE_INPUT)
    social_worker_name = forms.CharField(label="Allocated social worker", max_length=120, required=False)
    social_worker_contact = forms.CharField(label="Social worker's contact details", max_length=300, required=False)
    virtual_school_head = forms.CharField(
        label="Virtual School Head (looked-after pupils)", max_length=200, required=False
    )


class EndStatusForm(forms.Form):
    end_date = forms.DateField(label="End date", widget=DATE_INPUT)
    reason = forms.CharField(label="Reason", max_length=200)
