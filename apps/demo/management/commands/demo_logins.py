"""Print the demo sign-ins, one per role."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from apps.accounts.demo import DEMO_LOGINS
from apps.accounts.models import Role
from apps.demo.context import DEMO_PASSWORD


class Command(BaseCommand):
    help = "List the demo school's sign-ins for each role."

    def handle(self, *args: Any, **options: Any) -> None:
        labels = dict(Role.choices)
        self.stdout.write("")
        self.stdout.write(f"Demo sign-ins at http://127.0.0.1:8000 (password for every one: {DEMO_PASSWORD})")
        self.stdout.write("")
        self.stdout.write(f"  {'username':<15} role")
        for username, _title, first, last, _job, roles in DEMO_LOGINS:
            role_text = " + ".join(str(labels[r]) for r in roles)
            self.stdout.write(f"  {username:<15} {role_text} ({first} {last})")
        self.stdout.write("  Add 2 to a username (e.g. dsl2) for the same role at the trust's second school.")
        self.stdout.write("")
