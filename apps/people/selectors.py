"""Reads of pupils, scoped to the school and to what the viewer may see.

Who sees which pupil (issue: roles and access):
- whole-school roles (pastoral team, senior leaders, DSL team, SENCO, attendance officer,
  administrators) see every pupil;
- a head of year sees the pupils in the years they lead;
- a form tutor sees their form;
- a teacher sees the pupils in the groups they teach;
- governors and trust officers never see a named pupil.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from apps.accounts.models import WHOLE_SCHOOL_ROLES, Role
from apps.accounts.selectors import roles_in
from apps.audit import services as audit
from apps.audit.models import Verb
from apps.core.models import School

from .models import Carer, Form, Pupil, PupilCarer, TeachingGroup, YearGroup


def pupil_visibility(school: School, viewer: Any) -> Q | None:
    """A filter for the pupils `viewer` may see in `school`: None for all, Q() matching nothing
    when they may see none."""
    roles = roles_in(viewer, school)
    if roles & WHOLE_SCHOOL_ROLES:
        return None
    conditions = Q(pk__in=[])
    if Role.HEAD_OF_YEAR in roles:
        conditions |= Q(year_group__heads=viewer)
    if Role.FORM_TUTOR in roles:
        conditions |= Q(form__tutors=viewer)
    if Role.TEACHER in roles:
        conditions |= Q(teaching_groups__teachers=viewer)
    return conditions


def visible_pupils(school: School, viewer: Any, *, on_roll_on: dt.date | None = None) -> QuerySet[Pupil]:
    qs = Pupil.objects.filter(school=school).select_related("year_group", "form")
    condition = pupil_visibility(school, viewer)
    if condition is not None:
        qs = qs.filter(condition).distinct()
    if on_roll_on is not None:
        qs = qs.filter(admission_date__lte=on_roll_on).filter(
            Q(leaving_date__isnull=True) | Q(leaving_date__gte=on_roll_on)
        )
    return qs


def can_view_pupil(viewer: Any, pupil: Pupil) -> bool:
    condition = pupil_visibility(pupil.school, viewer)
    if condition is None:
        return True
    return Pupil.objects.filter(condition, pk=pupil.pk).exists()


def get_pupil(school: School, viewer: Any, pupil_id: int, *, audit_view: bool = False) -> Pupil:
    """The pupil, or 404 both when there is none and when the viewer may not see them. A refusal
    is recorded in the audit log; so is the view itself when `audit_view` is set."""
    pupil = visible_pupils(school, viewer).filter(pk=pupil_id).first()
    if pupil is None:
        audit.record(viewer, Verb.DENIED, ("people.pupil", pupil_id), school=school, reason="people.view_pupil")
        raise Http404("No such pupil.")
    if audit_view:
        audit.record(viewer, Verb.VIEW, pupil, pupil=pupil)
    return pupil


def search_pupils(school: School, viewer: Any, query: str, *, limit: int = 10) -> list[Pupil]:
    """Pupils whose legal or preferred name or UPN matches every word of `query`."""
    words = query.split()
    if not words:
        return []
    qs = visible_pupils(school, viewer)
    for word in words[:4]:
        qs = qs.filter(
            Q(legal_forename__istartswith=word)
            | Q(legal_surname__istartswith=word)
            | Q(preferred_forename__istartswith=word)
            | Q(preferred_surname__istartswith=word)
            | Q(upn__iexact=word)
        )
    return list(qs.order_by("legal_surname", "legal_forename")[:limit])


def carer_links(pupil: Pupil) -> list[PupilCarer]:
    return list(pupil.carer_links.select_related("carer").order_by("contact_priority", "id"))


def siblings(pupil: Pupil) -> list[Pupil]:
    """Pupils at the same school who share a carer with `pupil`."""
    carers = PupilCarer.objects.filter(pupil=pupil).values("carer_id")
    return list(
        Pupil.objects.filter(school=pupil.school, carer_links__carer_id__in=carers)
        .exclude(pk=pupil.pk)
        .select_related("year_group", "form")
        .distinct()
    )


def sibling_ids(pupil_ids: list[int]) -> dict[int, set[int]]:
    """{pupil id: ids of siblings} for many pupils in one query."""
    links = PupilCarer.objects.filter(carer__pupil_links__pupil_id__in=pupil_ids).values_list(
        "carer__pupil_links__pupil_id", "pupil_id"
    )
    result: dict[int, set[int]] = {pid: set() for pid in pupil_ids}
    for pid, other in links:
        if pid != other:
            result.setdefault(pid, set()).add(other)
    return result


def year_groups(school: School) -> QuerySet[YearGroup]:
    return YearGroup.objects.filter(school=school).order_by("number")


def forms(school: School) -> QuerySet[Form]:
    return Form.objects.filter(school=school).select_related("year_group").order_by("year_group__number", "name")


def forms_tutored_by(school: School, user: Any) -> QuerySet[Form]:
    return forms(school).filter(tutors=user)


def teaching_groups_of(school: School, user: Any) -> QuerySet[TeachingGroup]:
    return TeachingGroup.objects.filter(school=school, teachers=user)


def carers(school: School) -> QuerySet[Carer]:
    return Carer.objects.filter(school=school)


def profile_sections(request: Any, pupil: Pupil) -> list[Any]:
    """Sections other modules add to the pupil profile (attendance figures, the safeguarding
    marker, plans...). Each app may define `profile_sections(request, pupil) -> list[Panel]` in
    `apps/<app>/profile.py`; it returns nothing for a viewer who may not see its part."""
    from functools import cache
    from importlib import import_module

    from django.apps import apps

    @cache
    def providers() -> tuple[Any, ...]:
        found = []
        for config in apps.get_app_configs():
            if config.name.startswith("apps."):
                try:
                    found.append(import_module(f"{config.name}.profile").profile_sections)
                except ModuleNotFoundError:
                    continue
        return tuple(found)

    sections: list[Any] = []
    for provider in providers():
        sections.extend(provider(request, pupil))
    return sorted(sections, key=lambda s: s.order)


def roll_summary(school: School, day: dt.date) -> list[dict[str, Any]]:
    """Numbers on roll by year group, with the flags governors and leaders ask about. Aggregates
    only: no pupil is named, so governors and trust officers may see it."""
    from django.db.models import Count

    on_roll = Pupil.objects.filter(school=school, admission_date__lte=day).filter(
        Q(leaving_date__isnull=True) | Q(leaving_date__gte=day)
    )
    rows = (
        on_roll.values("year_group__number")
        .annotate(
            pupils=Count("id"),
            fsm=Count("id", filter=Q(fsm=True)),
            sen=Count("id", filter=~Q(sen_status=Pupil.SenStatus.NONE)),
            ehcp=Count("id", filter=Q(sen_status=Pupil.SenStatus.EHCP)),
            looked_after=Count("id", filter=Q(looked_after=True)),
        )
        .order_by("year_group__number")
    )
    return [dict(row) for row in rows]


def my_groups(school: School, user: Any, day: dt.date) -> dict[str, list[tuple[Any, int]]]:
    """The forms a user tutors, the years they lead and the groups they teach, each with its
    number of pupils on roll."""
    from django.db.models import Count

    on_roll = Q(pupils__admission_date__lte=day) & (
        Q(pupils__leaving_date__isnull=True) | Q(pupils__leaving_date__gte=day)
    )
    forms_ = Form.objects.filter(school=school, tutors=user).annotate(n=Count("pupils", filter=on_roll))
    years = YearGroup.objects.filter(school=school, heads=user).annotate(n=Count("pupils", filter=on_roll))
    groups = TeachingGroup.objects.filter(school=school, teachers=user).annotate(n=Count("pupils", filter=on_roll))
    return {
        "forms": [(f, f.n) for f in forms_.order_by("name")],
        "years": [(y, y.n) for y in years.order_by("number")],
        "groups": [(g, g.n) for g in groups.order_by("name")],
    }
