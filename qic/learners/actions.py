"""Changes to learner records. Each writes in one transaction with audit events.

Starting and confirming a learner import queue its tasks (qic.learners.tasks); the work they
run (checking, saving, cancelling) is in qic.learners.imports: actions → tasks → imports.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from qic.core import audit, jobs, stale
from qic.core.actors import SystemActor
from qic.learners import imports, signals, tasks
from qic.learners.imports import LEARNER_AUDIT_FIELDS
from qic.learners.models import FLAG_FIELDS, Learner, LearnerImport
from qic.organisations.models import Provider, User

# --- Learner imports: start and confirm (each queues a task, or runs it here with `wait`) ------


def start_learner_import(
    *,
    provider: Provider,
    kind: str,
    file_name: str,
    data: bytes,
    full_import: bool,
    actor: User | SystemActor,
    wait: bool = False,
    confirm_when_checked: bool = False,
    expect_left: int | None = None,
) -> LearnerImport:
    """Store the upload and check it (in the background, or before returning with `wait`).

    Nothing on the roll changes: the job ends READY with a preview (or FAILED with the
    problems) and waits for confirm_learner_import. An older preview of the same provider
    that was never confirmed is cancelled and its file discarded, so at most one file of
    personal data waits at a time.

    With `confirm_when_checked` (the API), a check that passes confirms the import itself and
    queues the save; a full import does so only if it would mark exactly `expect_left`
    learners as left, else it is cancelled with the reason.
    """
    with transaction.atomic():
        for waiting in LearnerImport.objects.filter(
            provider=provider,
            status__in=(LearnerImport.Status.PENDING, LearnerImport.Status.CHECKING, LearnerImport.Status.READY),
        ).only("pk", "status"):
            imports.discard(waiting.pk, LearnerImport.Status.CANCELLED)
        job = LearnerImport.objects.create(
            provider=provider,
            kind=kind,
            file_name=file_name[:255],
            data=data,
            full_import=full_import,
            created_by=actor if isinstance(actor, User) else None,
            confirm_when_checked=confirm_when_checked,
            expect_left=expect_left,
        )
        if not wait:
            # Queued in the same transaction as the job: both are written, or neither.
            tasks.check_learner_import_task.enqueue(job_id=job.pk)
    if wait:
        with jobs.running_inline(f"learner-import:{job.pk}"):
            return tasks.confirm_when_checked(imports.check_learner_import(job.pk))
    return job


def confirm_learner_import(*, job: LearnerImport, digest: str, actor: User | SystemActor, wait: bool = False) -> bool:
    """Start writing a previewed import; False if it is no longer waiting or `digest` is not its
    preview's (someone confirmed or cancelled it, or a newer check replaced it).

    The claim is one conditional UPDATE, so a double click starts one write. The write itself
    (in the background, or before returning with `wait`) recomputes the plan under a lock and
    writes only if it is exactly the one previewed: see imports.save_learner_import.
    """
    if not wait:
        return tasks.queue_save(job=job, digest=digest, actor=actor)
    if not imports.claim_for_saving(job=job, digest=digest):
        return False
    with jobs.running_inline(f"learner-import:{job.pk}"):
        imports.save_learner_import(
            job.pk, actor=actor if isinstance(actor, User) else SystemActor(f"learner import {job.pk}")
        )
    return True


# --- Editing a learner ---------------------------------------------------------------------------


LEARNER_EDIT_FIELDS = (
    "forename",
    "surname",
    "date_of_birth",
    "sex",
    "registration_group",
    *FLAG_FIELDS,
    "study_programme",
    "curriculum_area",
    "programme_end",
)


@transaction.atomic
def update_learner(*, learner: Learner, changes: dict[str, Any], actor: User, seen: str | None = None) -> Learner:
    """Apply a form's changes to one learner, with an audit event of what changed.

    `seen` is the form's snapshot (`qic.core.stale`): if someone changed the record since, the
    save is refused with StaleEdit and nothing is written.
    """
    fresh = Learner.objects.select_for_update(no_key=True).get(pk=learner.pk)
    stale.check(fresh, LEARNER_AUDIT_FIELDS, seen)
    before = audit.snapshot(fresh, LEARNER_AUDIT_FIELDS)
    for key, value in changes.items():
        setattr(fresh, key, value)
    after = audit.snapshot(fresh, LEARNER_AUDIT_FIELDS)
    changed = {k: before[k] for k in before if before[k] != after[k]}
    if changed:
        fresh.save()
        if "curriculum_area" in changed:
            # College BM5 counts encounters in the learner's own area: the programme refreshes the tallies.
            signals.curriculum_areas_changed.send(sender=Learner, learner_ids=[fresh.pk])
        audit.record(
            actor=actor,
            action="learner.updated",
            obj=fresh,
            before=changed,
            after={k: after[k] for k in changed},
            provider_id=fresh.provider_id,
            learner_id=fresh.pk,
        )
    return fresh
