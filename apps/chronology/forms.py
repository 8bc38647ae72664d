"""Forms for the chronology pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from .models import Confidentiality, Kind


class ChronologyFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(
        label="Kinds of entry", choices=Kind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    start = forms.DateField(label="From (dd/mm/yyyy)", required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    end = forms.DateField(label="To (dd/mm/yyyy)", required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise forms.ValidationError("The 'To' date is before the 'From' date.")
        return data

    def filters(self) -> dict[str, Any]:
        """The filters to pass to the selector; none when the form is not valid."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"kinds": data.get("kind") or None, "start": data.get("start"), "end": data.get("end")}


NOTE_KINDS = [(Kind.NOTE.value, Kind.NOTE.label), (Kind.CONTACT.value, Kind.CONTACT.label)]
NOTE_LEVELS = [
    (Confidentiality.PASTORAL.value, Confidentiality.PASTORAL.label),
    (Confidentiality.GENERAL.value, Confidentiality.GENERAL.label),
    (Confidentiality.RESTRICTED.value, "Restricted: only me and the people I name below"),
]


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=NOTE_KINDS, initial=Kind.NOTE)
    title = forms.CharField(label="Short title", max_length=200)
    summary = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 6}))
    occurred_on = forms.DateField(label="Date (dd/mm/yyyy)", input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    occurred_time = forms.TimeField(label="Time (hh:mm)", input_formats=["%H:%M"])
    confidentiality = forms.ChoiceField(
        label="Who may read it",
        choices=NOTE_LEVELS,
        initial=Confidentiality.PASTORAL,
        help_text="Safeguarding information is not a note: log a concern instead.",
    )
    restricted_to = forms.MultipleChoiceField(
        label="People who may read a restricted note",
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        help_text="Only for a restricted note. You can always read your own notes.",
    )

    def __init__(self, *args: Any, staff: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staff = {str(u.pk): u for u in staff}
        field = self.fields["restricted_to"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(pk, u.display_name) for pk, u in self.staff.items()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("confidentiality") == Confidentiality.RESTRICTED and not data.get("restricted_to"):
            self.add_error("restricted_to", "Name at least one person who may read a restricted note.")
        if data.get("confidentiality") != Confidentiality.RESTRICTED and data.get("restricted_to"):
            self.add_error("restricted_to", "Only a restricted note is limited to named people.")
        return data

    def restricted_users(self) -> list[Any]:
        return [self.staff[pk] for pk in self.cleaned_data.get("restricted_to") or []]

    def occurred_at(self) -> dt.datetime:
        day = self.cleaned_data["occurred_on"]
        time = self.cleaned_data["occurred_time"]
        return timezone.make_aware(dt.datetime.combine(day, time))
