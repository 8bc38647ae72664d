"""Attendance's kinds for `manage.py import_csv` (the hook in apps/core/management/commands/import_csv.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.attendance.csv_io import ImportRejected, import_attendance
from apps.core.management.commands._common import resolve_school


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
