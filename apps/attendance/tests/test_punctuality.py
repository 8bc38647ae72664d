"""Punctuality arithmetic (issue 5): L before close, U after close, minutes, % of sessions late."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.attendance import reports, statutory
from apps.attendance.models import Mark
from apps.attendance.statutory import Punctuality
from apps.people.tests.factories import PupilFactory

CODES = ["/", "\\", "L", "U", "I", "O", "N", "Y1", "D", "V", "M"]
marks_strategy = st.lists(
    st.tuples(st.sampled_from(CODES), st.one_of(st.none(), st.integers(0, 90))),
    max_size=60,
)


def reference(marks: list[tuple[str, int | None]]) -> dict[str, Any]:
    """Counted the long way, straight from the definitions."""
    possible = [c for c, _m in marks if c not in statutory.NOT_POSSIBLE_CODES]
    late = [(c, m) for c, m in marks if c in ("L", "U")]
    timed = [m for _c, m in late if m is not None]
    return {
        "possible": len(possible),
        "L": sum(1 for c, _m in late if c == "L"),
        "U": sum(1 for c, _m in late if c == "U"),
        "minutes": sum(timed),
        "average": Fraction(sum(timed), len(timed)) if timed else None,
        "pct": Fraction(100 * len(late), len(possible)) if possible else Fraction(0),
    }


@given(marks_strategy)
def test_punctuality_matches_reference(marks):
    got = statutory.punctuality_of(marks)
    want = reference(marks)
    assert got.possible_sessions == want["possible"]
    assert (got.before_close, got.after_close) == (want["L"], want["U"])
    assert got.late_sessions == want["L"] + want["U"]
    assert got.minutes_total == want["minutes"]
    assert got.average_minutes == want["average"]
    assert got.late_pct == want["pct"]


@given(marks_strategy, marks_strategy)
def test_punctuality_adds_up(a, b):
    assert statutory.punctuality_of(a) + statutory.punctuality_of(b) == statutory.punctuality_of(a + b)


def test_hand_worked_example():
    # 10 sessions: 2 L (5 and 15 minutes), 1 U (no time recorded), 7 present.
    p = statutory.punctuality_of([("L", 5), ("L", 15), ("U", None)] + [("/", None)] * 7)
    assert p == Punctuality(10, 2, 1, 20, 2)
    assert p.late_pct == 30
    assert p.average_minutes == 10  # over the two timed marks, not three


def _marks(pupil: Any, rows: list[tuple[dt.date, str, str, int | None]]) -> None:
    now = timezone.now()
    Mark.objects.bulk_create(
        [
            Mark(school_id=pupil.school_id, pupil=pupil, date=d, session=s, code=c, minutes_late=m, recorded_at=now)
            for d, s, c, m in rows
        ]
    )


MON = dt.date(2025, 1, 13)


@pytest.mark.django_db
def test_sql_counts_match_the_reference_and_respect_the_roll(personas):
    pupil = personas.pupil
    rows = [
        (MON, "AM", "L", 10),
        (MON, "PM", "/", None),
        (MON + dt.timedelta(days=1), "AM", "U", 40),
        (MON + dt.timedelta(days=1), "PM", "L", None),
        (MON + dt.timedelta(days=2), "AM", "Y1", None),
    ]
    _marks(pupil, rows)
    joiner: Any = PupilFactory(school=personas.school, year_group=pupil.year_group, admission_date=MON)
    _marks(joiner, [(MON - dt.timedelta(days=3), "AM", "L", 5), (MON, "AM", "L", 7)])  # first is before joining
    found = reports.punctuality_by_pupil(personas.school, MON - dt.timedelta(days=7), MON + dt.timedelta(days=4))
    assert found[pupil.pk] == statutory.punctuality_of([(c, m) for _d, _s, c, m in rows])
    assert found[pupil.pk] == Punctuality(4, 2, 1, 50, 2)
    assert found[joiner.pk] == Punctuality(1, 1, 0, 7, 1)


@pytest.mark.django_db
def test_groups_are_withheld_when_small_and_pupils_listed_when_visible(personas):
    _marks(personas.pupil, [(MON, "AM", "L", 10), (MON, "PM", "/", None)])
    _marks(personas.other_pupil, [(MON, "AM", "/", None), (MON, "PM", "/", None)])
    rows, total = reports.punctuality_report(personas.school, MON, MON, "year")
    assert [r.label for r in rows] == ["Year 9", "Year 10"]  # natural order, not string order
    assert all(r.suppressed for r in rows)
    assert total.figures == Punctuality(4, 1, 0, 10, 1)
    assert total.suppressed  # two pupils in the whole school: still identifiable
    pupils, _total = reports.punctuality_report(personas.school, MON, MON, "pupil")
    assert [r.pupil for r in pupils] == [personas.pupil]  # only pupils with a late mark


@pytest.mark.django_db
def test_page_and_csv(personas, client_for):
    _marks(personas.pupil, [(MON, "AM", "L", 10), (MON, "PM", "U", 35)])
    client = client_for(personas.attendance_officer)
    url = reverse("attendance:punctuality")
    page = client.get(url, {"by": "pupil", "from": "2025-01-13", "to": "2025-01-13"})
    assert page.status_code == 200
    assert "Testpupil" in page.content.decode()
    response = client.get(url, {"by": "pupil", "from": "2025-01-13", "to": "2025-01-13", "format": "csv"})
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("UPN,Pupil,Pupils,Possible sessions,Late before close (L)")
    assert lines[1].endswith(",1,2,1,1,2,100.0,45,22.5")
    form_tutor = client_for(personas.form_tutor)
    other = client_for(personas.governor)
    assert other.get(url, {"by": "pupil"}).status_code == 403
    assert form_tutor.get(url, {"by": "pupil"}).status_code == 200


SESSIONS = [(MON + dt.timedelta(days=d), s) for d in range(5) for s in ("AM", "PM")]


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(CODES), st.one_of(st.none(), st.integers(0, 90))), min_size=10, max_size=10))
def test_sql_matches_the_reference_for_any_week(personas, week):
    """The GROUP BY in SQL against the reference count, for any codes and minutes in a week."""
    Mark.objects.filter(pupil=personas.pupil).delete()
    _marks(personas.pupil, [(d, s, c, m) for (d, s), (c, m) in zip(SESSIONS, week, strict=True)])
    found = reports.punctuality_by_pupil(personas.school, MON, MON + dt.timedelta(days=4))
    assert found[personas.pupil.pk] == statutory.punctuality_of(week)
