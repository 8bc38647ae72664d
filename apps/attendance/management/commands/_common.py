"""Shared helpers for the attendance management commands."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError

from apps.attendance.csv_io import parse_date
from apps.core.management.commands._common import resolve_school

__all__ = ["date_arg", "resolve_school"]


def date_arg(text: str) -> dt.date:
    try:
        return parse_date(text)
    except ValueError:
        raise CommandError(f"“{text}” is not a date (use 2025-01-13 or 13/01/2025).") from None
