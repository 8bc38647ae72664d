"""Display helpers: percentages are rounded only here, never in the measures (domain §1.3)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from apps.attendance import statutory

register = template.Library()


@register.filter
def pct(value: Decimal | None, places: int = 1) -> str:
    if value is None:
        return ""
    return statutory.display_pct(value, places) + "%"


@register.filter
def code_meaning(code: str) -> str:
    found = statutory.CODES.get(code)
    return found.meaning if found else ""


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)
