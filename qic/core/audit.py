"""Writing audit events: one call per change, inside the change's transaction; reads of named
learner data; the one redaction allowed, for a learner's erasure."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import connection, models, transaction
from django.utils import timezone

from qic.core import bulk, chain
from qic.core.actors import SystemActor
from qic.core.models import AuditEvent

# Exact types JSON holds as they are (subclasses such as enums take the full path below).
_AS_IS = frozenset({str, int, bool, float})
# Exact types a JSON round trip gives back unchanged (not float: NaN and infinities).
_FLAT = frozenset({str, int, bool})


def json_ready(value: Any) -> Any:
    """Turn a field value into something JSON can hold, readably."""
    if value is None or type(value) in _AS_IS:  # most values: no conversion needed
        return value
    if type(value) is dt.date:
        return value.isoformat()
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """Return the object's concrete field values (foreign keys as ids) as a JSON-ready dict."""
    names = fields or [f.attname for f in obj._meta.concrete_fields if f.name not in {"password"}]
    return {name: json_ready(getattr(obj, name)) for name in names}


# Models whose events are about learners: only the learner's own provider (its careers
# leader) may read them. Other events are made learner-level by `learner_id=` or `learner_data=`.
LEARNER_MODELS = frozenset(
    {
        "learners.Learner",
        "learners.LearnerImport",
        "programme.Participation",
        "programme.Interview",
        "programme.LearnerTally",
        # A placement is one learner's; a link can name a learner or a parent's address.
        "partners.Placement",
        "partners.PartnerLink",
        "destinations.Destination",
    }
)

# The trail is one hash chain per provider (events with no provider form one more chain), so a
# long write at one school never holds up another organisation's audited writes. Every writer of
# a chain takes the same transaction-level lock: (this class number, the provider's id or 0).
CHAIN_LOCK_CLASS = 716_022

REDACTED = "[redacted]"


def _actor_fields(actor: AbstractUser | SystemActor) -> tuple[int | None, str]:
    """The id of the person who acted (None for the service itself) and the event's actor label.

    An id, not the object: core knows a person only as Django's AbstractUser, and the event's
    foreign key is to the configured user model (settings.AUTH_USER_MODEL), a subclass of it."""
    if isinstance(actor, SystemActor):
        return None, actor.label[:300]
    # A person whose name must never be fixed in the trail (a learner: the label is in the chain's
    # hash, so anonymising them could not redact it) says how to be named instead.
    own_label = getattr(actor, "audit_label", None)
    if own_label:
        return actor.pk, str(own_label)[:300]
    return actor.pk, f"{actor.get_full_name() or actor.email} <{actor.email}>"[:300]


def _json(value: Any) -> Any:
    """The value exactly as the JSON column gives it back, so the digest is computed on that."""
    if value is None:
        return None
    ready = json_ready(dict(value))
    if all(type(k) is str and (v is None or type(v) in _FLAT) for k, v in ready.items()):
        # A flat dict of strings, whole numbers and booleans comes back as it went in, keys
        # sorted: the same as the round trip below, without it (most events are like this).
        return dict(sorted(ready.items()))
    return json.loads(chain.canonical(ready))


def build(
    *,
    actor: AbstractUser | SystemActor,
    action: str,
    obj: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    awarding_body_id: int | None = None,
    provider_id: int | None = None,
    learner_id: int | None = None,
    learner_data: bool = False,
    at: dt.datetime | None = None,
) -> AuditEvent:
    """An audit event, not yet chained or saved: give it (with others) to `append`.

    The event is learner-level (seen only by the provider's careers leader) when it names a
    learner (`learner_id`, or `obj` is a Learner), when `obj` is one of LEARNER_MODELS, or
    when the caller says so with `learner_data=True` (registers, reads of named lists).
    """
    actor_id, label = _actor_fields(actor)
    object_type = obj._meta.label
    if learner_id is None and object_type == "learners.Learner":
        learner_id = obj.pk
    event = AuditEvent(
        actor_id=actor_id,
        actor_label=label,
        at=at or timezone.now(),
        action=action,
        object_type=object_type,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=_json(before),
        after=_json(after),
        awarding_body_id_ref=awarding_body_id,
        provider_id_ref=provider_id,
        learner_id_ref=learner_id,
        learner_data=learner_data or learner_id is not None or object_type in LEARNER_MODELS,
    )
    event.payload_digest = chain.digest_of(event)
    return event


def append(events: list[AuditEvent]) -> list[AuditEvent]:
    """Chain `events` (built by `build`, in order) onto the trail and insert them.

    Call it inside the change's transaction. Takes the chain lock of each provider they belong
    to on PostgreSQL until the transaction ends, so every writer of a chain waits for the one
    before to commit; then each event's `prev_hash` is the hash of the event before it in its
    provider's chain, and they are inserted in that order (ids ascending, as `verify_audit`
    walks them). Many events cost one lock, one read per chain and one executemany.
    """
    if not events:
        return events
    # No savepoint: inside the caller's transaction a failed insert fails the change anyway.
    with transaction.atomic(savepoint=False):
        chains = sorted({event.provider_id_ref or 0 for event in events})
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for provider_key in chains:  # always in the same order, so two writers cannot deadlock
                    cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CHAIN_LOCK_CLASS, provider_key])
        # On SQLite a write transaction already excludes every other writer.
        last: dict[int | None, str] = {}
        for event in events:
            key = event.provider_id_ref
            if key not in last:
                newest = AuditEvent.objects.filter(provider_id_ref=key).order_by("-id").values_list("hash", flat=True)
                last[key] = newest.first() or ""
            event.prev_hash = last[key]
            event.hash = chain.hash_of(event)
            last[key] = event.hash
        if len(events) == 1:
            events[0].save()
        else:
            # In the chain's order, so ids ascend with it; the driver's executemany, as
            # bulk_create spends far longer preparing the statement than the database running it.
            bulk.insert_rows(events)
    return events


def record(
    *,
    actor: AbstractUser | SystemActor,
    action: str,
    obj: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    awarding_body_id: int | None = None,
    provider_id: int | None = None,
    learner_id: int | None = None,
    learner_data: bool = False,
) -> AuditEvent:
    """Append one audit event, chained to the last one, and return it.

    Call it inside the change's transaction (see `build` for which events are learner-level).
    Takes the chain lock on PostgreSQL until the transaction ends, so every writer of the
    trail waits for the one before to commit. Many events at once: `build` each, then `append`.
    """
    event = build(
        actor=actor,
        action=action,
        obj=obj,
        before=before,
        after=after,
        awarding_body_id=awarding_body_id,
        provider_id=provider_id,
        learner_id=learner_id,
        learner_data=learner_data,
    )
    return append([event])[0]


def record_read(
    *,
    actor: AbstractUser | SystemActor,
    action: str,
    obj: models.Model,
    provider_id: int,
    learner_id: int | None = None,
    learner_ids: Iterable[int] | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Record that someone read or exported named learner data: one learner (`learner_id`) or a
    list (`learner_ids`, the learners it showed). One insert; learner-level, so only the
    provider's careers leader sees it."""
    after: dict[str, Any] = dict(details or {})
    if learner_ids is not None:
        ids = sorted(set(learner_ids))
        after.update(count=len(ids), learner_ids=ids)
    return record(
        actor=actor,
        action=action,
        obj=obj,
        after=after or None,
        provider_id=provider_id,
        learner_id=learner_id,
        learner_data=True,
    )


def redact_learner_events(
    *, learner_id: int, provider: models.Model, actor: AbstractUser | SystemActor, reason: str
) -> int:
    """Replace the personal payload (object_repr, before, after) of the learner's events at
    `provider` (the learner's provider) with the redacted marker and set `redacted_at`; returns
    how many were redacted.

    The only change the database triggers let through. The chain still verifies, because each
    hash covers the payload's digest, which is kept. Writes one "learner.events_redacted" event,
    recorded against the provider.
    """
    provider_id = provider.pk
    with transaction.atomic():
        ids = list(
            AuditEvent.objects.filter(learner_id_ref=learner_id, provider_id_ref=provider_id, redacted_at=None)
            .exclude(action="learner.events_redacted")
            .order_by("id")
            .values_list("pk", flat=True)
        )
        # A plain queryset: the model's own refuses every update, and this is the one exception.
        count = (
            models.QuerySet(model=AuditEvent)
            .filter(pk__in=ids)
            .update(object_repr=REDACTED, before=None, after=None, redacted_at=timezone.now())
        )
        record(
            actor=actor,
            action="learner.events_redacted",
            obj=provider,
            after={"learner_id": learner_id, "events": count, "event_ids": ids, "reason": reason},
            provider_id=provider_id,
            learner_id=learner_id,
        )
    return count
