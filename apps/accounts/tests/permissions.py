from apps.accounts.models import Notification
from tests.permissions import ANONYMOUS, SIGNED_IN, Case


def make_notification(user, school):
    return Notification.objects.create(user=user, school=school, title="A concern needs triage", url="/")


PUBLIC = SIGNED_IN | ANONYMOUS

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
]
