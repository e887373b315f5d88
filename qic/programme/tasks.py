"""Programme tasks: importing a register (CSV) uploaded for an activity, the nightly purge of
removed records, and the daily retention (data_protection.apply_retention)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from qic.core import once
from qic.core.actors import SystemActor
from qic.core.jobs import is_running_inline, on_lost, retry_if_lost, sweeps_orphans, unfinished_task_kwargs
from qic.programme import actions, data_protection
from qic.programme.models import RegisterImport

ORPHANED_MESSAGE = (
    "This register import stopped before it finished: nothing was left to run it (the service was "
    "probably restarted or upgraded). Nothing was saved: upload the file again."
)


@task()
def import_register_task(job_id: int) -> str:
    """Check an uploaded register and save it, all or nothing; returns the job's final status."""
    return str(actions.run_register_import(job_id).status)


# Not retried when lost: the job was claimed (it is no longer queued), and its save is one
# transaction, so nothing was written; the job says so and the file is uploaded again.
@on_lost(import_register_task)
def _import_lost(kwargs: dict[str, Any], message: str) -> None:
    actions.fail_lost_register_import(kwargs["job_id"], f"{message} Nothing was saved: upload the file again.")


@sweeps_orphans
def _fail_orphaned_register_imports(cutoff: dt.datetime) -> int:
    """Fail register imports older than `cutoff` still queued, checking or saving with no task
    queued or running for them: nothing will ever finish them.

    The jobs are read before the tasks: a job is created with its task in one transaction, so it
    is either not among the jobs read or its task is among the tasks read. A job a request runs
    itself (`wait`) has no task but is marked as running inline.
    """
    candidates = list(
        RegisterImport.objects.filter(status__in=RegisterImport.RUNNING, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    if not candidates:
        return 0
    queued = {kwargs.get("job_id") for kwargs in unfinished_task_kwargs(import_register_task)}
    return sum(
        actions.fail_lost_register_import(pk, ORPHANED_MESSAGE)
        for pk in candidates
        if pk not in queued and not is_running_inline(f"register-import:{pk}")
    )


@task()
def purge_removed() -> dict[str, int]:
    """Delete activities, interviews and advisers removed more than QIC_RESTORE_REMOVED_DAYS ago,
    and create-form tokens older than `once.KEEP_DAYS`. Returns counts, never names."""
    now = timezone.now()
    counts = actions.purge_removed(now=now, actor=SystemActor("removal purge (scheduled)"))
    counts["form_tokens"] = once.purge(now)
    return counts


# Each run finds what is left to delete: safe to run again.
retry_if_lost(purge_removed)


@task()
def apply_retention() -> dict[str, int]:
    """Anonymise leavers past their keeping period and remove old learner files (also
    `manage.py apply_retention`). Prints and returns counts, never names."""
    result = data_protection.apply_retention(
        today=timezone.localdate(),
        leavers_years=settings.QIC_RETAIN_LEAVERS_YEARS,
        import_file_days=settings.QIC_RETAIN_IMPORT_FILES_DAYS,
        actor=SystemActor("retention (scheduled)"),
    )
    return {
        "learners_anonymised": result.learners_anonymised,
        "import_files_removed": result.import_files_removed,
    }


# Running it again the same day finds nothing more to do.
retry_if_lost(apply_retention)
