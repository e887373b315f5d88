"""`manage.py load_framework FILE`: load an edition of the national criteria."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qic.frameworks.loading import EditionFileError, load_edition, read_edition_file


class Command(BaseCommand):
    help = "Load an edition of the national criteria from a YAML or JSON file (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = read_edition_file(options["file"])
            result = load_edition(data, actor="load_framework command")
        except EditionFileError as exc:
            raise CommandError("\n".join(["Nothing was loaded:", *exc.problems])) from None
        edition = result.edition
        self.stdout.write(
            f"Edition {edition.code} ({edition.title}): {result.outcome}; "
            f"{edition.sections.count()} sections, {edition.criteria.count()} criteria, "
            f"{edition.notes.count()} notes."
        )
