from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.core.models import School
from apps.people.models import Pupil
from apps.people.statutory import PUPIL_RECORD_RETENTION_YEARS, add_years, retention_review_date


class Command(BaseCommand):
    help = (
        "List pupils who have left and whose records are due for review under the retention schedule "
        f"(date of birth + {PUPIL_RECORD_RETENTION_YEARS} years, domain file §4.4). Lists only: nothing is deleted."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--school", help="URN of one school (default: every school)")
        parser.add_argument("--on", help="the review date to check, dd/mm/yyyy (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        on = timezone.localdate()
        if options["on"]:
            try:
                day, month, year = (int(part) for part in options["on"].split("/"))
                on = dt.date(year, month, day)
            except ValueError as error:
                raise CommandError(f"--on must be a date like 31/08/2026, not {options['on']!r}.") from error
        schools = School.objects.all()
        if options["school"]:
            schools = schools.filter(urn=options["school"])
            if not schools.exists():
                raise CommandError(f"No school with URN {options['school']}.")
        born_before = add_years(on, -PUPIL_RECORD_RETENTION_YEARS)
        due = (
            Pupil.objects.filter(school__in=schools, leaving_date__isnull=False, date_of_birth__lte=born_before)
            .select_related("school")
            .order_by("school__name", "date_of_birth")
        )
        count = 0
        for pupil in due:
            count += 1
            self.stdout.write(
                f"{pupil.school.urn}\t{pupil.upn}\tleft {pupil.leaving_date:%d/%m/%Y}\t"
                f"review from {retention_review_date(pupil.date_of_birth):%d/%m/%Y}"
            )
        self.stdout.write(f"{count} pupil record(s) due for review on {on:%d/%m/%Y}. Nothing has been deleted.")
