"""The partners app's tasks: mail for links to employers and parents, and the nightly purge of
removed employers and contacts."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from qic.core import jobs
from qic.core.actors import SystemActor
from qic.partners import delivery, purge


@task()
def send_partner_link(link_id: int) -> bool:
    """Mail a link with a fresh token (made here, so no token is in the task's row). A failure is
    kept on the link for the school to see, not raised: sending again is the school's choice."""
    return delivery.send_link_mail(link_id)


jobs.retry_if_lost(send_partner_link)


@task()
def purge_removed_partners() -> dict[str, int]:
    """Delete employers, employer contacts and parents' contacts removed more than
    QIC_RESTORE_REMOVED_DAYS ago (an employer placements or activities refer to stays). Returns
    counts, never names."""
    return purge.purge_removed_partners(now=timezone.now(), actor=SystemActor("removal purge (scheduled)"))


# Each run finds what is left to delete: safe to run again.
jobs.retry_if_lost(purge_removed_partners)
