"""Reads about users and their roles. Results are cached on the user object for the request."""

from __future__ import annotations

from typing import Any

from django_otp import devices_for_user

from apps.core.models import School

from .models import Membership, Role, User


def memberships_by_school(user: Any) -> dict[int, tuple[School, frozenset[str]]]:
    """{school id: (school, roles held there)} for a signed-in user's active memberships."""
    cached = getattr(user, "_hearth_memberships", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    result: dict[int, tuple[School, set[str]]] = {}
    for m in (
        Membership.objects.filter(user=user, is_active=True).select_related("school").order_by("school__name", "role")
    ):
        result.setdefault(m.school_id, (m.school, set()))[1].add(m.role)
    frozen = {k: (school, frozenset(roles)) for k, (school, roles) in result.items()}
    user._hearth_memberships = frozen
    return frozen


def roles_in(user: Any, school: School | int | None) -> frozenset[str]:
    """The roles `user` holds in `school` (empty for anyone else or an anonymous user)."""
    if school is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    school_id = school if isinstance(school, int) else school.pk
    entry = memberships_by_school(user).get(school_id)
    return entry[1] if entry else frozenset()


def all_roles(user: Any) -> frozenset[str]:
    roles: set[str] = set()
    for _school, held in memberships_by_school(user).values():
        roles |= held
    return frozenset(roles)


def schools_for(user: Any) -> list[School]:
    return [school for school, _roles in memberships_by_school(user).values()]


def has_confirmed_device(user: Any) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def staff_with_role(school: School, *roles: str) -> list[User]:
    return list(
        User.objects.filter(
            memberships__school=school, memberships__role__in=roles, memberships__is_active=True, is_active=True
        ).distinct()
    )


def staff_of(school: School) -> list[User]:
    return list(User.objects.filter(memberships__school=school, memberships__is_active=True).distinct())


__all__ = ["Role", "all_roles", "memberships_by_school", "roles_in", "schools_for", "staff_with_role"]


def unread_notifications(user: Any, school: School | None) -> list[Any]:
    from .models import Notification

    if school is None:
        return []
    return list(
        Notification.objects.filter(user=user, school=school, read_at__isnull=True).order_by("-created_at")[:50]
    )


def school_users(school: School, *, include_inactive: bool = False) -> list[tuple[User, list[str], bool]]:
    """[(user, role labels held in `school`, has 2FA)] for everyone with a role there, by name."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    memberships = Membership.objects.filter(school=school).select_related("user")
    if not include_inactive:
        memberships = memberships.filter(is_active=True)
    labels = dict(Role.choices)
    by_user: dict[int, tuple[User, list[str]]] = {}
    for m in memberships.order_by("user__last_name", "user__first_name", "role"):
        entry = by_user.setdefault(m.user_id, (m.user, []))
        if m.is_active:
            entry[1].append(str(labels[m.role]))
    with_2fa = set(TOTPDevice.objects.filter(user_id__in=by_user, confirmed=True).values_list("user_id", flat=True))
    return [(user, roles, user.pk in with_2fa) for user, roles in by_user.values()]


def get_school_user(school: School, viewer: Any, user_id: int) -> User:
    """A user holding (or having held) a role in `school`; 404 otherwise, and the refusal is
    audited."""
    from django.http import Http404

    from apps.audit import services as audit
    from apps.audit.models import Verb

    user = User.objects.filter(pk=user_id, memberships__school=school).distinct().first()
    if user is None:
        audit.record(viewer, Verb.DENIED, ("accounts.user", user_id), school=school, reason="accounts.user_detail")
        raise Http404("No such member of staff.")
    return user


def active_roles_in(school: School, user: User) -> list[str]:
    return list(Membership.objects.filter(school=school, user=user, is_active=True).values_list("role", flat=True))


def staff_missing_second_factor(school: School) -> list[User]:
    """Active staff whose roles here need a second factor and who have not set one up."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .models import TWO_FACTOR_ROLES

    with_device = TOTPDevice.objects.filter(confirmed=True).values("user_id")
    return list(
        User.objects.filter(
            is_active=True,
            memberships__school=school,
            memberships__is_active=True,
            memberships__role__in=TWO_FACTOR_ROLES,
        )
        .exclude(pk__in=with_device)
        .distinct()
        .order_by("last_name", "first_name")
    )


def safeguarding_team(school: School) -> dict[str, list[User]]:
    """The DSL and deputies, so every member of staff knows whom to tell (KCSIE Part 1)."""
    return {
        "dsl": staff_with_role(school, Role.DSL),
        "deputies": staff_with_role(school, Role.DEPUTY_DSL),
    }
