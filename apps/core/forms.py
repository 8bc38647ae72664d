from __future__ import annotations

from typing import Any

from django import forms

from .models import Closure

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class AcademicYearForm(forms.Form):
    start_year = forms.IntegerField(
        label="First calendar year of the school year",
        min_value=2000,
        max_value=2100,
        help_text="For 2026/27 enter 2026. Typical half-term dates are filled in; edit them afterwards.",
    )


class TermForm(forms.Form):
    start_date = forms.DateField(label="First day (dd/mm/yyyy)", input_formats=DATE_FORMATS)
    end_date = forms.DateField(label="Last day (dd/mm/yyyy)", input_formats=DATE_FORMATS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", "A term cannot end before it starts.")
        return data


class ClosureForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=Closure.Kind.choices)
    start_date = forms.DateField(label="First day (dd/mm/yyyy)", input_formats=DATE_FORMATS)
    end_date = forms.DateField(
        label="Last day (dd/mm/yyyy)", input_formats=DATE_FORMATS, required=False, help_text="Leave empty for one day."
    )
    sessions = forms.ChoiceField(label="Sessions", choices=Closure.Sessions.choices, initial=Closure.Sessions.BOTH)
    reason = forms.CharField(label="Reason shown on the calendar", max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start_date") and not data.get("end_date"):
            data["end_date"] = data["start_date"]
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", "A closure cannot end before it starts.")
        return data


def add_service_errors(form: forms.Form, error: Any) -> None:
    """Put a service's `ValidationError` on the form: field messages by their field, the rest at
    the top, so the user sees what to fix and keeps what they typed."""
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
    else:
        for problem in error.messages:
            form.add_error(None, problem)
