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


# User administration (system administrators, in their own school) -------------------------------


def _require_user_admin(actor: Any, school: Any, what: str) -> None:
    from .rules import is_admin

    if not is_admin(actor, school):
        audit.record(actor, Verb.DENIED, school, school=school, reason=f"accounts.{what}")
        raise PermissionDenied("Only a system administrator can manage staff accounts.")


def _clean_roles(roles: Any) -> set[str]:
    from django.core.exceptions import ValidationError

    from .models import Role

    chosen = {str(r) for r in roles}
    unknown = chosen - set(Role.values)
    if unknown:
        raise ValidationError({"roles": f"Unknown role: {', '.join(sorted(unknown))}."})
    if not chosen:
        raise ValidationError({"roles": "Choose at least one role."})
    return chosen


def send_set_password_email(user: Any) -> None:
    """Email `user` a one-time link to choose their password (the password-reset link), after the
    transaction commits."""
    from django.conf import settings
    from django.contrib.auth.tokens import default_token_generator
    from django.core.mail import send_mail
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = settings.HEARTH_BASE_URL + reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    body = (
        f"Hello {user.first_name},\n\nAn account has been made for you on Hearth. Choose your password here "
        f"(the link works once and expires in a few days):\n{link}\n\nYour username is {user.username}.\n"
    )
    address = user.email
    transaction.on_commit(lambda: send_mail("Hearth: choose your password", body, None, [address], fail_silently=True))


def create_user(
    actor: Any,
    *,
    school: Any,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    roles: Any,
    title: str = "",
    job_title: str = "",
) -> Any:
    """A new member of staff with `roles` in `school`. They get no password: an email lets them
    choose one. An existing account (same username or email) is refused with a clear message."""
    from django.core.exceptions import ValidationError

    from .models import Membership, User

    _require_user_admin(actor, school, "create_user")
    chosen = _clean_roles(roles)
    errors = {}
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = f"The username {username!r} is taken."
    if User.objects.filter(email__iexact=email).exists():
        errors["email"] = (
            f"{email} already has a Hearth account. If they work at another school in the trust, ask that "
            "school's administrator to add a role here."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user = User(
            username=username, first_name=first_name, last_name=last_name, email=email, title=title, job_title=job_title
        )
        user.set_unusable_password()
        user.save()
        Membership.objects.bulk_create(Membership(user=user, school=school, role=role) for role in sorted(chosen))
        audit.record(actor, Verb.CREATE, user, school=school, reason="roles:" + ",".join(sorted(chosen)))
        send_set_password_email(user)
    return user


def set_roles(actor: Any, *, school: Any, user: Any, roles: Any) -> Any:
    """The roles `user` holds in `school` become exactly `roles` (removed roles are deactivated,
    so their history stays)."""
    from .models import Membership

    _require_user_admin(actor, school, "set_roles")
    chosen = _clean_roles(roles)
    with transaction.atomic():
        existing = {m.role: m for m in Membership.objects.filter(user=user, school=school)}
        for role, membership in existing.items():
            active = role in chosen
            if membership.is_active != active:
                membership.is_active = active
                membership.save(update_fields=["is_active", "updated_at"])
        Membership.objects.bulk_create(
            Membership(user=user, school=school, role=role) for role in sorted(chosen - set(existing))
        )
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
        audit.record(actor, Verb.UPDATE, user, school=school, reason="roles:" + ",".join(sorted(chosen)))
    return user


def deactivate_user(actor: Any, *, school: Any, user: Any) -> Any:
    """End `user`'s roles in `school`. With no role left anywhere they can no longer sign in.
    Nothing they wrote is removed."""
    from django.core.exceptions import ValidationError

    from .models import Membership

    _require_user_admin(actor, school, "deactivate_user")
    if user.pk == actor.pk:
        raise ValidationError("You cannot deactivate your own account: ask another administrator.")
    with transaction.atomic():
        Membership.objects.filter(user=user, school=school).update(is_active=False)
        if not Membership.objects.filter(user=user, is_active=True).exists():
            user.is_active = False
            user.save(update_fields=["is_active"])
        audit.record(actor, Verb.UPDATE, user, school=school, reason="accounts.deactivated")
    return user


def reset_two_factor(actor: Any, *, school: Any, user: Any) -> int:
    """Remove `user`'s authenticator (a lost or replaced phone). They set up a new one at their
    next sign-in. Returns the number of devices removed."""
    from django.core.exceptions import ValidationError

    _require_user_admin(actor, school, "reset_two_factor")
    if user.pk == actor.pk:
        raise ValidationError("Ask another administrator to reset your own two-factor sign-in.")
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        audit.record(actor, Verb.UPDATE, user, school=school, reason="2fa.reset")
    return removed


def unlock_sign_in(actor: Any, *, school: Any, user: Any) -> int:
    """Clear `user`'s failed sign-in attempts so a locked account can sign in again before the
    30-minute pause ends. Returns the number of attempts cleared."""
    from axes.utils import reset

    _require_user_admin(actor, school, "unlock_sign_in")
    with transaction.atomic():
        cleared = reset(username=user.get_username())
        audit.record(actor, Verb.UPDATE, user, school=school, reason="accounts.unlocked")
    return cleared


def is_locked_out(user: Any) -> bool:
    from axes.models import AccessAttempt
    from django.conf import settings

    return AccessAttempt.objects.filter(
        username=user.get_username(), failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).exists()
