"""`manage.py import_gias FILE [--include-closed]`: create or update providers from GIAS."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qic.organisations.actions import import_gias
from qic.organisations.gias import GiasFileError


class Command(BaseCommand):
    help = "Create or update learning providers by URN from a DfE GIAS edubasealldata CSV extract."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--include-closed", action="store_true", help="import closed establishments too")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        try:
            report = import_gias(
                data=data, file_name=path.name, include_closed=options["include_closed"], actor="import_gias command"
            )
        except GiasFileError as exc:
            raise CommandError(f"Nothing was imported: {exc}") from None
        if not report.ok:
            lines = [f"  line {e.line}: {e.reason}" for e in report.errors]
            raise CommandError(
                "\n".join([f"Nothing was imported: {len(report.errors)} bad row(s) in {path.name}:", *lines])
            )
        self.stdout.write(
            f"created {report.created}, updated {report.updated}, "
            f"skipped {report.unchanged + report.skipped_closed} "
            f"({report.unchanged} unchanged, {report.skipped_closed} closed)"
        )
