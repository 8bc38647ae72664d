"""CSV downloads of attendance tables: one helper for every table in the module.

A `Table` is what a page shows (caption, column headings, rows of plain values); `csv_response`
turns it into a `text/csv; charset=utf-8` attachment named after the school and the date range,
and records the download in the audit log as an export. The caller has already checked the
permission exactly as for the page that shows the table.

Cells that a spreadsheet would read as a formula (starting with = + - @, or a tab or carriage
return) are prefixed with an apostrophe (OWASP "CSV injection"), so a pupil or carer name typed as
`=HYPERLINK(...)` stays text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.utils.text import slugify

from apps.audit import services as audit
from apps.audit.models import Verb

#: First characters that make a spreadsheet evaluate a cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    """A table as shown on a page: `slug` names the file, `caption` is the page's caption."""

    slug: str
    caption: str
    header: list[str]
    rows: list[list[Any]] = field(default_factory=list)


def safe_cell(value: Any) -> str:
    """The cell as text, with an apostrophe before a leading formula character. Numbers are
    written as they are (a negative number is data, not a formula)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in table.header])
    for row in table.rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


def filename(school: Any, slug: str, start: dt.date | None = None, end: dt.date | None = None) -> str:
    """`<school>-<table>-<from>-<to>.csv`, ASCII only (safe in a Content-Disposition header)."""
    parts = [slugify(getattr(school, "name", "") or "school")[:40] or "school", slugify(slug) or "table"]
    if start is not None:
        parts.append(f"{start:%Y%m%d}")
    if end is not None and end != start:
        parts.append(f"{end:%Y%m%d}")
    return re.sub(r"[^A-Za-z0-9._-]", "", "-".join(parts)) + ".csv"


def csv_response(
    request: Any, table: Table, start: dt.date | None = None, end: dt.date | None = None, *, pupil: Any = None
) -> HttpResponse:
    """The table as a CSV attachment; the download is audited as an export."""
    response = HttpResponse(to_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(request.school, table.slug, start, end)}"'
    audit.record(
        request.user,
        Verb.EXPORT,
        ("attendance.table", table.slug[:64]),
        school=request.school,
        pupil=pupil,
        reason="attendance.csv",
    )
    return response


def wants_csv(request: Any) -> bool:
    return bool(request.GET.get("format") == "csv")


def rows_of(header: Sequence[str], rows: list[list[Any]]) -> list[list[Any]]:
    """Rows padded or cut to the header's width (a withheld group has fewer cells on the page)."""
    width = len(header)
    return [(list(r) + [""] * width)[:width] for r in rows]
