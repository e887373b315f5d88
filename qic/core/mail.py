"""Mail goes out through a task queued with the change that asks for it (so does other work).

With the database backend the task row is written in the caller's transaction: the change and
its mail are both kept, or neither. A backend that runs a task at once (tests, TASKS_BACKEND=
immediate) would send before the change is committed, so there the task is queued on commit.
A send that fails leaves its task FAILED and logged; the change it belongs to stays saved.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks_db.backend import DatabaseBackend


def enqueue_with_change(task_obj: Any, **kwargs: Any) -> Any:
    """Queue `task_obj(**kwargs)` as part of the current transaction (see the module's note).

    Returns the task's result (database backend), or None when it is queued on commit."""
    if isinstance(task_obj.get_backend(), DatabaseBackend):
        return task_obj.enqueue(**kwargs)
    transaction.on_commit(lambda: task_obj.enqueue(**kwargs))
    return None


def queue_mail(subject: str, body: str, to: list[str]) -> None:
    """Send a plain-text mail to each distinct address in `to` (none: nothing is queued).

    The body is stored with the task until its row is pruned: it must hold no secret (an
    invitation's link is made by its own task, `qic.organisations.tasks.send_invitation`).
    """
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    from qic.core.tasks import send_email

    enqueue_with_change(send_email, subject=subject, body=body, to=recipients)
