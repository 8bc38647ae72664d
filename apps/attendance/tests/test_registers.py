from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError
from django.urls import reverse

from apps.attendance import selectors, services
from apps.attendance.models import AttendanceSettings, Mark, MarkHistory, RegisterTaken, Source
from apps.attendance.services import RegisterEntry
from apps.attendance.tests.factories import make_marks
from apps.people.tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 1, 13)
SATURDAY = dt.date(2025, 1, 18)


def take(personas, user=None, entries=None, day=MONDAY, session="AM"):
    return services.take_register(
        user or personas.form_tutor,
        form=personas.pupil.form,
        day=day,
        session=session,
        entries=entries if entries is not None else [RegisterEntry(personas.pupil.pk, "/")],
    )


def test_the_tutor_takes_the_register_and_a_receipt_is_kept(personas):
    result = take(personas)
    assert result.created == 1
    mark = Mark.objects.get(pupil=personas.pupil)
    assert (mark.code, mark.source, mark.recorded_by) == ("/", Source.REGISTER, personas.form_tutor)
    taken = RegisterTaken.objects.get(form=personas.pupil.form, date=MONDAY, session="AM")
    assert taken.taken_by == personas.form_tutor


def test_another_forms_tutor_or_a_teacher_cannot_take_it(personas):
    for user in (personas.teacher, personas.governor, personas.other_school_dsl):
        with pytest.raises(PermissionDenied):
            take(personas, user=user)
    assert not Mark.objects.exists()


def test_no_register_on_a_day_the_school_is_shut(personas):
    with pytest.raises(ValidationError, match="not a school session"):
        take(personas, day=SATURDAY)


def test_late_after_the_register_closes_is_recorded_as_u(personas):
    AttendanceSettings.objects.create(school=personas.school, register_open_minutes=20)
    result = take(personas, entries=[RegisterEntry(personas.pupil.pk, "L", 25)])
    mark = Mark.objects.get(pupil=personas.pupil)
    assert (mark.code, mark.minutes_late) == ("U", 25)
    assert result.converted


def test_late_before_close_stays_l(personas):
    take(personas, entries=[RegisterEntry(personas.pupil.pk, "l", 10)])
    assert Mark.objects.get(pupil=personas.pupil).code == "L"


def test_an_invalid_code_saves_nothing(personas):
    classmate: Any = PupilFactory(
        school=personas.school, year_group=personas.pupil.year_group, form=personas.pupil.form
    )
    with pytest.raises(ValidationError, match="not an attendance code"):
        take(personas, entries=[RegisterEntry(classmate.pk, "/"), RegisterEntry(personas.pupil.pk, "Q9")])
    assert not Mark.objects.exists()
    assert not RegisterTaken.objects.exists()


def test_a_removed_code_is_refused_for_new_marks(personas):
    with pytest.raises(ValidationError, match="removed on 19/08/2024"):
        take(personas, entries=[RegisterEntry(personas.pupil.pk, "H")])


def test_a_mark_changed_by_someone_else_since_loading_is_kept(personas):
    """Two people save the same register: the second, loaded before the first saved, does not
    overwrite the first's mark (no lost update)."""
    make_marks(personas.pupil, {(MONDAY, "AM"): "V"}, source=Source.OFFICE)
    result = take(personas, entries=[RegisterEntry(personas.pupil.pk, "/", seen="")])
    assert Mark.objects.get(pupil=personas.pupil).code == "V"
    assert result.conflicts and "already marked V" in result.conflicts[0]


def test_a_correction_on_the_register_keeps_the_history(personas):
    take(personas, entries=[RegisterEntry(personas.pupil.pk, "N")])
    take(personas, entries=[RegisterEntry(personas.pupil.pk, "L", 5, seen="N")])
    (history,) = MarkHistory.objects.all()
    assert (history.old_code, history.new_code, history.reason) == ("N", "L", services.REGISTER_CORRECTION_REASON)


def test_a_blank_code_leaves_the_pupil_unmarked(personas):
    take(personas, entries=[RegisterEntry(personas.pupil.pk, "")])
    assert not Mark.objects.exists()
    assert RegisterTaken.objects.exists()


def test_a_locked_database_is_retried_and_the_marks_saved(personas):
    real = services.apply_marks
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("database is locked")
        return real(*args, **kwargs)

    with mock.patch.object(services, "apply_marks", side_effect=flaky):
        take(personas)
    assert calls["n"] == 2
    assert Mark.objects.filter(pupil=personas.pupil).count() == 1


def test_other_operational_errors_are_not_retried(personas):
    with (
        mock.patch.object(services, "apply_marks", side_effect=OperationalError("no such table")),
        pytest.raises(OperationalError),
    ):
        take(personas)


def test_completion_lists_missing_registers(personas):
    take(personas)
    statuses = {s.form.name: s for s in selectors.register_completion(personas.school, MONDAY, "AM")}
    assert statuses["9A"].taken is not None
    assert statuses["10B"].taken is None
    assert selectors.register_completion(personas.school, MONDAY, "PM")[0].taken is None


def test_register_page_saves_by_post_and_by_htmx(personas, client_for):
    client = client_for(personas.form_tutor)
    url = reverse("attendance:register", args=[personas.pupil.form_id])
    page = client.get(url, {"date": "2025-01-13", "session": "AM"})
    assert page.status_code == 200
    assert f'name="code-{personas.pupil.pk}" value="/"' in page.content.decode()
    data = {"date": "2025-01-13", "session": "AM", f"code-{personas.pupil.pk}": "n", f"seen-{personas.pupil.pk}": ""}
    response = client.post(url, data)
    assert response.status_code == 302
    assert Mark.objects.get(pupil=personas.pupil).code == "N"
    data[f"code-{personas.pupil.pk}"] = "ZZ"
    response = client.post(url, data, headers={"HX-Request": "true"})
    assert "was not saved" in response.content.decode()
    assert Mark.objects.get(pupil=personas.pupil).code == "N"


def test_amend_by_the_attendance_officer_needs_a_reason(personas, client_for):
    make_marks(personas.pupil, {(MONDAY, "AM"): "N"})
    client = client_for(personas.attendance_officer)
    url = reverse("attendance:amend", args=[personas.pupil.pk])
    response = client.post(url, {"date": "2025-01-13", "session": "AM", "code": "I", "reason": ""})
    assert response.status_code == 200
    assert Mark.objects.get(pupil=personas.pupil).code == "N"
    response = client.post(url, {"date": "2025-01-13", "session": "AM", "code": "I", "reason": "Mum phoned"})
    assert response.status_code == 302
    mark = Mark.objects.get(pupil=personas.pupil)
    assert (mark.code, mark.source) == ("I", Source.OFFICE)
    assert MarkHistory.objects.get().reason == "Mum phoned"


def test_a_form_tutor_cannot_amend_through_the_service(personas):
    with pytest.raises(PermissionDenied):
        services.amend_mark(personas.form_tutor, pupil=personas.pupil, day=MONDAY, session="AM", code="I", reason="x")


def test_pupil_page_shows_percentages_and_calendar(personas, client_for):
    make_marks(personas.pupil, {(MONDAY, "AM"): "/", (MONDAY, "PM"): "N"})
    response = client_for(personas.head_of_year).get(
        reverse("attendance:pupil", args=[personas.pupil.pk]), {"from": "2025-01-13", "to": "2025-01-17"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "50.0%" in body
    assert "Severe absence" in body


def test_saving_a_register_costs_the_same_queries_for_one_pupil_or_many(personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    form = personas.pupil.form
    take(personas)  # the first save also reads the tutor's roles and builds the calendar
    counts = []
    for day in (dt.date(2025, 1, 14), dt.date(2025, 1, 15)):
        with CaptureQueriesContext(connection) as ctx:
            take(personas, day=day, entries=[RegisterEntry(p.pk, "/") for p in form.pupils.all()])
        counts.append(len(ctx.captured_queries))
        for _ in range(3):
            PupilFactory(school=personas.school, year_group=form.year_group, form=form)
        # A pupil's first mark of a school year counts their summary row from the marks (two
        # queries for any number of such pupils, summaries.py): give the new pupils theirs first.
        take(personas, day=day, session="PM", entries=[RegisterEntry(p.pk, "\\") for p in form.pupils.all()])
    assert counts[0] == counts[1]
