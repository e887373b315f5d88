"""Tasks of the core app: housekeeping, clean-ups the scheduler queues, and sending mail."""

from __future__ import annotations

import datetime as dt
import io
import logging
from importlib import import_module

from django.conf import settings
from django.core.mail import send_mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task, task_backends
from django_tasks_db.backend import DatabaseBackend

from qic.core import jobs
from qic.core.models import ScheduledRun

logger = logging.getLogger(__name__)

# Finished task rows (and the scheduler's record of its firings) are kept this long.
KEEP_FINISHED_TASKS_DAYS = 30


@task()
def housekeeping() -> dict[str, int]:
    """Recover tasks lost with their workers; running it also shows a worker is alive."""
    return jobs.recover_lost_tasks()


@task()
def clear_sessions() -> str:
    """Delete expired sessions from the session store (what `manage.py clearsessions` does)."""
    engine = import_module(settings.SESSION_ENGINE)
    try:
        engine.SessionStore.clear_expired()
    except NotImplementedError:
        return "This session engine removes expired sessions by itself."
    return "Expired sessions removed."


@task()
def prune_finished_tasks(keep_days: int = KEEP_FINISHED_TASKS_DAYS) -> dict[str, int]:
    """Delete finished task rows older than `keep_days` (django-tasks-db's prune command, on every
    database backend) and the scheduler's records of firings as old."""
    pruned_backends = 0
    for backend in task_backends.all():
        if isinstance(backend, DatabaseBackend):
            call_command(
                "prune_db_task_results",
                "--backend",
                backend.alias,
                "--queue-name",
                "*",
                "--min-age-days",
                str(keep_days),
                verbosity=0,
                stdout=io.StringIO(),
            )
            pruned_backends += 1
    cutoff = timezone.now() - dt.timedelta(days=keep_days)
    runs, _ = ScheduledRun.objects.filter(enqueued_at__lt=cutoff).delete()
    return {"backends": pruned_backends, "scheduled_runs": runs}


@task()
def send_email(subject: str, body: str, to: list[str]) -> int:
    """Send one plain-text mail. A failure is logged and raised, so the task is FAILED and shows
    in the task admin; the change that queued it is already saved."""
    try:
        return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    except Exception:
        # The subject says what it was about; addresses are personal data and stay out of logs.
        logger.exception("Mail %r to %d recipient(s) could not be sent", subject, len(to))
        raise


# Safe to run again if a worker is lost while running them: each one finds what is left to do.
# A mail may then go twice, which is better than not at all.
for _task in (housekeeping, clear_sessions, prune_finished_tasks, send_email):
    jobs.retry_if_lost(_task)
