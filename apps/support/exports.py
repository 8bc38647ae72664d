"""CSV downloads of the support tables (every table a chart or report shows can be downloaded):
the intervention impact table and the provision map. Cells are written by the attendance module's
helper (`apps.attendance.exports.safe_cell`: a leading formula character gets an apostrophe) and
files are named by its `filename`, so both modules escape and name downloads the same way; each
download is audited as an export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

from apps.attendance.exports import filename, safe_cell
from apps.audit import services as audit
from apps.audit.models import Verb


def cell(value: Any) -> str:
    """The cell as text, as `safe_cell` writes it (dates d/m/Y, booleans Yes/No, an apostrophe
    before a leading formula character in text), and a Decimal (a cost) as the number it is: a
    negative amount is data, not a formula."""
    if isinstance(value, Decimal):
        return str(value)
    return safe_cell(value)


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([cell(h) for h in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue()


def csv_response(request: Any, slug: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    """`<school>-<slug>.csv` as an attachment, audited as an export."""
    name = filename(request.school, slug)
    response = HttpResponse(to_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    audit.record(request.user, Verb.EXPORT, ("support.table", slug[:64]), school=request.school, reason="support.csv")
    return response


def wants_csv(request: Any) -> bool:
    return bool(request.GET.get("format") == "csv")
