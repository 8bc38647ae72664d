"""Sign-in security (argon2, lockout, 2FA, session expiry), production settings, and user
administration."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts import services
from apps.accounts.models import Membership, Role, User
from apps.audit.models import AuditEvent, Verb

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "correct-horse-battery"


def _token(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def _sign_in(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


# Passwords and lockout -------------------------------------------------------------------------


def test_production_hashes_passwords_with_argon2():
    import hearth.settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    hasher = Argon2PasswordHasher()
    encoded = hasher.encode("a long passphrase", hasher.salt())
    assert encoded.startswith("argon2$")
    assert hasher.verify("a long passphrase", encoded)
    assert not hasher.verify("another passphrase", encoded)


def test_repeated_failures_lock_the_account(personas):
    client = Client()
    for _ in range(5):
        _sign_in(client, "teacher", "wrong password")
    response = _sign_in(client, "teacher")
    assert response.status_code in {403, 429}
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_correct_password_signs_in(personas):
    client = Client()
    response = _sign_in(client, "teacher")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(personas.teacher.pk)


def test_the_sign_in_page_says_why_after_an_idle_time_out(db):
    page = Client().get("/accounts/login/?next=%2F&expired=1").content.decode()
    assert "You were signed out after 30 minutes without activity" in page
    plain = Client().get("/accounts/login/?next=%2F").content.decode()
    assert "You were signed out" not in plain


# Second factor ---------------------------------------------------------------------------------


def test_dsl_without_an_authenticator_must_set_one_up(personas):
    client = Client()
    _sign_in(client, "dsl")
    response = client.get(reverse("people:list"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/setup/")


def test_dsl_with_an_authenticator_must_enter_a_code_and_then_gets_in(personas):
    device = TOTPDevice.objects.create(user=personas.dsl, name="phone", confirmed=True)
    client = Client()
    _sign_in(client, "dsl")
    response = client.get(reverse("people:list"))
    assert response["Location"].startswith("/accounts/two-factor/verify/")
    response = client.post(
        reverse("accounts:two_factor_verify"),
        {"token": f"{(int(_token(device)) + 1) % 1000000:06d}", "next": "/pupils/"},
    )
    assert response.status_code == 200 and "not right" in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp slows down guessing
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None, throttling_failure_count=0)
    response = client.post(reverse("accounts:two_factor_verify"), {"token": _token(device), "next": "/pupils/"})
    assert response.status_code == 302 and response["Location"] == "/pupils/"
    assert client.get(reverse("people:list")).status_code == 200


def test_setting_up_an_authenticator(personas):
    client = Client()
    _sign_in(client, "admin")
    page = client.get(reverse("accounts:two_factor_setup"))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=personas.admin, confirmed=False)
    response = client.post(reverse("accounts:two_factor_setup"), {"token": _token(device)})
    assert response.status_code == 302, response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("accounts:users")).status_code == 200


def test_a_teacher_needs_no_second_factor(personas):
    client = Client()
    _sign_in(client, "teacher")
    assert client.get(reverse("people:list")).status_code == 200


def test_user_admin_pages_under_accounts_still_need_the_second_factor(personas):
    """/accounts/ is open before the second factor (sign-in lives there), so the user pages check
    it themselves."""
    client = Client()
    _sign_in(client, "admin")
    response = client.get(reverse("accounts:users"))
    assert response.status_code == 302 and "/two-factor/" in response["Location"]


# Sessions --------------------------------------------------------------------------------------


def test_session_ends_after_inactivity(personas, client_for, settings):
    client = client_for(personas.teacher)
    assert client.get(reverse("people:list")).status_code == 200
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_COOKIE_AGE == 30 * 60
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get(reverse("people:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_activity_extends_the_session(personas, client_for):
    client = client_for(personas.teacher)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(minutes=1))
    client.get(reverse("people:list"))
    assert Session.objects.get(session_key=key).expire_date > timezone.now() + dt.timedelta(minutes=25)


# Production settings ---------------------------------------------------------------------------


def test_check_deploy_passes_in_production_mode(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hearth.settings",
        "HEARTH_DEMO": "0",
        "HEARTH_DEBUG": "0",
        "SECRET_KEY": "k7$Jq!2vX9#pLm4@Rz8&Wn6^Tb3*Yc5(Hd1)Gf0-Ue7+Sa2=Qo9",
        "HEARTH_FIELD_KEY": "dGVzdC1maWVsZC1rZXktMzItYnl0ZXMtbG9uZy0xMjM=",
        "HEARTH_HTTPS": "1",
        "ALLOWED_HOSTS": "hearth.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path}/deploy.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_keys(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "HEARTH_FIELD_KEY"}}
    env.update({"DJANGO_SETTINGS_MODULE": "hearth.settings", "HEARTH_DEMO": "0", "HEARTH_DEBUG": "0"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path, db):
    from django.db.backends.sqlite3.base import DatabaseWrapper

    from hearth.settings import database_from_url

    config = database_from_url(f"sqlite:///{tmp_path}/wal.sqlite3")
    assert config["OPTIONS"]["timeout"] >= 5  # type: ignore[index]
    wrapper = DatabaseWrapper(
        {
            **config,
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "TEST": {},
        },
        alias="wal-check",
    )
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] >= 5000
    finally:
        wrapper.close()


# User administration ---------------------------------------------------------------------------


def test_admin_adds_a_user_with_roles_and_they_are_emailed(personas, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(personas.admin).post(
            reverse("accounts:user_add"),
            {
                "username": "jsmith",
                "first_name": "Jo",
                "last_name": "Smith",
                "email": "jsmith@example.org",
                "roles": ["teacher", "form_tutor"],
            },
        )
    assert response.status_code == 302
    user = User.objects.get(username="jsmith")
    assert not user.has_usable_password()
    roles = set(Membership.objects.filter(user=user, school=personas.school).values_list("role", flat=True))
    assert roles == {Role.TEACHER, Role.FORM_TUTOR}
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body
    assert AuditEvent.objects.filter(actor=personas.admin, verb=Verb.CREATE, target_type="accounts.user").exists()


def test_an_existing_email_is_refused_and_the_form_keeps_what_was_typed(personas, client_for):
    response = client_for(personas.admin).post(
        reverse("accounts:user_add"),
        {
            "username": "another",
            "first_name": "Dee",
            "last_name": "Duplicate",
            "email": personas.teacher.email,
            "roles": ["teacher"],
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "already has a Hearth account" in body and "Duplicate" in body
    assert not User.objects.filter(username="another").exists()


def test_roles_are_replaced_and_removed_ones_kept_as_history(personas, client_for):
    client_for(personas.admin).post(
        reverse("accounts:user_detail", kwargs={"user_id": personas.teacher.pk}), {"roles": ["head_of_year"]}
    )
    held = dict(
        Membership.objects.filter(user=personas.teacher, school=personas.school).values_list("role", "is_active")
    )
    assert held == {Role.TEACHER: False, Role.HEAD_OF_YEAR: True}


def test_deactivating_ends_roles_here_and_sign_in_when_none_left(personas, client_for):
    client_for(personas.admin).post(reverse("accounts:user_deactivate", kwargs={"user_id": personas.teacher.pk}))
    personas.teacher.refresh_from_db()
    assert not personas.teacher.is_active
    # The trust officer also holds a role at the other school, so keeps their account.
    services.deactivate_user(personas.admin, school=personas.school, user=personas.trust_officer)
    personas.trust_officer.refresh_from_db()
    assert personas.trust_officer.is_active
    assert not Membership.objects.filter(user=personas.trust_officer, school=personas.school, is_active=True).exists()


def test_an_admin_cannot_deactivate_themselves(personas):
    with pytest.raises(ValidationError):
        services.deactivate_user(personas.admin, school=personas.school, user=personas.admin)


def test_reset_two_factor_removes_the_devices(personas, client_for):
    TOTPDevice.objects.create(user=personas.dsl, name="old phone", confirmed=True)
    client_for(personas.admin).post(reverse("accounts:user_reset_2fa", kwargs={"user_id": personas.dsl.pk}))
    assert not TOTPDevice.objects.filter(user=personas.dsl).exists()
    assert AuditEvent.objects.filter(verb=Verb.UPDATE, reason="2fa.reset", target_id=str(personas.dsl.pk)).exists()


def test_only_an_admin_manages_users(personas):
    with pytest.raises(PermissionDenied):
        services.create_user(
            personas.dsl,
            school=personas.school,
            username="x",
            first_name="X",
            last_name="Y",
            email="x@example.org",
            roles=["teacher"],
        )


def test_a_user_of_another_school_is_404(personas, client_for):
    response = client_for(personas.admin).get(
        reverse("accounts:user_detail", kwargs={"user_id": personas.other_school_dsl.pk})
    )
    assert response.status_code == 404


def test_school_switcher_changes_the_current_school(personas, client_for):
    client = client_for(personas.trust_officer)
    client.post(reverse("accounts:switch_school"), {"school": personas.other_school.pk})
    response = client.get(reverse("home"))
    assert response.context["current_school"] == personas.other_school
    response = client.post(reverse("accounts:switch_school"), {"school": 999999})
    assert response.status_code == 403


def test_password_reset_by_email(personas, client):
    response = client.post(reverse("accounts:password_reset"), {"email": personas.teacher.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body
    # An unknown address gets the same answer and no email: nothing says who has an account.
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302 and len(mail.outbox) == 1


def test_an_admin_unlocks_a_locked_account(personas, client_for):
    client = Client()
    for _ in range(5):
        _sign_in(client, "teacher", "wrong password")
    assert services.is_locked_out(personas.teacher)
    response = client_for(personas.admin).post(reverse("accounts:user_unlock", kwargs={"user_id": personas.teacher.pk}))
    assert response.status_code == 302
    assert not services.is_locked_out(personas.teacher)
    assert _sign_in(Client(), "teacher").status_code == 302


def test_every_member_of_staff_is_told_who_the_safeguarding_team_is(personas, client_for):
    body = client_for(personas.teacher).get(reverse("home")).content.decode()
    assert "Your safeguarding team" in body and personas.dsl.display_name in body
    assert "Your safeguarding team" not in client_for(personas.governor).get(reverse("home")).content.decode()
