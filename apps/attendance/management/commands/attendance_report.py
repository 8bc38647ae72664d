"""`manage.py attendance_report [--school URN] [--period weekly|monthly|half_termly] [--on DATE]`.

Produces the attendance report for the headteacher and governors for the latest complete period
before DATE (default today) on the school's schedule (or `--period`), stores it and tells the
headteacher and governors in-app. Without `--school`, every school. A report already produced for
that period is left exactly as it was, so the command is safe to run from cron every day: each
report is made once, the day after its period ends.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.attendance.models import AttendanceSettings
from apps.attendance.services_governor import produce_report
from apps.core.models import School

from ._common import date_arg, resolve_school


class Command(BaseCommand):
    help = "Produce and store the attendance report for the headteacher and governors (run daily from cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", help="URN of one school (default: every school).")
        parser.add_argument(
            "--period",
            choices=AttendanceSettings.ReportSchedule.values,
            help="Override the school's schedule for this run.",
        )
        parser.add_argument("--on", help="Report the latest complete period before this date (default today).")

    def handle(self, *args: Any, **options: Any) -> None:
        on = date_arg(options["on"]) if options.get("on") else None
        schools = [resolve_school(options["school"])] if options.get("school") else list(School.objects.order_by("pk"))
        failed = 0
        for school in schools:
            try:
                report, made = produce_report(None, school=school, schedule=options.get("period"), on=on)
            except ValidationError as exc:
                failed += 1
                self.stderr.write(f"{school.name}: {' '.join(exc.messages)}")
                continue
            state = "produced" if made else "already produced"
            self.stdout.write(f"{school.name}: {report.start:%d/%m/%Y} to {report.end:%d/%m/%Y} {state}.")
        if failed:
            raise CommandError(f"{failed} school(s) had no report (see above).")
