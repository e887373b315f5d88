"""Writing audit events: one call per change, inside the change's transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils import timezone

from qic.core.models import AuditEvent


def _plain(value: Any) -> Any:
    """Turn a field value into something JSON can hold, readably."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """Return the object's concrete field values (foreign keys as ids) as a JSON-ready dict."""
    names = fields or [f.attname for f in obj._meta.concrete_fields if f.name not in {"password"}]
    return {name: _plain(getattr(obj, name)) for name in names}


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    awarding_body_id: int | None = None,
    provider_id: int | None = None,
) -> AuditEvent:
    """Append one audit event and return it. Call it inside the change's transaction."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    if user is not None:
        label = f"{user.get_full_name() or user.email} <{user.email}>"
    else:
        label = str(actor) if isinstance(actor, str) else "system"
    return AuditEvent.objects.create(
        actor=user,
        actor_label=label[:300],
        at=timezone.now(),
        action=action,
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=_plain(dict(before)) if before is not None else None,
        after=_plain(dict(after)) if after is not None else None,
        awarding_body_id_ref=awarding_body_id,
        provider_id_ref=provider_id,
    )
