"""Deterministic synthetic data for the benchmark, built fast.

The school, its staff, pupils, forms and carers come from the demo builders (`apps/*/demo.py`),
so the bench school looks like the demo school at 1,500 pupils. Attendance marks are written here,
in bulk: PostgreSQL `COPY` (CSV) with the mark table's indexes and foreign-key triggers set aside
and rebuilt afterwards, SQLite `executemany` in one transaction. Other modules (safeguarding,
behaviour, support...) add their rows through their own `demo.py` when they exist at run time.

Everything random comes from `random.Random(seed)`, so the same seed and the same date give the
same data.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.apps import apps as django_apps
from django.db import connection, transaction
from django.utils import timezone

# Present, late, and the absences a secondary school mostly sees, weighted (one entry per weight unit).
ABSENCE_CODES = ["I"] * 55 + ["M"] * 8 + ["O"] * 12 + ["G"] * 8 + ["N"] * 3 + ["C"] * 3 + ["U"] * 6 + ["R"] * 2
# Sessions not counted as possible: rare, so every summary path meets them.
RARE_CODES = ["V", "P", "Y1", "B"]
MARK_COLUMNS = ("school_id", "pupil_id", "date", "session", "code", "minutes_late", "recorded_by_id", "recorded_at")
CORE_BUILDERS = ("core", "accounts", "people")
#: Builders never run by the bench: attendance marks are written here; demo is the command itself.
SKIPPED_BUILDERS = {"attendance", "demo"}


class _Say:
    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    def write(self, text: str) -> None:
        if not self.quiet:
            sys.stderr.write(text if text.endswith("\n") else text + "\n")


@dataclass
class BenchSchool:
    school: Any
    ctx: Any
    pupils: list[Any]
    marks: int
    mark_start: dt.date
    mark_end: dt.date
    timings: dict[str, float] = field(default_factory=dict)
    seeded: list[str] = field(default_factory=list)
    seed_failures: dict[str, str] = field(default_factory=dict)
    #: Pupils with few, typical and many chronology entries (set by the pages measure).
    profile_pupils: list[Any] = field(default_factory=list)


def pupil_propensity(rng: random.Random) -> float:
    """The chance a pupil misses a given day: most pupils rarely, a persistent-absence tail, a few
    severe absentees (roughly the national shape: ~20% PA, ~2% SA)."""
    r = rng.random()
    if r < 0.02:
        return rng.uniform(0.5, 0.8)
    if r < 0.20:
        return rng.uniform(0.10, 0.30)
    return rng.uniform(0.0, 0.07)


def mark_rows(
    rng: random.Random,
    school_id: int,
    pupils: Sequence[tuple[int, dt.date, dt.date | None]],
    sessions: Sequence[tuple[dt.date, str]],
) -> Iterator[tuple[int, int, dt.date, str, str]]:
    """(school_id, pupil_id, date, session, code) for every session each pupil was on roll.
    A whole day's absence has the same code in both sessions."""
    by_day: dict[dt.date, list[str]] = {}
    for day, session in sessions:
        by_day.setdefault(day, []).append(session)
    days = sorted(by_day.items())
    for pupil_id, admitted, left in pupils:
        p_absent = pupil_propensity(rng)
        for day, day_sessions in days:
            if day < admitted or (left is not None and day > left):
                continue
            x = rng.random()
            if x < p_absent:
                code = ABSENCE_CODES[int(rng.random() * len(ABSENCE_CODES))]
                for session in day_sessions:
                    yield school_id, pupil_id, day, session, code
                continue
            for session in day_sessions:
                if session == "AM":
                    code = "L" if x > 0.97 else ("/" if x < 0.998 else RARE_CODES[int(x * 1e6) % len(RARE_CODES)])
                else:
                    code = "\\"
                yield school_id, pupil_id, day, session, code


def write_marks(rows: Iterator[tuple[int, int, dt.date, str, str]], recorded_at: dt.datetime) -> int:
    """Bulk-write marks: COPY on PostgreSQL, executemany on SQLite. Returns the number written."""
    from apps.attendance.models import Mark

    table = Mark._meta.db_table
    columns = ", ".join((*MARK_COLUMNS, "source"))
    count = 0
    if connection.vendor == "postgresql":
        stamp = recorded_at.isoformat()
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:  # type: ignore[union-attr]
                buffer = io.StringIO()
                for school_id, pupil_id, day, session, code in rows:
                    buffer.write(f"{school_id},{pupil_id},{day.isoformat()},{session},{code},,,{stamp},demo\n")
                    count += 1
                    if count % 100_000 == 0:
                        copy.write(buffer.getvalue())
                        buffer = io.StringIO()
                copy.write(buffer.getvalue())
        return count
    stamp_db = connection.ops.adapt_datetimefield_value(recorded_at)
    sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, NULL, NULL, %s, 'demo')"  # noqa: S608
    with connection.cursor() as cursor:
        chunk: list[tuple[Any, ...]] = []
        for school_id, pupil_id, day, session, code in rows:
            chunk.append((school_id, pupil_id, day.isoformat(), session, code, stamp_db))
            if len(chunk) >= 50_000:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


class indexes_set_aside:
    """On PostgreSQL: drop a table's secondary indexes and unique constraints and turn off its
    foreign-key triggers for a bulk load, then rebuild them and VACUUM ANALYZE (so index-only
    scans work as they would on a settled table). Elsewhere: just ANALYZE afterwards."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.saved: list[tuple[str, str, str | None]] = []

    def __enter__(self) -> indexes_set_aside:
        if connection.vendor != "postgresql":
            return self
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT i.relname, pg_get_indexdef(i.oid), c.conname, pg_get_constraintdef(c.oid)
                FROM pg_index x
                JOIN pg_class i ON i.oid = x.indexrelid
                LEFT JOIN pg_constraint c ON c.conindid = i.oid AND c.contype = 'u'
                WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
                """,
                [self.table],
            )
            for index_name, index_def, constraint, constraint_def in cursor.fetchall():
                if constraint:
                    self.saved.append((constraint, constraint_def, "constraint"))
                    cursor.execute(f'ALTER TABLE {self.table} DROP CONSTRAINT "{constraint}"')
                else:
                    self.saved.append((index_name, index_def, None))
                    cursor.execute(f'DROP INDEX "{index_name}"')
            cursor.execute("SET session_replication_role = replica")
        return self

    def __exit__(self, *exc: object) -> None:
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for name, definition, kind in self.saved:
                if kind == "constraint":
                    cursor.execute(f'ALTER TABLE {self.table} ADD CONSTRAINT "{name}" {definition}')
                else:
                    cursor.execute(definition)


def settle(table: str) -> None:
    """Statistics (and on PostgreSQL the visibility map) as on a table in steady use."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {table}")
            cursor.execute("VACUUM ANALYZE people_pupil")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def count_summaries(school: Any) -> float:
    """The marks went in by COPY, past `apply_marks`: count the per-pupil per-year summaries
    set-based, as `manage.py rebuild_attendance_summaries` does. Returns the seconds taken."""
    from apps.attendance import summaries
    from apps.attendance.models import PupilYearSummary

    started = time.perf_counter()
    with transaction.atomic():
        summaries.rebuild(school)
    settle(PupilYearSummary._meta.db_table)
    return time.perf_counter() - started


def _builders() -> list[tuple[str, Any]]:
    found = []
    for config in django_apps.get_app_configs():
        if config.name.startswith("apps."):
            try:
                found.append((config.label, import_module(f"{config.name}.demo").seed))
            except ModuleNotFoundError:
                continue
    return found


def reform(ctx: Any, size: int) -> None:
    """Regroup each year's pupils into forms of `size` (the burst's 60 forms of 25 at 1,500
    pupils), keeping the demo's forms and tutors and adding forms, each with a tutor, as needed."""
    from apps.accounts.models import Membership, Role
    from apps.people.models import Form, Pupil

    staff = [u for u in ctx.staff.get(Role.TEACHER, []) if u.username.startswith("staff")]
    by_year: dict[Any, list[Any]] = {}
    for pupil in ctx.pupils:
        by_year.setdefault(pupil.year_group, []).append(pupil)
    changed = []
    for year, cohort in sorted(by_year.items(), key=lambda item: item[0].number):
        forms = list(Form.objects.filter(school=ctx.school, year_group=year).order_by("name"))
        wanted = max(1, -(-len(cohort) // size))
        for i in range(len(forms), wanted):
            form = Form.objects.create(school=ctx.school, year_group=year, name=f"{year.number}{chr(ord('A') + i)}")
            tutor = staff[(year.number * 13 + i) % len(staff)] if staff else None
            if tutor is not None:
                form.tutors.add(tutor)
            forms.append(form)
        for form in forms:  # tutors of the forms added here must hold the role to take the register
            for tutor in form.tutors.all():
                Membership.objects.get_or_create(user=tutor, school=ctx.school, role=Role.FORM_TUTOR)
        for index, pupil in enumerate(cohort):
            pupil.form = forms[min(index // size, wanted - 1)]
            changed.append(pupil)
    Pupil.objects.bulk_update(changed, ["form"], batch_size=1000)


def build_school(
    pupils: int, years: int, today: dt.date, seed: int = 2026, quiet: bool = True, form_size: int = 25
) -> BenchSchool:
    """The school scale: a demo-like secondary school with `years` complete school years of marks
    and the current year up to yesterday, plus whatever the other modules' demo builders add."""
    from apps.attendance.models import Mark
    from apps.demo.context import DemoContext

    rng = random.Random(f"hearth-bench-{seed}")
    ctx = DemoContext(
        rng=rng,
        today=today,
        pupils_wanted=pupils,
        years=years,
        stdout=_Say(quiet),
        school_spec={
            "name": "Riverbend Academy",
            "urn": "149999",
            "la_code": "999",
            "establishment_number": "4321",
            "main": True,
        },
        is_main_school=True,
        extra={},
    )
    timings: dict[str, float] = {}
    builders = _builders()
    for label, seed_fn in builders:
        if label in CORE_BUILDERS:
            started = time.perf_counter()
            with transaction.atomic():
                seed_fn(ctx)
            timings[f"seed_{label}"] = time.perf_counter() - started
    started = time.perf_counter()
    reform(ctx, form_size)
    timings["forms_of_25"] = time.perf_counter() - started
    school = ctx.school
    calendar = ctx.calendar
    yesterday = today - dt.timedelta(days=1)
    # `years` complete school years of history and the current year up to yesterday, as the demo.
    days = calendar.school_days(ctx.history_start, yesterday)
    sessions = calendar.sessions(days[0], days[-1])
    facts = [(p.pk, p.admission_date, p.leaving_date) for p in ctx.pupils]
    started = time.perf_counter()
    with transaction.atomic(), indexes_set_aside(Mark._meta.db_table):
        count = write_marks(
            mark_rows(random.Random(f"marks-{seed}"), school.pk, facts, sessions),
            timezone.make_aware(dt.datetime.combine(today, dt.time(9, 0))),
        )
    settle(Mark._meta.db_table)
    timings["marks"] = time.perf_counter() - started
    timings["summaries"] = count_summaries(school)
    started = time.perf_counter()
    _chronology_notes(ctx, random.Random(f"notes-{seed}"))
    timings["chronology_notes"] = time.perf_counter() - started
    result = BenchSchool(school, ctx, list(ctx.pupils), count, days[0], days[-1], timings)
    for label, seed_fn in builders:
        if label in CORE_BUILDERS or label in SKIPPED_BUILDERS:
            continue
        started = time.perf_counter()
        try:
            with transaction.atomic():
                seed_fn(ctx)
            result.seeded.append(label)
        except Exception as exc:  # a module's demo that cannot run here is reported, not fatal
            result.seed_failures[label] = f"{type(exc).__name__}: {exc}"[:300]
        timings[f"seed_{label}"] = time.perf_counter() - started
    return result


def _chronology_notes(ctx: Any, rng: random.Random) -> None:
    """Pastoral notes on the chronology at demo-like proportions: most pupils a handful, a few a
    long history (so a profile with many entries is measured as well as one with few)."""
    from apps.accounts.models import Role
    from apps.chronology.models import Confidentiality, Entry, Kind

    authors = ctx.staff.get(Role.PASTORAL, []) + ctx.staff.get(Role.HEAD_OF_YEAR, [])
    levels = [Confidentiality.GENERAL] * 6 + [Confidentiality.PASTORAL] * 3 + [Confidentiality.SAFEGUARDING]
    entries = []
    start = timezone.make_aware(dt.datetime.combine(ctx.history_start, dt.time(9, 0)))
    span = max(1, int((timezone.make_aware(dt.datetime.combine(ctx.today, dt.time(9, 0))) - start).total_seconds()))
    for pupil in ctx.pupils:
        n = rng.choice([0, 1, 2, 3, 4, 5, 6, 8]) if rng.random() > 0.03 else rng.randint(40, 80)
        for _ in range(n):
            entries.append(
                Entry(
                    school=ctx.school,
                    pupil=pupil,
                    occurred_at=start + dt.timedelta(seconds=rng.randrange(span)),
                    kind=rng.choice([Kind.NOTE, Kind.CONTACT]),
                    title=rng.choice(["Conversation with pupil", "Call to parent", "Check-in", "Note from tutor"]),
                    summary="Synthetic benchmark note.",
                    author=rng.choice(authors) if authors else None,
                    confidentiality=rng.choice(levels),
                )
            )
    from apps.chronology.models import Entry as EntryModel

    EntryModel.objects.bulk_create(entries, batch_size=2000)


# Trust scale --------------------------------------------------------------------------------


@dataclass
class BenchTrust:
    trust: Any
    schools: list[Any]
    pupils: int
    marks: int
    year_start: dt.date
    year_end: dt.date
    timings: dict[str, float] = field(default_factory=dict)


def build_trust(schools: int, pupils_per_school: int, year_start: int, seed: int = 2026) -> BenchTrust:
    """The trust scale: `schools` secondary schools of `pupils_per_school` pupils, one school year
    of marks each (from 1 September `year_start`). Only what the trust report reads is built."""
    from apps.attendance.models import Mark
    from apps.core.calendar import SchoolCalendar
    from apps.core.models import School, Trust
    from apps.core.services import create_academic_year
    from apps.people.identifiers import make_upn
    from apps.people.models import Pupil, YearGroup

    rng = random.Random(f"hearth-bench-trust-{seed}")
    timings: dict[str, float] = {}
    started = time.perf_counter()
    trust = Trust.objects.create(name="Bench Learning Trust")
    made: list[School] = []
    pupil_rows: list[Pupil] = []
    start = dt.date(year_start, 9, 1)
    end = dt.date(year_start + 1, 8, 31)
    with transaction.atomic():
        for i in range(schools):
            school = School.objects.create(
                trust=trust,
                name=f"Bench School {i + 1:02d}",
                urn=f"{300000 + i}",
                la_code="998",
                establishment_number=f"{4000 + i}",
                is_academy=True,
            )
            create_academic_year(None, school=school, start_year=year_start)
            made.append(school)
            groups = {n: YearGroup(school=school, number=n) for n in range(7, 12)}
            YearGroup.objects.bulk_create(groups.values())
            per_year = pupils_per_school // 5
            for n, group in groups.items():
                for k in range(per_year):
                    admitted = dt.date(year_start - (n - 7), 9, 1)
                    left = None
                    r = rng.random()
                    if r < 0.03:  # joined during the year
                        admitted = start + dt.timedelta(days=rng.randrange(20, 250))
                    elif r < 0.05:  # left during the year
                        left = start + dt.timedelta(days=rng.randrange(20, 250))
                    pupil_rows.append(
                        Pupil(
                            school=school,
                            legal_forename=f"Pupil{k}",
                            legal_surname=f"Year{n}",
                            date_of_birth=dt.date(year_start - n - 5, 9, 1) + dt.timedelta(days=k % 365),
                            sex="F" if k % 2 else "M",
                            upn=make_upn("998", f"{4000 + i}", year_start - (n - 7), k + 1),
                            admission_date=admitted,
                            leaving_date=left,
                            year_group=group,
                        )
                    )
        Pupil.objects.bulk_create(pupil_rows, batch_size=5000)
    timings["schools_and_pupils"] = time.perf_counter() - started
    calendar = SchoolCalendar.for_school(made[0])  # every bench school has the typical calendar
    sessions = calendar.sessions(start, end)
    by_school: dict[int, list[tuple[int, dt.date, dt.date | None]]] = {}
    for pk, school_id, admitted, left in Pupil.objects.filter(school__trust=trust).values_list(
        "pk", "school_id", "admission_date", "leaving_date"
    ):
        by_school.setdefault(school_id, []).append((pk, admitted, left))

    def all_rows() -> Iterator[tuple[int, int, dt.date, str, str]]:
        marks_rng = random.Random(f"trust-marks-{seed}")
        for school in made:
            yield from mark_rows(marks_rng, school.pk, by_school.get(school.pk, []), sessions)

    started = time.perf_counter()
    with transaction.atomic(), indexes_set_aside(Mark._meta.db_table):
        count = write_marks(all_rows(), timezone.make_aware(dt.datetime.combine(start, dt.time(9, 0))))
    timings["marks_written"] = time.perf_counter() - started
    started = time.perf_counter()
    settle(Mark._meta.db_table)
    timings["vacuum_analyze"] = time.perf_counter() - started
    timings["summaries"] = count_summaries(None)
    return BenchTrust(trust, made, len(pupil_rows), count, start, end, timings)
