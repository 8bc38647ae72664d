"""CSV downloads of the support tables (every table a chart or report shows can be downloaded):
the intervention impact table and the provision map. Cells that a spreadsheet would read as a
formula get a leading apostrophe; each download is audited as an export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.text import slugify

from apps.audit import services as audit
from apps.audit.models import Verb

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """The cell as text: dates d/m/Y, booleans Yes/No, numbers as they are, and an apostrophe
    before a leading formula character in text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([cell(h) for h in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue()


def csv_response(request: Any, slug: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    """`<school>-<slug>.csv` as an attachment, audited as an export."""
    name = re.sub(r"[^A-Za-z0-9._-]", "", f"{slugify(request.school.name)[:40] or 'school'}-{slugify(slug)}") + ".csv"
    response = HttpResponse(to_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    audit.record(request.user, Verb.EXPORT, ("support.table", slug[:64]), school=request.school, reason="support.csv")
    return response


def wants_csv(request: Any) -> bool:
    return bool(request.GET.get("format") == "csv")
