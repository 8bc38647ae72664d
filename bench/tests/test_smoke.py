"""`make bench-smoke`: the whole harness at a tiny scale, so it never rots. Checks that every
measure runs and yields numbers (or says why a page is not there yet), not how fast anything is."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MEASURES = ("attendance_summary", "import", "burst", "trust_report")


def test_smoke_runs_every_measure(tmp_path):
    out = tmp_path / "smoke.json"
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    document = json.loads(out.read_text())
    assert {"machine", "versions", "date", "measures"} <= set(document)
    measures = document["measures"]
    databases = {m["database"] for m in measures}
    assert "sqlite" in databases
    for prefix in MEASURES:
        found = [m for m in measures if m["name"].startswith(prefix)]
        assert found, f"no {prefix} measure"
        for m in found:
            assert m["status"] == "ok", m
            assert isinstance(m["value"], float) and math.isfinite(m["value"]), m
            assert isinstance(m["meets"], bool)
    pages = [m for m in measures if m["name"].startswith("pages_")]
    assert any(m["name"].startswith("pages_profile") and m["status"] == "ok" for m in pages)
    for m in pages:
        assert m["status"] in {"ok", "not run"}, m
        if m["status"] == "ok":
            assert m["detail"]["requests"] > 0 and m["detail"]["queries"], m
        else:
            assert m["reason"], m
    for m in measures:
        if m["floor"] is not None:
            assert m["floor"] > 0 and m["ratio"] > 0, m
