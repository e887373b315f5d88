"""Walk the audit trail's hash chains in id order and report the first broken event.

There is one chain per provider and one for events with no provider (qic.core.audit): each event
follows the one before it in its own chain."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qic.core import chain
from qic.core.models import AuditEvent


def first_break() -> tuple[int, AuditEvent | None, str]:
    """(events checked, the first broken event or None, why it is broken)."""
    prev_of: dict[int | None, str] = {}  # the last hash seen in each provider's chain
    count = 0
    redacted: dict[int, AuditEvent] = {}  # redacted events not yet vouched for by a redaction event
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != prev_of.get(event.provider_id_ref, ""):
            return count, event, "it does not follow the event before it (an event was removed or changed)"
        # A redacted event keeps the digest of the payload it had; only the trigger-guarded
        # redaction can set redacted_at.
        if event.redacted_at is None and chain.digest_of(event) != event.payload_digest:
            return count, event, "its details (object, before or after) were changed"
        if chain.hash_of(event) != event.hash:
            return count, event, "its fields do not match its hash"
        if event.redacted_at is not None:
            redacted[event.pk] = event
        if event.action == "learner.events_redacted" and isinstance(event.after, dict):
            for pk in event.after.get("event_ids", []):
                redacted.pop(pk, None)
        prev_of[event.provider_id_ref] = event.hash
        count += 1
    if redacted:
        first = redacted[min(redacted)]
        return count, first, "it was redacted without a learner.events_redacted event that lists it"
    return count, None, ""


class Command(BaseCommand):
    help = 'Check the audit trail\'s hash chain: prints "OK: N events", or the first broken event and exits 1.'

    def handle(self, *args: Any, **options: Any) -> None:
        count, broken, reason = first_break()
        if broken is not None:
            raise CommandError(
                f"Audit trail broken at event {broken.pk} ({broken.at:%Y-%m-%d %H:%M:%S} UTC, {broken.action}): "
                f"{reason}. {count} events before it verified.",
                returncode=1,
            )
        self.stdout.write(f"OK: {count} events")
