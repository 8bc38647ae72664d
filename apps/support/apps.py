from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


def _default_plan_types(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """A new school starts with the default plan types (it can change them on the settings page)."""
    if created and not raw:
        from .services import ensure_plan_types

        ensure_plan_types(instance)


class SupportConfig(AppConfig):
    name = "apps.support"
    label = "support"

    def ready(self) -> None:
        post_save.connect(_default_plan_types, sender="core.School", dispatch_uid="support.default_plan_types")
