"""Shared helpers for the attendance management commands."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError

from apps.attendance.csv_io import parse_date
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


def date_arg(text: str) -> dt.date:
    try:
        return parse_date(text)
    except ValueError:
        raise CommandError(f"“{text}” is not a date (use 2025-01-13 or 13/01/2025).") from None
