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
from django.db import connection, models
from django.utils.text import Truncator

from qic.core import audit
from qic.domain.dates import long_date

SALT = "qic.core.stale"


class StaleEdit(Exception):
    """Someone else changed the record since the form was drawn; `changes` is {field: (was, now)}."""

    def __init__(self, changes: Mapping[str, tuple[Any, Any]], seen: str) -> None:
        super().__init__("Someone else changed this record since you opened it")
        self.changes = dict(changes)
        self.seen = seen  # the snapshot of the record as it is now, for the form drawn again


def sign(snapshot: Mapping[str, Any]) -> str:
    """The signed form of a snapshot (a dict of JSON-ready values), for a hidden `seen` field."""
    return signing.dumps(dict(snapshot), salt=SALT, compress=True)


def seen_value(obj: models.Model, fields: Iterable[str]) -> str:
    """The signed snapshot of these fields of `obj`, for the form's hidden `seen` field."""
    return sign(audit.snapshot(obj, list(fields)))


def compare(now: Mapping[str, Any], seen: str | None) -> None:
    """Raise StaleEdit if the snapshot `now` (read under a lock) differs from the posted one.

    For a record that is not one row (a page of answers, a value that may not exist yet), the
    action builds `now` itself, with the same keys the page signed.
    """
    if not seen:
        return
    try:
        then = signing.loads(seen, salt=SALT)
    except signing.BadSignature:
        then = None
    if not isinstance(then, dict):
        # A snapshot we did not sign: say that the record may have changed, without details.
        raise StaleEdit({}, sign(now))
    changes = {name: (then.get(name), value) for name, value in now.items() if then.get(name) != value}
    if changes:
        raise StaleEdit(changes, sign(now))


def check(current: models.Model, fields: Iterable[str], seen: str | None) -> None:
    """Raise StaleEdit if `current` (read with its row locked) differs from the posted snapshot."""
    if seen:
        compare(audit.snapshot(current, list(fields)), seen)


# The class of PostgreSQL advisory lock `take_turns` takes (the audit chain's is 716_022).
TURN_LOCK_CLASS = 716_023


def take_turns(provider_id: int) -> None:
    """Make saves of a provider's record that is not one row to lock (a page of answers, a value
    that may not exist yet) take turns, until the caller's transaction ends.

    A transaction-level advisory lock on PostgreSQL, not a lock on the provider's row: that row is
    also locked by a GIAS import that changes it, for the whole import, and a save should wait
    only for another save. SQLite lets one writer at a time in anyway.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [TURN_LOCK_CLASS, provider_id])


def page_snapshot(rows: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """One snapshot of a page of prefixed forms: {prefix: {field: value}} as {"prefix-field": value}.

    The keys are the forms' own field names (Django's `add_prefix`), so a refusal can find the
    form and field each change belongs to.
    """
    return {f"{prefix}-{name}": audit.json_ready(value) for prefix, row in rows.items() for name, value in row.items()}


class SeenField(forms.CharField):
    """The hidden field that carries the snapshot."""

    def __init__(self, *, max_length: int = 20_000, **kwargs: Any) -> None:
        super().__init__(widget=forms.HiddenInput, required=False, max_length=max_length, **kwargs)


class SeenForm(forms.Form):
    """The page's snapshot, for a page of several forms (render `{{ seen_form.seen }}` in its <form>)."""

    # A page's snapshot holds every answer on it (long texts, compressed): room for all of them,
    # well inside the request size limit.
    seen = SeenField(max_length=1_000_000)


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
    for name, (was, now) in exc.changes.items():
        if name in form.fields:
            _show_theirs_if_untouched(form, data, name, was, now)
    form.data = data
    form.add_error(
        None,
        f"Someone else changed this {what} since you opened it, so your changes were not saved.{detail} "
        "Your changes are kept below: check them against what it is now and save again.",
    )


def _show_theirs_if_untouched(form: forms.BaseForm, data: Any, name: str, was: Any, now: Any) -> bool:
    """Put the other person's value in `data` for `name` if this person left the field as it was.

    A field only the other person changed shows their value: saving again must not undo it.
    One both changed keeps this person's input (returns False), for the caller to say what it is now.
    """
    cleaned = getattr(form, "cleaned_data", {})
    if name not in cleaned or audit.json_ready(cleaned[name]) != was:
        return False
    key = form.add_prefix(name)
    if isinstance(now, bool):
        if now:
            data[key] = "on"
        else:
            data.pop(key, None)
    elif isinstance(now, list):
        data.setlist(key, [str(v) for v in now])
    else:
        _put(form, data, key, "" if now is None else str(now))
    return True


def refuse_page(page_forms: Iterable[forms.BaseForm], exc: StaleEdit) -> list[forms.BaseForm]:
    """Refuse a page of prefixed forms (snapshot from `page_snapshot`); return the forms that changed.

    As `refuse` does for one form: a field only the other person changed shows their value, and
    a field both changed keeps this person's input with an error saying what it is now. The caller
    puts `exc.seen` in the page's own `seen` field and names the returned forms in its message.
    """
    changed = []
    for form in page_forms:
        data = None
        for name, field in form.fields.items():
            key = form.add_prefix(name)
            if key not in exc.changes:
                continue
            was, now = exc.changes[key]
            data = data if data is not None else form.data.copy()  # type: ignore[attr-defined]
            mine = audit.json_ready(getattr(form, "cleaned_data", {}).get(name))
            if not _show_theirs_if_untouched(form, data, name, was, now) and mine != now:
                shown = Truncator(show(now, field)).chars(200)
                form.add_error(name, f"Someone else changed this since you opened the page: it is now “{shown}”")
        if data is not None:
            form.data = data
            changed.append(form)
    return changed


def page_refusal(what: str, names: Iterable[str]) -> str:
    """The message for a refused page of forms, naming the parts (criteria, questions) that changed."""
    listed = "; ".join(names)
    detail = f" Changed since then: {listed}." if listed else ""
    return (
        f"Someone else changed {what} since you opened the page, so your changes were not saved.{detail} "
        "Your changes are kept below: check them against what they are now and save again."
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
    field_name = name[len(form.prefix) + 1 :] if form.prefix and name.startswith(f"{form.prefix}-") else name
    widget = form.fields[field_name].widget if field_name in form.fields else None
    if isinstance(widget, forms.MultiWidget):
        for suffix in widget.widgets_names:  # type: ignore[attr-defined]  # set by MultiWidget.__init__
            data.pop(f"{name}{suffix}", None)
