"""`manage.py apply_retention [--today YYYY-MM-DD] [--dry-run]`: remove what is no longer kept. Run daily."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from qic.core.actors import SystemActor
from qic.domain.dates import long_date
from qic.programme.data_protection import apply_retention


class Command(BaseCommand):
    help = (
        "Anonymise learners who left more than QIC_RETAIN_LEAVERS_YEARS ago and remove learner files "
        "uploaded for imports more than QIC_RETAIN_IMPORT_FILES_DAYS ago. Prints counts, never names."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, help="Count the periods to this date (YYYY-MM-DD).")
        parser.add_argument("--dry-run", action="store_true", help="Only say what would be removed; change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"] or timezone.localdate()
        years = settings.QIC_RETAIN_LEAVERS_YEARS
        days = settings.QIC_RETAIN_IMPORT_FILES_DAYS
        result = apply_retention(
            today=today,
            leavers_years=years,
            import_file_days=days,
            actor=SystemActor("retention (manage.py apply_retention)"),
            dry_run=options["dry_run"],
        )
        verb = "Would anonymise" if options["dry_run"] else "Anonymised"
        removed = "would remove" if options["dry_run"] else "removed"
        self.stdout.write(
            f"{verb} {result.learners_anonymised} learner(s) who left {years} or more years before "
            f"{long_date(today)}; {removed} {result.import_files_removed} uploaded learner file(s) "
            f"kept {days} or more days."
        )
