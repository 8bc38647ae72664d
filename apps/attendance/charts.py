"""Server-rendered SVG charts for attendance (issue 5): the geometry only, as plain numbers the
templates draw. No JavaScript. Every chart is drawn with `role="img"`, a title and a description,
and is followed on the page by a table of the same data and a CSV link; bands are told apart by
pattern and by text, never by colour alone.

Percentages come from exact counts (domain §1.3) and are rounded only here, for drawing."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .statutory import AttendanceSummary, absence_band, display_pct

#: The persistent-absence line: attendance of 90% is 10% absence (domain §1.3).
PA_LINE_PCT = 90

BAND_LABELS = {
    "ok": "95% or more",
    "risk": "Over 90% and under 95% (at risk)",
    "pa": "90% or less: persistent absence (10% or more absent)",
    "sa": "50% or less: severe absence (50% or more absent)",
    "none": "No sessions",
}


def _num(value: Decimal | Fraction | int) -> float:
    return float(value)


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    label: str  # the week, d/m
    value: str  # "93.3%" or "no sessions"
    band: str


@dataclass(frozen=True)
class ColumnChart:
    width: int
    height: int
    top: int
    plot_height: int
    left: int
    columns: list[Column]
    line_y: float  # the 90% line
    ticks: list[tuple[float, str]]  # (y, label)


def weekly_chart(
    points: list[tuple[str, AttendanceSummary]], *, column: int = 16, plot_height: int = 160
) -> ColumnChart:
    """A column per week, height = attendance %, a dashed line at 90%. Weeks without possible
    sessions get no column (and say so in the table)."""
    left, top, gap = 40, 10, 3
    columns = []
    for i, (label, summary) in enumerate(points):
        x = left + i * column
        if summary.possible_sessions:
            pct = summary.attendance_pct
            h = _num(pct) * plot_height / 100
            value = display_pct(pct) + "%"
        else:
            h, value = 0.0, "no sessions"
        columns.append(Column(x + gap / 2, top + plot_height - h, column - gap, h, label, value, absence_band(summary)))
    ticks = [(top + plot_height - p * plot_height / 100, f"{p}%") for p in (0, 25, 50, 75, 100)]
    return ColumnChart(
        width=left + max(len(points), 1) * column + 10,
        height=top + plot_height + 30,
        top=top,
        plot_height=plot_height,
        left=left,
        columns=columns,
        line_y=top + plot_height - PA_LINE_PCT * plot_height / 100,
        ticks=ticks,
    )


@dataclass(frozen=True)
class Bar:
    y: float
    width: float
    label: str
    value: str
    kind: str  # "pa" or "sa"


@dataclass(frozen=True)
class BarGroup:
    label: str
    y: float
    bars: list[Bar]
    withheld: bool


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    plot_width: int
    groups: list[BarGroup]
    ticks: list[tuple[float, str]]


def rate_bars(
    rows: list[tuple[str, Fraction | None, Fraction | None]], *, plot_width: int = 400, bar: int = 14
) -> BarChart:
    """Horizontal bars, two per group: the PA rate and the SA rate (share of the group's pupils).
    A withheld group (`None` rates, small-number rule) is drawn as a text note, not a bar."""
    left, gap = 190, 10
    groups = []
    y = 10.0
    for label, pa, sa in rows:
        if pa is None or sa is None:
            groups.append(BarGroup(label, y, [], True))
            y += bar + gap
            continue
        bars = [
            Bar(y, _num(pa) * plot_width, label, display_pct(pa * 100) + "%", "pa"),
            Bar(y + bar, _num(sa) * plot_width, label, display_pct(sa * 100) + "%", "sa"),
        ]
        groups.append(BarGroup(label, y, bars, False))
        y += 2 * bar + gap
    ticks = [(left + p * plot_width / 100, f"{p}%") for p in (0, 25, 50, 75, 100)]
    return BarChart(left + plot_width + 60, int(y) + 25, left, plot_width, groups, ticks)


@dataclass(frozen=True)
class HeatCell:
    x: int
    y: int
    value: str  # the rounded attendance %, or "–" with no sessions
    band: str


@dataclass(frozen=True)
class HeatLine:
    label: str
    y: int
    cells: list[HeatCell]
    withheld: bool


@dataclass(frozen=True)
class HeatGrid:
    width: int
    height: int
    cell: int
    row_height: int
    columns: list[tuple[int, str]]  # (x, week label)
    lines: list[HeatLine]


def heat_grid(
    rows: list[tuple[str, list[AttendanceSummary] | None]],
    weeks: list[str],
    *,
    cell: int = 44,
    row_height: int = 24,
    left: int = 130,
    top: int = 30,
) -> HeatGrid:
    """A row per form (or pupil), a column per school week; each cell shows its rounded
    attendance % as text (so colour carries no meaning alone) and its band (fill pattern).
    A withheld row (`None`, small-number rule) is drawn as a note."""
    lines = []
    for r, (label, cells) in enumerate(rows):
        y = top + r * row_height
        drawn = [
            HeatCell(
                left + i * cell,
                y,
                display_pct(c.attendance_pct, 0) if c.possible_sessions else "–",
                absence_band(c),
            )
            for i, c in enumerate(cells or [])
        ]
        lines.append(HeatLine(label, y, drawn, cells is None))
    return HeatGrid(
        width=left + cell * max(len(weeks), 1) + 10,
        height=top + row_height * max(len(rows), 1) + 10,
        cell=cell,
        row_height=row_height,
        columns=[(left + i * cell, w) for i, w in enumerate(weeks)],
        lines=lines,
    )
