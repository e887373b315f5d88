"""Django's `flush`, able to empty the append-only audit table outside production.

The audit triggers refuse DELETE and TRUNCATE (qic/core/triggers.py). Wiping a development
database, and the test runner's flush between transactional and browser tests, run inside
`triggers.maintenance`, which lets the flush through for its own transaction only. In
production `maintenance` refuses, so a flush there stops at the audit table and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections

from qic.core import triggers


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        with triggers.maintenance(connection):
            super().handle(**options)
