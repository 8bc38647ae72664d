from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from apps.behaviour import selectors as behaviour_selectors


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
    """Controls `apps.behaviour.selectors.behaviour_totals` for tests about the arithmetic: tests put
    {pupil id: totals} in the returned dict. `test_behaviour_integration.py` uses the real one."""
    figures: dict[int, FakeTotals] = {}

    def behaviour_totals(*, school: Any, pupil_ids: Any, start: Any, end: Any) -> dict[int, FakeTotals]:
        return {pid: figures.get(pid, FakeTotals()) for pid in pupil_ids}

    monkeypatch.setattr(behaviour_selectors, "behaviour_totals", behaviour_totals)
    return figures
