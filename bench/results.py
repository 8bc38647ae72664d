"""Measures, their floors and targets, and `bench/results.json`."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

RESULTS_FILE = Path(__file__).resolve().parent / "results.json"


@dataclass
class Measure:
    name: str
    database: str
    scale: str
    value: float | None
    unit: str
    target: str
    meets: bool
    floor: float | None = None
    ratio: float | None = None
    spread: dict[str, float] = field(default_factory=dict)
    detail: dict[str, Any] = field(default_factory=dict)
    #: "ok", or "not run" (with `reason`) when the page or module does not exist yet.
    status: str = "ok"
    reason: str = ""


def not_run(name: str, database: str, scale: str, unit: str, target: str, reason: str) -> Measure:
    return Measure(name, database, scale, None, unit, target, False, status="not run", reason=reason)


def repeat(fn: Callable[[], Any], times: int) -> tuple[list[float], Any]:
    """Run `fn` `times` times; return the wall-clock seconds of each run and the last result."""
    durations = []
    result = None
    for _ in range(times):
        started = time.perf_counter()
        result = fn()
        durations.append(time.perf_counter() - started)
    return durations, result


def spread(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median": statistics.median(ordered),
        "min": ordered[0],
        "max": ordered[-1],
        "runs": float(len(ordered)),
    }


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def machine() -> dict[str, Any]:
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        memory = 0
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = []
    return {
        "load_average_at_write": load,
        "hostname": platform.node(),
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(memory / 2**30, 1),
        "platform": platform.platform(),
    }


def versions() -> dict[str, str]:
    import django
    import psycopg

    from hearth import __version__ as hearth_version

    found = {
        "hearth": hearth_version,
        "python": platform.python_version(),
        "django": django.get_version(),
        "psycopg": psycopg.__version__,
    }
    try:
        out = subprocess.run(["psql", "--version"], capture_output=True, text=True, check=False, timeout=10)
        found["postgresql_client"] = out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    import sqlite3

    found["sqlite"] = sqlite3.sqlite_version
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False, timeout=10
        )
        found["commit"] = commit.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return found


def write(measures: list[Measure], path: Path = RESULTS_FILE, **extra: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "machine": machine(),
        "versions": versions(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "measures": [asdict(m) for m in measures],
        **extra,
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
    return document


def table(measures: list[Measure]) -> str:
    rows = [("measure", "db", "scale", "value", "floor", "ratio", "target", "meets")]
    for m in measures:
        rows.append(
            (
                m.name,
                m.database,
                m.scale,
                f"{m.status}: {m.reason}"[:60] if m.value is None else f"{m.value:,.3f} {m.unit}",
                "" if m.floor is None else f"{m.floor:,.3f}",
                "" if m.ratio is None else f"{m.ratio:.2f}",
                m.target,
                "-" if m.status != "ok" else ("yes" if m.meets else "NO"),
            )
        )
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)
