"""Forms check shape only; services check the rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from .models import (
    AppointmentKind,
    InterventionCategory,
    Need,
    PlanKind,
    Progress,
    ProviderKind,
    ReintegrationReason,
    ReviewDecision,
)
from .services import ActionSpec, PartTimeAgreement, PhaseSpec, PlanContent, ProgressSpec, TargetSpec


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput(), help_text=help_text)


def text(label: str, *, required: bool = False, rows: int = 3, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), help_text=help_text
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


TARGET_ROWS = 4
ACTION_ROWS = 5


class PlanContentForm(forms.Form):
    """The content of a version: barriers, views, targets and actions (a fixed number of rows;
    blank rows are ignored)."""

    barriers = text("Barriers identified", required=True, rows=4)
    assessment_sources = forms.CharField(
        label="Assessed through", required=False, help_text="e.g. interview, observation, questionnaire, data"
    )
    strategies = text("Strategies and support in school")
    pupil_views = text("The pupil's views, in their words")
    parent_views = text("The parents' views, in their words")

    def __init__(
        self, *args: Any, staff: Any, target_rows: int = TARGET_ROWS, action_rows: int = ACTION_ROWS, **kw: Any
    ):
        super().__init__(*args, **kw)
        self.target_rows = target_rows
        self.action_rows = action_rows
        for i in range(1, target_rows + 1):
            self.fields[f"target_{i}"] = forms.CharField(label=f"Target {i}", required=False, max_length=300)
            self.fields[f"target_{i}_measure"] = forms.CharField(
                label=f"Target {i}: how we will know", required=False, max_length=300
            )
            self.fields[f"target_{i}_due"] = date_field(f"Target {i}: by", required=False)
        for i in range(1, action_rows + 1):
            self.fields[f"action_{i}"] = forms.CharField(label=f"Action {i}", required=False, max_length=300)
            self.fields[f"action_{i}_owner"] = StaffChoiceField(
                label=f"Action {i}: who", queryset=staff, required=False
            )
            self.fields[f"action_{i}_due"] = date_field(f"Action {i}: by", required=False)
            self.fields[f"action_{i}_done"] = date_field(f"Action {i}: done on", required=False)

    def target_rows_fields(self) -> list[list[Any]]:
        return [
            [self[f"target_{i}"], self[f"target_{i}_measure"], self[f"target_{i}_due"]]
            for i in range(1, self.target_rows + 1)
        ]

    def action_rows_fields(self) -> list[list[Any]]:
        return [
            [self[f"action_{i}"], self[f"action_{i}_owner"], self[f"action_{i}_due"], self[f"action_{i}_done"]]
            for i in range(1, self.action_rows + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(1, self.action_rows + 1):
            if data.get(f"action_{i}"):
                if not data.get(f"action_{i}_owner"):
                    self.add_error(f"action_{i}_owner", "Say who will do this action.")
                if not data.get(f"action_{i}_due"):
                    self.add_error(f"action_{i}_due", "Give a date for this action.")
        return data

    def content(self) -> PlanContent:
        d = self.cleaned_data
        return PlanContent(
            barriers=d["barriers"],
            assessment_sources=d.get("assessment_sources", ""),
            strategies=d.get("strategies", ""),
            pupil_views=d.get("pupil_views", ""),
            parent_views=d.get("parent_views", ""),
            targets=[
                TargetSpec(d[f"target_{i}"], d.get(f"target_{i}_measure", ""), d.get(f"target_{i}_due"))
                for i in range(1, self.target_rows + 1)
                if d.get(f"target_{i}")
            ],
            actions=[
                ActionSpec(d[f"action_{i}"], d[f"action_{i}_owner"], d[f"action_{i}_due"], d.get(f"action_{i}_done"))
                for i in range(1, self.action_rows + 1)
                if d.get(f"action_{i}")
            ],
        )

    @staticmethod
    def initial_from(version: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "barriers": version.barriers,
            "assessment_sources": version.assessment_sources,
            "strategies": version.strategies,
            "pupil_views": version.pupil_views,
            "parent_views": version.parent_views,
        }
        for i, t in enumerate(version.targets.all(), start=1):
            initial |= {
                f"target_{i}": t.description,
                f"target_{i}_measure": t.success_measure,
                f"target_{i}_due": t.due_on,
            }
        for i, a in enumerate(version.actions.all(), start=1):
            initial |= {
                f"action_{i}": a.description,
                f"action_{i}_owner": a.owner_id,
                f"action_{i}_due": a.due_on,
                f"action_{i}_done": a.completed_on,
            }
        return initial


class PSPChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"PSP from {obj.start_date:%d/%m/%Y} to {obj.end_date:%d/%m/%Y} ({obj.get_status_display().lower()})"


class NewPlanForm(PlanContentForm):
    plan_type: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label="Type of plan", queryset=None)
    psp = PSPChoiceField(
        label="Pastoral Support Programme in the behaviour module",
        queryset=None,
        required=False,
        help_text="For a plan of a PSP type: the pupil's PSP it carries.",
    )
    title = forms.CharField(label="Title", max_length=200)
    keyworker = StaffChoiceField(label="Keyworker", queryset=None)
    started_on = date_field("Starts on")
    review_interval_weeks = forms.IntegerField(label="Weeks between reviews", min_value=1, max_value=52, initial=6)

    field_order = ["plan_type", "psp", "title", "keyworker", "started_on", "review_interval_weeks"]

    def __init__(self, *args: Any, staff: Any, keyworkers: Any, plan_types: Any, psps: Any, **kw: Any):
        super().__init__(*args, staff=staff, **kw)
        self.fields["keyworker"].queryset = keyworkers  # type: ignore[attr-defined]
        self.fields["plan_type"].queryset = plan_types  # type: ignore[attr-defined]
        self.fields["psp"].queryset = psps  # type: ignore[attr-defined]
        if not psps.exists():
            del self.fields["psp"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        plan_type, psp = data.get("plan_type"), data.get("psp")
        if psp is not None and plan_type is not None and plan_type.base != PlanKind.PSP:
            self.add_error("psp", "Only a plan of a Pastoral Support Programme type links to a PSP.")
        return data


class PlanTypeForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(max_length=300, required=False)
    base = forms.ChoiceField(
        label="Based on",
        choices=PlanKind.choices,
        help_text="Decides who sees the plans and what they carry: reintegration details, a link to the "
        "behaviour module's PSP, or safeguarding restrictions (DSL team and keyworker only).",
    )
    is_active = forms.BooleanField(label="Offered for new plans", required=False, initial=True)
    order = forms.IntegerField(label="Position in the list", min_value=0, max_value=999, initial=100)


class LinkPSPForm(forms.Form):
    psp = PSPChoiceField(label="The pupil's PSP", queryset=None)

    def __init__(self, *args: Any, psps: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["psp"].queryset = psps  # type: ignore[attr-defined]


WEEKDAY_SESSION_CHOICES = [
    (f"{d}{s}", f"{day} {'morning' if s == 'AM' else 'afternoon'}")
    for d, day in enumerate(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"])
    for s in ("AM", "PM")
]


class TimetableChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"From {obj.start_date:%d/%m/%Y} to {obj.planned_end_date:%d/%m/%Y}"


class PhasePartTimeForm(forms.Form):
    """Link a reduced-hours phase to an existing part-time timetable, or start one (the attendance
    office's work)."""

    existing = TimetableChoiceField(
        label="Link an existing part-time timetable", queryset=None, required=False, empty_label="No: start a new one"
    )
    attended_sessions = forms.MultipleChoiceField(
        label="Sessions the pupil attends in this phase",
        choices=WEEKDAY_SESSION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    parent_agreed_on = date_field("Parent agreed on", required=False)
    next_review = date_field("First review of the timetable on", required=False)
    la_notified_on = date_field("Local authority told on", required=False)
    not_to_manage_behaviour = forms.BooleanField(
        label="I confirm this timetable is not being used to manage behaviour", required=False
    )

    def __init__(self, *args: Any, timetables: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["existing"].queryset = timetables  # type: ignore[attr-defined]


class AttainmentForm(forms.Form):
    subject = forms.CharField(max_length=80)
    assessed_on = date_field("Assessed on")
    measure = forms.CharField(max_length=60, initial="Working-at grade")
    value = forms.CharField(label="Value (e.g. grade)", max_length=20)
    target = forms.CharField(max_length=20, required=False)


class CSVUploadForm(forms.Form):
    file = forms.FileField(label="CSV file")
    dry_run = forms.BooleanField(label="Check only: import nothing", required=False)

    def clean_file(self) -> Any:
        from .csv_import import MAX_UPLOAD_BYTES

        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_UPLOAD_BYTES // 1000} kB: split it into parts.")
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("Choose a .csv file.")
        return upload

    def lines(self) -> list[str]:
        raw = self.cleaned_data["file"].read()
        try:
            return raw.decode("utf-8-sig").splitlines()
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text: save it as CSV (UTF-8).") from None


class AttainmentImportForm(CSVUploadForm):
    """A school's attainment file: "Check the file" and "Import" are two buttons, not a tick box."""

    measure = forms.CharField(
        max_length=60,
        initial="Working-at grade",
        help_text="What the values are, for every row of the file (for example “Working-at grade”).",
    )

    field_order = ["file", "measure"]

    def __init__(self, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        del self.fields["dry_run"]


class AmendPlanForm(PlanContentForm):
    reason = forms.CharField(label="Why the plan is changing", max_length=300)

    field_order = ["reason"]


class ReviewForm(forms.Form):
    held_on = date_field("Review held on")
    attendees = forms.CharField(label="Who attended", required=False, max_length=300)
    summary = text("Summary of the discussion", rows=4)
    decision = forms.ChoiceField(label="Decision", choices=ReviewDecision.choices, widget=forms.RadioSelect)
    next_review_on = date_field(
        "Next review on", required=False, help_text="Leave blank for the usual interval. Not used when closing."
    )

    def __init__(self, *args: Any, targets: list[Any], **kw: Any):
        super().__init__(*args, **kw)
        self.targets = targets
        for t in targets:
            self.fields[f"rating_{t.pk}"] = forms.TypedChoiceField(
                label="Progress", choices=Progress.choices, coerce=int, widget=forms.RadioSelect
            )
            self.fields[f"note_{t.pk}"] = forms.CharField(label="Comment", required=False, max_length=500)
            self.fields[f"evidence_{t.pk}"] = forms.CharField(label="Evidence", required=False, max_length=300)

    def target_rows(self) -> list[tuple[Any, Any, Any, Any]]:
        return [(t, self[f"rating_{t.pk}"], self[f"note_{t.pk}"], self[f"evidence_{t.pk}"]) for t in self.targets]

    def progress(self) -> dict[int, ProgressSpec]:
        d = self.cleaned_data
        return {
            t.pk: ProgressSpec(d[f"rating_{t.pk}"], d.get(f"note_{t.pk}", ""), d.get(f"evidence_{t.pk}", ""))
            for t in self.targets
        }


class ReassignForm(forms.Form):
    from_keyworker = StaffChoiceField(label="Move plans from", queryset=None)
    to_keyworker = StaffChoiceField(label="to", queryset=None)
    plans: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label="Plans (leave empty for all of their active plans)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(label="Reason", max_length=200)

    def __init__(self, *args: Any, staff: Any, plans: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["from_keyworker"].queryset = staff  # type: ignore[attr-defined]
        self.fields["to_keyworker"].queryset = staff  # type: ignore[attr-defined]
        self.fields["plans"].queryset = plans  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("from_keyworker") and data.get("from_keyworker") == data.get("to_keyworker"):
            self.add_error("to_keyworker", "Choose a different member of staff.")
        return data


class InterventionForm(forms.Form):
    name = forms.CharField(max_length=120)
    category = forms.ChoiceField(choices=InterventionCategory.choices)
    description = text("Description")
    lead = StaffChoiceField(label="Who runs it", queryset=None, required=False)
    provider = forms.CharField(label="Outside provider", max_length=120, required=False)
    when_where = forms.CharField(label="When and where", max_length=200, required=False)
    capacity = forms.IntegerField(min_value=1, max_value=500, initial=8)
    cost_per_pupil = forms.DecimalField(label="Cost per pupil (£)", min_value=0, max_digits=8, decimal_places=2)

    def __init__(self, *args: Any, staff: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["lead"].queryset = staff  # type: ignore[attr-defined]


class GroupForm(forms.Form):
    name = forms.CharField(label="Group name", max_length=120)
    runner = StaffChoiceField(label="Run by", queryset=None)
    starts_on = date_field("Starts on")
    ends_on = date_field("Ends on", required=False)

    def __init__(self, *args: Any, staff: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["runner"].queryset = staff  # type: ignore[attr-defined]


class AddMemberForm(forms.Form):
    """The pupils come from a search, a filter or an early-warning list (the page shows them as
    checkboxes); the queryset is every pupil the viewer sees, so nothing else can be posted."""

    pupils: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label="Pupils", queryset=None, widget=forms.CheckboxSelectMultiple
    )
    need = forms.ChoiceField(label="Main need", choices=Need.choices)
    joined_on = date_field("Joined on")
    entry_score = forms.IntegerField(label="Questionnaire score at entry", required=False, min_value=0, max_value=999)
    entry_rating = forms.IntegerField(label="Pupil's own rating (1–10)", required=False, min_value=1, max_value=10)

    def __init__(self, *args: Any, pupils: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["pupils"].queryset = pupils  # type: ignore[attr-defined]


class PupilSearchForm(forms.Form):
    q = forms.CharField(
        label="Find a pupil by name, UPN or form",
        min_length=2,
        max_length=60,
        required=False,
        help_text="At least 2 characters.",
    )


YES_NO_ANY = [("", "Any"), ("yes", "Yes"), ("no", "No")]


class MemberFilterForm(forms.Form):
    year = forms.TypedChoiceField(
        label="Year group",
        choices=[("", "Any")] + [(n, f"Year {n}") for n in range(1, 14)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    form: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Form", queryset=None, required=False, empty_label="Any"
    )
    sex = forms.ChoiceField(label="Sex", choices=[("", "Any"), ("F", "Female"), ("M", "Male")], required=False)
    fsm = forms.ChoiceField(label="Free school meals", choices=YES_NO_ANY, required=False)
    sen = forms.ChoiceField(
        label="SEN",
        choices=[("", "Any"), ("any", "SEN support or EHCP"), ("K", "SEN support"), ("E", "EHCP"), ("N", "No SEN")],
        required=False,
    )
    eal = forms.ChoiceField(label="English as an additional language", choices=YES_NO_ANY, required=False)
    looked_after = forms.ChoiceField(label="Looked after", choices=YES_NO_ANY, required=False)

    def __init__(self, *args: Any, forms_qs: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["form"].queryset = forms_qs  # type: ignore[attr-defined]

    def criteria(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {k: v for k, v in d.items() if v not in (None, "")}


class EarlyWarningForm(forms.Form):
    early = forms.ChoiceField(
        label="Early-warning list",
        choices=[
            ("pa", "Persistent absentees this school year (10% or more absence)"),
            ("behaviour", "Negative behaviour points at or above a threshold"),
        ],
    )
    points = forms.IntegerField(
        label="Negative points at least", min_value=1, max_value=1000, initial=10, required=False
    )
    weeks = forms.IntegerField(label="In the last (weeks)", min_value=1, max_value=52, initial=6, required=False)


class RegisterForm(forms.Form):
    held_on = date_field("Session date")
    notes = text("Notes on the session")

    def __init__(self, *args: Any, members: list[Any], present: set[int] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        self.members = members
        for m in members:
            self.fields[f"present_{m.pupil_id}"] = forms.BooleanField(
                label=m.pupil.full_name, required=False, initial=(present is None or m.pupil_id in present)
            )

    def member_fields(self) -> list[Any]:
        return [self[f"present_{m.pupil_id}"] for m in self.members]

    def present_ids(self) -> list[int]:
        return [m.pupil_id for m in self.members if self.cleaned_data.get(f"present_{m.pupil_id}")]


class ReintegrationForm(PlanContentForm):
    reason = forms.ChoiceField(label="Reintegration after", choices=ReintegrationReason.choices)
    keyworker = StaffChoiceField(label="Keyworker", queryset=None)
    started_on = date_field("Return date")
    meeting_on = date_field("Reintegration meeting on", required=False)
    meeting_attendees = forms.CharField(label="Who attended the meeting", required=False, max_length=300)
    parent_attended = forms.BooleanField(label="A parent or carer attended", required=False)
    check_in_with = forms.CharField(label="Checks in each day with", required=False, max_length=120)
    reasonable_adjustments = text("Reasonable adjustments (SEND)")

    field_order = ["reason", "keyworker", "started_on", "meeting_on", "meeting_attendees", "parent_attended"]
    PHASES = 4

    def __init__(self, *args: Any, staff: Any, keyworkers: Any, **kw: Any):
        super().__init__(*args, staff=staff, target_rows=3, action_rows=3, **kw)
        self.fields["keyworker"].queryset = keyworkers  # type: ignore[attr-defined]
        for i in range(1, self.PHASES + 1):
            self.fields[f"phase_{i}_start"] = date_field(f"Week {i}: from", required=False)
            self.fields[f"phase_{i}_end"] = date_field(f"Week {i}: to", required=False)
            self.fields[f"phase_{i}_timetable"] = forms.CharField(
                label=f"Week {i}: timetable", required=False, max_length=300
            )
            self.fields[f"phase_{i}_support"] = forms.CharField(
                label=f"Week {i}: support in lessons", required=False, max_length=300
            )
            self.fields[f"phase_{i}_reduced"] = forms.BooleanField(
                label=f"Week {i}: fewer hours than the full day (part-time timetable)", required=False
            )
            self.fields[f"phase_{i}_sessions"] = forms.MultipleChoiceField(
                label=f"Week {i}: if fewer hours, the sessions the pupil attends",
                choices=WEEKDAY_SESSION_CHOICES,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        self.fields["part_time_parent_agreed_on"] = date_field(
            "Parent agreed to the part-time timetable on", required=False
        )
        self.fields["part_time_la_notified_on"] = date_field("Local authority told on", required=False)
        self.fields["part_time_not_to_manage_behaviour"] = forms.BooleanField(
            label="I confirm the part-time timetable is not being used to manage behaviour", required=False
        )

    PART_TIME_FIELDS = ("part_time_parent_agreed_on", "part_time_la_notified_on", "part_time_not_to_manage_behaviour")

    def phase_rows(self) -> list[list[Any]]:
        return [
            [self[f"phase_{i}_{n}"] for n in ("start", "end", "timetable", "support", "reduced", "sessions")]
            for i in range(1, self.PHASES + 1)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for i in range(1, self.PHASES + 1):
            if cleaned.get(f"phase_{i}_sessions") and not cleaned.get(f"phase_{i}_reduced"):
                self.add_error(
                    f"phase_{i}_reduced",
                    f"Week {i} has sessions ticked: tick this too if the week has fewer hours, "
                    "or untick the sessions for a full week.",
                )
        return cleaned

    def part_time_fields(self) -> list[Any]:
        return [self[name] for name in self.PART_TIME_FIELDS]

    def part_time(self) -> PartTimeAgreement | None:
        """The parent's agreement and the behaviour confirmation, when any week reduces hours."""
        if not any(p.reduces_hours for p in self.phases()):
            return None
        d = self.cleaned_data
        return PartTimeAgreement(
            parent_agreed_on=d.get("part_time_parent_agreed_on"),
            not_to_manage_behaviour=bool(d.get("part_time_not_to_manage_behaviour")),
            la_notified_on=d.get("part_time_la_notified_on"),
        )

    def phases(self) -> list[PhaseSpec]:
        d = self.cleaned_data
        result = []
        for i in range(1, self.PHASES + 1):
            start, end = d.get(f"phase_{i}_start"), d.get(f"phase_{i}_end")
            if start and end and d.get(f"phase_{i}_timetable"):
                result.append(
                    PhaseSpec(
                        start,
                        end,
                        d[f"phase_{i}_timetable"],
                        d.get(f"phase_{i}_support", ""),
                        d[f"phase_{i}_reduced"],
                        tuple(d.get(f"phase_{i}_sessions") or ()) if d[f"phase_{i}_reduced"] else (),
                    )
                )
        return result


class ProviderForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(label="Kind of provision", choices=ProviderKind.choices)
    address = text("Address", rows=2)
    contact_name = forms.CharField(label="Contact", max_length=120, required=False)
    telephone = forms.CharField(max_length=30, required=False)
    email = forms.EmailField(required=False)


WEEKDAYS = [(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday")]


class PlacementForm(forms.Form):
    provider: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None)
    keyworker = StaffChoiceField(label="Keyworker at school", queryset=None)
    starts_on = date_field("Starts on")
    ends_on = date_field("Ends on", required=False)
    weekdays = forms.TypedMultipleChoiceField(
        label="Days", choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    sessions = forms.MultipleChoiceField(
        label="Sessions", choices=[("AM", "Morning"), ("PM", "Afternoon")], widget=forms.CheckboxSelectMultiple
    )
    safeguarding_confirmed_on = date_field("Safeguarding checks confirmed in writing on", required=False)
    safeguarding_reference = forms.CharField(label="Confirmation reference", max_length=200, required=False)

    def __init__(self, *args: Any, providers: Any, keyworkers: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]
        self.fields["keyworker"].queryset = keyworkers  # type: ignore[attr-defined]


class PlacementAttendanceForm(forms.Form):
    day = date_field("Date")
    am = forms.ChoiceField(
        label="Morning", choices=[("", "Not reported"), ("attended", "Attended"), ("missed", "Missed")], required=False
    )
    pm = forms.ChoiceField(
        label="Afternoon",
        choices=[("", "Not reported"), ("attended", "Attended"), ("missed", "Missed")],
        required=False,
    )

    def sessions(self) -> tuple[list[tuple[dt.date, str]], list[tuple[dt.date, str]]]:
        d = self.cleaned_data
        attended = [(d["day"], s) for s, key in (("AM", "am"), ("PM", "pm")) if d.get(key) == "attended"]
        missed = [(d["day"], s) for s, key in (("AM", "am"), ("PM", "pm")) if d.get(key) == "missed"]
        return attended, missed


class PlacementContactForm(forms.Form):
    contacted_on = date_field("Date of contact")
    note = text("What was discussed", required=True)


class PlacementReviewForm(forms.Form):
    held_on = date_field("Review held on")
    outcome = text("Outcome of the review", required=True)
    next_review_on = date_field("Next review on", required=False)
    next_review_on.help_text = "Leave empty for the placement's usual interval from this review."


class SafeguardingConfirmationForm(forms.Form):
    confirmed_on = date_field("Written confirmation dated")
    reference = forms.CharField(label="Reference", max_length=200, required=False)


class QuestionnaireForm(forms.Form):
    title = forms.CharField(max_length=200)
    introduction = text("Introduction for pupils")
    anonymous = forms.BooleanField(
        label="Anonymous (a whole-school survey: answers are not linked to pupils)", required=False
    )
    questions = forms.CharField(
        label="Questions, one per line",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Each line is a 1–5 rating question; start a line with “text:” for a free-text answer.",
    )

    def question_list(self) -> list[tuple[str, str]]:
        result = []
        for line in self.cleaned_data["questions"].splitlines():
            line = line.strip()
            if not line:
                continue
            if line.lower().startswith("text:"):
                result.append((line[5:].strip(), "text"))
            else:
                result.append((line, "rating"))
        return result


class InviteForm(forms.Form):
    pupils: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label="Pupils", queryset=None, widget=forms.SelectMultiple(attrs={"size": 10})
    )

    def __init__(self, *args: Any, pupils: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["pupils"].queryset = pupils  # type: ignore[attr-defined]


RATING_CHOICES = [(1, "1: Not at all"), (2, "2"), (3, "3"), (4, "4"), (5, "5: Very much")]


class AnswerForm(forms.Form):
    def __init__(self, *args: Any, questions: list[Any], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.questions = questions
        for q in questions:
            if q.kind == "rating":
                self.fields[f"q_{q.pk}"] = forms.TypedChoiceField(
                    label=q.text, choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
                )
            else:
                self.fields[f"q_{q.pk}"] = forms.CharField(
                    label=q.text, required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
                )

    def answers(self) -> dict[int, tuple[int | None, str]]:
        d = self.cleaned_data
        return {
            q.pk: (d.get(f"q_{q.pk}"), "") if q.kind == "rating" else (None, d.get(f"q_{q.pk}", ""))
            for q in self.questions
        }


class SlotsForm(forms.Form):
    kind = forms.ChoiceField(label="With", choices=AppointmentKind.choices)
    adviser = forms.CharField(label="Adviser's name", max_length=120)
    day = date_field("Date")
    first_time = forms.TimeField(label="First slot starts at", widget=forms.TimeInput(attrs={"type": "time"}))
    count = forms.IntegerField(label="Number of slots", min_value=1, max_value=20, initial=6)
    minutes = forms.IntegerField(label="Minutes each", min_value=5, max_value=120, initial=30)
    location = forms.CharField(max_length=120, required=False)


class BookForm(forms.Form):
    pupil: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label="Pupil", queryset=None)
    attendees = forms.CharField(label="Who else attends", max_length=200, required=False)
    preparation = text("Preparation notes")

    def __init__(self, *args: Any, pupils: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["pupil"].queryset = pupils  # type: ignore[attr-defined]


class OutcomeForm(forms.Form):
    attended = forms.TypedChoiceField(
        label="Did the pupil attend?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    outcome = text("Outcome and next steps", required=True)
