"""Who may call the API, how often, and what a refused or broken call answers.

- `ProviderToken`: `Authorization: Bearer qic_…`. A token acts as the person who made it, for its
  provider only, until it expires; a read-only token may only read (GET, HEAD, OPTIONS).
- Throttling (django-ninja's own, which sets `Retry-After`): per token or signed-in user, and per
  IP address for calls without either — including calls whose credentials were refused, so that
  guessing tokens is slowed down too. Rates come from settings (`API_RATE_PER_TOKEN`,
  `API_RATE_PER_IP`) and counts live in Django's cache.
- `QicNinjaAPI`: answers every error as JSON (`{"detail": …}`), never Django's HTML pages, and
  documents 401/403/429 in the OpenAPI schema.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import dateformat, timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, Throttled
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from qic.programme.actions import hash_token
from qic.programme.models import ApiToken

logger = logging.getLogger("django.request")

READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Last use is written at most once a minute per token: an MIS that calls every second must not
# turn every read into a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)

READ_ONLY_REFUSAL = (
    "This token is read-only: it can read figures and activities but cannot send files or change "
    "anything. Create a read and write token on your provider's MIS connection page."
)


def note_token_used(token: ApiToken, now: dt.datetime) -> bool:
    """Store `now` as the token's last use unless a use within the last minute is already stored.

    Returns whether a row was written. Not an action in `actions.py`: it records a fact about
    authentication, changes nothing a person made, and is deliberately not audited. The
    conditional UPDATE keeps two processes from both writing within the same minute.
    """
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return False
    written = (
        ApiToken.objects.filter(pk=token.pk)
        .exclude(last_used_at__gt=now - LAST_USED_RESOLUTION)
        .update(last_used_at=now)
    )
    if written:
        token.last_used_at = now
    return bool(written)


def long_date(moment: dt.datetime) -> str:
    return dateformat.format(timezone.localtime(moment), "j F Y")


class ProviderToken(HttpBearer):
    """`Authorization: Bearer qic_…`: a provider's token acts as the person who made it, for that
    provider only. Unknown, revoked or orphaned tokens fall through (401 if nothing else
    authenticates); an expired token answers 401 saying so; a read-only token that tries to
    write answers 403."""

    openapi_description = (
        "A provider's token from its MIS connection page. Read-only tokens may only use GET; "
        "every token expires (at most a year after it was made)."
    )

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = (
            ApiToken.objects.select_related("created_by", "provider")
            .filter(token_hash=hash_token(token), revoked_at=None, created_by__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.has_expired(now):
            raise AuthenticationError(
                message=(
                    f"This token expired on {long_date(found.expires_at)}. Create a new one on your "
                    "provider's MIS connection page."
                )
            )
        if request.method not in READING_METHODS and not found.can_write:
            raise AuthorizationError(message=READ_ONLY_REFUSAL)
        note_token_used(found, now)
        request.user = found.created_by
        return found


# --- Throttling ------------------------------------------------------------------------------


class _SettingsRateThrottle(SimpleRateThrottle):
    """django-ninja's cache-backed throttle, with its rate read from a setting on every call, so
    that a changed setting (or a test's override) applies without re-importing the API."""

    rate_setting = ""

    def __init__(self) -> None:
        self.rate = None
        self.num_requests, self.duration = None, None

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = getattr(settings, self.rate_setting)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def retry_after(self) -> int:
        """Whole seconds until the next call would be allowed (at least 1)."""
        wait = self.wait()
        if wait is None:
            wait = self.duration or 1
        return max(1, math.ceil(wait))


class PerCallerThrottle(_SettingsRateThrottle):
    """Calls by one token, or by one signed-in person's session."""

    scope = "caller"
    rate_setting = "API_RATE_PER_TOKEN"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        auth = getattr(request, "auth", None)
        if isinstance(auth, ApiToken):
            ident = f"token-{auth.pk}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PerAddressThrottle(_SettingsRateThrottle):
    """Calls with no token and no session, by IP address (see `NINJA_NUM_PROXIES`)."""

    scope = "address"
    rate_setting = "API_RATE_PER_IP"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        if getattr(request, "auth", None) is not None or request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def too_many_requests(api: NinjaAPI, request: HttpRequest, wait: int) -> HttpResponse:
    response = api.create_response(request, {"detail": f"Too many requests. Try again in {wait} seconds."}, status=429)
    response["Retry-After"] = str(wait)
    return response


# --- The API object ----------------------------------------------------------------------------

ERROR_SCHEMA = {
    "type": "object",
    "title": "Error",
    "properties": {"detail": {"type": "string", "title": "What went wrong"}},
    "required": ["detail"],
}


def _error_response(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": description, "content": {"application/json": {"schema": ERROR_SCHEMA}}}
    if headers:
        answer["headers"] = headers
    return answer


class QicNinjaAPI(NinjaAPI):
    """NinjaAPI with our throttles, JSON answers for every error, and 401/403/429 in the schema."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("throttle", [PerCallerThrottle(), PerAddressThrottle()])
        super().__init__(**kwargs)
        handlers: list[tuple[type[Exception], Any]] = [
            (AuthenticationError, self._unauthorised),
            (Throttled, self._throttled),
            (PermissionDenied, self._forbidden),
            (BadRequest, self._bad_request),
            (SuspiciousOperation, self._bad_request),
            (MultiPartParserError, self._bad_request),
            (Exception, self._server_error),
        ]
        for exc_class, handler in handlers:
            self.add_exception_handler(exc_class, handler)

    def _unauthorised(self, request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        # Refused credentials count against the caller's address, so guessing tokens is throttled.
        throttle = PerAddressThrottle()
        if not throttle.allow_request(request):
            return too_many_requests(self, request, throttle.retry_after())
        return self.create_response(request, {"detail": exc.message}, status=401)

    def _throttled(self, request: HttpRequest, exc: Throttled) -> HttpResponse:
        wait = max(1, math.ceil(exc.wait)) if exc.wait is not None else 60
        return too_many_requests(self, request, wait)

    def _forbidden(self, request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return self.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)

    def _bad_request(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.warning("Bad API request %s: %s", request.path, exc)
        return self.create_response(request, {"detail": f"Bad request: {exc}"}, status=400)

    def _server_error(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        # Logged exactly as Django logs an unhandled error, but answered as JSON.
        logger.error("Internal Server Error: %s", request.path, exc_info=exc)
        detail = "Something went wrong on our side. It has been logged; please try again later."
        return self.create_response(request, {"detail": detail}, status=500)

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        retry_after = {
            "Retry-After": {"description": "Seconds to wait before trying again", "schema": {"type": "integer"}}
        }
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                if operation.get("security"):
                    responses.setdefault(
                        "401", _error_response("No session or token, or the token is unknown, revoked or expired")
                    )
                    reason = "Your role does not give access to this"
                    if method != "get":
                        reason += ", or the token is read-only"
                    responses.setdefault("403", _error_response(reason))
                responses.setdefault("429", _error_response("Too many requests", retry_after))
        return schema
