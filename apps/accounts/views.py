from __future__ import annotations

from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apps.core.forms import add_service_errors

from . import selectors, services
from .decorators import role_required, second_factor_required
from .forms import NewUserForm, RolesForm, SwitchSchoolForm, TokenForm
from .models import Role
from .types import HearthRequest


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # The time-out script (hearth.js) sends `expired=1` when it ends an idle session, so the
        # page says why the user is here rather than leaving them to wonder (WCAG 2.2.6 Timeouts).
        context["expired"] = self.request.GET.get("expired") == "1"
        context["session_minutes"] = settings.SESSION_COOKIE_AGE // 60
        return context


class LogoutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def _safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next") or request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return "/"
    return target


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    if selectors.has_confirmed_device(request.user):
        messages.info(request, "Two-factor sign-in is already set up for your account.")
        return redirect("home")
    device = services.pending_totp_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.confirm_totp_device(request, token=form.cleaned_data["token"]):
            messages.success(request, "Two-factor sign-in is now set up.")
            return redirect("home")
        form.add_error("token", "That code is not right. Check the time on your phone and try the newest code.")
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = BytesIO()
    image.save(buffer)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "qr_svg": buffer.getvalue().decode(), "secret": _b32(device.bin_key)},
    )


def _b32(key: bytes) -> str:
    from base64 import b32encode

    return b32encode(key).decode().rstrip("=")


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.verify_second_factor(request, token=form.cleaned_data["token"]):
            return redirect(_safe_next(request))
        form.add_error("token", "That code is not right. Try the newest code from your app.")
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request)})


@login_required
@require_POST
def switch_school(request: HttpRequest) -> HttpResponse:
    form = SwitchSchoolForm(request.POST)
    if form.is_valid():
        services.switch_school(request, school_id=form.cleaned_data["school"])
    return redirect("home")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    memberships = [
        (school, [label for value, label in Role.choices if value in roles])
        for school, roles in selectors.memberships_by_school(request.user).values()
    ]
    return render(
        request,
        "accounts/profile.html",
        {"memberships": memberships, "has_2fa": selectors.has_confirmed_device(request.user)},
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = selectors.unread_notifications(request.user, getattr(request, "school", None))
    return render(request, "accounts/notifications.html", {"items": items})


@login_required
@require_POST
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = services.mark_notification_read(request.user, notification_id=notification_id)
    return redirect(notification.url if notification.url.startswith("/") else "home")


# User administration ---------------------------------------------------------------------------


@login_required
@second_factor_required
@role_required(Role.ADMIN)
def users(request: HearthRequest) -> HttpResponse:
    show_all = request.GET.get("all") == "1"
    rows = selectors.school_users(request.school, include_inactive=show_all)
    return render(request, "accounts/users.html", {"rows": rows, "show_all": show_all})


@login_required
@second_factor_required
@role_required(Role.ADMIN)
def user_add(request: HearthRequest) -> HttpResponse:
    form = NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.create_user(request.user, school=request.school, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{user.display_name} added. They have been emailed a link to choose a password.")
            return redirect("accounts:user_detail", user_id=user.pk)
    return render(request, "accounts/user_add.html", {"form": form})


@login_required
@second_factor_required
@role_required(Role.ADMIN)
def user_detail(request: HearthRequest, user_id: int) -> HttpResponse:
    person = selectors.get_school_user(request.school, request.user, user_id)
    form = RolesForm(request.POST or None, initial={"roles": selectors.active_roles_in(request.school, person)})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_roles(request.user, school=request.school, user=person, roles=form.cleaned_data["roles"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Roles for {person.display_name} saved.")
            return redirect("accounts:user_detail", user_id=person.pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "person": person,
            "form": form,
            "has_2fa": selectors.has_confirmed_device(person),
            "is_self": person.pk == request.user.pk,
            "locked_out": services.is_locked_out(person),
        },
    )


@login_required
@second_factor_required
@role_required(Role.ADMIN)
@require_POST
def user_deactivate(request: HearthRequest, user_id: int) -> HttpResponse:
    person = selectors.get_school_user(request.school, request.user, user_id)
    try:
        services.deactivate_user(request.user, school=request.school, user=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{person.display_name} no longer has a role at {request.school.name}.")
    return redirect("accounts:user_detail", user_id=person.pk)


@login_required
@second_factor_required
@role_required(Role.ADMIN)
@require_POST
def user_reset_2fa(request: HearthRequest, user_id: int) -> HttpResponse:
    person = selectors.get_school_user(request.school, request.user, user_id)
    try:
        services.reset_two_factor(request.user, school=request.school, user=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{person.display_name} will set up a new authenticator at their next sign-in.")
    return redirect("accounts:user_detail", user_id=person.pk)


@login_required
@second_factor_required
@role_required(Role.ADMIN)
@require_POST
def user_unlock(request: HearthRequest, user_id: int) -> HttpResponse:
    person = selectors.get_school_user(request.school, request.user, user_id)
    services.unlock_sign_in(request.user, school=request.school, user=person)
    messages.success(request, f"{person.display_name} can sign in again.")
    return redirect("accounts:user_detail", user_id=person.pk)
