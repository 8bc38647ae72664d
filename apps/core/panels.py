"""Home-page panels, collected from each app's `home.py`.

An app may define `panels(request) -> list[Panel]` in `apps/<app>/home.py`. Each panel is shown on
the home page of a user whose roles it suits; the app decides, and returns nothing otherwise. The
home page is therefore fit for each role without one template that knows every module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from typing import Any

from django.apps import apps
from django.http import HttpRequest


@dataclass
class Panel:
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100
    wide: bool = False


@cache
def _providers() -> tuple[Callable[[HttpRequest], list[Panel]], ...]:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("apps."):
            continue
        try:
            module = import_module(f"{config.name}.home")
        except ModuleNotFoundError:
            continue
        found.append(module.panels)
    return tuple(found)


def panels_for(request: HttpRequest) -> list[Panel]:
    result: list[Panel] = []
    for provider in _providers():
        result.extend(provider(request))
    return sorted(result, key=lambda p: p.order)
