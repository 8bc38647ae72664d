"""One process of the morning registration burst (started by `bench.measures.burst`).

Reads a JSON spec from the file named as its argument: the registers (lists of pupil ids) this
process saves, the sessions (one per simulated minute) and a wall-clock start time. One thread
per register; in each round every thread saves its register at once (a barrier), as tutors do at
08:45. Prints JSON with the latency of each save and the errors."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import threading
import time
from typing import Any


def save_register(school: Any, actor: Any, pupil_ids: list[int], day: dt.date, session: str, index: int) -> None:
    """What saving a form register does: the marks, set-based, and one audit event, in one
    transaction (apps.attendance.services.apply_marks is the writer registers use)."""
    from django.db import transaction

    from apps.attendance.models import Source
    from apps.attendance.services import MarkRow, apply_marks
    from apps.audit import services as audit
    from apps.audit.models import Verb

    present = "/" if session == "AM" else "\\"
    rows = [
        MarkRow(
            pid,
            day,
            session,
            "N" if (pid + index) % 23 == 0 else ("L" if session == "AM" and pid % 31 == 0 else present),
        )
        for pid in pupil_ids
    ]
    with transaction.atomic():
        apply_marks(school, rows, actor=actor, source=Source.REGISTER, reason="")
        audit.record(
            actor,
            Verb.CREATE,
            ("attendance.register", f"bench{index}:{day:%Y%m%d}{session}"),
            school=school,
            reason=f"attendance.register:{len(rows)}",
        )


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.db import connection

    from apps.accounts.models import User
    from apps.core.models import School

    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    school = School.objects.get(pk=spec["school_id"])
    actor = User.objects.get(pk=spec["actor_id"])
    sessions = [(dt.date.fromisoformat(d), s) for d, s in spec["sessions"]]
    groups: list[list[int]] = spec["groups"]
    connection.close()
    barrier = threading.Barrier(len(groups)) if groups else None
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    marks: dict[str, float] = {}
    time.sleep(max(0.0, spec["start_at"] - time.time()))

    def tutor(index: int, pupil_ids: list[int]) -> None:
        from django.db import connection as own

        try:
            for day, session in sessions:
                assert barrier is not None
                barrier.wait()
                started = time.perf_counter()
                with lock:
                    marks.setdefault("began", time.time())
                try:
                    save_register(school, actor, pupil_ids, day, session, index)
                except Exception as exc:
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}"[:200])
                    continue
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    marks["ended"] = time.time()
        finally:
            own.close()

    threads = [threading.Thread(target=tutor, args=(i, g)) for i, g in enumerate(groups)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    now = time.time()
    print(
        json.dumps(
            {
                "latencies": latencies,
                "errors": errors[:20],
                "error_count": len(errors),
                "began": marks.get("began", now),
                "ended": marks.get("ended", now),
            }
        )
    )


if __name__ == "__main__":
    main()
