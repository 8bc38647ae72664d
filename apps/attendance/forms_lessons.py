"""Forms for the attendance settings page, lesson registers and truancy follow-up: they check
shape; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

from . import statutory
from .models import AttendanceSettings, TruancyFollowUp
from .services_lessons import LessonEntry


class AttendanceSettingsForm(forms.Form):
    am_register_opens = forms.TimeField(
        label="Morning register opens", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    pm_register_opens = forms.TimeField(
        label="Afternoon register opens", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    register_open_minutes = forms.IntegerField(
        label="Minutes a register stays open",
        min_value=1,
        max_value=statutory.MAX_REGISTER_OPEN_MINUTES,
        help_text="The same for every session and no more than 30 minutes. A pupil arriving after it closes is U.",
    )
    n_code_limit_school_days = forms.IntegerField(
        label="School days before an unresolved N is flagged",
        min_value=1,
        max_value=30,
        help_text="Your policy's limit: the widely quoted 5 school days is not confirmed in law.",
    )
    lesson_registers = forms.BooleanField(
        label="Lesson registers in use",
        required=False,
        help_text="Teachers take a register in each lesson, and missed lessons after registration are listed.",
    )
    report_schedule = forms.ChoiceField(
        label="Attendance report for the headteacher and governors",
        choices=AttendanceSettings.ReportSchedule.choices,
        required=False,
        help_text="How often the report is produced; each one covers the period just ended.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("report_schedule"):
            cleaned.pop("report_schedule", None)  # not sent: keep the school's schedule as it is
        return cleaned


class LessonPeriodsForm(forms.Form):
    periods = forms.CharField(
        label="Lesson periods",
        required=False,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text="One a line: name, times and session, e.g. “P1 09:00-10:00 AM”. "
        "A period you remove is switched off; its lesson marks are kept.",
    )


class TruancyFollowUpForm(forms.Form):
    outcome = forms.ChoiceField(label="What was found", choices=TruancyFollowUp.Outcome.choices)
    note = forms.CharField(
        max_length=300, required=False, help_text="Short and factual, e.g. where the pupil was found."
    )


def parse_lesson_register(data: QueryDict, pupil_ids: list[int]) -> tuple[list[LessonEntry], list[str]]:
    """The entries posted by a lesson register: `status-<id>`, `late-<id>`, `seen-<id>`."""
    entries: list[LessonEntry] = []
    errors: list[str] = []
    for pid in pupil_ids:
        late_text = data.get(f"late-{pid}", "").strip()
        minutes: int | None = None
        if late_text:
            if not late_text.isdigit() or int(late_text) > 300:
                errors.append(f"Minutes late must be a whole number from 0 to 300 (row for pupil {pid}).")
                continue
            minutes = int(late_text)
        entries.append(
            LessonEntry(
                pid, data.get(f"status-{pid}", "").strip()[:8], minutes, data.get(f"seen-{pid}", "").strip()[:8]
            )
        )
    return entries, errors
