from __future__ import annotations

import sys
import types
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest


@dataclass(frozen=True)
class FakeTotals:
    positive_points: int = 0
    negative_points: int = 0
    incidents: int = 0
    detentions: int = 0
    suspension_days: Decimal = Decimal("0")
    internal_exclusions: int = 0


@pytest.fixture
def behaviour(monkeypatch: Any) -> dict[int, FakeTotals]:
    """Stands in for `apps.behaviour.selectors.behaviour_totals` (built in parallel): tests put
    {pupil id: totals} in the returned dict; every call records its window in `calls`."""
    figures: dict[int, FakeTotals] = {}
    calls: list[tuple[Any, ...]] = []

    def behaviour_totals(*, school: Any, pupil_ids: Any, start: Any, end: Any) -> dict[int, FakeTotals]:
        calls.append((school, tuple(pupil_ids), start, end))
        return {pid: figures.get(pid, FakeTotals()) for pid in pupil_ids}

    module = types.ModuleType("apps.behaviour.selectors")
    module.behaviour_totals = behaviour_totals  # type: ignore[attr-defined]
    module.calls = calls  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "apps.behaviour.selectors", module)
    import apps.behaviour

    monkeypatch.setattr(apps.behaviour, "selectors", module, raising=False)
    return figures
