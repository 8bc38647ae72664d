from tests.permissions import ANONYMOUS, SIGNED_IN, Case

PUBLIC = SIGNED_IN | ANONYMOUS

CASES = [
    Case("accounts:login", PUBLIC),
    Case("accounts:logout", PUBLIC, method="POST", signs_out=True),
    Case("accounts:profile", SIGNED_IN),
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
