"""Writes to what learners record about themselves: each in one transaction with one audit event.

A learner's own writes are audited like staff writes (issue 14: everything learners write is
audited), with the learner as actor and the event made learner-level, so only their careers
leader can read it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from qic.core import audit
from qic.learners.models import Learner
from qic.organisations.models import User
from qic.portal.models import LearnerEntry

ENTRY_FIELDS = ("kind", "title", "description", "started_on", "ended_on", "learning_areas")


class EntryAlreadyHidden(Exception):
    """Someone hid the entry a moment ago."""


def _record(entry: LearnerEntry, *, actor: User, action: str, before: Any = None, after: Any = None) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=entry,
        before=before,
        after=after,
        provider_id=entry.learner.provider_id,
        learner_id=entry.learner_id,
        learner_data=True,
    )


def save_entry(*, learner: Learner, entry: LearnerEntry, actor: User) -> LearnerEntry:
    """Add or change the learner's own entry (fields already checked by the form). A change to a
    verified entry clears the verification: staff verified what it said before."""
    with transaction.atomic():
        before = None
        if entry.pk:
            stored = LearnerEntry.objects.select_for_update().get(pk=entry.pk, learner=learner)
            before = audit.snapshot(stored, ENTRY_FIELDS)
            if before != audit.snapshot(entry, ENTRY_FIELDS):
                entry.verified_at = None
                entry.verified_by = None
        entry.learner = learner
        entry.save()
        _record(
            entry,
            actor=actor,
            action="learner_entry.updated" if before else "learner_entry.created",
            before=before,
            after=audit.snapshot(entry, ENTRY_FIELDS),
        )
    return entry


def remove_entry(*, entry: LearnerEntry, actor: User) -> LearnerEntry:
    """The learner removes their own entry: it leaves their list, passport and figures; the row
    stays (soft delete) so the audit trail can show what was there."""
    with transaction.atomic():
        entry.removed_at = timezone.now()
        entry.save(update_fields=["removed_at", "updated_at"])
        _record(entry, actor=actor, action="learner_entry.removed", before=audit.snapshot(entry, ENTRY_FIELDS))
    return entry


def verify_entry(*, entry: LearnerEntry, actor: User) -> LearnerEntry:
    """Staff confirm the entry is true (a teacher saw the award, the employer confirmed the job)."""
    with transaction.atomic():
        entry.verified_at = timezone.now()
        entry.verified_by = actor
        entry.save(update_fields=["verified_at", "verified_by", "updated_at"])
        _record(entry, actor=actor, action="learner_entry.verified", after={"verified_at": entry.verified_at})
    return entry


def hide_entry(*, entry: LearnerEntry, reason: str, actor: User) -> LearnerEntry:
    """A careers leader hides an entry (safeguarding): staff still see it, marked hidden; it never
    goes into the learner's passport. Raises EntryAlreadyHidden if someone got there first."""
    with transaction.atomic():
        updated = LearnerEntry.objects.filter(pk=entry.pk, hidden_at=None).update(
            hidden_at=timezone.now(), hidden_by=actor, hidden_reason=reason
        )
        if not updated:
            raise EntryAlreadyHidden
        entry.refresh_from_db()
        _record(entry, actor=actor, action="learner_entry.hidden", after={"reason": reason})
    return entry


def record_passport(*, learner: Learner, actor: User, parts: dict[str, Any], export_format: str) -> None:
    """What the learner put in a passport they downloaded (and their statement, which they wrote)."""
    audit.record(
        actor=actor,
        action="learner_passport.downloaded" if export_format == "pdf" else "learner_passport.previewed",
        obj=learner,
        after=parts,
        provider_id=learner.provider_id,
        learner_id=learner.pk,
        learner_data=True,
    )


ERASED_TITLE = "Removed when the record was anonymised"


def erase_entries(*, learner_id: int) -> int:
    """Blank the title and description of every entry the learner wrote (removed ones too), as
    part of anonymising them: free text may name them. Returns the entries changed. The caller's
    audit event records the count; no event of its own (it runs inside the anonymisation)."""
    return LearnerEntry.all_objects.filter(learner_id=learner_id).update(
        title=ERASED_TITLE, description="", hidden_reason=""
    )
