"""The main menu, built from each app's `nav.py`.

Each Hearth app may define `NAV: list[NavItem]` in `apps/<app>/nav.py`. An item shows to a user
holding any of its roles in the current school. Apps add their own entries without editing a
shared template.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import import_module

from django.apps import apps
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    order: int = 100


@cache
def all_items() -> tuple[NavItem, ...]:
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("apps."):
            continue
        try:
            module = import_module(f"{config.name}.nav")
        except ModuleNotFoundError:
            continue
        items.extend(getattr(module, "NAV", []))
    return tuple(sorted(items, key=lambda i: (i.order, i.label)))


def items_for(roles: frozenset[str]) -> list[dict[str, str]]:
    result = []
    for item in all_items():
        if roles & item.roles:
            try:
                result.append({"label": item.label, "url": reverse(item.url_name), "name": item.url_name})
            except NoReverseMatch:
                continue
    return result
