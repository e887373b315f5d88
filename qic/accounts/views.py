"""Log-in, the second factor, security settings, password change and reset, and the lockout page."""

from __future__ import annotations

import base64
import io
import math
from base64 import b32encode
from typing import Any
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from axes.utils import reset as reset_lockouts
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from qic.accounts import actions
from qic.accounts.forms import (
    ConfirmDeviceForm,
    GovukPasswordChangeForm,
    GovukPasswordResetForm,
    GovukSetPasswordForm,
    SecondFactorForm,
    SignInForm,
)
from qic.accounts.middleware import is_verified
from qic.organisations.access import require_role
from qic.organisations.models import User

NEW_CODES_SESSION_KEY = "qic_new_recovery_codes"


def _signed_in(request: HttpRequest) -> User:
    """The signed-in user of a view behind require_role (which has sent anyone else away)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in first.")
    return user


def _next_url(request: HttpRequest) -> str:
    """The same-site page asked for in `next` (GET or POST), or the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("dashboards:home")


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


class LoginView(auth_views.LoginView):
    """Django's log-in; a right password leads to the second factor, not straight in."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True
    authentication_form = SignInForm

    def get_success_url(self) -> str:
        return _with_next("accounts:mfa_verify", super().get_success_url())


def locked_out(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes calls this instead of the log-in view while an account+address is locked."""
    minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    form = AuthenticationForm(request, initial={"username": request.POST.get("username", "")})
    return render(
        request,
        "registration/login.html",
        {"form": form, "locked_out": True, "minutes": minutes, "next": request.POST.get("next", "")},
        status=429,
    )


def _verify_login(request: HttpRequest, device: Any) -> None:
    # A new session key for the fully signed-in session, as Django does at log-in.
    request.session.cycle_key()
    otp_login(request, device)


@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """Second step of log-in: a code from the authenticator app, or a recovery code."""
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:login")
    next_url = _next_url(request)
    if is_verified(user):
        return HttpResponseRedirect(next_url)
    if actions.confirmed_totp_device(user) is None:
        return HttpResponseRedirect(_with_next("accounts:mfa_setup", next_url))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = actions.check_second_factor(user=user, code=form.cleaned_data["code"])
        if result.device is not None:
            _verify_login(request, result.device)
            if isinstance(result.device, StaticDevice):
                left = actions.recovery_codes_left(user)
                messages.info(
                    request,
                    f"You used a recovery code. You have {left} left: generate new ones from your security settings.",
                )
            return HttpResponseRedirect(next_url)
        form.add_error("code", result.error)
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": next_url})


def _qr_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=4)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _grouped_key(device: TOTPDevice) -> str:
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@require_http_methods(["GET", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Add (or replace) the authenticator app: QR code and key, confirmed with one code."""
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:login")
    next_url = _next_url(request)
    replacing = actions.confirmed_totp_device(user) is not None
    if replacing and not is_verified(user):
        # Replacing the app needs the old one (or a recovery code) first.
        return HttpResponseRedirect(_with_next("accounts:mfa_verify", next_url))
    device = actions.start_totp_setup(user=user)
    form = ConfirmDeviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, info = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", actions.wait_message((info or {}).get("locked_until")))
        elif device.verify_token(form.cleaned_data["code"]):
            codes = actions.confirm_totp_device(device=device, actor=user)
            _verify_login(request, device)
            request.session[NEW_CODES_SESSION_KEY] = codes
            return HttpResponseRedirect(_with_next("accounts:mfa_recovery_codes", next_url))
        else:
            form.add_error("code", "The code is not correct. Enter the 6-digit code your authenticator app shows now")
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "form": form,
            "next": next_url,
            "replacing": replacing,
            "qr_code": _qr_data_uri(device.config_url),
            "key": _grouped_key(device),
        },
    )


@require_role()
@require_http_methods(["GET"])
def mfa_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Shows new recovery codes once; afterwards only how many are left."""
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    return render(
        request,
        "accounts/recovery_codes.html",
        {
            "codes": codes,
            "left": actions.recovery_codes_left(_signed_in(request)),
            "next": _next_url(request),
        },
    )


@require_role()
@require_POST
def mfa_recovery_regenerate(request: HttpRequest) -> HttpResponse:
    user = _signed_in(request)
    codes = actions.regenerate_recovery_codes(user=user, actor=user)
    request.session[NEW_CODES_SESSION_KEY] = codes
    return redirect("accounts:mfa_recovery_codes")


@require_role()
@require_http_methods(["GET"])
def security_settings(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/security.html",
        {
            "device": actions.confirmed_totp_device(_signed_in(request)),
            "codes_left": actions.recovery_codes_left(_signed_in(request)),
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    form_class = GovukPasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")  # Django's default names it bare

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        actions.set_password(
            user=form.user, password=form.cleaned_data["new_password1"], actor=_signed_in(self.request), how="changed"
        )
        # Keep this session signed in; every other session of the user ends.
        update_session_auth_hash(self.request, form.user)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetView(auth_views.PasswordResetView):
    """Always answers "check your email": the page never says whether an account exists."""

    template_name = "registration/password_reset_form.html"
    form_class = GovukPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_email_context = {"site_url": settings.SITE_URL}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    form_class = GovukSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:  # type: ignore[type-arg]
        actions.set_password(user=form.user, password=form.cleaned_data["new_password1"], actor=form.user, how="reset")
        # Whoever can read the account's email may sign in again at once.
        reset_lockouts(username=form.user.email)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())
