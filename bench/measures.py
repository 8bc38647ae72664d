"""The measures, each against its floor and target (issue 8). Run inside a Django process set up
by `bench.run` on one database; pages and the burst start their own processes."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models import Count

from .generate import BenchSchool, BenchTrust, mark_rows
from .results import Measure, not_run, percentile, repeat, spread

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def _summary_floor_sql(placeholders: dict[str, str]) -> str:
    return f"""
        SELECT m.pupil_id,
               SUM(CASE WHEN m.code IN ({placeholders["np"]}) THEN 0 ELSE 1 END),
               SUM(CASE WHEN m.code IN ({placeholders["att"]}) THEN 1 ELSE 0 END),
               SUM(CASE WHEN m.code IN ({placeholders["auth"]}) THEN 1 ELSE 0 END),
               SUM(CASE WHEN m.code IN ({placeholders["unauth"]}) THEN 1 ELSE 0 END)
        FROM attendance_mark m
        JOIN people_pupil p ON p.id = m.pupil_id
        WHERE m.school_id = %s AND m.date >= %s AND m.date <= %s
          AND m.date >= p.admission_date AND (p.leaving_date IS NULL OR m.date <= p.leaving_date)
        GROUP BY m.pupil_id
    """  # noqa: S608 - placeholders only


def _code_sets() -> tuple[dict[str, str], list[str]]:
    from apps.attendance import statutory

    sets = {
        "np": sorted(statutory.NOT_POSSIBLE_CODES),
        "att": sorted(statutory.ATTENDED_CODES),
        "auth": sorted(statutory.AUTHORISED_CODES),
        "unauth": sorted(statutory.UNAUTHORISED_CODES),
    }
    placeholders = {k: ", ".join(["%s"] * len(v)) for k, v in sets.items()}
    params = [*sets["np"], *sets["att"], *sets["auth"], *sets["unauth"]]
    return placeholders, params


def floor_summaries(school_id: int, start: dt.date, end: dt.date) -> dict[int, tuple[int, int, int, int]]:
    """The floor: one hand-written aggregate over the raw marks (same on-roll rule)."""
    placeholders, params = _code_sets()
    with connection.cursor() as cursor:
        cursor.execute(_summary_floor_sql(placeholders), [*params, school_id, start, end])
        return {row[0]: (int(row[1]), int(row[2]), int(row[3]), int(row[4])) for row in cursor.fetchall()}


def summary(db: str, scale: str, built: BenchSchool, reps: int) -> list[Measure]:
    from apps.attendance.selectors import attendance_summaries
    from apps.core.calendar import academic_year_bounds

    # The last complete school year in the data (or the whole range when the data is shorter).
    start, end = academic_year_bounds(built.mark_end - dt.timedelta(days=365))
    if start < built.mark_start:
        start, end = built.mark_start, built.mark_end
    school = built.school

    def hearth() -> dict[int, Any]:
        return attendance_summaries(school, None, start, end)

    def floor() -> dict[int, Any]:
        return floor_summaries(school.pk, start, end)

    hearth() and floor()  # warm caches once; both read the same pages
    hearth_times, hearth_result = repeat(hearth, reps)
    floor_times, floor_result = repeat(floor, reps)
    same = {
        pid: (s.possible_sessions, s.present, s.authorised_absence, s.unauthorised_absence)
        for pid, s in hearth_result.items()
    } == floor_result
    value = statistics.median(hearth_times)
    floor_value = statistics.median(floor_times)
    ratio = value / floor_value if floor_value else None
    meets = ratio is not None and ratio <= 1.5 and (db != "sqlite" or value <= 2.0) and same
    target = "≤ 1.5× floor" + (", ≤ 2 s" if db == "sqlite" else "")
    return [
        Measure(
            f"attendance_summary_{db}",
            db,
            scale,
            value,
            "s",
            target,
            meets,
            floor=floor_value,
            ratio=ratio,
            spread=spread(hearth_times),
            detail={
                "from": start.isoformat(),
                "to": end.isoformat(),
                "pupils": len(hearth_result),
                "floor_spread": spread(floor_times),
                "same_answer_as_floor": same,
            },
        )
    ]


# Import ---------------------------------------------------------------------------------------


def build_import_school(built: BenchSchool, pupils: int) -> Any:
    """A second school with pupils and no marks, for the import (so each run starts clean)."""
    from apps.core.models import School
    from apps.people.identifiers import make_upn
    from apps.people.models import Pupil, YearGroup

    school = School.objects.create(
        trust=built.school.trust, name="Bench Import School", urn="149998", la_code="999", establishment_number="4320"
    )
    group = YearGroup.objects.create(school=school, number=9)
    Pupil.objects.bulk_create(
        [
            Pupil(
                school=school,
                legal_forename=f"Import{i}",
                legal_surname="Pupil",
                date_of_birth=dt.date(2012, 1, 1),
                sex="F",
                upn=make_upn("999", "4320", 2015 + i // 999, i % 999 + 1),
                admission_date=dt.date(2015, 9, 1),
                year_group=group,
            )
            for i in range(pupils)
        ],
        batch_size=2000,
    )
    return school


def write_import_file(school: Any, built: BenchSchool, rows: int, path: Path) -> int:
    from apps.people.models import Pupil

    pupils = list(Pupil.objects.filter(school=school).order_by("pk").values_list("pk", "upn", "admission_date"))
    upns = {pk: upn for pk, upn, _ in pupils}
    sessions = built.ctx.calendar.sessions(built.mark_start, built.mark_end)
    facts = [(pk, admitted, None) for pk, _, admitted in pupils]
    written = 0
    with path.open("w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["upn", "date", "session", "code"])
        for _school, pid, day, session, code in itertools.islice(
            mark_rows(random.Random("import-file"), 0, facts, sessions), rows
        ):
            writer.writerow([upns[pid], day.isoformat(), session, code])
            written += 1
    return written


def _import_once(env: dict[str, str], mode: str, path: Path, urn: str) -> dict[str, Any]:
    out = subprocess.run(
        [PYTHON, "-m", "bench.import_once", "--mode", mode, "--file", str(path), "--school", urn],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"import ({mode}) failed: {out.stderr[-2000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def import_measure(
    db: str, scale: str, built: BenchSchool, rows: int, pupils: int, reps: int, env: dict[str, str], tmp: Path
) -> list[Measure]:
    school = build_import_school(built, pupils)
    path = tmp / "import.csv"
    written = write_import_file(school, built, rows, path)
    quarter = tmp / "import-quarter.csv"
    write_import_file(school, built, max(1, rows // 4), quarter)
    connection.close()
    hearth_runs = [_import_once(env, "hearth", path, school.urn) for _ in range(reps)]
    floor_runs = [_import_once(env, "floor", path, school.urn) for _ in range(reps)]
    quarter_run = _import_once(env, "hearth", quarter, school.urn)
    hearth_rates = [r["rows"] / r["seconds"] for r in hearth_runs]
    floor_rates = [r["rows"] / r["seconds"] for r in floor_runs]
    value = statistics.median(hearth_rates)
    floor_value = statistics.median(floor_rates)
    ratio = value / floor_value
    rss = max(r["max_rss_mb"] for r in hearth_runs)
    meets = ratio >= 1 / 3 and rss < 300 and all(r["rows"] == written for r in hearth_runs)
    return [
        Measure(
            f"import_{db}",
            db,
            scale,
            value,
            "marks/s",
            "≥ 1/3 of floor, < 300 MB RSS",
            meets,
            floor=floor_value,
            ratio=ratio,
            spread=spread(hearth_rates),
            detail={
                "rows": written,
                "peak_rss_mb": rss,
                "peak_rss_mb_quarter_file": quarter_run["max_rss_mb"],
                "quarter_file_rows": quarter_run["rows"],
                "seconds": [r["seconds"] for r in hearth_runs],
                "floor_seconds": [r["seconds"] for r in floor_runs],
                "floor": "COPY into an unindexed table" if db == "postgresql" else "executemany into a bare table",
                "floor_spread": spread(floor_rates),
            },
        )
    ]


# Pages ----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(env: dict[str, str], workers: int = 2) -> Any:
    port = free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "hearth.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "bench.settings"},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"gunicorn did not start: {log.read().decode(errors='replace')[-2000:]}")
            time.sleep(0.3)
        yield port
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        log.close()


def http_load(spec: dict[str, Any]) -> dict[str, Any]:
    out = subprocess.run(
        [PYTHON, "-m", "bench.http_load"],
        cwd=ROOT,
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"http_load failed: {out.stderr[-2000:]}")
    return dict(json.loads(out.stdout))


#: (measure suffix, candidate URL names, user who opens it)
PAGES: list[tuple[str, list[str], str]] = [
    ("profile", ["people:profile"], "dsl"),
    ("chronology", ["chronology:pupil", "chronology:timeline", "chronology:pupil_chronology"], "dsl"),
    ("dsl_queue", ["safeguarding:queue"], "dsl"),
    ("register", ["attendance:register"], "attendance"),
    ("persistent_absence", ["attendance:persistent_absence"], "attendance"),
    ("behaviour_overview", ["behaviour:overview"], "hoy"),
    ("plan_review", ["support:plan_review"], "senco"),
]


def _url_params(name: str) -> list[list[str]] | None:
    """The parameter names of each pattern registered under `namespace:name`, or None."""
    from django.urls import get_resolver

    resolver = get_resolver()
    *namespaces, view = name.split(":")
    for ns in namespaces:
        if ns not in resolver.namespace_dict:
            return None
        resolver = resolver.namespace_dict[ns][1]
    found = resolver.reverse_dict.getlist(view)
    if not found:
        return None
    return [list(params) for possibilities, *_ in found for _fmt, params in possibilities]


def _value_for(param: str, app: str, built: BenchSchool, variant: int) -> Any:
    """A value for a URL parameter from the bench data, by its name."""
    from django.apps import apps as django_apps

    school = built.school
    today = built.ctx.today
    pupils = built.profile_pupils or built.pupils
    base = param.removesuffix("_id").removesuffix("_pk")
    if base in {"pupil"}:
        return pupils[variant % len(pupils)].pk
    if base in {"date", "day", "on"}:
        return built.mark_end.isoformat() if today is None else today.isoformat()
    if base == "session":
        return "AM"
    if base in {"year", "number", "year_number"}:
        return 9
    if base in {"year_group", "yeargroup"}:
        from apps.people.models import YearGroup

        return YearGroup.objects.filter(school=school, number=9).values_list("pk", flat=True).first()
    if base == "form":
        from apps.people.models import Form

        forms = list(Form.objects.filter(school=school).order_by("pk").values_list("pk", flat=True))
        return forms[variant % len(forms)] if forms else None
    if app == "support" and base == "plan":
        # A review page opens only for an active plan the page's user may see: not a closed plan
        # (it redirects) nor a DSL-only Early Help/CIN/CP plan.
        from apps.support.models import SAFEGUARDING_KINDS, PlanStatus, SupportPlan

        plans = list(
            SupportPlan.objects.filter(school=school, status=PlanStatus.ACTIVE)
            .exclude(kind__in=SAFEGUARDING_KINDS)
            .order_by("pk")
            .values_list("pk", flat=True)[:50]
        )
        return plans[variant % len(plans)] if plans else None
    # A model of the app whose name matches the parameter (form_id -> the app's *Form*).
    for model in django_apps.get_app_config(app).get_models():
        label = model.__name__.lower()
        if base in {label, "pk", "id"} or (base and base in label):
            qs = model._default_manager.all()
            if any(f.name == "school" for f in model._meta.fields):
                qs = qs.filter(school=school)
            ids = list(qs.order_by("pk").values_list("pk", flat=True)[:50])
            if ids:
                return ids[variant % len(ids)]
    return None


def resolve_page(names: list[str], built: BenchSchool, variants: int) -> tuple[list[str], str]:
    """Paths for the first URL name that exists (one per variant), or ([], why not)."""
    from django.urls import NoReverseMatch, reverse

    for name in names:
        params = _url_params(name)
        if params is None:
            continue
        app = name.split(":")[0]
        paths: list[str] = []
        for variant in range(variants):
            for names_in_pattern in sorted(params, key=len):
                kwargs = {p: _value_for(p, app, built, variant) for p in names_in_pattern}
                if any(v is None for v in kwargs.values()):
                    continue
                try:
                    paths.append(reverse(name, kwargs=kwargs))
                    break
                except NoReverseMatch:
                    continue
        if paths:
            return sorted(set(paths), key=paths.index), name
        return [], f"{name} exists but no bench data fills its URL parameters"
    return [], f"no page named {' or '.join(names)} yet"


def pages(db: str, scale: str, built: BenchSchool, env: dict[str, str], requests: int) -> list[Measure]:
    from apps.chronology.models import Entry
    from apps.demo.context import DEMO_PASSWORD

    # Profiles of pupils with few, typical and many chronology entries: queries must not grow.
    counts = dict(Entry.objects.filter(school=built.school).values_list("pupil_id").annotate(n=Count("pk")).order_by())
    ordered = sorted(built.pupils, key=lambda p: (counts.get(p.pk, 0), p.pk))
    built.profile_pupils = [ordered[0], ordered[len(ordered) // 2], ordered[-1]]
    target = "p95 ≤ 100 ms, constant queries"
    unit = "ms p95"
    resolved = []
    measures = []
    for suffix, names, user in PAGES:
        paths, why = resolve_page(names, built, 3)
        if not paths:
            measures.append(not_run(f"pages_{suffix}_{db}", db, scale, unit, target, why))
        else:
            resolved.append((suffix, paths, user, why))
    if not resolved:
        return measures
    connection.close()
    with gunicorn(env) as port:
        for suffix, paths, user, name in resolved:
            base = {"port": port, "username": user, "password": DEMO_PASSWORD, "paths": paths}
            http_load({**base, "threads": 2, "requests": max(2, len(paths)), "seconds": 60})  # warm-up
            run = http_load({**base, "threads": 4, "requests": requests, "seconds": 120})
            measures.append(_page_measure(f"pages_{suffix}_{db}", db, scale, unit, target, name, paths, run))
    return measures


def _page_measure(
    name: str, db: str, scale: str, unit: str, target: str, url_name: str, paths: list[str], run: dict[str, Any]
) -> Measure:
    server = [t * 1000 for t in run["server_times"]]
    if not server:
        return not_run(name, db, scale, unit, target, f"no timed responses ({run['errors'][:3]})")
    p95 = percentile(server, 95)
    by_path = run.get("queries_by_path", {})
    query_counts = sorted(set(run["queries"]))
    # Constant: the page with the most rows (e.g. the longest chronology) makes no more queries
    # than the one with the fewest, give or take two (a sibling, a restricted entry).
    per_path = [max(v) for v in by_path.values()] or query_counts or [0]
    constant = max(per_path) - min(per_path) <= 2
    meets = p95 <= 100 and constant and run["error_count"] == 0
    return Measure(
        name,
        db,
        scale,
        p95,
        unit,
        target,
        meets,
        spread={"median": percentile(server, 50), "min": min(server), "max": max(server), "runs": float(len(server))},
        detail={
            "url_name": url_name,
            "paths": paths,
            "p50_ms": percentile(server, 50),
            "p95_ms": p95,
            "p99_ms": percentile(server, 99),
            "cpu_p50_ms": percentile([t * 1000 for t in run.get("server_cpu", [])], 50),
            "cpu_p95_ms": percentile([t * 1000 for t in run.get("server_cpu", [])], 95),
            "client_p50_ms": percentile([t * 1000 for t in run["latencies"]], 50),
            "client_p95_ms": percentile([t * 1000 for t in run["latencies"]], 95),
            "queries": query_counts,
            "queries_by_path": by_path,
            "constant_queries": constant,
            "requests": len(server),
            "errors": run["error_count"],
            "error_examples": run["errors"][:5],
        },
    )


# Registration burst ---------------------------------------------------------------------------


def _burst_run(
    built: BenchSchool,
    env: dict[str, str],
    groups: list[list[int]],
    sessions: list[Any],
    audited: bool,
    forms: list[int] | None = None,
) -> dict[str, Any]:
    from apps.accounts.models import Role

    actor = built.ctx.staff[Role.FORM_TUTOR][0]
    processes = 2
    start_at = time.time() + 3
    workers: list[subprocess.Popen[str]] = []
    connection.close()
    spec_dir = Path(tempfile.mkdtemp(prefix="hearth-bench-burst-"))
    try:
        for w in range(processes):
            spec = {
                "school_id": built.school.pk,
                "actor_id": actor.pk,
                "groups": groups[w::processes],
                "forms": forms[w::processes] if forms else [],
                "sessions": [(d.isoformat(), s) for d, s in sessions],
                "start_at": start_at,
                "audited": audited,
            }
            spec_file = spec_dir / f"spec{w}.json"
            spec_file.write_text(json.dumps(spec))
            workers.append(
                subprocess.Popen(
                    [PYTHON, "-m", "bench.burst_worker", str(spec_file)],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        results = []
        for process in workers:
            out, err = process.communicate(timeout=1200)
            if process.returncode != 0:
                raise RuntimeError(f"burst worker failed: {err[-2000:]}")
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for process in workers:
            if process.poll() is None:
                process.kill()
                process.wait()
        shutil.rmtree(spec_dir, ignore_errors=True)
    latencies = [x for r in results for x in r["latencies"]]
    began = min(r["began"] for r in results)
    ended = max(r["ended"] for r in results)
    return {
        "latencies": latencies,
        "errors": sum(r["error_count"] for r in results),
        "error_examples": [e for r in results for e in r["errors"]][:5],
        "rate": len(latencies) / (ended - began) if ended > began else 0.0,
        "seconds": ended - began,
    }


def burst(
    db: str, scale: str, built: BenchSchool, env: dict[str, str], registers: int, size: int, rounds: int
) -> list[Measure]:
    from apps.people.models import Form

    calendar = built.ctx.calendar
    today = built.ctx.today
    forms = list(
        Form.objects.filter(school=built.school, pupils__isnull=False)
        .distinct()
        .order_by("year_group__number", "name")
        .values_list("pk", flat=True)[:registers]
    )
    groups = [
        list(Form.objects.get(pk=f).pupils.filter(admission_date__lte=today).values_list("pk", flat=True))
        for f in forms
    ]
    size = round(statistics.mean(len(g) for g in groups)) if groups else 0
    future = calendar.sessions(today + dt.timedelta(days=1), today + dt.timedelta(days=400))
    # Each tutor saves their form's register through attendance.services.take_register.
    run = _burst_run(built, env, groups, future[:rounds], audited=True, forms=forms)
    # The same burst on later sessions writing the marks only (apply_marks, no audit event, no
    # RegisterTaken row): what the rest of a save costs.
    bare = _burst_run(built, env, groups, future[rounds : 2 * rounds], audited=False)
    latencies = run["latencies"]
    p99 = percentile(latencies, 99) * 1000 if latencies else float("nan")
    rate = run["rate"]
    meets = rate >= 50 and p99 <= 300 and run["errors"] == 0
    return [
        Measure(
            f"burst_{db}",
            db,
            scale,
            rate,
            "registers/s",
            "≥ 50/s, p99 ≤ 300 ms, 0 errors",
            meets,
            spread={
                "median": percentile(latencies, 50) * 1000 if latencies else 0.0,
                "min": min(latencies, default=0) * 1000,
                "max": max(latencies, default=0) * 1000,
                "runs": float(len(latencies)),
            },
            detail={
                "registers_per_round": len(groups),
                "pupils_per_register": size,
                "rounds": rounds,
                "saves": len(latencies),
                "errors": run["errors"],
                "error_examples": run["error_examples"],
                "p50_ms": percentile(latencies, 50) * 1000 if latencies else None,
                "p99_ms": p99,
                "seconds": run["seconds"],
                "marks_only_registers_per_s": bare["rate"],
                "marks_only_p99_ms": percentile(bare["latencies"], 99) * 1000 if bare["latencies"] else None,
                "marks_only_errors": bare["errors"],
                "via": "apps.attendance.services.take_register as each form's tutor; "
                f"{len(groups)} threads in 2 processes, all saving at once (a barrier) once per simulated minute; "
                "marks_only: apps.attendance.services.apply_marks alone",
            },
        )
    ]


# Trust report ---------------------------------------------------------------------------------


def _pa_by_school_hearth(trust: BenchTrust) -> dict[int, tuple[int, int]]:
    """Hearth's way: the per-pupil per-school-year summary rows (`PupilYearSummary`, kept by
    `apply_marks` and the import), one row per pupil, PA tested on exact integers."""
    from apps.attendance import summaries

    found = summaries.persistent_absence_by_school(trust.schools, trust.year_start.year)
    return {pk: (pa, pupils) for pk, (pupils, pa, _sa) in found.items()}


def _pa_by_school_floor(trust: BenchTrust) -> dict[int, tuple[int, int]]:
    from apps.attendance import statutory

    absent = sorted(statutory.AUTHORISED_CODES | statutory.UNAUTHORISED_CODES)
    np = sorted(statutory.NOT_POSSIBLE_CODES)
    sql = f"""
        SELECT school_id, SUM(CASE WHEN absent * 10 >= possible THEN 1 ELSE 0 END), COUNT(*)
        FROM (
            SELECT m.school_id, m.pupil_id,
                   SUM(CASE WHEN m.code IN ({", ".join(["%s"] * len(np))}) THEN 0 ELSE 1 END) AS possible,
                   SUM(CASE WHEN m.code IN ({", ".join(["%s"] * len(absent))}) THEN 1 ELSE 0 END) AS absent
            FROM attendance_mark m JOIN people_pupil p ON p.id = m.pupil_id
            WHERE m.school_id IN ({", ".join(["%s"] * len(trust.schools))})
              AND m.date >= %s AND m.date <= %s
              AND m.date >= p.admission_date AND (p.leaving_date IS NULL OR m.date <= p.leaving_date)
            GROUP BY m.school_id, m.pupil_id
        ) per_pupil
        WHERE possible > 0
        GROUP BY school_id
    """  # noqa: S608 - placeholders only
    with connection.cursor() as cursor:
        cursor.execute(sql, [*np, *absent, *(s.pk for s in trust.schools), trust.year_start, trust.year_end])
        return {row[0]: (int(row[1]), int(row[2])) for row in cursor.fetchall()}


def trust_report(db: str, scale: str, trust: BenchTrust, reps: int) -> list[Measure]:
    hearth_fn: Callable[[], dict[int, tuple[int, int]]] = lambda: _pa_by_school_hearth(trust)  # noqa: E731
    hearth_times, hearth_result = repeat(hearth_fn, reps)
    floor_times, floor_result = repeat(lambda: _pa_by_school_floor(trust), max(reps, 3))
    value = statistics.median(hearth_times)
    floor_value = statistics.median(floor_times)
    pa = sum(v[0] for v in hearth_result.values())
    pupils = sum(v[1] for v in hearth_result.values())
    return [
        Measure(
            f"trust_report_{db}",
            db,
            scale,
            value,
            "s",
            "≤ 5 s",
            value <= 5.0 and hearth_result == floor_result,
            floor=floor_value,
            ratio=value / floor_value if floor_value else None,
            spread=spread(hearth_times),
            detail={
                "schools": len(trust.schools),
                "pupils": trust.pupils,
                "marks": trust.marks,
                "pa_rate_pct": round(100 * pa / pupils, 2) if pupils else None,
                "same_answer_as_floor": hearth_result == floor_result,
                "floor_spread": spread(floor_times),
                "via": "apps.attendance.summaries.persistent_absence_by_school (PupilYearSummary rows)",
                "summaries_counted_from_marks_seconds": trust.timings.get("summaries"),
                "generation_seconds": trust.timings,
            },
        )
    ]
