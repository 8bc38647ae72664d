"""Encrypted text for safeguarding narrative (architecture: encryption at rest).

The value is stored as a Fernet token made with HEARTH_FIELD_KEY. It cannot be searched or
ordered in SQL, which is intended: narrative is read only through selectors that check permission.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


def encrypt_text(value: str) -> str:
    return _fernet(settings.HEARTH_FIELD_KEY).encrypt(value.encode()).decode()


def decrypt_text(token: str) -> str:
    try:
        return _fernet(settings.HEARTH_FIELD_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:  # pragma: no cover - only with a wrong key
        raise ValueError("This record was encrypted with a different HEARTH_FIELD_KEY.") from exc


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
