"""Forms check shape only; the services check the domain rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from .models import AbuseCategory, BodyMapMark, BodyRegion, ConcernCategory, ConcernPupil, Decision, StatusKind

BODY_MAP_ROWS = 3

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PrefixedIdForm(forms.Form):
    """Several forms share a page (the concern page has five), so each form's ids get its own
    prefix: labels stay tied to the right field and no id repeats."""

    id_prefix = "form"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


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

    attachment = forms.FileField(
        label="Attach a file (optional)",
        required=False,
        help_text="A PDF, PNG or JPEG, e.g. a note the pupil wrote. Never photograph a child's injuries yourself.",
    )

    def __init__(self, *args: Any, pupils: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pupils"].queryset = pupils  # type: ignore[attr-defined]
        if not self.is_bound and "occurred_at" not in self.initial:
            self.initial["occurred_at"] = timezone.localtime().replace(second=0, microsecond=0)
        for i in range(1, BODY_MAP_ROWS + 1):
            self.fields[f"mark_{i}_side"] = forms.ChoiceField(
                choices=[("", "Front or back"), *BodyMapMark.Side.choices],
                label=f"Body map mark {i}: side",
                required=False,
            )
            self.fields[f"mark_{i}_region"] = forms.ChoiceField(
                choices=[("", "Where on the body"), *BodyRegion.choices], label=f"Mark {i}: where", required=False
            )
            self.fields[f"mark_{i}_note"] = forms.CharField(
                label=f"Mark {i}: what you saw (size, colour, shape)", max_length=300, required=False
            )

    def body_map(self) -> list[dict[str, str]]:
        data = self.cleaned_data
        return [
            {"side": data[f"mark_{i}_side"], "region": data[f"mark_{i}_region"], "note": data[f"mark_{i}_note"]}
            for i in range(1, BODY_MAP_ROWS + 1)
        ]


class AmendForm(PrefixedIdForm):
    id_prefix = "amend"
    summary = forms.CharField(label="Amended account", widget=forms.Textarea(attrs={"rows": 6}))
    reason = forms.CharField(label="Reason for the amendment", max_length=300)


class TriageForm(PrefixedIdForm):
    id_prefix = "triage"
    decision = forms.ChoiceField(choices=[("", "Choose a decision"), *Decision.choices], label="Decision")
    reason = forms.CharField(
        label="Reason for the decision",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="KCSIE: record decisions and the reasons for them in writing.",
    )
    referral_reference = forms.CharField(label="Referral reference (if any)", max_length=60, required=False)
    referral_date = forms.DateField(label="Date referred", required=False, widget=DATE_INPUT)


class ResponseForm(PrefixedIdForm):
    id_prefix = "response"
    outcome = forms.CharField(label="What the agency decided", widget=forms.Textarea(attrs={"rows": 3}))
    received_on = forms.DateField(label="Date received", widget=DATE_INPUT)


class ActionForm(PrefixedIdForm):
    id_prefix = "action"
    description = forms.CharField(label="Action", max_length=500)
    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None, label="Owner")
    due_on = forms.DateField(label="Due date", widget=DATE_INPUT)

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff  # type: ignore[attr-defined]


class CompleteActionForm(PrefixedIdForm):
    id_prefix = "complete"
    outcome = forms.CharField(label="Outcome", max_length=500)
    cancelled = forms.BooleanField(label="Cancel this action instead (give the reason above)", required=False)


class CloseForm(PrefixedIdForm):
    id_prefix = "close"
    outcome = forms.CharField(
        label="Outcome: how the concern was followed up and resolved", widget=forms.Textarea(attrs={"rows": 3})
    )
    share_with_author = forms.BooleanField(
        label="Share this outcome with the member of staff who logged the concern", required=False
    )


class AttachmentForm(PrefixedIdForm):
    id_prefix = "attach"
    file = forms.FileField(label="File (PDF, PNG or JPEG)")


class StatusForm(PrefixedIdForm):
    id_prefix = "status"
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


class EndStatusForm(PrefixedIdForm):
    id_prefix = "end"
    end_date = forms.DateField(label="End date", widget=DATE_INPUT)
    reason = forms.CharField(label="Reason", max_length=200)


class TransferForm(PrefixedIdForm):
    id_prefix = "transfer"
    destination_name = forms.CharField(label="Receiving school", max_length=200)
    destination_urn = forms.CharField(label="Receiving school URN (6 digits, if known)", max_length=6, required=False)
    leaving_date = forms.DateField(label="Date the pupil left (or leaves)", widget=DATE_INPUT)


class ReceiptForm(forms.Form):
    code = forms.CharField(label="Receipt code sent with the file", max_length=40)


MAX_PACK_BYTES = 5 * 1024 * 1024


class ImportForm(forms.Form):
    pack = forms.FileField(label="CP file pack (JSON)")

    def clean_pack(self) -> Any:
        import json

        upload = self.cleaned_data["pack"]
        if not upload.name.lower().endswith(".json"):
            raise forms.ValidationError("Choose the .json pack, not the PDF.")
        if upload.size > MAX_PACK_BYTES:
            raise forms.ValidationError("The pack is larger than 5 MB; it is not a Hearth CP file.")
        try:
            return json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise forms.ValidationError("The file is not valid JSON.") from exc


class AllegationForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[
            ("", "Choose one"),
            (
                "allegation",
                "An allegation: an adult may have harmed a child, committed an offence "
                "against a child, or may pose a risk to children",
            ),
            ("low_level", "A low-level concern: behaviour that does not fit the staff code of conduct, however small"),
        ],
        label="What are you reporting?",
    )
    subject_name = forms.CharField(label="Who is it about? (name and role)", max_length=200)
    summary = forms.CharField(label="What happened or what was said", widget=forms.Textarea(attrs={"rows": 6}))
    occurred_at = forms.DateTimeField(label="When it happened", widget=DATETIME_INPUT)


class LadoForm(PrefixedIdForm):
    id_prefix = "lado"
    referred_on = forms.DateField(label="Date referred to the LADO", widget=DATE_INPUT)
    reference = forms.CharField(label="LADO reference", max_length=60, required=False)
    advice = forms.CharField(label="LADO advice", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class CloseAllegationForm(PrefixedIdForm):
    id_prefix = "closeallegation"
    outcome = forms.ChoiceField(
        choices=[
            ("", "Choose the outcome"),
            *[
                ("substantiated", "Substantiated"),
                ("unsubstantiated", "Unsubstantiated"),
                ("unfounded", "Unfounded"),
                ("false", "False"),
                ("malicious", "Malicious"),
                ("nfa", "No further action (low-level concern)"),
            ],
        ],
        label="Outcome",
    )
    notes = forms.CharField(label="How it was dealt with, and why", widget=forms.Textarea(attrs={"rows": 3}))
