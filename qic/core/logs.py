"""Log lines: who asked (a request id), when (UTC), and nothing that should stay private.

- `RequestIdMiddleware` gives every request an id: the caller's X-Request-ID when it is sane
  (1 to 64 characters of letters, digits and hyphens: a proxy's or load balancer's id, so one
  request can be followed through every log), otherwise a new random one. It is held in a
  context variable from the moment the server hands the request over (Django's request_started
  signal) until the answer has been sent (request_finished), and returned in the answer's
  X-Request-ID header.
- `RequestIdFilter` puts it on every log record as `request_id` ("-" outside a request).
- `RedactFilter` removes secrets that can reach a log line in a URL: the token of an invitation
  link and of a password reset link (Django's own "Not Found: /invitations/…" warning, for one).
  Our own log calls name jobs and tasks by id only, never a learner, a password or a token.
- `UTCJsonFormatter` writes one JSON object per line: time (UTC, ISO 8601), level, logger,
  message, request_id, and the exception when there is one. `UTCTextFormatter` writes the same
  fields as a readable line for development.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.core.signals import request_finished, request_started
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"[A-Za-z0-9-]{1,64}")

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("qic_request_id", default=None)


def sane_request_id(value: str | None) -> str | None:
    """The incoming id if it is safe to log and echo back, else None."""
    if value and _SANE_ID.fullmatch(value):
        return value
    return None


def new_request_id() -> str:
    return uuid.uuid4().hex


@receiver(request_started, dispatch_uid="qic_request_id_started")
def _request_started(
    sender: Any, environ: dict[str, Any] | None = None, scope: dict[str, Any] | None = None, **kwargs: Any
) -> None:
    # Set when the server hands over the request and cleared when the answer has been sent, so
    # that the lines Django logs after the middleware ("Not Found: …") carry the id too.
    incoming = (environ or {}).get("HTTP_X_REQUEST_ID")
    if scope is not None:  # ASGI
        for name, value in scope.get("headers", []):
            if name.lower() == b"x-request-id":
                incoming = value.decode("latin-1")
    _request_id.set(sane_request_id(incoming) or new_request_id())


@receiver(request_finished, dispatch_uid="qic_request_id_finished")
def _request_finished(sender: Any, **kwargs: Any) -> None:
    _request_id.set(None)


class RequestIdMiddleware:
    """Puts the request's id on the request and in the answer's X-Request-ID header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = _request_id.get()
        if request_id is None:  # a server that does not send request_started
            request_id = sane_request_id(request.headers.get(REQUEST_ID_HEADER)) or new_request_id()
            _request_id.set(request_id)
        request.request_id = request_id  # type: ignore[attr-defined]
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get() or "-"
        return True


# What a secret in a logged path is replaced by.
HIDDEN = "[hidden]"

# Paths whose segments are secrets: /invitations/<token>/ and /accounts/password/reset/<uid>/<token>/.
_SECRET_PATHS = [
    (re.compile(r"(/invitations/)(?!\d+/withdraw/)[^/\s?#\"']+"), r"\1" + HIDDEN),
    # the reset link's uidb64 is kept (it is only the account's id); its token is hidden, but not
    # Django's own …/set-password/ step
    (re.compile(r"(/accounts/password/reset/[^/\s?#\"']+/)(?!set-password/)[^/\s?#\"']+"), r"\1" + HIDDEN),
]


def redact(text: str) -> str:
    for pattern, replacement in _SECRET_PATHS:
        text = pattern.sub(replacement, text)
    return text


class RedactFilter(logging.Filter):
    """Rewrites the message (with its arguments filled in) without secret URL segments."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True


def _utc_iso(record: logging.LogRecord) -> str:
    return dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds")


class UTCJsonFormatter(JsonFormatter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        super().__init__(*args, **kwargs)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return _utc_iso(record)


class UTCTextFormatter(logging.Formatter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        super().__init__(*args, **kwargs)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return _utc_iso(record)
