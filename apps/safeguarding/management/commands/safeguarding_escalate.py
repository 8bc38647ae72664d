"""`manage.py safeguarding_escalate [--dry-run]`: alert the DSL team about concerns past their time
limit and referrals without a response, and owners about overdue actions. Safe to run often: each
item is escalated once."""

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
        totals = {"concerns": 0, "actions": 0, "transfers": 0, "due_soon": 0, "referrals": 0}
        for school in School.objects.order_by("name"):
            for key, value in escalate_overdue(school=school, dry_run=options["dry_run"]).items():
                totals[key] += value
        verb = "Would escalate" if options["dry_run"] else "Escalated"
        self.stdout.write(
            f"{verb} {totals['concerns']} overdue concern(s) and {totals['actions']} overdue action(s); "
            f"{totals['transfers']} late CP file transfer(s); {totals['due_soon']} reminder(s) before a due date; "
            f"{totals['referrals']} referral(s) without a response."
        )
