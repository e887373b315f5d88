"""GIAS imports as background tasks: the upload page and `manage.py import_gias` queue them."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from qic.core.jobs import on_lost
from qic.organisations import actions


@task()
def import_gias_task(job_id: int) -> str:
    """Import a stored GIAS extract, all or nothing; returns the job's final status."""
    job = actions.run_gias_import(job_id)
    return str(job.status) if job is not None else "missing"


@on_lost(import_gias_task)
def _import_lost(kwargs: dict[str, Any], message: str) -> None:
    actions.fail_lost_gias_import(kwargs["job_id"], message)
