"""`manage.py load_framework PATH [PATH ...]`: load editions of the national criteria.

Each PATH is a data file or a folder of them (every .yaml, .yml and .json file in it, in name
order), so a new edition is one more file beside the others. Every file is checked before any
is loaded, and all are loaded in one transaction: one bad file means nothing is loaded. Loading
an edition changes nothing until its effective date (see qic.frameworks.editions).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from qic.core.actors import SystemActor
from qic.domain.dates import long_date
from qic.frameworks.loading import EditionFileError, load_edition, read_edition_file

DATA_SUFFIXES = {".yaml", ".yml", ".json"}


def data_files(paths: list[Path]) -> list[Path]:
    """The files named, with each folder replaced by its data files in name order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in DATA_SUFFIXES)
            if not found:
                raise EditionFileError([f"{path}: no .yaml, .yml or .json files in this folder"])
            files.extend(found)
        else:
            files.append(path)
    return files


class Command(BaseCommand):
    help = "Load editions of the national criteria from YAML or JSON files or folders of them (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="path", help="a data file or a folder of them")

    def handle(self, *args: Any, **options: Any) -> None:
        problems: list[str] = []
        datas = []
        try:
            files = data_files(options["paths"])
        except EditionFileError as exc:
            raise CommandError("\n".join(["Nothing was loaded:", *exc.problems])) from None
        for path in files:
            try:
                datas.append(read_edition_file(path))
            except EditionFileError as exc:
                # With several files, say which one each problem is in.
                several = len(files) > 1
                problems.extend(f"{path}: {p}" if several and not p.startswith(f"{path}:") else p for p in exc.problems)
        codes = [str(d["edition"]["id"]).strip() for d in datas]
        problems.extend(
            f"edition {code} is in more than one file" for code in sorted(set(codes)) if codes.count(code) > 1
        )
        if problems:
            raise CommandError("\n".join(["Nothing was loaded:", *problems]))
        try:
            with transaction.atomic():
                results = [load_edition(data, actor=SystemActor("load_framework command")) for data in datas]
        except EditionFileError as exc:
            raise CommandError("\n".join(["Nothing was loaded:", *exc.problems])) from None
        for result in results:
            edition = result.edition
            self.stdout.write(
                f"Edition {edition.code} ({edition.title}, effective from {long_date(edition.effective_from)}): "
                f"{result.outcome}; {edition.sections.count()} sections, {edition.criteria.count()} criteria, "
                f"{edition.notes.count()} notes."
            )
