from __future__ import annotations

from typing import Any

from django import forms

from .models import Verb

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class AuditFilterForm(forms.Form):
    user = forms.CharField(label="Username", required=False, max_length=150)
    upn = forms.CharField(label="Pupil's UPN", required=False, max_length=13)
    verb = forms.ChoiceField(label="What happened", required=False, choices=[("", "Anything"), *Verb.choices])
    start = forms.DateField(label="From (dd/mm/yyyy)", required=False, input_formats=DATE_FORMATS)
    end = forms.DateField(label="To (dd/mm/yyyy)", required=False, input_formats=DATE_FORMATS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError("The 'To' date is before the 'From' date.")
        return data

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        d = self.cleaned_data
        return {
            "username": d.get("user") or "",
            "upn": (d.get("upn") or "").strip().upper(),
            "verb": d.get("verb") or "",
            "start": d.get("start"),
            "end": d.get("end"),
        }
