"""The audit trail's hash chain: pure functions, no database.

Each event's `hash` is SHA-256 over a canonical JSON of its fields and the previous event's
hash, so changing, removing or reordering a stored event breaks every hash after it. The
personal payload (`object_repr`, `before`, `after`) enters the chain only through its own
SHA-256, `payload_digest`: redacting a learner's events for erasure replaces the payload but
keeps the digest, so the chain still verifies (docs/decisions.md §17).

The format is fixed: migration 0003 and `verify_audit` both use these functions. A change
needs a new format that old events keep being checked under.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any


def canonical(value: Any) -> str:
    """JSON with sorted keys and no spaces: the same text for the same value, whatever the database."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def payload_digest(object_repr: str, before: Any, after: Any) -> str:
    return hashlib.sha256(
        canonical({"object_repr": object_repr, "before": before, "after": after}).encode()
    ).hexdigest()


def event_hash(
    *,
    prev_hash: str,
    actor_id: int | None,
    actor_label: str,
    at: dt.datetime,
    action: str,
    object_type: str,
    object_id: str,
    awarding_body_id_ref: int | None,
    provider_id_ref: int | None,
    learner_id_ref: int | None,
    learner_data: bool,
    payload_digest: str,
) -> str:
    fields = {
        "prev_hash": prev_hash,
        "actor_id": actor_id,
        "actor_label": actor_label,
        "at": at.astimezone(dt.UTC).isoformat(),
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "awarding_body_id_ref": awarding_body_id_ref,
        "provider_id_ref": provider_id_ref,
        "learner_id_ref": learner_id_ref,
        "learner_data": bool(learner_data),
        "payload_digest": payload_digest,
    }
    return hashlib.sha256(canonical(fields).encode()).hexdigest()


def hash_of(event: Any) -> str:
    """The hash an event (a model instance or anything with the same attributes) should carry."""
    return event_hash(
        prev_hash=event.prev_hash,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        at=event.at,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        awarding_body_id_ref=event.awarding_body_id_ref,
        provider_id_ref=event.provider_id_ref,
        learner_id_ref=event.learner_id_ref,
        learner_data=event.learner_data,
        payload_digest=event.payload_digest,
    )


def digest_of(event: Any) -> str:
    return payload_digest(event.object_repr, event.before, event.after)
