"""Writes about accounts: second-factor enrolment and school switching."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.audit import services as audit
from apps.audit.models import Verb

from .models import Notification
from .selectors import memberships_by_school


def pending_totp_device(user: Any) -> TOTPDevice:
    """The user's unconfirmed authenticator, made on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def confirm_totp_device(request: HttpRequest, *, token: str) -> bool:
    """Confirm the pending device with a code from it, and mark this sign-in as verified."""
    device = pending_totp_device(request.user)
    if not device.verify_token(token):
        audit.record(request.user, Verb.LOGIN_FAILED, device, reason="2fa.setup_wrong_code")
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(request.user, Verb.CREATE, device, reason="2fa.enrolled")
    otp_login(request, device)
    return True


def verify_second_factor(request: HttpRequest, *, token: str) -> bool:
    for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
        if device.verify_token(token):
            otp_login(request, device)
            audit.record(request.user, Verb.LOGIN, device, reason="2fa.verified")
            return True
    audit.record(request.user, Verb.LOGIN_FAILED, request.user, reason="2fa.wrong_code")
    return False


def switch_school(request: HttpRequest, *, school_id: int) -> None:
    from .middleware import SESSION_SCHOOL_KEY

    if school_id not in memberships_by_school(request.user):
        audit.record(request.user, Verb.DENIED, ("core.school", school_id), reason="accounts.switch_school")
        raise PermissionDenied("You are not a member of that school.")
    request.session[SESSION_SCHOOL_KEY] = school_id


def notify(
    users: Any, *, school: Any, title: str, url: str, urgent: bool = False, email: bool = True
) -> list[Notification]:
    """Alert each user in-app and, when `email`, by an email that carries only the title and a
    link (never the detail). The email is sent after the transaction commits."""
    from django.conf import settings
    from django.core.mail import send_mail

    recipients = {u.pk: u for u in users if u is not None and u.is_active}
    made = Notification.objects.bulk_create(
        Notification(user=u, school=school, title=title[:200], url=url, urgent=urgent) for u in recipients.values()
    )
    if email:
        addresses = [u.email for u in recipients.values() if u.email]
        link = f"{settings.HEARTH_BASE_URL}{url}"
        subject = ("URGENT: " if urgent else "") + "Hearth: something needs your attention"
        body = f"{title}\n\nOpen Hearth to see it (sign-in required):\n{link}\n"
        if addresses:
            transaction.on_commit(lambda: send_mail(subject, body, None, addresses, fail_silently=True))
    return made


def mark_notification_read(user: Any, *, notification_id: int) -> Notification:
    from django.http import Http404
    from django.utils import timezone

    notification = Notification.objects.filter(pk=notification_id, user=user).first()
    if notification is None:
        audit.record(user, Verb.DENIED, ("accounts.notification", notification_id), reason="accounts.open_notification")
        raise Http404("No such alert.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
