"""Keep secret links out of the logs.

An invitation's link (/invitations/<secret>/) and a password-reset link
(/accounts/password/reset/<uid>/<secret>/) let whoever holds them into an account. Django's
own loggers write request paths: "Not Found: /invitations/…" for a used or expired link
(django.request) and every request line under runserver (django.server). This filter, on the
project's log handler, replaces the secret part of such paths before a record is written.
"""

from __future__ import annotations

import logging
import re

HIDDEN = "[hidden]"
_SECRET_PATHS = (
    # /invitations/<token>/ but not /invitations/<id>/withdraw/
    re.compile(r"(/invitations/)(?!\d+/withdraw/)[^/\s?#\"']+"),
    # /accounts/password/reset/<uidb64>/<token>/ but not Django's own …/set-password/ step
    re.compile(r"(/accounts/password/reset/[^/\s?#\"']+/)(?!set-password/)[^/\s?#\"']+"),
)


def redact(text: str) -> str:
    for pattern in _SECRET_PATHS:
        text = pattern.sub(rf"\g<1>{HIDDEN}", text)
    return text


class RedactSecretLinks(logging.Filter):
    """Rewrite a record whose message holds a secret link; the record is never dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record whose args do not fit its message: leave it to the handler
            return True
        hidden = redact(message)
        if hidden != message:
            record.msg, record.args = hidden, ()
        return True
