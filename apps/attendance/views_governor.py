"""Views for the attendance report for the headteacher and governors (issue 5): the list of past
reports, producing one now, a stored report as a page, each of its tables as CSV, and its PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.accounts.decorators import role_required
from apps.accounts.types import HearthRequest
from apps.audit import services as audit
from apps.audit.models import Verb

from . import services_governor
from .exports import Table, csv_response, wants_csv
from .forms import parse_day
from .models import AttendanceSettings, GovernorReport
from .rules import GOVERNOR_REPORT_READERS, SETTINGS_ROLES, may_change_settings
from .services import settings_for


def _get(request: HearthRequest, report_id: int) -> GovernorReport:
    report = GovernorReport.objects.filter(school=request.school, pk=report_id).first()
    if report is None:
        audit.record(
            request.user, Verb.DENIED, ("attendance.governorreport", report_id), reason="attendance.governor_report"
        )
        raise Http404("No such report.")
    return report


@login_required
@role_required(GOVERNOR_REPORT_READERS)
def governor_reports(request: HearthRequest) -> HttpResponse:
    """Past reports, newest first, and (for the attendance office and senior leaders) a button to
    produce the latest one now."""
    reports = GovernorReport.objects.filter(school=request.school).defer("pdf", "figures")
    return render(
        request,
        "attendance/governors/list.html",
        {
            "reports": reports,
            "schedule": settings_for(request.school).get_report_schedule_display(),
            "schedules": AttendanceSettings.ReportSchedule.choices,
            "current": settings_for(request.school).report_schedule,
            "may_produce": may_change_settings(request.user, request.school),
        },
    )


@login_required
@role_required(SETTINGS_ROLES)
@require_POST
def governor_report_produce(request: HearthRequest) -> HttpResponse:
    """Produce the report for the latest complete period now (the scheduled command does the same)."""
    schedule = request.POST.get("schedule") or None
    on = parse_day(request.POST.get("on"))
    try:
        report, made = services_governor.produce_report(request.user, school=request.school, schedule=schedule, on=on)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("attendance:governor_reports")
    if made:
        messages.success(request, "Report produced; the headteacher and governors have been told.")
    else:
        messages.info(request, "That period's report had already been produced; here it is, as it was sent.")
    return redirect("attendance:governor_report", report_id=report.pk)


@login_required
@role_required(GOVERNOR_REPORT_READERS)
def governor_report(request: HearthRequest, report_id: int) -> HttpResponse:
    """One stored report as a page, or one of its tables as CSV (`?format=csv&table=<slug>`)."""
    report = _get(request, report_id)
    tables = report.figures.get("tables", [])
    if wants_csv(request):
        found = next((t for t in tables if t["slug"] == request.GET.get("table")), None)
        if found is None:
            raise Http404("No such table in this report.")
        table = Table(f"governors-{found['slug']}", found["caption"], found["header"], found["rows"])
        return csv_response(request, table, report.start, report.end)
    audit.record(request.user, Verb.VIEW, report, school=request.school, reason="attendance.governor_report")
    return render(request, "attendance/governors/report.html", {"report": report, "f": report.figures})


@login_required
@role_required(GOVERNOR_REPORT_READERS)
def governor_report_pdf(request: HearthRequest, report_id: int) -> HttpResponse:
    """The PDF exactly as it was produced."""
    report = _get(request, report_id)
    audit.record(request.user, Verb.EXPORT, report, school=request.school, reason="attendance.governor_report_pdf")
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="attendance-report-{report.start:%Y%m%d}-{report.end:%Y%m%d}.pdf"'
    )
    return response
