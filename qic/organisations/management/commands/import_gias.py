"""`manage.py import_gias FILE [--include-closed] [--wait]`: create or update providers from GIAS.

Queues the import for a task worker and prints the job's number; with `--wait` it runs the
import in this process and prints the result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qic.core.actors import SystemActor
from qic.organisations.actions import start_gias_import
from qic.organisations.models import GiasImport

ACTOR = SystemActor("import_gias command")


class Command(BaseCommand):
    help = (
        "Create or update learning providers by URN from a DfE GIAS edubasealldata CSV extract: queues the "
        "import for a worker (prints the job id), or runs it here with --wait."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--include-closed", action="store_true", help="import closed establishments too")
        parser.add_argument("--wait", action="store_true", help="run the import in this process and print the result")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        job = start_gias_import(
            data=data, file_name=path.name, include_closed=options["include_closed"], actor=ACTOR, wait=options["wait"]
        )
        if not options["wait"]:
            self.stdout.write(f"queued GIAS import {job.pk}")
            return
        if job.status == GiasImport.Status.FAILED:
            if job.errors:
                lines = [f"  line {e['line']}: {e['reason']}" for e in job.errors]
                raise CommandError(
                    "\n".join([f"Nothing was imported: {len(job.errors)} bad row(s) in {path.name}:", *lines])
                )
            raise CommandError(f"Nothing was imported: {job.message.removesuffix(' Nothing was imported.')}")
        self.stdout.write(
            f"created {job.created_count}, updated {job.updated_count}, "
            f"skipped {job.unchanged_count + job.skipped_closed_count} "
            f"({job.unchanged_count} unchanged, {job.skipped_closed_count} closed)"
        )
        if job.notices:
            self.stdout.write(f"{len(job.notices)} value(s) left blank:")
            for notice in job.notices:
                self.stdout.write(f"  line {notice['line']}: {notice['reason']}")
