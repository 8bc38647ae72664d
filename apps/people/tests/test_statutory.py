import datetime as dt
from io import StringIO

from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from apps.people.statutory import retention_review_date, subject_access_deadline


def test_retention_is_date_of_birth_plus_25_years():
    assert retention_review_date(dt.date(2008, 3, 14)) == dt.date(2033, 3, 14)
    assert retention_review_date(dt.date(2008, 2, 29)) == dt.date(2033, 2, 28)


def test_subject_access_deadline_is_one_calendar_month():
    assert subject_access_deadline(dt.date(2026, 3, 10)) == dt.date(2026, 4, 10)
    assert subject_access_deadline(dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)
    assert subject_access_deadline(dt.date(2026, 12, 15)) == dt.date(2027, 1, 15)
    assert subject_access_deadline(dt.date(2026, 11, 30), extended=True) == dt.date(2027, 2, 28)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_the_deadline_is_28_to_31_days_later(received):
    days = (subject_access_deadline(received) - received).days
    assert 28 <= days <= 31


def test_retention_review_lists_leavers_only_and_deletes_nothing(personas):
    pupil = personas.pupil
    pupil.date_of_birth = dt.date(1990, 5, 1)
    pupil.leaving_date = dt.date(2008, 7, 20)
    pupil.admission_date = dt.date(2001, 9, 1)
    pupil.save()
    out = StringIO()
    call_command("retention_review", "--on", "01/06/2026", stdout=out)
    assert pupil.upn in out.getvalue() and "1 pupil record(s)" in out.getvalue()
    assert personas.other_pupil.upn not in out.getvalue()
    pupil.refresh_from_db()
