"""Shared helpers for management commands of any module."""

from __future__ import annotations

from django.core.management.base import CommandError

from apps.core.models import School


def resolve_school(urn: str | None) -> School:
    """The school given by `--school URN`, or the only school when there is one."""
    if urn:
        school = School.objects.filter(urn=urn).first()
        if school is None:
            raise CommandError(f"No school has URN {urn}.")
        return school
    schools = list(School.objects.all()[:2])
    if len(schools) == 1:
        return schools[0]
    if not schools:
        raise CommandError("There is no school yet.")
    raise CommandError("There is more than one school: say which with --school URN.")
