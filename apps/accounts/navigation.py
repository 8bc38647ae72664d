"""The main menu, built from each app's `nav.py`.

Each Hearth app may define `NAV: list[NavItem]` in `apps/<app>/nav.py`. An item shows to a user
holding any of its roles in the current school and, when the item has a `when` test, only where
the school has switched that feature on (e.g. lesson registers). Apps add their own entries without
editing a shared template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from importlib import import_module
from typing import Any

from django.apps import apps
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    order: int = 100
    section: str = ""  # filled in from the app's verbose name: the menu groups items by module
    when: Callable[[Any], bool] | None = None  # given the school: is the feature in use there?


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
        section = str(config.verbose_name)
        items.extend(replace(item, section=item.section or section) for item in getattr(module, "NAV", []))
    return tuple(sorted(items, key=lambda i: (i.order, i.label)))


def items_for(roles: frozenset[str], school: Any = None) -> list[dict[str, str]]:
    """The user's menu entries, in order: label, URL, URL name and section. An item with a `when`
    test shows only in a school where it passes."""
    result = []
    for item in all_items():
        if item.when is not None and (school is None or not item.when(school)):
            continue
        if roles & item.roles:
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            result.append({"label": item.label, "url": url, "name": item.url_name, "section": item.section})
    return result


def menu_for(roles: frozenset[str], current_path: str = "", school: Any = None) -> list[dict[str, Any]]:
    """The menu as groups, one per module in order of its first entry. A module with one entry for
    this user is a plain link; a module with several is a disclosure (`<details>`) of its links,
    so a DSL with thirty entries sees six words, not thirty."""
    groups: dict[str, dict[str, Any]] = {}
    for entry in items_for(roles, school):
        group = groups.setdefault(entry["section"], {"label": entry["section"], "items": [], "current": False})
        group["items"].append(entry)
        if current_path == entry["url"]:
            group["current"] = True
    return list(groups.values())
