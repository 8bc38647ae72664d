"""The per-pupil per-school-year summaries equal the counts made from the marks, exactly, whatever
was written, amended, imported or changed about the pupil's dates (summaries.py)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.attendance import csv_io, selectors, services, statutory, summaries
from apps.attendance.models import Mark, PupilYearSummary
from apps.attendance.statutory import AttendanceSummary
from apps.attendance.tests.factories import make_marks
from apps.people.models import Pupil

pytestmark = pytest.mark.django_db

# Weekdays either side of the 31 August boundary: two school years (2024/25 and 2025/26).
DAYS = [d for d in (dt.date(2025, 8, 18) + dt.timedelta(days=i) for i in range(35)) if d.weekday() < 5]
CODES = sorted(statutory.CODES)
YEARS = (2024, 2025)


def reference(school: Any, year: int) -> dict[int, AttendanceSummary]:
    """Counted here from the marks and the pupils' current dates, independently of the code."""
    start, end = summaries.year_bounds(year)
    pupils = {p.pk: p for p in Pupil.objects.filter(school=school)}
    counts: dict[int, list[int]] = {}
    for mark in Mark.objects.filter(school=school, date__gte=start, date__lte=end):
        p = pupils[mark.pupil_id]
        if mark.date < p.admission_date or (p.leaving_date is not None and mark.date > p.leaving_date):
            continue
        c = counts.setdefault(mark.pupil_id, [0, 0, 0, 0])
        stat = statutory.stat_of(mark.code)
        c[0] += stat != statutory.Stat.NOT_POSSIBLE
        c[1] += stat in (statutory.Stat.PRESENT, statutory.Stat.AEA)
        c[2] += stat == statutory.Stat.AUTH
        c[3] += stat == statutory.Stat.UNAUTH
    return {pid: AttendanceSummary(*c) for pid, c in counts.items()}


def assert_summaries_right(school: Any) -> None:
    for year in YEARS:
        expected = reference(school, year)
        assert summaries.year_summaries(school, year) == expected
        start, end = summaries.year_bounds(year)
        assert selectors.attendance_summaries(school, None, start, end) == expected
        ids = [*list(expected)[:1], 999_999]
        assert summaries.year_summaries(school, year, ids) == {
            pid: expected.get(pid, AttendanceSummary()) for pid in ids
        }


write = st.tuples(
    st.sampled_from(["pupil", "other_pupil"]),
    st.sampled_from(DAYS),
    st.sampled_from(["AM", "PM"]),
    st.sampled_from(CODES),
)
redate = st.tuples(
    st.just("dates"),
    st.sampled_from(["pupil", "other_pupil"]),
    st.sampled_from(DAYS),
    st.one_of(st.none(), st.sampled_from(DAYS)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.one_of(st.lists(write, min_size=1, max_size=6), redate), min_size=1, max_size=8))
def test_summaries_equal_the_marks_after_any_writes_amends_and_date_changes(personas, steps):
    school = personas.school
    with transaction.atomic():
        for pupil in (personas.pupil, personas.other_pupil):
            Pupil.objects.filter(pk=pupil.pk).update(admission_date=dt.date(2020, 9, 1), leaving_date=None)
        for step in steps:
            if isinstance(step, tuple):  # a change of admission/leaving dates, made behind our back
                _kind, who, admitted, left = step
                if left is not None and left < admitted:
                    admitted, left = left, admitted
                Pupil.objects.filter(pk=getattr(personas, who).pk).update(admission_date=admitted, leaving_date=left)
                continue
            rows = [services.MarkRow(getattr(personas, who).pk, day, session, code) for who, day, session, code in step]
            services.apply_marks(school, rows, actor=None, source="service", reason="Test amendment")
            assert_summaries_right(school)
        assert_summaries_right(school)
        # A set-based recount gives the same rows, now all counted with the current dates.
        summaries.rebuild(school)
        assert_summaries_right(school)
        assert not summaries._fresh_rows([school.pk], 2025, None)[1]
        transaction.set_rollback(True)


def test_a_write_heals_a_row_counted_with_old_dates(personas):
    pupil = personas.pupil
    make_marks(pupil, {(DAYS[0], "AM"): "/", (DAYS[1], "AM"): "O"})
    Pupil.objects.filter(pk=pupil.pk).update(admission_date=DAYS[1])
    row = PupilYearSummary.objects.get(pupil=pupil, year=2024)
    assert row.admission_date != DAYS[1]  # stale: the readers count this pupil from the marks
    assert summaries.year_summaries(personas.school, 2024)[pupil.pk] == AttendanceSummary(1, 0, 0, 1)
    services.apply_marks(
        personas.school, [services.MarkRow(pupil.pk, DAYS[2], "AM", "I")], actor=None, source="service", reason="x"
    )
    row = PupilYearSummary.objects.get(pupil=pupil, year=2024)
    assert (row.admission_date, row.sessions, row.possible, row.authorised, row.unauthorised) == (DAYS[1], 2, 2, 1, 1)


def test_the_import_counts_the_summaries(personas):
    pupil = personas.pupil
    text = "upn,date,session,code\n" + "".join(
        f"{pupil.upn},{day:%Y-%m-%d},{s},{'/' if s == 'AM' else chr(92)}\n" for day in DAYS[:4] for s in ("AM", "PM")
    )
    text += f"{pupil.upn},{DAYS[4]:%Y-%m-%d},AM,G\n"
    csv_io.import_attendance(personas.school, io.StringIO(text))
    assert_summaries_right(personas.school)
    assert summaries.year_summaries(personas.school, 2024)[pupil.pk] == AttendanceSummary(9, 8, 0, 1)


def test_the_trust_report_reads_one_row_per_pupil(personas, django_assert_max_num_queries):
    school = personas.school
    make_marks(personas.pupil, {(d, "AM"): "O" for d in DAYS[:9]} | {(DAYS[9], "AM"): "/"})  # 90% absent
    make_marks(personas.other_pupil, {(d, "AM"): "/" for d in DAYS[:10]})
    other = personas.other_school_pupil
    make_marks(other, {(DAYS[0], "AM"): "/"})
    with django_assert_max_num_queries(1):
        found = summaries.persistent_absence_by_school([school, other.school], 2024)
    assert found == {school.pk: (2, 1, 1), other.school.pk: (1, 0, 0)}
    # A pupil whose dates changed is counted from the marks, still exactly.
    Pupil.objects.filter(pk=personas.pupil.pk).update(admission_date=DAYS[9])  # only the present mark on roll
    assert summaries.persistent_absence_by_school([school, other.school], 2024) == {
        school.pk: (2, 0, 0),
        other.school.pk: (1, 0, 0),
    }


def test_rebuild_command(personas):
    make_marks(personas.pupil, {(DAYS[0], "AM"): "/", (DAYS[-1], "AM"): "I"})
    PupilYearSummary.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_attendance_summaries", stdout=out)
    assert "Counted 2 pupil-year summaries" in out.getvalue()
    assert_summaries_right(personas.school)


def test_a_save_adds_to_the_rows_held_without_recounting(personas):
    """The difference path, not the recount, once a pupil has a row for the year (the recount
    is right too, but reads the pupil's whole year of marks)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pupils = [personas.pupil, personas.other_pupil]
    rows = [services.MarkRow(p.pk, DAYS[0], "AM", "/") for p in pupils]
    services.apply_marks(personas.school, rows, actor=None, source="register", reason="")
    with CaptureQueriesContext(connection) as ctx:
        rows = [services.MarkRow(p.pk, DAYS[1], "AM", "O") for p in pupils]
        services.apply_marks(personas.school, rows, actor=None, source="register", reason="")
    touching = [q["sql"] for q in ctx.captured_queries if "pupilyearsummary" in q["sql"]]
    assert len(touching) == 2 and not any(sql.startswith(("DELETE", "INSERT")) for sql in touching)
    assert_summaries_right(personas.school)
