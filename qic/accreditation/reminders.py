"""The daily reminders: annual reviews falling due and awards about to expire (run as a task,
see `qic.accreditation.tasks`, and by `manage.py send_reminders`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from qic.accreditation import queries
from qic.accreditation.models import AnnualReview, Award
from qic.core.mail import queue_mail
from qic.domain.dates import long_date

REVIEW_NOTICE_DAYS = 30


EXPIRY_NOTICE_DAYS = 90


@dataclass(frozen=True)
class RemindersSent:
    reviews: int
    expiries: int


def expiry_reminder(award: Award) -> tuple[str, str]:
    """The subject and text of the reminder that `award` is about to end. `expires_on` is the last
    day the award is valid: the public register still lists it that day and drops it the day
    after (`qic.national.queries.current_awards`, `qic.domain.accreditation.is_current`), so the
    reminder says "valid until the end of" that day, and names the day it leaves the register."""
    provider = award.provider
    last_day = long_date(award.expires_on)
    leaves_on = long_date(award.expires_on + dt.timedelta(days=1))
    return (
        f"The Quality in Careers award of {provider.name} is valid until the end of {last_day}",
        f"The award of {provider.name} ({provider.identifier}) is valid until the end of {last_day}. "
        f"{provider.name} stays on the public register of award holders through that day and leaves it on "
        f"{leaves_on} unless its reaccreditation is complete by then.\n",
    )


def send_reminders(*, today: dt.date) -> RemindersSent:
    """Mail each Awarding Body about reviews due within 30 days and awards expiring within 90,
    and the provider's careers leaders too; each reminder is sent once."""
    now = timezone.now()
    reviews = list(
        AnnualReview.objects.filter(
            held_on__isnull=True,
            reminder_sent_at__isnull=True,
            due_on__lte=today + dt.timedelta(days=REVIEW_NOTICE_DAYS),
            accreditation__awards__superseded=False,
            accreditation__awards__expires_on__gte=today,
        )
        .select_related("accreditation__provider", "accreditation__assessor")
        .distinct()
    )
    for review in reviews:
        with transaction.atomic():
            accreditation = review.accreditation
            queue_mail(
                f"Annual review {review.number} of {accreditation.provider.name} due {long_date(review.due_on)}",
                f"The annual Quality in Careers review of {accreditation.provider.name} is due on "
                f"{long_date(review.due_on)}."
                + (" This review prepares reaccreditation." if review.prepares_reaccreditation else "")
                + "\n",
                [
                    *queries.body_admin_emails(accreditation.awarding_body_id),
                    *queries.leader_emails(accreditation.provider_id),
                    accreditation.assessor.email if accreditation.assessor else "",
                ],
            )
            AnnualReview.objects.filter(pk=review.pk).update(reminder_sent_at=now)
    awards = list(
        Award.objects.filter(
            superseded=False,
            expiry_reminder_sent_at__isnull=True,
            expires_on__gte=today,
            expires_on__lte=today + dt.timedelta(days=EXPIRY_NOTICE_DAYS),
        ).select_related("provider")
    )
    for award in awards:
        with transaction.atomic():
            queue_mail(
                *expiry_reminder(award),
                [
                    *queries.body_admin_emails(award.awarding_body_id),
                    *queries.leader_emails(award.provider_id),
                ],
            )
            Award.objects.filter(pk=award.pk).update(expiry_reminder_sent_at=now)
    return RemindersSent(len(reviews), len(awards))
