"""Learner tasks: checking an uploaded file and saving a confirmed one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_tasks import task

from qic.core.actors import SystemActor
from qic.core.jobs import is_running_inline, on_lost, sweeps_orphans, unfinished_task_kwargs
from qic.learners import actions
from qic.learners.models import LearnerImport
from qic.organisations.models import User

ORPHANED_MESSAGE = (
    "This import stopped before it finished: nothing was left to run it (the service was probably "
    "restarted or upgraded). Nothing was imported: upload the file again."
)


@task()
def check_learner_import_task(job_id: int) -> str:
    """Check an uploaded learner file and store its preview (or its problems)."""
    return str(actions.check_learner_import(job_id).status)


@task()
def save_learner_import_task(job_id: int, actor_id: int | None = None) -> str:
    """Write a confirmed learner import, all or nothing."""
    # The person who confirmed it, unless they have since been removed.
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return str(actions.save_learner_import(job_id, actor=actor or SystemActor(f"learner import {job_id}")).status)


@on_lost(check_learner_import_task)
def _check_lost(kwargs: dict[str, Any], message: str) -> None:
    actions.fail_lost_import(kwargs["job_id"], f"{message} Nothing was imported: upload the file again.")


@on_lost(save_learner_import_task)
def _save_lost(kwargs: dict[str, Any], message: str) -> None:
    actions.fail_lost_import(kwargs["job_id"], f"{message} Nothing was imported: upload the file again.")


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
        LearnerImport.objects.filter(status__in=actions.RUNNING_STATUSES, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    if not candidates:
        return 0
    queued = {
        kwargs.get("job_id") for kwargs in unfinished_task_kwargs(check_learner_import_task, save_learner_import_task)
    }
    return sum(
        actions.fail_lost_import(pk, ORPHANED_MESSAGE)
        for pk in candidates
        if pk not in queued and not is_running_inline(f"learner-import:{pk}")
    )
