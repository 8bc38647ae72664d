"""The pupil-profile section. The DSL team sees statuses and the file's size with a link; other
staff who may see the pupil get only the discreet marker (who to speak to) and the way to log a
concern (the issue: "a discreet marker ... that says who to speak to and nothing more")."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from apps.accounts.models import AGGREGATE_ONLY_ROLES, DSL_TEAM, Role
from apps.accounts.selectors import staff_with_role
from apps.core.panels import Panel

from . import selectors
from .models import Concern, ConcernPupil, SafeguardingStatus


def profile_sections(request: Any, pupil: Any) -> list[Panel]:
    roles: frozenset[str] = getattr(request, "roles", frozenset())
    school = request.school
    if roles & DSL_TEAM:
        today = timezone.localdate()
        links = ConcernPupil.objects.filter(concern__school=school, pupil=pupil)
        return [
            Panel(
                title="Safeguarding",
                template="safeguarding/_profile_dsl.html",
                context={
                    "pupil_id": pupil.pk,
                    "statuses": list(
                        SafeguardingStatus.objects.filter(school=school, pupil=pupil).filter(
                            selectors.open_status_filter(today)
                        )
                    ),
                    "concern_count": links.count(),
                    "open_count": links.exclude(concern__status=Concern.Status.CLOSED).count(),
                },
                order=5,
            )
        ]
    if not roles - AGGREGATE_ONLY_ROLES:
        return []
    has_file = pupil.pk in selectors.pupils_with_file(school, [pupil.pk])
    contacts = [u.display_name for u in staff_with_role(school, Role.DSL)] if has_file else []
    return [
        Panel(
            title="Safeguarding",
            template="safeguarding/_profile_marker.html",
            context={"pupil_id": pupil.pk, "has_file": has_file, "contacts": contacts},
            order=95,
        )
    ]
