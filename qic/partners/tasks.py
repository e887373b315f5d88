"""Mail for links to employers and parents, sent by the task queue."""

from __future__ import annotations

from django_tasks import task

from qic.core import jobs
from qic.partners import delivery


@task()
def send_partner_link(link_id: int) -> bool:
    """Mail a link with a fresh token (made here, so no token is in the task's row). A failure is
    kept on the link for the school to see, not raised: sending again is the school's choice."""
    return delivery.send_link_mail(link_id)


jobs.retry_if_lost(send_partner_link)
