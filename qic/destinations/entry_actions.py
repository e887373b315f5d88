"""Recording destinations: add, change and remove one learner's, and save a checked import.

Each is keyword-only, takes the person acting, runs in one transaction and writes an audit event
about the learner (`learner_id`), with the destination before and after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from qic.core import audit, stale
from qic.destinations import imports
from qic.destinations.models import Destination
from qic.domain import dates
from qic.domain import destinations as rules
from qic.learners.models import Learner
from qic.organisations.models import Provider, User

AUDIT_FIELDS = ("learner_id", "kind", "category", "recorded_on", "sustained", "detail", "source")
# What the change form shows (and a stale edit is checked against).
EDITABLE = ("kind", "category", "recorded_on", "sustained", "detail")
# How many audit events are built and written at once by an import.
BATCH = 500


class DestinationNotAllowed(ValueError):
    """The change cannot be made; the message says why, for the user."""


def check(
    *,
    learner: Learner,
    kind: rules.Kind,
    category: rules.Category,
    recorded_on: dt.date,
    sustained: bool | None,
    today: dt.date,
) -> None:
    """Raise DestinationNotAllowed (or rules.DestinationRefused) unless the destination can be
    recorded for the learner: the date rules of qic.domain.dates and the destinations' own."""
    if learner.anonymised:
        raise DestinationNotAllowed("This learner's record has been anonymised: its destinations cannot be changed.")
    if problem := dates.in_the_past(recorded_on, today=today, field="The date recorded"):
        raise rules.DestinationRefused(problem + ".")
    rules.check_destination(
        kind=kind,
        category=category,
        recorded_on=recorded_on,
        today=today,
        left_on=learner.left_on,
        sustained=sustained,
    )
    if kind is rules.Kind.INTENDED and sustained is not None:
        raise rules.DestinationRefused(
            "Whether a destination was sustained is known only for an actual destination: choose “Not known yet”."
        )


def _snapshot(destination: Destination) -> dict[str, Any]:
    return audit.snapshot(destination, AUDIT_FIELDS)


def add_destination(
    *,
    learner: Learner,
    kind: rules.Kind,
    category: rules.Category,
    recorded_on: dt.date,
    sustained: bool | None,
    detail: str,
    today: dt.date,
    actor: User,
) -> Destination:
    """Record a destination entered by staff; `destination.created` audited."""
    check(learner=learner, kind=kind, category=category, recorded_on=recorded_on, sustained=sustained, today=today)
    with transaction.atomic():
        destination = Destination.objects.create(
            provider_id=learner.provider_id,
            learner=learner,
            kind=kind.value,
            category=category.value,
            recorded_on=recorded_on,
            sustained=sustained,
            detail=detail.strip(),
            source=Destination.Source.ENTRY,
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action="destination.created",
            obj=destination,
            after=_snapshot(destination),
            provider_id=learner.provider_id,
            learner_id=learner.pk,
        )
    return destination


def change_destination(
    *,
    destination: Destination,
    kind: rules.Kind,
    category: rules.Category,
    recorded_on: dt.date,
    sustained: bool | None,
    detail: str,
    today: dt.date,
    actor: User,
    seen: str | None = None,
) -> Destination:
    """Change a destination; `destination.updated` audited with the fields that changed, before
    and after. Nothing is written when nothing changed. `seen` is the change form's snapshot: a
    change someone else made since refuses the save (qic.core.stale.StaleEdit)."""
    learner = destination.learner
    check(learner=learner, kind=kind, category=category, recorded_on=recorded_on, sustained=sustained, today=today)
    with transaction.atomic():
        fresh = Destination.objects.select_for_update().filter(pk=destination.pk).first()
        if fresh is None:
            raise DestinationNotAllowed("This destination was removed by someone else: add it again if it is right.")
        stale.check(fresh, EDITABLE, seen)
        before = _snapshot(fresh)
        fresh.kind, fresh.category = kind.value, category.value
        fresh.recorded_on, fresh.sustained, fresh.detail = recorded_on, sustained, detail.strip()
        after = _snapshot(fresh)
        changed = [name for name in AUDIT_FIELDS if before[name] != after[name]]
        if not changed:
            return fresh
        fresh.save(update_fields=[*changed, "updated_at"])
        audit.record(
            actor=actor,
            action="destination.updated",
            obj=fresh,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
            provider_id=fresh.provider_id,
            learner_id=fresh.learner_id,
        )
    return fresh


def remove_destination(*, destination: Destination, actor: User) -> None:
    """Delete a destination recorded by mistake; `destination.removed` audited with what it was."""
    if destination.learner.anonymised:
        raise DestinationNotAllowed("This learner's record has been anonymised: its destinations cannot be changed.")
    with transaction.atomic():
        fresh = Destination.objects.select_for_update().filter(pk=destination.pk).first()
        if fresh is None:
            return  # removed a moment ago by someone else: the outcome is the same
        audit.record(
            actor=actor,
            action="destination.removed",
            obj=fresh,
            before=_snapshot(fresh),
            provider_id=fresh.provider_id,
            learner_id=fresh.learner_id,
        )
        fresh.delete()


# --- Import ------------------------------------------------------------------------------------


def save_import(
    *,
    provider: Provider,
    new: Sequence[Destination],
    updates: Sequence[tuple[Destination, dict[str, Any]]],
    actor: User,
    file_name: str,
    summary: dict[str, Any],
) -> list[Destination]:
    """Write a checked import (call inside the transaction that checked it): the new destinations,
    the changes to existing ones (field -> new value), an audit event about each learner's
    destination and one `destinations.imported` event with the file's name and the counts."""
    for destination in new:
        destination.provider = provider
        destination.source = Destination.Source.IMPORT
        destination.created_by = actor
    created = Destination.objects.bulk_create(list(new), batch_size=BATCH)
    events = [
        audit.build(
            actor=actor,
            action="destination.created",
            obj=destination,
            after=_snapshot(destination),
            provider_id=provider.pk,
            learner_id=destination.learner_id,
        )
        for destination in created
    ]
    for destination, changes in updates:
        before = {name: audit.json_ready(getattr(destination, name)) for name in changes}
        for name, value in changes.items():
            setattr(destination, name, value)
        destination.save(update_fields=[*changes, "updated_at"])
        events.append(
            audit.build(
                actor=actor,
                action="destination.updated",
                obj=destination,
                before=before,
                after={name: audit.json_ready(value) for name, value in changes.items()},
                provider_id=provider.pk,
                learner_id=destination.learner_id,
            )
        )
    for start in range(0, len(events), BATCH):
        audit.append(events[start : start + BATCH])
    audit.record(
        actor=actor,
        action="destinations.imported",
        obj=provider,
        after={"file_name": file_name[:255], **summary},
        provider_id=provider.pk,
        learner_data=True,
    )
    return created


class StalePlan(Exception):
    """What the file would write changed since its preview; `plan` is the file checked again."""

    def __init__(self, plan: imports.ImportPlan) -> None:
        super().__init__("The destinations changed since the file was checked")
        self.plan = plan


def import_destinations(
    *, provider: Provider, data: bytes, file_name: str, expected: str, today: dt.date, actor: User
) -> imports.ImportPlan:
    """Check the file again and write it, all or nothing, in one transaction. Raises StalePlan,
    writing nothing, when the file has a bad row or would now write something other than the
    preview said (`expected`: the preview's `ImportPlan.digest()`); DestinationFileError when it
    cannot be read at all."""
    with transaction.atomic():
        # One import of the provider's destinations at a time: the second waits, then finds the
        # first's destinations already recorded.
        Provider.objects.select_for_update().filter(pk=provider.pk).values_list("pk", flat=True).first()
        plan = imports.plan_import(provider, data, today=today)
        if not plan.can_confirm or plan.digest() != expected:
            raise StalePlan(plan)
        new = [
            Destination(
                learner=planned.learner,
                kind=planned.kind.value,
                category=planned.category.value,
                recorded_on=planned.recorded_on,
                sustained=planned.sustained,
                detail=planned.detail,
            )
            for planned in plan.new
        ]
        changed = {update.destination_id: update.changes for update in plan.updates}
        rows = Destination.objects.select_for_update().filter(provider=provider, pk__in=list(changed)).order_by("pk")
        save_import(
            provider=provider,
            new=new,
            updates=[(row, changed[row.pk]) for row in rows],
            actor=actor,
            file_name=file_name,
            summary=plan.summary(),
        )
    return plan
