from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from apps.core.fields import EncryptedTextField


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field with HEARTH_FIELD_KEY. Run after moving the old key to "
        "HEARTH_FIELD_KEY_OLD; when it finishes, the old key is no longer needed."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", type=int, default=500, help="Rows per transaction (default 500).")

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for model in apps.get_models():
            fields = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            manager = model._base_manager
            done = 0
            pks = list(manager.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(pks), options["batch"]):
                with transaction.atomic():
                    for row in manager.filter(pk__in=pks[start : start + options["batch"]]).values("pk", *fields):
                        # Read through every key, write with the new one (the field encrypts on save).
                        values = {name: row[name] for name in fields if row[name]}
                        if values:
                            manager.filter(pk=row["pk"]).update(**values)
                            done += 1
            total += done
            self.stdout.write(f"{model._meta.label}: {done} row(s) re-encrypted ({', '.join(fields)}).")
        self.stdout.write(self.style.SUCCESS(f"Done: {total} row(s) now use the current HEARTH_FIELD_KEY."))
