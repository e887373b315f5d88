"""Tasks of the core app: the housekeeping the scheduler queues every minute."""

from __future__ import annotations

from django_tasks import task

from qic.core import jobs


@task()
def housekeeping() -> dict[str, int]:
    """Recover tasks lost with their workers; running it also shows a worker is alive."""
    return jobs.recover_lost_tasks()
