"""`manage.py rebuild_tallies [URN ...]`: recompute the stored benchmark tallies from the records."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from qic.organisations.models import Provider
from qic.programme import tallies


class Command(BaseCommand):
    help = "Recompute learners' benchmark tallies from participations and interviews (all providers by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("urns", nargs="*", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        providers = Provider.objects.filter(learners__isnull=False).distinct()
        if options["urns"]:
            providers = providers.filter(urn__in=options["urns"])
        for provider in providers:
            with transaction.atomic():
                tallies.refresh_provider(provider.pk)
            self.stdout.write(f"Rebuilt tallies for {provider}")
