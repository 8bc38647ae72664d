"""Build the synthetic demo school(s): `manage.py seed_demo [--pupils N] [--years N] [--seed S]`."""

from __future__ import annotations

import random
import time
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from apps.demo.context import DemoContext

SCHOOLS: list[dict[str, Any]] = [
    {"name": "Riverbend Academy", "urn": "149999", "la_code": "999", "establishment_number": "4321", "main": True},
    {
        "name": "Moorside High School",
        "urn": "148888",
        "la_code": "999",
        "establishment_number": "4322",
        "main": False,
        "pupil_share": 0.15,
    },
]


class Command(BaseCommand):
    help = "Make a realistic synthetic secondary school (and a small second school in the same trust)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--pupils", type=int, default=1000, help="Pupils at the main school (default 1000).")
        parser.add_argument("--years", type=int, default=2, help="School years of history (default 2).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed: the same seed gives the same school.")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if a demo school already exists.")

    def handle(self, *args: Any, **options: Any) -> None:
        from apps.core.models import School

        if options["pupils"] < 10:
            raise CommandError("--pupils must be at least 10.")
        if not 1 <= options["years"] <= 5:
            raise CommandError("--years must be between 1 and 5.")
        if School.objects.filter(urn=SCHOOLS[0]["urn"]).exists():
            if options["if_empty"]:
                self.stdout.write("The demo school already exists; nothing to do.")
                return
            raise CommandError("The demo school already exists. Use a fresh database (delete var/demo.sqlite3).")
        builders = []
        for config in apps.get_app_configs():
            if config.name.startswith("apps."):
                try:
                    builders.append((config.label, import_module(f"{config.name}.demo").seed))
                except ModuleNotFoundError:
                    continue
        started = time.monotonic()
        today = timezone.localdate()
        shared: dict[str, Any] = {}
        for spec in SCHOOLS:
            wanted = options["pupils"] if spec["main"] else max(10, int(options["pupils"] * spec["pupil_share"]))
            ctx = DemoContext(
                rng=random.Random(f"{options['seed']}-{spec['urn']}"),
                today=today,
                pupils_wanted=wanted,
                years=options["years"],
                stdout=self.stdout,
                school_spec=spec,
                is_main_school=spec["main"],
                extra=shared,
            )
            self.stdout.write(f"Building {spec['name']} ({wanted} pupils, {options['years']} years of history)")
            for label, seed in builders:
                step = time.monotonic()
                with transaction.atomic():
                    seed(ctx)
                self.stdout.write(f"  {label}: {time.monotonic() - step:.1f}s")
        self.stdout.write(self.style.SUCCESS(f"Demo ready in {time.monotonic() - started:.0f}s."))
