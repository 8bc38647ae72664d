"""What each app's demo builder receives.

`seed_demo` builds one `DemoContext` per demo school and calls `seed(ctx)` in every app's
`demo.py`, lowest layer first (the order of INSTALLED_APPS). A builder reads what earlier layers
made (`ctx.school`, `ctx.staff`, `ctx.pupils`, `ctx.calendar`) and may leave things for later
ones in `ctx.extra`. All randomness comes from `ctx.rng`, so a given seed gives the same school.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

DEMO_PASSWORD = "hearth-demo"  # noqa: S105 - printed for visitors of the demo; never used in production


@dataclass
class DemoContext:
    rng: random.Random
    today: dt.date
    pupils_wanted: int
    years: int
    stdout: Any  # the command's output wrapper
    school_spec: dict[str, Any]
    school: Any = None
    trust: Any = None
    calendar: Any = None
    first_year_start: int = 0
    staff: dict[str, list[Any]] = field(default_factory=dict)  # role value -> users
    pupils: list[Any] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    is_main_school: bool = True

    def user(self, role: str, index: int = 0) -> Any:
        return self.staff[role][index]

    def say(self, message: str) -> None:
        self.stdout.write(f"  {self.school.name if self.school else ''}: {message}\n")

    @property
    def history_start(self) -> dt.date:
        return dt.date(self.first_year_start, 9, 1)

    def random_datetime(self, day: dt.date, start_hour: int = 8, end_hour: int = 16) -> dt.datetime:
        from django.utils import timezone

        minute = self.rng.randrange(start_hour * 60, end_hour * 60)
        naive = dt.datetime.combine(day, dt.time(minute // 60, minute % 60))
        return timezone.make_aware(naive)
