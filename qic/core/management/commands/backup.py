"""`manage.py backup PATH`: a consistent copy of the whole database, safe while the site runs.

SQLite: the online backup API (one file). PostgreSQL: pg_dump's custom format (needs pg_dump of
the server's major version or newer). See qic/core/backup.py; `manage.py restore` reads either.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qic.core import backup

logger = logging.getLogger("qic.backup")


class Command(BaseCommand):
    help = "Write a backup of the whole database to PATH (refuses to overwrite a file unless --overwrite)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--overwrite", action="store_true", help="replace PATH if it exists")

    def handle(self, *args: Any, **options: Any) -> None:
        dest: Path = options["path"]
        if dest.is_dir():
            raise CommandError(f"{dest} is a folder: give the backup file's name")
        if dest.exists() and not options["overwrite"]:
            raise CommandError(f"{dest} exists: choose a new name, or add --overwrite to replace it")
        if not dest.parent.is_dir():
            raise CommandError(f"The folder {dest.parent} does not exist")
        try:
            backup.backup(dest)
        except (backup.BackupError, OSError) as exc:
            raise CommandError(str(exc)) from None
        size = dest.stat().st_size
        logger.info("Backup written: %s (%d bytes)", dest, size)
        self.stdout.write(f"Backup written to {dest} ({size:,} bytes)")
