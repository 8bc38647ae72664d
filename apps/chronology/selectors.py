"""Reading a pupil's chronology: each viewer sees only the entries their role allows, and hidden
entries are filtered out in SQL so nothing hints that they exist."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from apps.accounts.models import DSL_TEAM, PASTORAL_TEAM
from apps.accounts.selectors import roles_in
from apps.audit import services as audit
from apps.audit.models import Verb

from .models import Confidentiality, Entry


def visible_levels(viewer: Any, school: Any) -> set[str]:
    roles = roles_in(viewer, school)
    levels = {Confidentiality.GENERAL.value}
    if roles & PASTORAL_TEAM:
        levels.add(Confidentiality.PASTORAL.value)
    if roles & DSL_TEAM:
        levels.add(Confidentiality.SAFEGUARDING.value)
    return levels


def entry_visibility(viewer: Any, school: Any) -> Q:
    return Q(confidentiality__in=visible_levels(viewer, school)) | Q(
        confidentiality=Confidentiality.RESTRICTED, restricted_to=viewer
    )


def pupil_chronology(
    school: Any,
    viewer: Any,
    pupil: Any,
    *,
    kinds: list[str] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Entry]:
    """Entries on `pupil`'s chronology that `viewer` may read, newest first. The caller has already
    fetched `pupil` through `people.selectors.get_pupil`, which checked the viewer may see them.
    Reading safeguarding-level entries is recorded in the audit log."""
    qs = (
        Entry.objects.filter(school=school, pupil=pupil)
        .filter(entry_visibility(viewer, school))
        .select_related("author")
        .distinct()
        .order_by("-occurred_at", "-id")
    )
    if kinds:
        qs = qs.filter(kind__in=kinds)
    if start:
        qs = qs.filter(occurred_at__date__gte=start)
    if end:
        qs = qs.filter(occurred_at__date__lte=end)
    if Confidentiality.SAFEGUARDING.value in visible_levels(viewer, school):
        audit.record(viewer, Verb.VIEW, ("chronology.safeguarding", pupil.pk), school=school, pupil=pupil)
    return qs


def pupil_chronology_for_print(
    school: Any,
    viewer: Any,
    pupil: Any,
    *,
    kinds: list[str] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[Entry]:
    """The entries `viewer` may read, for a printed copy. Printing is recorded in the audit log
    (a copy has left the system), whatever the levels it holds."""
    entries = list(pupil_chronology(school, viewer, pupil, kinds=kinds, start=start, end=end))
    audit.record(viewer, Verb.PRINT, ("chronology.pupil", pupil.pk), school=school, pupil=pupil, reason="pdf")
    return entries


def subject_access_export(school: Any, viewer: Any, pupil: Any, *, received: dt.date) -> dict[str, Any]:
    """Everything Hearth holds about `pupil` that `viewer` may see, as plain data for a subject
    access request (domain file §4.2, §4.3): collect first, then review and redact by hand. The
    export is recorded in the audit log."""
    from apps.people.selectors import carer_links
    from apps.people.statutory import subject_access_deadline

    entries = list(pupil_chronology(school, viewer, pupil))
    links = carer_links(pupil)
    data: dict[str, Any] = {
        "about": {
            "school": school.name,
            "urn": school.urn,
            "prepared_by": viewer.get_username(),
            "request_received": received.isoformat(),
            "respond_by": subject_access_deadline(received).isoformat(),
            "respond_by_if_extended": subject_access_deadline(received, extended=True).isoformat(),
            "notes": [
                "A first collection, not a disclosure. Before anything is sent, review every item:",
                "redact information that identifies other people unless they consent or it is reasonable "
                "to disclose (DPA 2018 Sch 2 para 16), including carers, other pupils and authors;",
                "apply exemptions (serious harm, child abuse data) item by item and record why;",
                "entries above the preparer's access level are not included: the DSL must add "
                "safeguarding-level entries.",
            ],
        },
        "pupil": {
            "legal_name": pupil.legal_name,
            "preferred_forename": pupil.preferred_forename,
            "preferred_surname": pupil.preferred_surname,
            "date_of_birth": pupil.date_of_birth.isoformat(),
            "sex": pupil.get_sex_display(),
            "upn": pupil.upn,
            "uln": pupil.uln,
            "admission_date": pupil.admission_date.isoformat(),
            "leaving_date": pupil.leaving_date.isoformat() if pupil.leaving_date else None,
            "year_group": pupil.year_group.number,
            "form": pupil.form.name if pupil.form else None,
            "teaching_groups": [g.name for g in pupil.teaching_groups.order_by("name")],
            "ethnicity": pupil.ethnicity,
            "first_language": pupil.first_language,
            "free_school_meals": pupil.fsm,
            "pupil_premium": pupil.pupil_premium,
            "sen_status": pupil.get_sen_status_display(),
            "sen_need": pupil.sen_need,
            "eal": pupil.eal,
            "looked_after": pupil.looked_after,
            "previously_looked_after": pupil.previously_looked_after,
            "young_carer": pupil.young_carer,
            "medical_notes": pupil.medical_notes,
        },
        "carers": [
            {
                "name": link.carer.full_name,
                "relationship": link.get_relationship_display(),
                "parental_responsibility": link.parental_responsibility,
                "contact_priority": link.contact_priority,
                "contact_restriction": link.get_restriction_display() if link.restriction else "",
                "third_party": True,
            }
            for link in links
        ],
        "chronology": [
            {
                "when": e.occurred_at.isoformat(),
                "kind": e.get_kind_display(),
                "title": e.title,
                "summary": e.summary,
                "level": e.get_confidentiality_display(),
                "author": e.author.display_name if e.author else "",
                "transferred_from": e.transferred_from,
            }
            for e in entries
        ],
    }
    audit.record(viewer, Verb.EXPORT, ("people.pupil", pupil.pk), school=school, pupil=pupil, reason="subject_access")
    return data
