"""Learner tasks: checking an uploaded file and saving a confirmed one.

Queued by qic.learners.actions; the work is in qic.learners.imports (actions → tasks → imports).
Queuing the save with its claim (`queue_save`) and the API's confirming of a passed check
(`confirm_when_checked`) are here, beside the task they queue.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django_tasks import task

from qic.core.actors import SystemActor
from qic.core.jobs import is_running_inline, on_lost, sweeps_orphans, unfinished_task_kwargs
from qic.learners import imports, invitations
from qic.learners.models import LearnerImport
from qic.organisations.models import User

logger = logging.getLogger(__name__)

ORPHANED_MESSAGE = (
    "This import stopped before it finished: nothing was left to run it (the service was probably "
    "restarted or upgraded). Nothing was imported: upload the file again."
)


@task()
def check_learner_import_task(job_id: int) -> str:
    """Check an uploaded learner file and store its preview (or its problems)."""
    return str(confirm_when_checked(imports.check_learner_import(job_id)).status)


@task()
def save_learner_import_task(job_id: int, actor_id: int | None = None) -> str:
    """Write a confirmed learner import, all or nothing."""
    # The person who confirmed it, unless they have since been removed.
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return str(imports.save_learner_import(job_id, actor=actor or SystemActor(f"learner import {job_id}")).status)


def queue_save(*, job: LearnerImport, digest: str, actor: User | SystemActor) -> bool:
    """Claim a previewed import for saving and queue its save; False if it is no longer waiting
    or `digest` is not its preview's (imports.claim_for_saving)."""
    with transaction.atomic():
        if not imports.claim_for_saving(job=job, digest=digest):
            return False
        # Queued with the claim: a crash between the two cannot leave a job "Saving" for ever.
        save_learner_import_task.enqueue(job_id=job.pk, actor_id=actor.pk if isinstance(actor, User) else None)
    return True


def confirm_when_checked(job: LearnerImport) -> LearnerImport:
    """The API's one-call import, once its check has passed: confirm it at once (the save is
    queued), or cancel a full import that would mark another number as left than the caller
    expected. Any other job is returned as it is. Returns the job as it now stands."""
    if job.status != LearnerImport.Status.READY or not job.confirm_when_checked:
        return job
    try:
        actor: User | SystemActor = job.created_by or SystemActor(f"learner import {job.pk}")
        if job.full_import and job.left_count != job.expect_left:
            reason = (
                f"This file would mark {job.left_count} learner{'' if job.left_count == 1 else 's'} as left, "
                f"not {job.expect_left} (expect_left). Nothing was imported."
            )
            if imports.cancel_learner_import(job=job, actor=actor):
                LearnerImport.objects.filter(pk=job.pk).update(errors=[{"line": 0, "reason": reason}], error_count=1)
        else:
            queue_save(job=job, digest=job.plan_digest, actor=actor)
        job.refresh_from_db()
        return job
    except Exception:
        return imports.fail_check(job.pk)


@on_lost(check_learner_import_task)
def _check_lost(kwargs: dict[str, Any], message: str) -> None:
    imports.fail_lost_import(kwargs["job_id"], f"{message} Nothing was imported: upload the file again.")


@on_lost(save_learner_import_task)
def _save_lost(kwargs: dict[str, Any], message: str) -> None:
    imports.fail_lost_import(kwargs["job_id"], f"{message} Nothing was imported: upload the file again.")


@sweeps_orphans
def _fail_orphaned_imports(cutoff: dt.datetime) -> int:
    """Fail imports older than `cutoff` still waiting, checking or saving with no task queued or
    running for them: nothing will ever finish them.

    The jobs are read before the tasks: a job confirmed meanwhile commits its task with it, so
    it is either not among the jobs read or its task is among the tasks read; a job whose task
    finished meanwhile is no longer unfinished, and fail_lost_import leaves it alone. A job a
    request is checking or saving itself (`wait`) has no task but is marked as running inline.
    """
    candidates = list(
        LearnerImport.objects.filter(status__in=imports.RUNNING_STATUSES, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    if not candidates:
        return 0
    queued = {
        kwargs.get("job_id") for kwargs in unfinished_task_kwargs(check_learner_import_task, save_learner_import_task)
    }
    return sum(
        imports.fail_lost_import(pk, ORPHANED_MESSAGE)
        for pk in candidates
        if pk not in queued and not is_running_inline(f"learner-import:{pk}")
    )


@task()
def send_learner_invitation(account_id: int, actor_id: int | None = None) -> bool:
    """Mail a learner a link with a fresh one-time code (made here, so no code is in the task's row)."""
    try:
        return invitations.send_learner_invitation_mail(account_id, actor_id)
    except Exception:
        logger.exception("Learner invitation for account %s could not be mailed", account_id)
        raise
