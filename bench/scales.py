"""The scales the harness runs at (issue 8): `smoke` and `trust-smoke` for CI, `school` and
`trust` for `make bench`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    kind: str  # "school" or "trust"
    pupils: int  # per school
    years: int = 2  # school years of marks
    schools: int = 1
    import_rows: int = 0
    import_pupils: int = 0
    reps: int = 3
    import_reps: int = 3
    page_requests: int = 50  # per client thread (4 threads)
    registers: int = 60
    register_size: int = 25
    burst_rounds: int = 10


SCALES = {
    "smoke": Scale(
        "smoke",
        "school",
        pupils=40,
        years=1,
        import_rows=3000,
        import_pupils=20,
        reps=2,
        import_reps=1,
        page_requests=2,
        registers=4,
        register_size=5,
        burst_rounds=2,
    ),
    "school": Scale("school", "school", pupils=1500, years=2, import_rows=1_000_000, import_pupils=1500),
    "trust-smoke": Scale("trust-smoke", "trust", pupils=50, years=1, schools=3, reps=1),
    "trust": Scale("trust", "trust", pupils=1000, years=1, schools=60, reps=3),
    # A sixth of the trust, to estimate the full trust's build and report times quickly.
    "trust-sample": Scale("trust-sample", "trust", pupils=1000, years=1, schools=10, reps=2),
}
