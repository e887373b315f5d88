"""A mail backend whose server refuses every recipient, as a real one does a bad address."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[Any]) -> int:
        recipients = {address: (550, b"No such user") for m in email_messages for address in m.to}
        raise smtplib.SMTPRecipientsRefused(recipients)
