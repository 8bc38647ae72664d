"""Sign-ins, sign-outs and failed sign-ins go to the audit log (no password or username typed is
stored for failures, only that one happened)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from apps.audit import services as audit
from apps.audit.models import Verb


def _ip(request: Any) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(user, Verb.LOGIN, user, ip_address=_ip(request))


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(user, Verb.LOGOUT, user, ip_address=_ip(request))


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: Any, request: Any = None, **kwargs: Any) -> None:
    audit.record(None, Verb.LOGIN_FAILED, None, reason="accounts.login", ip_address=_ip(request))
