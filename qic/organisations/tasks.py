"""Tasks of organisations: mailing an invitation's link."""

from __future__ import annotations

import logging

from django_tasks import task

from qic.core.jobs import retry_if_lost
from qic.organisations import actions

logger = logging.getLogger(__name__)


@task()
def send_invitation(invitation_id: int) -> bool:
    """Mail the invitation's link (made here, so no secret is stored in the task's row)."""
    try:
        return actions.send_invitation_mail(invitation_id)
    except Exception:
        # Never the link: only which invitation could not be sent.
        logger.exception("Invitation %s could not be mailed", invitation_id)
        raise


# Sending again makes a new link and the earlier one stop working: safe to repeat.
retry_if_lost(send_invitation)
