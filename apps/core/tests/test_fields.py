"""Encryption at rest and key rotation."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from apps.chronology.models import Entry
from apps.chronology.services import add_entry


def _raw_summary(entry: Entry) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary FROM chronology_entry WHERE id = %s", [entry.pk])
        return str(cursor.fetchone()[0])


def test_the_summary_is_not_stored_in_clear(personas):
    entry = add_entry(pupil=personas.pupil, kind="note", title="t", summary="Disclosed at break time")
    assert "Disclosed" not in _raw_summary(entry)
    assert Entry.objects.get(pk=entry.pk).summary == "Disclosed at break time"


def test_rotating_the_key(personas, settings):
    entry = add_entry(pupil=personas.pupil, kind="note", title="t", summary="Before rotation")
    old_key, new_key = settings.HEARTH_FIELD_KEY, Fernet.generate_key().decode()
    settings.HEARTH_FIELD_KEY = new_key
    with pytest.raises(ValueError, match="HEARTH_FIELD_KEY_OLD"):
        Entry.objects.get(pk=entry.pk)
    settings.HEARTH_FIELD_KEY_OLD = old_key
    assert Entry.objects.get(pk=entry.pk).summary == "Before rotation"
    before = _raw_summary(entry)
    call_command("rotate_field_key", stdout=StringIO())
    assert _raw_summary(entry) != before
    settings.HEARTH_FIELD_KEY_OLD = ""
    assert Entry.objects.get(pk=entry.pk).summary == "Before rotation"
