"""`manage.py export_csv KIND --from DATE --to DATE [--out FILE] [--school URN]`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.attendance.csv_io import write_export
from apps.audit import services as audit
from apps.audit.models import Verb

from ._common import date_arg, resolve_school


def _export_attendance(command: BaseCommand, options: dict[str, Any]) -> None:
    school = resolve_school(options.get("school"))
    start, end = date_arg(options["from"]), date_arg(options["to"])
    if end < start:
        raise CommandError("--to is before --from.")
    out: Path | None = options.get("out")
    if out is None:
        count = write_export(school, start, end, sys.stdout)
    else:
        with out.open("w", encoding="utf-8", newline="") as stream:
            count = write_export(school, start, end, stream)
        command.stderr.write(f"Wrote {count} mark(s) to {out}.")
    audit.record("export", Verb.EXPORT, ("attendance.export", f"{start}:{end}"), school=school, reason=f"marks:{count}")


EXPORTERS: dict[str, Callable[[BaseCommand, dict[str, Any]], None]] = {"attendance": _export_attendance}
PLANNED = ("pupils", "contacts", "staff", "groups", "behaviour")


class Command(BaseCommand):
    help = "Export a kind of record as CSV (attendance: the marks held, in the import's columns)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind")
        parser.add_argument("--from", dest="from", required=True, help="First date (2025-01-13 or 13/01/2025).")
        parser.add_argument("--to", dest="to", required=True, help="Last date, included.")
        parser.add_argument("--out", type=Path, help="File to write (default: standard output).")
        parser.add_argument("--school", help="URN of the school (needed when there is more than one).")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"].strip().lower()
        exporter = EXPORTERS.get(kind)
        if exporter is None:
            if kind in PLANNED:
                raise CommandError(f"Exporting “{kind}” is not supported yet. Supported: {', '.join(EXPORTERS)}.")
            raise CommandError(f"Unknown kind “{kind}”. Supported: {', '.join(EXPORTERS)}.")
        exporter(self, options)
