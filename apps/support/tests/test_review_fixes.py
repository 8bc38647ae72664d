"""Fixes from the support review (issue 7): each test failed before its fix."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from apps.attendance import services as attendance
from apps.attendance.models import Mark
from apps.support.csv_import import import_provider_attendance
from apps.support.models import ProviderKind
from apps.support.tests.factories import make_placement, make_provider

MON = dt.date(2026, 9, 14)
WED = dt.date(2026, 9, 16)


def placement(p, kind=ProviderKind.APPROVED_ACTIVITY):
    return make_placement(
        school=p.school,
        pupil=p.pupil,
        keyworker=p.pastoral,
        provider=make_provider(school=p.school, kind=kind, name="Riverside Farm"),
        starts_on=MON,
        weekdays="0,2",
        sessions="AM,PM",
    )


def marks(pupil):
    return {(m.date, m.session): m.code for m in Mark.objects.filter(pupil=pupil)}


# 1. A provider's file never undoes the attendance office's corrections ------------------------------


def test_reimporting_a_provider_file_keeps_the_offices_corrections(personas):
    found = placement(personas)
    upn = personas.pupil.upn
    text = (
        "upn,date,session,attended\n"
        f"{upn},14/09/2026,AM,Y\n"
        f"{upn},14/09/2026,PM,N\n"
        f"{upn},16/09/2026,AM,N\n"
        f"{upn},16/09/2026,PM,Y\n"
    )
    import_provider_attendance(found, io.StringIO(text), actor=personas.pastoral)
    assert marks(personas.pupil) == {(MON, "AM"): "B", (MON, "PM"): "N", (WED, "AM"): "N", (WED, "PM"): "B"}
    # The office resolves one N with evidence, and records another session as a medical appointment.
    attendance.amend_mark(
        personas.attendance_officer, pupil=personas.pupil, day=MON, session="PM", code="I", reason="GP letter"
    )
    attendance.amend_mark(
        personas.attendance_officer, pupil=personas.pupil, day=WED, session="PM", code="M", reason="Dentist"
    )
    # The provider's cumulative file comes again, correcting its own WED AM to attended.
    again = text.replace(f"{upn},16/09/2026,AM,N", f"{upn},16/09/2026,AM,Y")
    dry = import_provider_attendance(found, io.StringIO(again), actor=personas.pastoral, dry_run=True)
    assert dry.written == 2 and len(dry.kept) == 2
    result = import_provider_attendance(found, io.StringIO(again), actor=personas.pastoral)
    assert marks(personas.pupil) == {(MON, "AM"): "B", (MON, "PM"): "I", (WED, "AM"): "B", (WED, "PM"): "M"}
    assert result.written == 2
    assert result.summary() == (
        "4 row(s) checked; 2 imported. 2 attended, 0 missed. 2 kept: "
        "14/09/2026 PM kept: already recorded as I by the school. "
        "16/09/2026 PM kept: already recorded as M by the school."
    )


def test_the_placement_page_says_which_sessions_were_kept(personas, client_for):
    found = placement(personas)
    attendance.record_marks(
        None, school=personas.school, pupil=personas.pupil, sessions=[(MON, "AM")], code="I", reason="Ill"
    )
    client = client_for(personas.pastoral)
    url = reverse("support:placement", args=[found.pk])
    response = client.post(
        url, {"form": "attendance", "att-day": "14/09/2026", "att-am": "missed", "att-pm": "attended"}, follow=True
    )
    body = response.content.decode()
    assert "14/09/2026 AM kept: already recorded as I by the school." in body
    assert marks(personas.pupil) == {(MON, "AM"): "I", (MON, "PM"): "B"}
    upload = SimpleUploadedFile(
        "week.csv", f"upn,date,session,attended\n{personas.pupil.upn},14/09/2026,AM,Y\n".encode()
    )
    body = client.post(url, {"form": "import", "csv-file": upload}, follow=True).content.decode()
    assert "14/09/2026 AM kept: already recorded as I by the school." in body
    assert marks(personas.pupil)[(MON, "AM")] == "I"


# 2. Refusing a reduced week keeps the audit of the refusal ------------------------------------------


def test_a_refused_reduced_week_is_audited_and_nothing_is_created(personas, monkeypatch):
    import pytest
    from django.core.exceptions import PermissionDenied

    from apps.attendance.models import PartTimeTimetable
    from apps.audit.models import AuditEvent, Verb
    from apps.support import services
    from apps.support.models import SupportPlan
    from apps.support.services import PartTimeAgreement, PhaseSpec, PlanContent, TargetSpec

    # A member of the pastoral team whom the attendance module does not let start a timetable.
    monkeypatch.setattr("apps.attendance.rules.may_manage", lambda user, school: False)
    monkeypatch.setattr("apps.attendance.services.may_manage", lambda user, school: False)
    with pytest.raises(PermissionDenied, match="Only the attendance office starts a part-time timetable"):
        services.create_reintegration(
            personas.pastoral,
            pupil=personas.pupil,
            keyworker=personas.pastoral,
            reason="long_absence",
            started_on=MON,
            content=PlanContent(barriers="Anxiety.", targets=[TargetSpec("Attend every morning")]),
            phases=[PhaseSpec(MON, dt.date(2026, 9, 18), "Mornings only", "", True, ("0AM", "1AM"))],
            part_time=PartTimeAgreement(parent_agreed_on=dt.date(2026, 9, 11), not_to_manage_behaviour=True),
        )
    assert not SupportPlan.objects.exists() and not PartTimeTimetable.objects.exists()
    denied = AuditEvent.objects.filter(verb=Verb.DENIED, reason="attendance.start_part_time_timetable")
    assert denied.filter(actor=personas.pastoral).count() == 1


# 5. A double submit links one timetable, and leaves none orphaned ------------------------------------


def test_linking_a_phase_twice_from_stale_pages_starts_one_timetable(personas):
    import pytest
    from django.core.exceptions import ValidationError

    from apps.attendance.models import PartTimeTimetable
    from apps.support import services
    from apps.support.models import ReintegrationPhase
    from apps.support.tests.factories import make_reintegration

    plan = make_reintegration(personas.pupil, personas.pastoral)
    first = plan.reintegration.phases.order_by("starts_on").first()
    # Both submits loaded the phase before either wrote.
    one, two = ReintegrationPhase.objects.get(pk=first.pk), ReintegrationPhase.objects.get(pk=first.pk)
    agreed: dict[str, Any] = {"parent_agreed_on": dt.date(2026, 9, 11), "not_to_manage_behaviour": True}
    services.link_phase_part_time(personas.pastoral, phase=one, attended_sessions=["0AM", "1AM"], **agreed)
    with pytest.raises(ValidationError, match="already linked"):
        services.link_phase_part_time(personas.pastoral, phase=two, attended_sessions=["0AM", "1AM"], **agreed)
    assert PartTimeTimetable.objects.filter(pupil=personas.pupil).count() == 1
    first.refresh_from_db()
    assert first.part_time_id == PartTimeTimetable.objects.get().pk


# 4. Importing the same attainment file twice adds nothing --------------------------------------------


def test_the_same_attainment_file_twice_is_held_once(personas):
    import pytest

    from apps.attendance.csv_io import ImportRejected
    from apps.support.csv_import import import_attainment
    from apps.support.models import AttainmentRecord

    upn, other = personas.pupil.upn, personas.sibling.upn
    autumn = f"upn,subject,assessed_on,value,target\n{upn},Maths,01/10/2026,5,6\n{other},English,01/10/2026,4,\n"
    import_attainment(personas.school, io.StringIO(autumn), source_name="autumn.csv")
    again = import_attainment(personas.school, io.StringIO(autumn + f"{upn},Science,01/10/2026,6,\n"))
    assert (again.written, again.summary()) == (1, "3 row(s) checked; 1 imported. 2 already held (skipped).")
    assert AttainmentRecord.objects.count() == 3
    changed = f"upn,subject,assessed_on,value\n{other},Art,01/10/2026,3\n{upn},maths,2026-10-01,4\n"
    with pytest.raises(ImportRejected) as rejected:
        import_attainment(personas.school, io.StringIO(changed))
    assert rejected.value.errors == [
        "Line 3: already holds 5 (target 6) for Maths on 01/10/2026; an import does not change a figure held "
        "(see the pupil's attainment page)."
    ]
    assert AttainmentRecord.objects.count() == 3  # the whole file refused, Art too
    # Another measure on the same day is a different figure.
    import_attainment(personas.school, io.StringIO(changed), measure="Predicted grade")
    assert AttainmentRecord.objects.count() == 5


def test_the_attainment_page_refuses_a_figure_held(personas, client_for):
    import pytest
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    from apps.support import services
    from apps.support.models import AttainmentRecord

    on = dt.date(2026, 10, 1)
    services.record_attainment(personas.pastoral, pupil=personas.pupil, subject="Maths", assessed_on=on, value="5")
    with pytest.raises(ValidationError, match="5 is already recorded for Maths on 01/10/2026"):
        services.record_attainment(personas.pastoral, pupil=personas.pupil, subject="maths", assessed_on=on, value="6")
    with pytest.raises(IntegrityError), transaction.atomic():
        AttainmentRecord.objects.create(
            school=personas.school, pupil=personas.pupil, subject="Maths", assessed_on=on, value="5"
        )
    assert AttainmentRecord.objects.get().value == "5"


# 6. One escaping rule for every CSV download ----------------------------------------------------------


@given(st.one_of(st.text(max_size=12), st.integers(), st.booleans(), st.dates(), st.none()))
def test_support_cells_are_escaped_by_the_attendance_helper(value):
    from apps.attendance import exports as attendance_exports
    from apps.support import exports

    assert exports.safe_cell is attendance_exports.safe_cell and exports.filename is attendance_exports.filename
    assert exports.cell(value) == attendance_exports.safe_cell(value)


def test_a_negative_cost_stays_a_number_and_a_formula_stays_text():
    from decimal import Decimal

    from apps.support.exports import cell

    assert cell(Decimal("-12.50")) == "-12.50" and cell("=SUM(A1)") == "'=SUM(A1)" and cell("-x") == "'-x"
