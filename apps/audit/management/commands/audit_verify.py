from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.audit.services import verify_chain


class Command(BaseCommand):
    help = "Prove the audit log's hash chain is intact, or report the first broken row."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken, problem = verify_chain()
        if problem:
            where = f"event {broken.pk} ({broken.at:%d/%m/%Y %H:%M:%S})" if broken else "the end of the log"
            raise CommandError(f"Audit chain broken at {where}: {problem}. {checked} events before it are intact.")
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} events verified."))
