"""`manage.py load_dfe_destinations --stage KS4|16-18 FILE`: load a DfE destination measures file
(explore-education-statistics CSV), all or nothing, and print the same report as the Consortium's
page. Exits non-zero, having loaded nothing, when the file has any problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qic.core.actors import SystemActor
from qic.destinations.dfe_load import load_dfe_file, report_lines
from qic.domain.academic import KeyStage
from qic.domain.destinations import STAGES

ACTOR = SystemActor("load_dfe_destinations command")


class Command(BaseCommand):
    help = (
        "Load the DfE's KS4 or 16-18 destination measures from an explore-education-statistics CSV file: national "
        "and local-authority rows are kept, other levels skipped and counted; a file with any bad row loads nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--stage",
            required=True,
            choices=[stage.value for stage in STAGES],
            help="the measures in the file: KS4 or 16-18",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        result = load_dfe_file(data=data, file_name=path.name, stage=KeyStage(options["stage"]), actor=ACTOR)
        lines = report_lines(result)
        if not result.loaded:
            raise CommandError("\n".join(lines))
        for line in lines:
            self.stdout.write(line)
