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


def save_register(
    school: Any, actor: Any, pupil_ids: list[int], day: dt.date, session: str, index: int, audited: bool = True
) -> None:
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
        if not audited:  # only to measure what the audit chain's lock costs (docs/performance.md)
            return
        audit.record(
            actor,
            Verb.CREATE,
            ("attendance.register", f"bench{index}:{day:%Y%m%d}{session}"),
            school=school,
            reason=f"attendance.register:{len(rows)}",
        )


def take_register(form: Any, actor: Any, day: dt.date, session: str, index: int) -> None:
    """A form register saved through the attendance service, as the register page saves it."""
    from apps.attendance.services import RegisterEntry
    from apps.attendance.services import take_register as service

    present = "/" if session == "AM" else "\\"
    entries = [
        RegisterEntry(pid, "N" if (pid + index) % 23 == 0 else ("L" if session == "AM" and pid % 31 == 0 else present))
        for pid in form.bench_pupil_ids
    ]
    service(actor, form=form, day=day, session=session, entries=entries)


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
    forms: list[Any] = []
    if spec.get("forms"):
        from apps.people.models import Form

        for form_id in spec["forms"]:
            form = Form.objects.select_related("school", "year_group").get(pk=form_id)
            form.bench_pupil_ids = list(form.pupils.values_list("pk", flat=True))  # type: ignore[attr-defined]
            form_tutor = form.tutors.first()
            form.bench_actor = form_tutor or actor  # type: ignore[attr-defined]
            forms.append(form)
        groups = [f.bench_pupil_ids for f in forms]  # type: ignore[attr-defined]
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
                    if forms:
                        take_register(forms[index], forms[index].bench_actor, day, session, index)
                    else:
                        save_register(school, actor, pupil_ids, day, session, index, spec.get("audited", True))
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
