"""Tasks of accreditation: the daily reminders (also `manage.py send_reminders`)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from qic.accreditation import reminders
from qic.core.jobs import retry_if_lost


@task()
def send_reminders() -> dict[str, int]:
    """Queue the mails about annual reviews due and awards expiring; each reminder goes once."""
    sent = reminders.send_reminders(today=timezone.localdate())
    return {"reviews": sent.reviews, "expiries": sent.expiries}


# Each reminder is marked sent with its mail queued, so a second run sends only what is left.
retry_if_lost(send_reminders)
