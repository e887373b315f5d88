"""Tasks of the careers programme: the nightly purge of removed records."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from qic.core import once
from qic.core.jobs import retry_if_lost
from qic.programme import actions


@task()
def purge_removed() -> dict[str, int]:
    """Delete activities, interviews and advisers removed more than QIC_RESTORE_REMOVED_DAYS ago,
    and create-form tokens older than `once.KEEP_DAYS`. Returns counts, never names."""
    now = timezone.now()
    counts = actions.purge_removed(now=now, actor="removal purge (scheduled)")
    counts["form_tokens"] = once.purge(now)
    return counts


# Each run finds what is left to delete: safe to run again.
retry_if_lost(purge_removed)
