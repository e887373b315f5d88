"""`manage.py load_demo`: load the fictional demo dataset and print its log-ins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from qic.accounts.actions import demo_key_base32
from qic.demo.build import DEMO_PASSWORD, build_demo


class Command(BaseCommand):
    help = "Create the demo organisations and people (idempotent) and print the demo log-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo's steps would mail every demo person; keep those in memory, not on the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            logins = build_demo()
        self.stdout.write("")
        self.stdout.write(f"Demo log-ins (every demo account's password is: {DEMO_PASSWORD})")
        width = max(len(login.role) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.role:<{width}}  {login.email:<36}  {login.organisation}")
        self.stdout.write("")
        self.stdout.write("Second factor: every demo account uses one published demo authenticator key.")
        self.stdout.write(f"  Add this key (time-based, 6 digits) to an authenticator app: {demo_key_base32()}")
        self.stdout.write("  or print the current code with: .venv/bin/python manage.py demo_code")
        self.stdout.write("")
