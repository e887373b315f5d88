"""Tasks of organisations: mailing an invitation's link, and GIAS imports (queued by the upload
page and `manage.py import_gias`)."""

from __future__ import annotations

import logging
from typing import Any

from django_tasks import task

from qic.core.jobs import on_lost, retry_if_lost
from qic.organisations import gias_imports, invitations

logger = logging.getLogger(__name__)


@task()
def send_invitation(invitation_id: int) -> bool:
    """Mail the invitation's link (made here, so no secret is stored in the task's row)."""
    try:
        return invitations.send_invitation_mail(invitation_id)
    except Exception:
        # Never the link: only which invitation could not be sent.
        logger.exception("Invitation %s could not be mailed", invitation_id)
        raise


# Sending again makes a new link and the earlier one stop working: safe to repeat.
retry_if_lost(send_invitation)


@task()
def import_gias_task(job_id: int) -> str:
    """Import a stored GIAS extract, all or nothing; returns the job's final status."""
    job = gias_imports.run_gias_import(job_id)
    return str(job.status) if job is not None else "missing"


@on_lost(import_gias_task)
def _import_lost(kwargs: dict[str, Any], message: str) -> None:
    gias_imports.fail_lost_gias_import(kwargs["job_id"], message)
