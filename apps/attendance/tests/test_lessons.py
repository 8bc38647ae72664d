"""Attendance settings, lesson registers and the post-registration truancy list (issue 5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from apps.attendance import selectors_lessons, services_lessons
from apps.attendance.models import (
    AttendanceSettings,
    LessonMark,
    LessonMarkHistory,
    LessonPeriod,
    LessonRegisterTaken,
    TruancyFollowUp,
)
from apps.attendance.services_lessons import LessonEntry
from apps.attendance.tests.factories import make_marks
from apps.audit.models import AuditEvent, Verb
from apps.chronology.models import Entry
from apps.people.models import TeachingGroup

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 1, 13)
PERIODS = "P1 09:00-10:00 AM\nP2 10:00-11:00 AM\nP3 11:20-12:20 AM\nP4 13:40-14:40 PM\nP5 14:40-15:30 PM"


@pytest.fixture
def lessons_on(personas):
    services_lessons.update_settings(personas.attendance_officer, school=personas.school, lesson_registers=True)
    services_lessons.set_lesson_periods(personas.attendance_officer, school=personas.school, text=PERIODS)
    return {p.name: p for p in LessonPeriod.objects.filter(school=personas.school)}


def _group(personas):
    return TeachingGroup.objects.get(school=personas.school, name="9X/Ma1")


# Settings ------------------------------------------------------------------------------------------


def test_settings_are_changed_by_the_office_and_audited(personas):
    made = services_lessons.update_settings(
        personas.senior_leader, school=personas.school, register_open_minutes=20, lesson_registers=True
    )
    assert (made.register_open_minutes, made.lesson_registers) == (20, True)
    event = AuditEvent.objects.filter(verb=Verb.UPDATE).latest("id")
    assert "register_open_minutes" in event.reason and "lesson_registers" in event.reason


def test_settings_refuse_more_than_30_minutes_and_other_roles(personas):
    with pytest.raises(ValidationError, match="1 to 30 minutes"):
        services_lessons.update_settings(personas.attendance_officer, school=personas.school, register_open_minutes=31)
    with pytest.raises(ValidationError, match="afternoon register must open after"):
        services_lessons.update_settings(
            personas.attendance_officer,
            school=personas.school,
            am_register_opens=dt.time(13, 0),
            pm_register_opens=dt.time(12, 0),
        )
    with pytest.raises(PermissionDenied):
        services_lessons.update_settings(personas.teacher, school=personas.school, lesson_registers=True)
    assert AuditEvent.objects.filter(verb=Verb.DENIED).exists()
    assert not AttendanceSettings.objects.exists()


def test_periods_are_replaced_kept_by_name_and_switched_off_not_deleted(personas, lessons_on):
    p1 = lessons_on["P1"]
    kept = services_lessons.set_lesson_periods(
        personas.attendance_officer, school=personas.school, text="P1 08:50-09:50 AM\nP4 13:40-14:40 PM"
    )
    assert [p.name for p in kept] == ["P1", "P4"]
    p1.refresh_from_db()
    assert p1.starts == dt.time(8, 50)
    assert set(LessonPeriod.objects.filter(active=False).values_list("name", flat=True)) == {"P2", "P3", "P5"}


def test_bad_period_lines_are_named_and_nothing_saved(personas):
    with pytest.raises(ValidationError) as caught:
        services_lessons.set_lesson_periods(
            personas.attendance_officer, school=personas.school, text="P1 09:00-10:00 AM\nbanana\nP2 09:30-10:30 AM"
        )
    text = " ".join(caught.value.messages)
    assert "Line 2" in text and "overlap" in text
    assert not LessonPeriod.objects.exists()


def test_settings_page_saves_through_the_form(personas, client_for):
    client = client_for(personas.attendance_officer)
    response = client.post(
        reverse("attendance:settings"),
        {
            "which": "settings",
            "am_register_opens": "08:45",
            "pm_register_opens": "13:35",
            "register_open_minutes": "45",
            "n_code_limit_school_days": "5",
        },
    )
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 30" in response.content.decode()
    response = client.post(
        reverse("attendance:settings"),
        {"which": "periods", "periods": "P1 09:00-10:00 AM\nP2 10:00-11:00 AM"},
    )
    assert response.status_code == 302
    page = client.get(reverse("attendance:settings")).content.decode()
    assert "P2 10:00-11:00 AM" in page


# Lesson registers ----------------------------------------------------------------------------------


def test_lesson_register_saves_and_amendments_keep_history(personas, lessons_on):
    group, p2 = _group(personas), lessons_on["P2"]
    pid = personas.pupil.pk
    result = services_lessons.take_lesson_register(
        personas.teacher, group=group, period=p2, day=MONDAY, entries=[LessonEntry(pid, "A")]
    )
    assert result.created == 1
    assert LessonRegisterTaken.objects.filter(group=group, period=p2, date=MONDAY).exists()
    result = services_lessons.take_lesson_register(
        personas.teacher, group=group, period=p2, day=MONDAY, entries=[LessonEntry(pid, "L", 10, seen="absent")]
    )
    assert result.amended == 1
    mark = LessonMark.objects.get()
    assert (mark.status, mark.minutes_late) == ("late", 10)
    history = LessonMarkHistory.objects.get()
    assert (history.old_status, history.new_status, history.reason) == (
        "absent",
        "late",
        services_lessons.LESSON_CORRECTION_REASON,
    )


def test_someone_elses_change_is_kept_not_overwritten(personas, lessons_on):
    group, p2 = _group(personas), lessons_on["P2"]
    pid = personas.pupil.pk
    services_lessons.take_lesson_register(
        personas.attendance_officer, group=group, period=p2, day=MONDAY, entries=[LessonEntry(pid, "A")]
    )
    result = services_lessons.take_lesson_register(
        personas.teacher, group=group, period=p2, day=MONDAY, entries=[LessonEntry(pid, "/", seen="")]
    )
    assert result.conflicts and "kept" in result.conflicts[0]
    assert LessonMark.objects.get().status == "absent"


def test_lesson_register_checks(personas, lessons_on):
    group, p2 = _group(personas), lessons_on["P2"]
    pid = personas.pupil.pk
    with pytest.raises(ValidationError, match="is not a lesson mark"):
        services_lessons.take_lesson_register(
            personas.teacher, group=group, period=p2, day=MONDAY, entries=[LessonEntry(pid, "Q")]
        )
    with pytest.raises(ValidationError, match="minutes late go only with L"):
        services_lessons.take_lesson_register(
            personas.teacher, group=group, period=p2, day=MONDAY, entries=[LessonEntry(pid, "A", 5)]
        )
    with pytest.raises(ValidationError, match="not in a school session"):
        services_lessons.take_lesson_register(
            personas.teacher, group=group, period=p2, day=dt.date(2025, 1, 18), entries=[LessonEntry(pid, "A")]
        )
    with pytest.raises(PermissionDenied):
        services_lessons.take_lesson_register(
            personas.other_teacher, group=group, period=p2, day=MONDAY, entries=[LessonEntry(pid, "A")]
        )
    services_lessons.update_settings(personas.attendance_officer, school=personas.school, lesson_registers=False)
    with pytest.raises(ValidationError, match="not in use"):
        services_lessons.take_lesson_register(
            personas.teacher, group=group, period=p2, day=MONDAY, entries=[LessonEntry(pid, "A")]
        )
    assert not LessonMark.objects.exists()


def test_register_page_shows_registration_and_saves_in_one_request(personas, lessons_on, client_for):
    make_marks(personas.pupil, {(MONDAY, "AM"): "V"})
    client = client_for(personas.teacher)
    url = reverse("attendance:lesson_register", args=[_group(personas).pk, lessons_on["P2"].pk])
    page = client.get(url, {"date": MONDAY.isoformat()}).content.decode()
    assert "Attending an educational visit or trip" in page
    assert "Not in lessons" in page
    assert f'name="status-{personas.pupil.pk}" value="A"' in page
    response = client.post(
        url, {"date": MONDAY.isoformat(), f"status-{personas.pupil.pk}": "A"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "Lesson register saved: 1 new" in response.content.decode()
    assert client_for(personas.form_tutor).get(url).status_code == 404


def test_teacher_home_panel_lists_lesson_registers(personas, lessons_on, client_for):
    page = client_for(personas.teacher).get(reverse("core:home")).content.decode()
    assert "Lesson registers to take today" in page
    assert "9X/Ma1" in page


# Post-registration truancy ---------------------------------------------------------------------------


def _absent_from(personas, periods, *names, pupil=None):
    pupil = pupil or personas.pupil
    for name in names:
        services_lessons.take_lesson_register(
            personas.teacher,
            group=_group(personas),
            period=periods[name],
            day=MONDAY,
            entries=[LessonEntry(pupil.pk, "A")],
        )


def test_present_at_registration_then_absent_from_a_lesson_is_listed(personas, lessons_on):
    make_marks(personas.pupil, {(MONDAY, "AM"): "/", (MONDAY, "PM"): "\\"})
    _absent_from(personas, lessons_on, "P2", "P4")
    rows = selectors_lessons.truancy_list(personas.school, MONDAY, viewer=personas.attendance_officer)
    assert [r.pupil for r in rows] == [personas.pupil]
    assert [m.slot.period for m in rows[0].missed] == ["P2", "P4"]
    assert rows[0].missed[0].group == "9X/Ma1"
    assert rows[0].carers and rows[0].carers[0].carer.forename == "Jane"


def test_explained_or_absent_at_registration_is_not_listed(personas, lessons_on):
    make_marks(personas.pupil, {(MONDAY, "AM"): "N", (MONDAY, "PM"): "N"})
    make_marks(personas.other_pupil, {(MONDAY, "AM"): "/", (MONDAY, "PM"): "M"})
    _absent_from(personas, lessons_on, "P2")
    _absent_from(personas, lessons_on, "P4")
    assert selectors_lessons.truancy_list(personas.school, MONDAY, viewer=personas.attendance_officer) == []


def test_follow_up_resolves_goes_on_chronology_and_audit(personas, lessons_on):
    make_marks(personas.pupil, {(MONDAY, "AM"): "/"})
    _absent_from(personas, lessons_on, "P3")
    services_lessons.record_truancy_follow_up(
        personas.pastoral, pupil=personas.pupil, day=MONDAY, outcome="not_found", note="Not in the toilets"
    )
    rows = selectors_lessons.truancy_list(personas.school, MONDAY, viewer=personas.pastoral)
    assert not rows[0].resolved
    services_lessons.record_truancy_follow_up(
        personas.pastoral, pupil=personas.pupil, day=MONDAY, outcome="found_in_school", note="In the library"
    )
    rows = selectors_lessons.truancy_list(personas.school, MONDAY, viewer=personas.pastoral)
    assert rows[0].resolved
    assert selectors_lessons.truancy_pupil_ids(personas.school, MONDAY) == []
    assert Entry.objects.filter(pupil=personas.pupil, title__contains="followed up: Found in school").exists()
    assert AuditEvent.objects.filter(reason="attendance.truancy_follow_up:found_in_school").exists()
    assert TruancyFollowUp.objects.count() == 2


def test_follow_up_checks(personas):
    with pytest.raises(ValidationError, match="Say what happened"):
        services_lessons.record_truancy_follow_up(
            personas.attendance_officer, pupil=personas.pupil, day=MONDAY, outcome="other"
        )
    with pytest.raises(ValidationError, match="Choose what was found"):
        services_lessons.record_truancy_follow_up(
            personas.attendance_officer, pupil=personas.pupil, day=MONDAY, outcome="lost"
        )
    with pytest.raises(PermissionDenied):
        services_lessons.record_truancy_follow_up(
            personas.teacher, pupil=personas.pupil, day=MONDAY, outcome="found_in_school"
        )
    # A head of year follows up only their own years.
    with pytest.raises(PermissionDenied):
        services_lessons.record_truancy_follow_up(
            personas.head_of_year, pupil=personas.other_pupil, day=MONDAY, outcome="found_in_school"
        )
    assert not TruancyFollowUp.objects.exists()


def test_head_of_year_sees_only_their_years(personas, lessons_on):
    group = _group(personas)
    group.pupils.add(personas.other_pupil)
    for pupil in (personas.pupil, personas.other_pupil):
        make_marks(pupil, {(MONDAY, "AM"): "/"})
        _absent_from(personas, lessons_on, "P2", pupil=pupil)
    everyone = selectors_lessons.truancy_list(personas.school, MONDAY, viewer=personas.attendance_officer)
    assert len(everyone) == 2
    mine = selectors_lessons.truancy_list(personas.school, MONDAY, viewer=personas.head_of_year)
    assert [r.pupil for r in mine] == [personas.pupil]


def test_truancy_page_and_follow_up_form(personas, lessons_on, client_for):
    make_marks(personas.pupil, {(MONDAY, "AM"): "/"})
    _absent_from(personas, lessons_on, "P2")
    client = client_for(personas.attendance_officer)
    page = client.get(reverse("attendance:truancy"), {"date": MONDAY.isoformat()}).content.decode()
    assert "To follow up (1)" in page
    assert personas.pupil.full_name in page
    url = reverse("attendance:truancy_follow_up", args=[personas.pupil.pk])
    response = client.post(url, {"date": MONDAY.isoformat(), "outcome": "other"})
    assert "Say what happened in the note" in response.content.decode()
    response = client.post(url, {"date": MONDAY.isoformat(), "outcome": "truanting", "note": "Seen at the shops"})
    assert response.status_code == 302
    page = client.get(reverse("attendance:truancy"), {"date": MONDAY.isoformat()}).content.decode()
    assert "Followed up (1)" in page and "Truanting confirmed" in page


def test_dsl_is_alerted_for_a_pupil_with_a_social_worker(
    personas, lessons_on, monkeypatch, django_capture_on_commit_callbacks
):
    from apps.attendance import services
    from apps.attendance.models import AbsenceAlert

    monkeypatch.setattr(services, "social_worker_pupils", lambda school: {personas.pupil.pk})
    make_marks(personas.pupil, {(MONDAY, "AM"): "/"})
    with django_capture_on_commit_callbacks(execute=True):
        _absent_from(personas, lessons_on, "P2")
    assert AbsenceAlert.objects.filter(pupil=personas.pupil, date=MONDAY).exists()


def test_office_amends_a_lesson_mark_with_a_reason(personas, lessons_on):
    _absent_from(personas, lessons_on, "P2")
    mark = LessonMark.objects.get()
    with pytest.raises(ValidationError, match="Give the reason"):
        services_lessons.amend_lesson_mark(personas.attendance_officer, mark=mark, status="/", reason=" ")
    with pytest.raises(PermissionDenied):
        services_lessons.amend_lesson_mark(personas.teacher, mark=mark, status="/", reason="Was at the nurse")
    services_lessons.amend_lesson_mark(personas.attendance_officer, mark=mark, status="/", reason="Was at the nurse")
    mark.refresh_from_db()
    assert mark.status == "present"
    history = LessonMarkHistory.objects.get()
    assert (history.old_status, history.new_status, history.reason) == ("absent", "present", "Was at the nurse")


def test_lessons_page_off_on_and_filtered_by_year(personas, client_for):
    client = client_for(personas.attendance_officer)
    url = reverse("attendance:lessons")
    assert "not in use at this school" in client.get(url).content.decode()
    services_lessons.update_settings(personas.attendance_officer, school=personas.school, lesson_registers=True)
    services_lessons.set_lesson_periods(personas.attendance_officer, school=personas.school, text=PERIODS)
    other = TeachingGroup.objects.create(school=personas.school, name="10X/En1", subject="English")
    other.pupils.add(personas.other_pupil)
    page = client.get(url, {"date": MONDAY.isoformat()}).content.decode()
    assert "9X/Ma1" in page and "10X/En1" in page
    page = client.get(url, {"date": MONDAY.isoformat(), "year": "9"}).content.decode()
    assert "9X/Ma1" in page and "10X/En1" not in page
    # A teacher sees only the groups they teach.
    page = client_for(personas.teacher).get(url, {"date": MONDAY.isoformat()}).content.decode()
    assert "9X/Ma1" in page and "10X/En1" not in page


def test_profile_shows_recent_lessons_missed_to_the_attendance_team(personas, lessons_on, client_for):
    from django.utils import timezone

    from apps.core.calendar import calendar_for

    today = timezone.localdate()
    day = calendar_for(personas.school).school_days(today - dt.timedelta(days=20), today)[-1]
    make_marks(personas.pupil, {(day, "AM"): "/"})
    services_lessons.take_lesson_register(
        personas.teacher,
        group=_group(personas),
        period=lessons_on["P3"],
        day=day,
        entries=[LessonEntry(personas.pupil.pk, "A")],
    )
    days = selectors_lessons.pupil_truancy_days(personas.school, personas.pupil, day, day)
    assert [(d.day, [m.slot.period for m in d.missed], d.resolved) for d in days] == [(day, ["P3"], False)]
    url = reverse("people:profile", args=[personas.pupil.pk])
    page = client_for(personas.attendance_officer).get(url).content.decode()
    assert "Lessons missed after registration" in page and "Not followed up" in page
    assert "Lessons missed after registration" not in client_for(personas.teacher).get(url).content.decode()


def test_the_lesson_register_menu_entries_show_only_where_the_school_uses_them(personas):
    from apps.accounts import navigation
    from apps.accounts.models import Role
    from apps.attendance.models import AttendanceSettings

    roles = frozenset({Role.TEACHER})
    assert "attendance:lessons" not in {e["name"] for e in navigation.items_for(roles, personas.school)}
    AttendanceSettings.objects.update_or_create(school=personas.school, defaults={"lesson_registers": True})
    assert "attendance:lessons" in {e["name"] for e in navigation.items_for(roles, personas.school)}
    assert "attendance:lessons" not in {e["name"] for e in navigation.items_for(roles)}, "no school, no entry"


def test_truancy_list_downloads_as_csv_with_the_follow_up_and_no_phone_numbers(personas, lessons_on, client_for):
    make_marks(personas.pupil, {(MONDAY, "AM"): "/"})
    make_marks(personas.other_pupil, {(MONDAY, "AM"): "/"})
    _absent_from(personas, lessons_on, "P2", "P4")
    services_lessons.record_truancy_follow_up(
        personas.attendance_officer, pupil=personas.pupil, day=MONDAY, outcome="truanting", note="=Seen at the shops"
    )
    client = client_for(personas.attendance_officer)
    page = client.get(reverse("attendance:truancy"), {"date": MONDAY.isoformat()}).content.decode()
    assert "format=csv" in page
    response = client.get(reverse("attendance:truancy"), {"date": MONDAY.isoformat(), "format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "post-registration-truancy" in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    assert lines[0] == "UPN,Pupil,Form,Registration,Lessons missed,Status,Latest follow-up,Note"
    assert len(lines) == 2
    row = lines[1].split(",")
    assert row[0] == personas.pupil.upn
    assert "P2" in lines[1] and "P4" in lines[1] and "Resolved" in lines[1]
    assert "Truanting confirmed" in lines[1]
    assert row[-1] == "'=Seen at the shops"
    for link in personas.pupil.carer_links.all():
        for _kind, number in link.carer.phone_numbers:
            assert number not in response.content.decode()
    assert AuditEvent.objects.filter(reason="attendance.csv", target_id="post-registration-truancy").exists()
