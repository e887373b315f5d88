"""Create forms that make one record however often they are posted.

A create form carries a random token (`OnceField`, drawn fresh with the page). The view calls
`claim` inside the transaction that makes the record: the first post of a token inserts a
`SubmittedForm` row (unique per user and token); a second post of the same token — Back and Save
again, a double click, a browser resending — finds it and is redirected to what the first made.
Two posts at the same moment: the second waits on the unique row and then gets IntegrityError,
which `claim` turns into "already made" once the first has committed.

A token alone is not enough: a create page is not stored (no-store), so Back draws it again with a
new token while the browser fills the boxes back in as they were typed. So the session also keeps,
for a few minutes, a fingerprint of what each create form last saved (`same_as_just_saved`,
`remember`): the same form posted again with the same content goes to what the first made.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import time
from typing import Any

from django import forms
from django.contrib.auth.models import AbstractUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from qic.core.models import SubmittedForm

# Long enough for someone to come back to a form left open over a weekend.
KEEP_DAYS = 7


class OnceField(forms.CharField):
    """The hidden one-time token of a create form."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=forms.HiddenInput, required=False, max_length=64, **kwargs)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def made_by(user: AbstractUser, token: str) -> str | None:
    """Where the record made by an earlier post of this form is, if there was one."""
    if not token:
        return None
    return SubmittedForm.objects.filter(user_id=user.pk, token=token).values_list("url", flat=True).first()


def claim(user: AbstractUser, token: str) -> SubmittedForm | None:
    """Mark this form's token as used (call inside the change's transaction); None without a token.

    Raises `AlreadySubmitted` when another post of the same form got there first."""
    if not token:
        return None  # a form drawn before this release, or a script: behaves as before
    try:
        with transaction.atomic():
            return SubmittedForm.objects.create(user_id=user.pk, token=token)
    except IntegrityError:
        raise AlreadySubmitted(made_by(user, token) or "") from None


def record_url(claimed: SubmittedForm | None, url: str) -> None:
    """Say where the record this form made can be seen (same transaction as `claim`)."""
    if claimed is not None:
        claimed.url = url
        claimed.save(update_fields=["url"])


# How long the same content posted again by the same person counts as the same record.
RECENT_SECONDS = 30 * 60
SESSION_KEY = "qic_once_recent"
NOT_CONTENT = ("once", "seen")


def fingerprint(form: forms.BaseForm) -> str:
    """What a valid create form says, as a digest (its one-time and snapshot fields left out)."""

    def plain(value: Any) -> Any:
        if hasattr(value, "pk"):
            return value.pk
        if hasattr(value, "__iter__") and not isinstance(value, str | bytes):
            return sorted((plain(v) for v in value), key=str)
        return value

    content = {name: plain(value) for name, value in sorted(form.cleaned_data.items()) if name not in NOT_CONTENT}
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def same_as_just_saved(request: Any, kind: str, digest: str) -> str | None:
    """Where the record is, if this person saved a `kind` with this content in the last minutes."""
    recent = request.session.get(SESSION_KEY, {}).get(kind)
    if recent and recent[0] == digest and time.time() - recent[2] < RECENT_SECONDS:
        return str(recent[1])
    return None


def remember(request: Any, kind: str, digest: str, url: str) -> None:
    """Keep (in the session) what this person's `kind` form last saved, and where it is."""
    recent = dict(request.session.get(SESSION_KEY, {}))
    recent[kind] = [digest, url, time.time()]
    request.session[SESSION_KEY] = recent


def purge(now: dt.datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - dt.timedelta(days=KEEP_DAYS)
    deleted, _ = SubmittedForm.objects.filter(created_at__lt=cutoff).delete()
    return deleted


class AlreadySubmitted(Exception):
    def __init__(self, url: str) -> None:
        super().__init__("This form was already saved")
        self.url = url
