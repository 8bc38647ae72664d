"""`python -m bench.report [results.json]`: the figures as a Markdown table, for
docs/performance.md."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .results import RESULTS_FILE


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return ""
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"
    return f"{text} {unit}".strip()


def markdown(document: dict[str, Any]) -> str:
    lines = [
        f"Run of {document['date']} on {document['machine'].get('cpus')} CPUs "
        f"({document['machine'].get('cpu', '')}), load average at the end "
        f"{document['machine'].get('load_average_at_write')}; commit {document['versions'].get('commit', '')}.",
        "",
        "| measure | database | scale | value | floor | ratio | target | met | notes |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for m in document["measures"]:
        d = m.get("detail", {})
        notes = ""
        if m["status"] != "ok":
            notes = f"{m['status']}: {m['reason']}"
        elif m["name"].startswith("pages_"):
            notes = (
                f"p50 {d['p50_ms']:.0f} ms, p99 {d['p99_ms']:.0f} ms, CPU p50/p95 {d.get('cpu_p50_ms', 0):.0f}/"
                f"{d.get('cpu_p95_ms', 0):.0f} ms, {d['queries']} queries, "
                f"{d['requests']} requests, {d['errors']} errors"
            )
        elif m["name"].startswith("import_"):
            notes = (
                f"{d['rows']:,} rows, peak RSS {d['peak_rss_mb']:.0f} MB "
                f"({d['peak_rss_mb_quarter_file']:.0f} MB for a ¼ file)"
            )
        elif m["name"].startswith("burst_"):
            notes = (
                f"{d['registers_per_round']}×{d['pupils_per_register']} pupils × {d['rounds']} rounds; p50 "
                f"{d['p50_ms']:.0f} ms, p99 {d['p99_ms']:.0f} ms, {d['errors']} errors; marks alone "
                f"(apply_marks) {d['marks_only_registers_per_s']:.0f}/s"
            )
        elif m["name"].startswith("trust_report"):
            notes = (
                f"{d['schools']} schools, {d['marks']:,} marks, PA {d['pa_rate_pct']}%, same answer as floor: "
                f"{d['same_answer_as_floor']}; summaries counted from the marks in "
                f"{d.get('summaries_counted_from_marks_seconds') or 0:.1f} s"
            )
        elif m["name"].startswith("attendance_summary"):
            notes = f"{d['pupils']} pupils, {d['from']} to {d['to']}, same answer as floor: {d['same_answer_as_floor']}"
        ratio = "" if m["ratio"] is None else f"{m['ratio']:.2f}"
        lines.append(
            f"| {m['name']} | {m['database']} | {m['scale']} | {_fmt(m['value'], m['unit'])} | "
            f"{_fmt(m['floor'])} | {ratio} | {m['target']} | "
            f"{'-' if m['status'] != 'ok' else ('yes' if m['meets'] else '**no**')} | {notes} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else RESULTS_FILE
    print(markdown(json.loads(path.read_text())))
