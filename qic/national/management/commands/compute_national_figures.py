"""Store each provider's benchmark and destination aggregates for the national figures; run nightly."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from qic.national.actions import compute_national_destinations, compute_national_figures, current_and_past_years


class Command(BaseCommand):
    help = (
        "Recompute per-provider benchmark aggregates and destination aggregates of the last three leaving "
        "cohorts (the only input of the national analytics)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, action="append", help="Academic year (start year); repeatable.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        years = options["year"] or current_and_past_years(today)
        count = compute_national_figures(years=years, today=today)
        self.stdout.write(f"Stored {count} provider-year aggregates for {', '.join(map(str, years))}.")
        cohorts = compute_national_destinations(today=today)
        self.stdout.write(f"Stored {cohorts} provider-cohort destination aggregates.")
