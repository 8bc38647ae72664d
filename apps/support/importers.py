"""Support's kinds for `manage.py import_csv`:

- `attainment FILE`: `upn,subject,assessed_on,value[,target]` for pupils of the school.
- `provider_attendance FILE --placement ID`: `upn,date,session,attended` (Y/N) from the provider of
  one placement, written as the same marks as entry on the placement page.

Both are all or nothing, report each wrong row with its line number, and take `--dry-run`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.attendance.csv_io import ImportRejected
from apps.core.management.commands._common import resolve_school

from .csv_import import ImportResult, import_attainment, import_provider_attendance


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--placement", type=int, help="provider_attendance: the placement's id (on its page).")
    parser.add_argument(
        "--measure", default="Working-at grade", help="attainment: what the values measure (default: working-at grade)."
    )


def _run(command: BaseCommand, path: Path, work: Callable[[Any], ImportResult]) -> None:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        try:
            result = work(stream)
        except ImportRejected as rejected:
            for error in rejected.errors:
                command.stderr.write(error)
            if rejected.error_count > len(rejected.errors):
                command.stderr.write(f"... and {rejected.error_count - len(rejected.errors)} more.")
            raise CommandError(f"{rejected.error_count} invalid row(s) in {path.name}: nothing was imported.") from None
    command.stdout.write(result.summary())


def _import_attainment(command: BaseCommand, path: Path, options: dict[str, Any]) -> None:
    school = resolve_school(options.get("school"))
    _run(
        command,
        path,
        lambda stream: import_attainment(
            school,
            stream,
            source_name=path.name,
            measure=options.get("measure") or "Working-at grade",
            dry_run=options["dry_run"],
        ),
    )


def _import_provider_attendance(command: BaseCommand, path: Path, options: dict[str, Any]) -> None:
    from .models import Placement

    if not options.get("placement"):
        raise CommandError("Say which placement the file is for: --placement ID.")
    school = resolve_school(options.get("school"))
    placement = (
        Placement.objects.filter(school=school, pk=options["placement"]).select_related("pupil", "provider").first()
    )
    if placement is None:
        raise CommandError(f"There is no placement {options['placement']} at {school.name}.")
    _run(command, path, lambda stream: import_provider_attendance(placement, stream, dry_run=options["dry_run"]))


IMPORTERS: dict[str, Callable[[BaseCommand, Path, dict[str, Any]], None]] = {
    "attainment": _import_attainment,
    "provider_attendance": _import_provider_attendance,
}
