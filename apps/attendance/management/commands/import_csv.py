"""`manage.py import_csv KIND FILE [--dry-run] [--school URN]`.

One command for every kind of CSV Hearth takes in. Each kind is a function in `IMPORTERS`;
kinds other modules will add are listed in `PLANNED` and answered with a clear message until
they are built.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.attendance.csv_io import ImportRejected, import_attendance

from ._common import resolve_school


def _import_attendance(command: BaseCommand, path: Path, options: dict[str, Any]) -> None:
    school = resolve_school(options.get("school"))
    with path.open(encoding="utf-8-sig", newline="") as stream:
        try:
            report = import_attendance(school, stream, source_name=path.name, dry_run=options["dry_run"])
        except ImportRejected as rejected:
            for error in rejected.errors:
                command.stderr.write(error)
            if rejected.error_count > len(rejected.errors):
                command.stderr.write(f"... and {rejected.error_count - len(rejected.errors)} more.")
            raise CommandError(f"{rejected.error_count} invalid row(s) in {path.name}: nothing was imported.") from None
    command.stdout.write(report.summary())


IMPORTERS: dict[str, Callable[[BaseCommand, Path, dict[str, Any]], None]] = {
    "attendance": _import_attendance,
}
PLANNED = ("pupils", "contacts", "staff", "groups", "behaviour")


class Command(BaseCommand):
    help = "Import a CSV file of one kind (attendance: upn,date,session,code[,minutes_late])."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help=f"What the file holds: {', '.join([*IMPORTERS, *PLANNED])}.")
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; change nothing.")
        parser.add_argument("--school", help="URN of the school (needed when there is more than one).")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"].strip().lower()
        importer = IMPORTERS.get(kind)
        if importer is None:
            if kind in PLANNED:
                raise CommandError(f"Importing “{kind}” is not supported yet. Supported: {', '.join(IMPORTERS)}.")
            raise CommandError(f"Unknown kind “{kind}”. Supported: {', '.join(IMPORTERS)}.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"There is no file {path}.")
        importer(self, path, options)
