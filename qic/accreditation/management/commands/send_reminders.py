"""Mail annual-review and expiry reminders; run daily (cron or a scheduler)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from qic.accreditation.reminders import send_reminders


class Command(BaseCommand):
    help = "Send reminders of annual reviews due within 30 days and awards expiring within 90 days (each once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, help="Pretend today is this date (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_reminders(today=options["today"] or timezone.localdate())
        self.stdout.write(f"Reminders sent: {sent.reviews} annual reviews, {sent.expiries} expiring awards.")
