"""Auth and lockout signals → audit events and the session's log-in time.

Each receiver only hands over to an action; the rules live in actions.py and middleware.py.
"""

from __future__ import annotations

import time
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from qic.accounts import actions
from qic.accounts.middleware import LOGIN_AT_SESSION_KEY
from qic.organisations.access import is_learner
from qic.organisations.models import User


@receiver(user_logged_in, dispatch_uid="qic_login_time")
def remember_login_time(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    # The absolute session limit counts from here (SessionLimitsMiddleware).
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_SESSION_KEY] = int(time.time())


@receiver(user_logged_in, dispatch_uid="qic_audit_login")
def audit_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    # A learner has no second factor (decisions §58): their password is the whole sign-in.
    actions.record_account_event(
        user=user,
        action="user.signed_in",
        actor=user,
        after={"second_factor": "none for learners" if is_learner(user) else "required next"},
    )


@receiver(user_logged_out, dispatch_uid="qic_audit_logout")
def audit_logout(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None and user.is_authenticated:
        actions.record_account_event(user=user, action="user.signed_out", actor=user)


@receiver(user_login_failed, dispatch_uid="qic_audit_login_failed")
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already replaced the password in `credentials` with stars; we keep only the email.
    # Axes (whose receiver runs first) counts only attempts made while not locked out.
    refused_unchecked = getattr(request, "axes_locked_out", False) and (
        getattr(request, "axes_failures_since_start", None) is None
    )
    actions.record_failed_sign_in(
        email=str(credentials.get("username") or credentials.get("email") or ""),
        reason="locked out, not checked" if refused_unchecked else "wrong email address or password",
    )


@receiver(user_locked_out, dispatch_uid="qic_audit_lockout")
def audit_lockout(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    # Axes also sends this for every attempt refused during a lock; record only the lock itself.
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    actions.record_lockout(email=username or "", ip_address=ip_address or "")
