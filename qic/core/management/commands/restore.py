"""`manage.py restore PATH`: replace the whole database with a backup made by `manage.py backup`.

Everything written since the backup is lost, so the command asks for "yes" (or takes --yes).
Stop the worker and the scheduler first (and the web server, or show a maintenance page), then
run `manage.py migrate` if the backup came from an older release. See qic/core/backup.py.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from qic.core import backup

logger = logging.getLogger("qic.backup")


class Command(BaseCommand):
    help = "Replace the whole database with the backup at PATH (asks to confirm; --yes to skip)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="do not ask: replace the data (for scripts that mean it)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["path"]
        if not source.is_file():
            raise CommandError(f"{source} is not a file")
        name = connection.settings_dict["NAME"]
        if not options["yes"]:
            if not sys.stdin.isatty():
                raise CommandError(
                    "Restoring replaces every row in the database with the backup's. Nothing was changed: "
                    "run again with --yes to do it."
                )
            answer = input(
                f"This replaces ALL data in {name} with the backup {source}; everything written since the "
                'backup is lost. Type "yes" to go on: '
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled: nothing was changed")
        try:
            backup.restore(source)
        except (backup.BackupError, OSError) as exc:
            raise CommandError(str(exc)) from None
        logger.warning("Database restored from the backup %s", source)
        self.stdout.write(
            f"Restored {name} from {source}. Run `manage.py migrate` if the backup came from an older release, "
            "and `manage.py verify_audit` to check the audit trail."
        )
