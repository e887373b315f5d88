"""Session limits and the second-factor gate.

`SessionLimitsMiddleware` ends a session SESSION_MAX_SECONDS after log-in, however busy it has
been (the idle limit is Django's own: SESSION_COOKIE_AGE renewed on every request).

`SecondFactorMiddleware`: a session whose password was accepted but whose second factor was
not (yet) verified is treated as signed out everywhere except the second-factor pages and
log-out. Public pages still work, every page that needs a role sends it to log in (and log-in
sends it on to the second factor), and the JSON API answers 401 to its session. An API call
with a bearer token is unaffected: the token's own authentication sets the user.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from qic.organisations.access import is_learner
from qic.organisations.models import User

LOGIN_AT_SESSION_KEY = "qic_login_at"


def is_verified(user: object) -> bool:
    """True when django-otp's middleware found a confirmed device verified in this session, or the
    user is a learner: learners sign in with a password set from a one-time code and see only their
    own record, so they have no second factor (docs/decisions.md §58)."""
    if isinstance(user, User) and is_learner(user):
        return True
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


# Pages an unverified session may use as itself.
SECOND_FACTOR_URL_NAMES = frozenset({"accounts:mfa_verify", "accounts:mfa_setup", "accounts:logout"})


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            login_at = request.session.get(LOGIN_AT_SESSION_KEY)
            # A session without a log-in time predates this check: end it too.
            if not isinstance(login_at, int) or time.time() - login_at > settings.SESSION_MAX_SECONDS:
                logout(request)
                hours = settings.SESSION_MAX_SECONDS / 3600
                messages.info(
                    request,
                    f"You have been signed out because you signed in more than {hours:g} hours ago. Sign in again.",
                )
        return self.get_response(request)


def _anonymous() -> AnonymousUser:
    return AnonymousUser()


async def _anonymous_async() -> AnonymousUser:
    return AnonymousUser()


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not is_verified(user):
            try:
                url_name = resolve(request.path_info).view_name
            except Resolver404:
                url_name = ""
            if url_name == "accounts:login":
                target = reverse("accounts:mfa_verify")
                next_url = request.GET.get("next")
                return HttpResponseRedirect(f"{target}?{urlencode({'next': next_url})}" if next_url else target)
            if url_name not in SECOND_FACTOR_URL_NAMES:
                request.user = _anonymous()
                request.auser = _anonymous_async
        return self.get_response(request)
