"""The audit log in words: the action as a sentence and what changed, field by field."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from qic.core.models import AuditEvent
from qic.domain.dates import long_date, long_datetime

SENTENCES = {
    "learner.created": "Learner added",
    "learner.updated": "Learner's record changed",
    "learner.left": "Learner marked as left",
    "learners.imported": "Learners imported",
    "learner.events_redacted": "Learner's details removed from the audit log (erasure)",
    "learner.viewed": "Learner's record viewed",
    "learners.listed": "Learner list viewed",
    "activity.register_viewed": "Activity register viewed",
    "activity.register_updated": "Activity register changed",
    "interviews.listed": "Interview list viewed",
    "measure.missing_viewed": "Learners missing a measure viewed",
    "benchmark.missing_exported": "Learners missing a measure exported as CSV",
    "interview.recorded": "Interview recorded",
    "interview.updated": "Interview changed",
    "provider.itp_added": "Independent training provider added",
    "destinations.dfe_loaded": "DfE destination measures loaded",
}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def sentence(action: str) -> str:
    """'accreditation.commitment_granted' → 'Accreditation commitment granted', unless named above."""
    if action in SENTENCES:
        return SENTENCES[action]
    words = action.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def when(value: dt.datetime) -> str:
    """'3 December 2026, 9:34am', in UK time like every other time shown."""
    return long_datetime(value)


@lru_cache(maxsize=512)
def _field(object_type: str, name: str) -> Any:
    try:
        field = apps.get_model(object_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None
    # Only the model's own columns: a reverse relation of the same name has no label.
    return field if getattr(field, "concrete", False) else None


@lru_cache(maxsize=128)
def object_type_label(object_type: str) -> str:
    try:
        name = str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        name = object_type.rsplit(".", 1)[-1]
    return name[:1].upper() + name[1:]


def label(object_type: str, name: str) -> str:
    field = _field(object_type, name)
    if field is None and name.endswith("_id"):
        field = _field(object_type, name.removesuffix("_id"))
    text = str(field.verbose_name) if field is not None else name.replace("_", " ")
    return text[:1].upper() + text[1:]


def value_in_words(object_type: str, name: str, value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "none"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    field = _field(object_type, name)
    if field is not None and getattr(field, "choices", None):
        choices = {str(k): str(v) for k, v in field.flatchoices}
        if str(value) in choices:
            return choices[str(value)]
    if isinstance(value, str) and _DATE.match(value):
        return long_date(dt.date.fromisoformat(value))
    if isinstance(value, str) and _DATETIME.match(value):
        try:
            return when(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, list):
        words = ", ".join(value_in_words(object_type, "", v) for v in value[:20])
        return words + (f" and {len(value) - 20} more" if len(value) > 20 else "")
    if isinstance(value, dict):
        return "; ".join(f"{k}: {value_in_words(object_type, '', v)}" for k, v in value.items())
    text = str(value)
    return text if len(text) <= 200 else text[:199] + "…"


def changes(event: AuditEvent) -> list[str]:
    """One line per field: 'Year group: 9 → 10' for a change, 'Year group: 10' for a new value."""
    if event.redacted_at is not None:
        return [f"Details removed on {when(event.redacted_at)} for a learner's erasure."]
    before, after = event.before, event.after
    if event.action == "activity.register_updated" and isinstance(after, dict):
        added = after.get("added") or {}
        attended = sum(1 for v in added.values() if v)
        return [
            f"Added to the register: {len(added)} ({attended} attended, {len(added) - attended} absent)",
            f"Attendance changed: {len(after.get('changed') or {})}",
            f"Taken off the register: {len(after.get('removed') or [])}",
        ]
    lines = []
    if isinstance(before, dict) and isinstance(after, dict):
        for name in list(after) + [k for k in before if k not in after]:
            old, new = before.get(name), after.get(name)
            if old != new:
                old_text = value_in_words(event.object_type, name, old)
                new_text = value_in_words(event.object_type, name, new)
                lines.append(f"{label(event.object_type, name)}: {old_text} → {new_text}")
        return lines
    for name, value in (after if isinstance(after, dict) else before if isinstance(before, dict) else {}).items():
        lines.append(f"{label(event.object_type, name)}: {value_in_words(event.object_type, name, value)}")
    return lines


@dataclass(frozen=True)
class EventRow:
    event: AuditEvent
    when: str
    who: str
    what: str
    object_type: str
    object_repr: str
    changes: list[str]


def rows(events: Any) -> list[EventRow]:
    return [
        EventRow(
            event=e,
            when=when(e.at),
            who=e.actor_label,
            what=sentence(e.action),
            object_type=object_type_label(e.object_type),
            object_repr=e.object_repr,
            changes=changes(e),
        )
        for e in events
    ]
