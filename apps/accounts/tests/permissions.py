from apps.accounts.models import Notification
from tests.permissions import ANONYMOUS, SIGNED_IN, Case


def make_notification(user, school):
    return Notification.objects.create(user=user, school=school, title="A concern needs triage", url="/")


PUBLIC = SIGNED_IN | ANONYMOUS
ADMIN = frozenset({"admin"})


def _teacher(p):
    return {"user_id": p.teacher.pk}


def _new_user(p):
    return {
        "username": "newstaff",
        "first_name": "Priya",
        "last_name": "Newstaff",
        "email": "newstaff@example.org",
        "roles": ["teacher", "form_tutor"],
    }


CASES = [
    Case("accounts:login", PUBLIC),
    Case("accounts:logout", PUBLIC, method="POST", signs_out=True),
    Case("accounts:profile", SIGNED_IN),
    Case("accounts:notifications", SIGNED_IN),
    Case(
        "accounts:open_notification",
        frozenset({"dsl"}),
        method="POST",
        kwargs=lambda p: {"notification_id": make_notification(p.dsl, p.school).pk},
        note="only the addressee; anyone else gets 404",
    ),
    Case(
        "accounts:switch_school",
        SIGNED_IN - {"other_school_dsl"},
        method="POST",
        data=lambda p: {"school": p.school.pk},
        note="own school",
    ),
    Case("accounts:two_factor_setup", SIGNED_IN),
    Case("accounts:two_factor_verify", SIGNED_IN),
    Case("accounts:password_reset", PUBLIC),
    Case("accounts:password_reset_done", PUBLIC),
    Case("accounts:password_reset_confirm", PUBLIC, kwargs=lambda p: {"uidb64": "MQ", "token": "set-password"}),
    Case("accounts:password_reset_complete", PUBLIC),
    Case("accounts:users", ADMIN),
    Case("accounts:users", ADMIN, query="all=1", note="with leavers"),
    Case("accounts:user_add", ADMIN),
    Case("accounts:user_add", ADMIN, method="POST", data=_new_user, note="save"),
    Case("accounts:user_detail", ADMIN, kwargs=_teacher),
    Case(
        "accounts:user_detail",
        ADMIN,
        kwargs=_teacher,
        method="POST",
        data=lambda p: {"roles": ["teacher", "head_of_year"]},
        note="roles",
    ),
    Case("accounts:user_deactivate", ADMIN, kwargs=_teacher, method="POST"),
    Case("accounts:user_reset_2fa", ADMIN, kwargs=_teacher, method="POST"),
    Case("accounts:user_unlock", ADMIN, kwargs=_teacher, method="POST"),
]
