"""`manage.py demo_code`: print the demo authenticator's current code (development only)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from qic.accounts.actions import DEMO_TOTP_KEY_HEX


class Command(BaseCommand):
    help = "Print the current 6-digit code of the demo authenticator key that every demo account uses."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("There are no demo accounts in production.")
        totp = TOTP(bytes.fromhex(DEMO_TOTP_KEY_HEX))
        left = 30 - int(time.time()) % 30
        self.stdout.write(f"{totp.token():06d}  (valid for {left} more seconds; each code works once per account)")
