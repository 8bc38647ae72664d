"""`manage.py attendance_summary --from DATE --to DATE [--format csv|json] [--school URN]`.

One row per pupil on roll in the range: upn, possible_sessions, present, authorised_absence,
unauthorised_absence, attendance_pct (rounded to 2 places for output), persistent_absentee,
severe_absentee (tested on exact fractions, domain §1.3).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.attendance.csv_io import SUMMARY_COLUMNS, rows_as_csv, summary_rows

from ._common import date_arg, resolve_school


class Command(BaseCommand):
    help = "Per-pupil attendance summary for a date range."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="from", required=True)
        parser.add_argument("--to", dest="to", required=True)
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--school", help="URN of the school (needed when there is more than one).")

    def handle(self, *args: Any, **options: Any) -> None:
        school = resolve_school(options.get("school"))
        start, end = date_arg(options["from"]), date_arg(options["to"])
        if end < start:
            raise CommandError("--to is before --from.")
        rows = summary_rows(school, start, end)
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=1))
        else:
            self.stdout.write(rows_as_csv(SUMMARY_COLUMNS, rows), ending="")
