"""`manage.py penalty_threshold --on DATE [--format csv|json] [--school URN]`.

Each pupil who meets the national penalty-notice threshold on DATE (10 sessions of G/N/O/U in
the 10 most recent school weeks up to and including the week of DATE, counting marks up to and
including DATE; domain §1.6), with upn,unauthorised_sessions,window_start,window_end.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.attendance.csv_io import rows_as_csv
from apps.attendance.selectors import penalty_threshold

from ._common import date_arg, resolve_school

COLUMNS = ("upn", "unauthorised_sessions", "window_start", "window_end")


class Command(BaseCommand):
    help = "Pupils meeting the penalty-notice threshold on a date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", required=True, help="The date (2025-01-13 or 13/01/2025).")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--school", help="URN of the school (needed when there is more than one).")

    def handle(self, *args: Any, **options: Any) -> None:
        school = resolve_school(options.get("school"))
        on = date_arg(options["on"])
        rows = [
            {
                "upn": f.upn,
                "unauthorised_sessions": f.unauthorised_sessions,
                "window_start": f.window_start.isoformat(),
                "window_end": f.window_end.isoformat(),
            }
            for f in penalty_threshold(school, on)
        ]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=1))
        else:
            self.stdout.write(rows_as_csv(COLUMNS, rows), ending="")
