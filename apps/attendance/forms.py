"""Forms for attendance pages: they check shape; the services check the rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone

from . import statutory
from .models import ContactAttempt, LadderStep, LeaveRequest, PenaltyDecision, Session
from .services import RegisterEntry

CODE_CHOICES = [(c.code, f"{c.code}: {c.meaning}") for c in statutory.CURRENT_CODES.values()]


def parse_day(value: str | None, default: dt.date | None = None) -> dt.date:
    """A date from a query string (ISO or d/m/Y), or `default` (today) when missing or bad."""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime((value or "").strip(), fmt).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
    return default or timezone.localdate()


def parse_session(value: str | None) -> str:
    if value in ("AM", "PM"):
        return value
    return statutory.current_session(timezone.localtime())


def parse_register(data: QueryDict, pupil_ids: list[int]) -> tuple[list[RegisterEntry], list[str]]:
    """The entries posted by the register page: `code-<id>`, `late-<id>`, `seen-<id>` per pupil."""
    entries: list[RegisterEntry] = []
    errors: list[str] = []
    for pid in pupil_ids:
        code = data.get(f"code-{pid}", "").strip()[:3]
        late_text = data.get(f"late-{pid}", "").strip()
        minutes: int | None = None
        if late_text:
            if not late_text.isdigit() or int(late_text) > 300:
                errors.append(f"Minutes late must be a whole number from 0 to 300 (row for pupil {pid}).")
                continue
            minutes = int(late_text)
        entries.append(RegisterEntry(pid, code, minutes, data.get(f"seen-{pid}", "").strip()[:3]))
    return entries, errors


class AmendMarkForm(forms.Form):
    date = forms.DateField(input_formats=["%Y-%m-%d", "%d/%m/%Y"], widget=forms.DateInput(attrs={"type": "date"}))
    session = forms.ChoiceField(choices=Session.choices)
    code = forms.ChoiceField(choices=CODE_CHOICES)
    minutes_late = forms.IntegerField(required=False, min_value=0, max_value=300, help_text="Only for L or U.")
    reason = forms.CharField(max_length=300, help_text="Kept with the register: why the mark changes.")


class ContactForm(forms.Form):
    carer = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    method = forms.ChoiceField(choices=ContactAttempt.Method.choices)
    outcome = forms.ChoiceField(choices=ContactAttempt.Outcome.choices)
    new_code = forms.ChoiceField(
        choices=[("", "Leave the mark as N"), *CODE_CHOICES],
        required=False,
        label="Code from this call",
    )
    note = forms.CharField(max_length=300, required=False, help_text="Short and factual; no narrative.")

    def __init__(self, *args: Any, carers: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["carer"].choices = [("", "No carer (e.g. a home visit)"), *(carers or [])]  # type: ignore[attr-defined]


class PenaltyDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=PenaltyDecision.Decision.choices)
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class PenaltyNoticeForm(forms.Form):
    carer = forms.TypedChoiceField(coerce=int)
    issued_on = forms.DateField(input_formats=["%Y-%m-%d", "%d/%m/%Y"], widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, carers: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["carer"].choices = carers or []  # type: ignore[attr-defined]


class LadderStepForm(forms.Form):
    stage = forms.ChoiceField(choices=LadderStep.Stage.choices)
    on = forms.DateField(
        label="Date", input_formats=["%Y-%m-%d", "%d/%m/%Y"], widget=forms.DateInput(attrs={"type": "date"})
    )
    outcome = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_review = forms.DateField(
        required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"], widget=forms.DateInput(attrs={"type": "date"})
    )


class LeaveRequestForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k, label) for k, label in LeaveRequest.Kind.choices])
    requested_on = forms.DateField(
        label="Asked for on", input_formats=["%Y-%m-%d", "%d/%m/%Y"], widget=forms.DateInput(attrs={"type": "date"})
    )
    start_date = forms.DateField(
        label="First day", input_formats=["%Y-%m-%d", "%d/%m/%Y"], widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label="Last day", input_formats=["%Y-%m-%d", "%d/%m/%Y"], widget=forms.DateInput(attrs={"type": "date"})
    )
    carer_id = forms.TypedChoiceField(label="Asked for by", coerce=int, required=False, empty_value=None)
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, carers: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["carer_id"].choices = [("", "Not recorded"), *(carers or [])]  # type: ignore[attr-defined]


def _date_field(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}),
    )


WEEKDAY_SESSION_CHOICES = [
    (f"{d}{s}", f"{day} {'morning' if s == 'AM' else 'afternoon'}")
    for d, day in enumerate(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"])
    for s in ("AM", "PM")
]


class PartTimeForm(forms.Form):
    start_date = _date_field("Start date")
    planned_end_date = _date_field("Planned end date")
    attended_sessions = forms.MultipleChoiceField(
        label="Sessions the pupil attends", choices=WEEKDAY_SESSION_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    parent_agreed_on = _date_field("Parent agreed on", required=False)
    next_review = _date_field("First review")
    la_notified_on = _date_field("Local authority told on", required=False)
    social_worker_informed = forms.BooleanField(label="Social worker or virtual school head informed", required=False)
    not_to_manage_behaviour = forms.BooleanField(
        label="This timetable is not being used to manage behaviour", required=False
    )


# Letter templates (issue 5) ----------------------------------------------------------------------


class LetterTemplateForm(forms.Form):
    body = forms.CharField(
        label="Letter wording",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 16, "cols": 80}),
        help_text="Placeholders in braces are filled in for each letter; the list is below the form.",
    )

    def clean_body(self) -> str:
        from .letters import check_template

        body: str = self.cleaned_data["body"]
        check_template(body)
        return body
