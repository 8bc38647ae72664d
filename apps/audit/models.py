"""The append-only audit log.

One row per sensitive read, write, export, print, denial or sign-in. Each row stores the SHA-256
hash of its own content together with the previous row's hash in its chain, so any later change or
deletion breaks the chain and `manage.py audit_verify` finds the first broken row. No narrative
text is ever stored here: only who, what verb, which record, when, and a short reason code or label.

There is one chain per school (`school:<id>`), one for events with no school (`global`), and the
closed `legacy` chain: every event written before chains were split, verified as it always was
and never written to again. A writer locks only its own chain's head, so schools never wait for
each other.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    pass


class Verb(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    AMEND = "amend", "Amended"
    DELETE = "delete", "Deleted (retention)"
    EXPORT = "export", "Exported"
    PRINT = "print", "Printed"
    IMPORT = "import", "Imported"
    DENIED = "denied", "Access denied"
    LOGIN = "login", "Signed in"
    LOGIN_FAILED = "login_failed", "Failed sign-in"
    LOGOUT = "logout", "Signed out"
    BREAK_GLASS = "break_glass", "Emergency access"


class AuditEvent(models.Model):
    at = models.DateTimeField(db_index=True)
    school = models.ForeignKey("core.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    verb = models.CharField(max_length=20, choices=Verb.choices)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    pupil_id = models.BigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    chain = models.CharField(max_length=32)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["school", "pupil_id", "at"]),
            models.Index(fields=["target_type", "target_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_label} {self.verb} {self.target_type}#{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Audit events cannot be deleted.")

    def payload(self) -> dict[str, Any]:
        body = {
            "at": self.at.isoformat(),
            "school": self.school_id,
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "verb": self.verb,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "pupil_id": self.pupil_id,
            "reason": self.reason,
            "ip_address": self.ip_address,
            "prev_hash": self.prev_hash,
        }
        if self.chain != LEGACY_CHAIN:  # legacy events were hashed before chains had names
            body["chain"] = self.chain
        return body

    def compute_hash(self) -> str:
        body = json.dumps(self.payload(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(body.encode()).hexdigest()


LEGACY_CHAIN = "legacy"
GLOBAL_CHAIN = "global"


def chain_for(school_id: int | None) -> str:
    """The chain an event joins: its school's, or the global chain when it has no school."""
    return f"school:{school_id}" if school_id is not None else GLOBAL_CHAIN


class AuditChainHead(models.Model):
    """One row per chain holding the hash of its newest event. Locking it serialises the chain's
    writers so it never forks; other chains are not held up."""

    chain = models.CharField(max_length=32, unique=True)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.last_hash
