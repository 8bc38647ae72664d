"""The intervention impact table and the provision map download as CSV (every table a report shows
can be downloaded), each download audited; a head of year sees the impact totals for everyone but
only the names of pupils in their years."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from apps.audit.models import AuditEvent, Verb
from apps.support.exports import cell
from apps.support.tests.factories import MemberFactory, make_group


def rows_of(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_impact_table_as_csv_with_entry_and_exit_measures(personas, client_for):
    group = make_group(school=personas.school, runner=personas.pastoral, intervention__school=personas.school)
    MemberFactory(group=group, pupil=personas.pupil, entry_score=12, exit_score=18, entry_rating=3, exit_rating=7)
    url = reverse("support:intervention", args=[group.intervention_id])
    page = client_for(personas.pastoral).get(url).content.decode()
    assert "12 → 18" in page and "3 → 7" in page and "Download this table (CSV)" in page
    rows = rows_of(client_for(personas.pastoral).get(url, {"format": "csv"}))
    assert rows[0][0] == "Pupil" and rows[0][-1] == "Improved"
    assert len(rows) == 2
    header = dict(zip(rows[0], rows[1], strict=True))
    assert header["Pupil"] == "Amelia Testpupil"
    assert (header["Questionnaire score at entry"], header["Questionnaire score at exit"]) == ("12", "18")
    assert (header["Own rating at entry"], header["Own rating at exit"]) == ("3", "7")
    assert AuditEvent.objects.filter(verb=Verb.EXPORT, reason="support.csv").count() == 1


def test_a_head_of_year_sees_the_totals_but_not_the_names_of_other_years(personas, client_for):
    group = make_group(school=personas.school, runner=personas.pastoral, intervention__school=personas.school)
    MemberFactory(group=group, pupil=personas.pupil)
    MemberFactory(group=group, pupil=personas.other_pupil)  # Year 10: not the head of year's
    url = reverse("support:intervention", args=[group.intervention_id])
    client = client_for(personas.head_of_year)
    page = client.get(url).content.decode()
    assert "2 pupils took part" in page
    assert personas.pupil.full_name in page and personas.other_pupil.full_name not in page
    # The other year's member is counted, never given a row (its group, dates and figures would
    # identify the pupil).
    assert "1 further member outside your pupils is counted in the totals." in page
    assert page.count('<th scope="row">') == 1 and f'<th scope="row">{personas.pupil.full_name}</th>' in page
    names = [r[0] for r in rows_of(client.get(url, {"format": "csv"}))[1:]]
    assert names == [personas.pupil.full_name]


def test_provision_map_tables_as_csv(personas, client_for):
    group = make_group(school=personas.school, runner=personas.pastoral, intervention__school=personas.school)
    MemberFactory(group=group, pupil=personas.pupil, need="semh")
    MemberFactory(group=group, pupil=personas.other_pupil, need="attendance")
    client = client_for(personas.pastoral)
    url = reverse("support:provision_map")
    pupils = rows_of(client.get(url, {"format": "csv"}))
    assert pupils[0][:3] == ["Pupil", "UPN", "Year"] and len(pupils) == 3
    years = rows_of(client.get(url, {"format": "csv", "table": "years"}))
    assert years[1:] == [["9", "1", "40.00"], ["10", "1", "40.00"]]
    needs = rows_of(client.get(url, {"format": "csv", "table": "needs"}))
    assert sorted(r[0] for r in needs[1:]) == ["Attendance", "Social, emotional and mental health"]


def test_a_cell_never_starts_a_formula():
    assert cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and cell(-3) == "-3" and cell(None) == ""
