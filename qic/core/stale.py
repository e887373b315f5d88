"""Refusing a stale save: a form that edits an existing record remembers what the record was.

The page signs a snapshot of the fields it shows into a hidden `seen` field. The action that
saves re-reads the record inside its transaction, with the row locked, and compares: if anyone
changed one of those fields since the page was drawn, the save is refused with `StaleEdit`,
which names each field that changed and what it is now, and nothing is written. The person sees
the form again with their own input kept and the new snapshot in it, so a second save, made after
they have read what changed, goes through.

A snapshot of fields (not a version column) because it needs no migration on every model, and
because a change that the form does not show (a tally, an import of another field) should not
refuse a save of something else. A form posted without `seen` (a page drawn before this check
existed) is not checked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.core import signing
from django.db import models

from qic.core import audit
from qic.domain.dates import long_date

SALT = "qic.core.stale"


class StaleEdit(Exception):
    """Someone else changed the record since the form was drawn; `changes` is {field: (was, now)}."""

    def __init__(self, changes: Mapping[str, tuple[Any, Any]], seen: str) -> None:
        super().__init__("Someone else changed this record since you opened it")
        self.changes = dict(changes)
        self.seen = seen  # the snapshot of the record as it is now, for the form drawn again


def seen_value(obj: models.Model, fields: Iterable[str]) -> str:
    """The signed snapshot of these fields of `obj`, for the form's hidden `seen` field."""
    return signing.dumps(audit.snapshot(obj, list(fields)), salt=SALT, compress=True)


def check(current: models.Model, fields: Iterable[str], seen: str | None) -> None:
    """Raise StaleEdit if `current` (read with its row locked) differs from the posted snapshot."""
    if not seen:
        return
    fields = list(fields)
    now = audit.snapshot(current, fields)
    try:
        then = signing.loads(seen, salt=SALT)
    except signing.BadSignature:
        then = None
    if not isinstance(then, dict):
        # A snapshot we did not sign: say that the record may have changed, without details.
        raise StaleEdit({}, seen_value(current, fields))
    changes = {name: (then.get(name), now[name]) for name in fields if then.get(name) != now[name]}
    if changes:
        raise StaleEdit(changes, seen_value(current, fields))


class SeenField(forms.CharField):
    """The hidden field that carries the snapshot."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=forms.HiddenInput, required=False, max_length=20_000, **kwargs)


def show(value: Any, field: forms.Field | None) -> str:
    """A value as the form shows it: a choice's label, yes/no, or the text; blank says so."""
    if field is not None and getattr(field, "choices", None) and not isinstance(value, list):
        for key, label in field.choices:  # type: ignore[attr-defined]
            if str(key) == str(value):
                return str(label)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value in (None, "", []):
        return "blank"
    if isinstance(field, forms.DateField) and isinstance(value, str):
        try:
            return long_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def refuse(form: forms.BaseForm, exc: StaleEdit, what: str) -> None:
    """Put the refusal on `form` (bound to the person's input) and give it the new snapshot.

    Call after `form.is_valid()`: its cleaned data tells which fields this person changed.
    """
    parts = []
    for name, (_was, now) in exc.changes.items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else name.replace("_", " ").capitalize()
        parts.append(f"{label} is now “{show(now, field)}”")
    detail = f" {'; '.join(parts)}." if parts else ""
    data = form.data.copy()  # type: ignore[attr-defined]
    data["seen"] = exc.seen
    cleaned = getattr(form, "cleaned_data", {})
    for name, (was, now) in exc.changes.items():
        # A field only the other person changed shows their value: saving again must not undo it.
        # One both changed keeps this person's input, with the error saying what it is now.
        if name in form.fields and name in cleaned and audit.json_ready(cleaned[name]) == was:
            if isinstance(now, bool):
                if now:
                    data[name] = "on"
                else:
                    data.pop(name, None)
            elif isinstance(now, list):
                data.setlist(name, [str(v) for v in now])
            else:
                _put(form, data, name, "" if now is None else str(now))
    form.data = data
    form.add_error(
        None,
        f"Someone else changed this {what} since you opened it, so your changes were not saved.{detail} "
        "Your changes are kept below: check them against what it is now and save again.",
    )


def set_posted(form: forms.BaseForm, name: str, value: str) -> None:
    """Change one posted value of a bound form, for the page drawn again (the rest stays as typed)."""
    data = form.data.copy()  # type: ignore[attr-defined]
    _put(form, data, name, value)
    form.data = data


def _put(form: forms.BaseForm, data: Any, name: str, value: str) -> None:
    """Set one posted value; a date input's day, month and year boxes are dropped so the
    widget reads the whole (ISO) value instead of what was typed in them."""
    data[name] = value
    widget = form.fields[name].widget if name in form.fields else None
    if isinstance(widget, forms.MultiWidget):
        for suffix in widget.widgets_names:  # type: ignore[attr-defined]  # set by MultiWidget.__init__
            data.pop(f"{name}{suffix}", None)
