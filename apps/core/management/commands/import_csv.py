"""`manage.py import_csv KIND FILE [--dry-run] [--school URN] [...]`.

One command for every kind of CSV Hearth takes in. Each module adds its kinds in
`apps/<app>/importers.py`: `IMPORTERS: dict[str, callable(command, path, options)]`, and, when a
kind needs more options, `add_arguments(parser)`. Kinds other modules will add are listed in
`PLANNED` and answered with a clear message until they are built.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser

Importer = Callable[[BaseCommand, Path, dict[str, Any]], None]
PLANNED = ("pupils", "contacts", "staff", "groups", "behaviour")


def importer_modules() -> list[Any]:
    """Every app's `importers` module, in INSTALLED_APPS order."""
    found = []
    for config in apps.get_app_configs():
        if config.name.startswith("apps."):
            try:
                found.append(import_module(f"{config.name}.importers"))
            except ModuleNotFoundError as missing:
                if missing.name != f"{config.name}.importers":
                    raise
    return found


def importers() -> dict[str, Importer]:
    result: dict[str, Importer] = {}
    for module in importer_modules():
        for kind, function in getattr(module, "IMPORTERS", {}).items():
            if kind in result:
                raise CommandError(f"Two modules import “{kind}”: {module.__name__} and another.")
            result[kind] = function
    return result


class Command(BaseCommand):
    help = "Import a CSV file of one kind (attendance: upn,date,session,code[,minutes_late]; see --help for others)."

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = [*importers(), *PLANNED]
        parser.add_argument("kind", help=f"What the file holds: {', '.join(kinds)}.")
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; change nothing.")
        parser.add_argument("--school", help="URN of the school (needed when there is more than one).")
        for module in importer_modules():
            extra = getattr(module, "add_arguments", None)
            if extra is not None:
                extra(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"].strip().lower()
        known = importers()
        importer = known.get(kind)
        if importer is None:
            if kind in PLANNED:
                raise CommandError(f"Importing “{kind}” is not supported yet. Supported: {', '.join(known)}.")
            raise CommandError(f"Unknown kind “{kind}”. Supported: {', '.join(known)}.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"There is no file {path}.")
        importer(self, path, options)
