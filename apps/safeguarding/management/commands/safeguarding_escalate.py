"""`manage.py safeguarding_escalate [--dry-run]`: alert the DSL team about concerns past their time
limit and owners about overdue actions. Safe to run often: each item is escalated once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from apps.core.models import School
from apps.safeguarding.services import escalate_overdue


class Command(BaseCommand):
    help = "Escalate overdue safeguarding triage and overdue actions to the DSL team."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count what would be escalated; change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        concerns = actions = 0
        for school in School.objects.order_by("name"):
            counts = escalate_overdue(school=school, dry_run=options["dry_run"])
            concerns += counts["concerns"]
            actions += counts["actions"]
        verb = "Would escalate" if options["dry_run"] else "Escalated"
        self.stdout.write(f"{verb} {concerns} overdue concern(s) and {actions} overdue action(s).")
