"""`manage.py rebuild_attendance_summaries [--school URN]`.

Recounts the per-pupil per-school-year attendance summaries (`PupilYearSummary`) from the marks,
set-based (one `INSERT … SELECT … GROUP BY pupil` per school year), in one transaction. The writers
of marks keep the summaries right as they go; this is for marks loaded by other means (a restore,
a bulk load) and for checking.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from apps.attendance import summaries
from apps.core.models import School


class Command(BaseCommand):
    help = "Recount the per-pupil per-school-year attendance summaries from the marks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", help="URN of one school (every school when left out).")

    def handle(self, *args: Any, **options: Any) -> None:
        school = None
        if urn := options.get("school"):
            school = School.objects.filter(urn=urn).first()
            if school is None:
                raise CommandError(f"No school has URN {urn}.")
        with transaction.atomic():
            rows = summaries.rebuild(school)
        where = school.name if school is not None else "every school"
        self.stdout.write(f"Counted {rows} pupil-year summaries for {where}.")
