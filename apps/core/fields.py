"""Encrypted text for safeguarding narrative (architecture: encryption at rest).

The value is stored as a Fernet token made with HEARTH_FIELD_KEY. It cannot be searched or
ordered in SQL, which is intended: narrative is read only through selectors that check permission.

Key rotation: put the new key in HEARTH_FIELD_KEY and the old one(s) in HEARTH_FIELD_KEY_OLD
(comma-separated). Values are then read with any of the keys and written with the new one;
`manage.py rotate_field_key` re-encrypts every stored value, after which the old keys can go.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


def _old_keys() -> tuple[str, ...]:
    raw = getattr(settings, "HEARTH_FIELD_KEY_OLD", None) or os.environ.get("HEARTH_FIELD_KEY_OLD", "")
    return tuple(key.strip() for key in str(raw).split(",") if key.strip())


@lru_cache(maxsize=8)
def _fernet(primary: str, old: tuple[str, ...] = ()) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in (primary, *old)])


def _current() -> MultiFernet:
    return _fernet(settings.HEARTH_FIELD_KEY, _old_keys())


def encrypt_text(value: str) -> str:
    return _current().encrypt(value.encode()).decode()


def decrypt_text(token: str) -> str:
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # pragma: no cover - only with a wrong key
        raise ValueError(
            "This record was encrypted with a different HEARTH_FIELD_KEY (after a key change, put the old "
            "key in HEARTH_FIELD_KEY_OLD)."
        ) from exc


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    description = "Text encrypted at rest with Fernet"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(str(value))
