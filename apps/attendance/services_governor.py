"""Producing the attendance report for the headteacher and governors (issue 5).

`produce_report` works out the period from the school's schedule (weekly, monthly or half-termly),
builds the figures (`governor_report.build_figures`), renders the PDF once, stores both, and tells
the headteacher and the governors in-app with a link only (never a figure in the alert). A report
for a period already produced is returned as it is, never rebuilt, so a past report stays exactly
as it was sent and a daily cron run produces each report once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.selectors import staff_with_role
from apps.accounts.services import notify
from apps.audit import services as audit
from apps.audit.models import Verb
from apps.core.calendar import calendar_for
from apps.core.models import School

from . import governor_report
from .models import AttendanceSettings, GovernorReport
from .rules import may_change_settings
from .services import settings_for

#: Who is told that a report is ready.
RECIPIENT_ROLES = (Role.HEADTEACHER, Role.GOVERNOR)


def render_pdf(report: GovernorReport) -> bytes:
    """The report as a PDF (WeasyPrint, as the letters are), from the stored figures."""
    from weasyprint import HTML

    html = render_to_string("attendance/governors/report_pdf.html", {"report": report, "f": report.figures})
    return bytes(HTML(string=html).write_pdf())


def produce_report(
    actor: Any,
    *,
    school: School,
    schedule: str | None = None,
    on: dt.date | None = None,
    notify_readers: bool = True,
) -> tuple[GovernorReport, bool]:
    """The report for the latest complete period before `on` (default today) on `schedule`
    (default the school's setting), and whether it was made now. `actor` is None for the scheduled
    command; a person must be allowed to change the attendance settings."""
    if actor is not None and not may_change_settings(actor, school):
        audit.record(actor, Verb.DENIED, school, school=school, reason="attendance.governor_report")
        raise PermissionDenied("Only the attendance office or senior leaders can produce the attendance report.")
    schedule = schedule or settings_for(school).report_schedule
    if schedule not in AttendanceSettings.ReportSchedule.values:
        raise ValidationError(f"Unknown report schedule {schedule!r}: choose weekly, monthly or half_termly.")
    today = timezone.localdate()
    on = on or today
    if on > today:
        # A report is kept as it was sent; one for a period not yet over would stand in for the
        # real one for ever.
        raise ValidationError(f"{on:%d/%m/%Y} is in the future: a report covers a period that has ended.")
    start, end = governor_report.period_for(schedule, on, calendar_for(school))
    existing = GovernorReport.objects.filter(school=school, schedule=schedule, start=start, end=end).first()
    if existing is not None:
        return existing, False
    figures = governor_report.build_figures(school, schedule, start, end)
    report = GovernorReport(
        school=school,
        schedule=schedule,
        start=start,
        end=end,
        figures=figures,
        pdf=b"",
        produced_at=timezone.now(),
        produced_by=actor,
    )
    report.pdf = render_pdf(report)
    try:
        with transaction.atomic():
            report.save()
            audit.record(actor, Verb.CREATE, report, school=school, reason=f"attendance.governor_report:{schedule}")
            if notify_readers:
                notify(
                    staff_with_role(school, *RECIPIENT_ROLES),
                    school=school,
                    title=f"Attendance report for {start:%d/%m/%Y} to {end:%d/%m/%Y} is ready",
                    url=reverse("attendance:governor_report", args=[report.pk]),
                    email=False,
                )
    except IntegrityError:
        # Another run made the same report at the same moment: theirs stands.
        return GovernorReport.objects.get(school=school, schedule=schedule, start=start, end=end), False
    return report, True
