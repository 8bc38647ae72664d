"""Home panel for those who read the audit log: refused attempts in the last week."""

from __future__ import annotations

from typing import Any

from apps.accounts.models import AUDIT_READERS
from apps.core.panels import Panel

from . import selectors


def panels(request: Any) -> list[Panel]:
    if not request.roles & AUDIT_READERS:
        return []
    return [
        Panel(
            "Record access",
            "audit/_panel_access.html",
            {"denials": selectors.recent_denials(request.school)},
            order=90,
        )
    ]
