"""`manage.py record_mail_bounce ADDRESS... [--detail TEXT] [--file PATH|-]`: the mail service
said these addresses bounced; the links last sent to them are marked bounced, and the school sees
it beside each link and in the warning at the top of its links page.

Addresses come from the arguments and, with --file, one a line from a file ("-" reads standard
input; blank lines and lines starting with # are skipped). All or nothing: if any address is not
an email address, each bad one is reported with its line and nothing is recorded. Each link
marked bounced has its audit event ("mail bounce notice"), in the same transaction.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction

from qic.partners.delivery import MAIL_BOUNCE_NOTICE, record_bounce


class Command(BaseCommand):
    help = "Mark the links last sent to these email addresses as bounced (the school sees it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addresses", nargs="*", help="email addresses that bounced")
        parser.add_argument("--detail", default="", help="what the mail service said, shown to the school")
        parser.add_argument("--file", help="read addresses from this file, one a line ('-' for standard input)")

    def handle(self, *args: Any, **options: Any) -> None:
        given: list[tuple[str, str]] = [(f"argument {n}", a) for n, a in enumerate(options["addresses"], 1)]
        source = options["file"]
        if source:
            given += [(f"line {n}", line) for n, line in self._lines(source)]
        if not given:
            raise CommandError("Give at least one address, or --file with one address a line")
        bad = []
        for where, address in given:
            try:
                validate_email(address.strip())
            except ValidationError:
                bad.append(f"{where}: {address.strip()!r} is not an email address")
        if bad:
            raise CommandError("Nothing was recorded:\n" + "\n".join(bad))
        detail = options["detail"].strip()
        total = 0
        with transaction.atomic():
            for _, address in given:
                marked = record_bounce(address.strip(), detail, actor=MAIL_BOUNCE_NOTICE)
                total += marked
                self.stdout.write(f"{address.strip()}: {marked} link{'s' if marked != 1 else ''} marked bounced")
        self.stdout.write(f"{total} link{'s' if total != 1 else ''} marked bounced in all")

    @staticmethod
    def _lines(source: str) -> list[tuple[int, str]]:
        try:
            text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Could not read {source}: {error}") from None
        return [
            (n, line.strip())
            for n, line in enumerate(text.splitlines(), 1)
            if line.strip() and not line.strip().startswith("#")
        ]
