from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from . import navigation
from .models import AGGREGATE_ONLY_ROLES
from .selectors import schools_for, unread_notifications


def hearth(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {"hearth_demo": settings.DEMO}
    roles: frozenset[str] = getattr(request, "roles", frozenset())
    return {
        "hearth_demo": settings.DEMO,
        "hearth_2fa_enforced": settings.HEARTH_ENFORCE_2FA,
        "current_school": getattr(request, "school", None),
        "current_roles": roles,
        # Staff: any role here other than the aggregate-only ones (a governor who also teaches is staff).
        "hearth_staff": bool(getattr(request, "school", None)) and bool(roles - AGGREGATE_ONLY_ROLES),
        "user_schools": schools_for(user),
        "nav_groups": navigation.menu_for(roles, request.path, getattr(request, "school", None)),
        "unread_notifications": unread_notifications(user, getattr(request, "school", None)),
    }
