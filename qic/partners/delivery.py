"""Where a link points, whether it still works, and its mail: made and sent by its task, the
outcome (sent, could not be sent, bounced) kept on the link for the school to see."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from qic.core import audit
from qic.core.actors import SystemActor
from qic.domain import partner_links as rules
from qic.domain.dates import long_datetime
from qic.domain.partner_links import LinkPurpose, LinkState
from qic.partners.models import PartnerLink, Placement

logger = logging.getLogger(__name__)

# The actor of a bounce recorded from the mail service's notice (`manage.py record_mail_bounce`).
MAIL_BOUNCE_NOTICE = SystemActor("mail bounce notice")

# The page each purpose's link opens (the views are in this app's *_views modules).
URL_NAMES = {
    LinkPurpose.EMPLOYER_CONFIRMATION: "partners:employer_confirm",
    LinkPurpose.PLACEMENT_EMPLOYER: "partners:placement_employer",
    LinkPurpose.PARENT: "partners:parent_home",
    LinkPurpose.FEEDBACK: "partners:feedback_form",
}

MAIL_SUBJECTS = {
    LinkPurpose.EMPLOYER_CONFIRMATION: "Please confirm your careers activity with {school}",
    LinkPurpose.PLACEMENT_EMPLOYER: "Work-experience placement with {school}: details and checks",
    LinkPurpose.PARENT: "Your child's careers programme at {school}",
    LinkPurpose.FEEDBACK: "How did it go? A short feedback form from {school}",
}


def path_for(link: PartnerLink, token: str) -> str:
    return reverse(URL_NAMES[LinkPurpose(link.purpose)], kwargs={"token": token})


def url_for(link: PartnerLink, token: str) -> str:
    return f"{settings.SITE_URL}{path_for(link, token)}"


def state_of(link: PartnerLink, now: dt.datetime | None = None) -> LinkState:
    return rules.state_of(
        purpose=LinkPurpose(link.purpose),
        now=now or timezone.now(),
        expires=link.expires_at,
        used_at=link.used_at,
        revoked_at=link.revoked_at,
    )


def mail_body(link: PartnerLink, url: str) -> str:
    school = link.provider.name
    intro = {
        LinkPurpose.EMPLOYER_CONFIRMATION: (
            f"{school} would like you to confirm a careers activity you took part in, say what it was "
            "for and what task you set, and give the learners your feedback."
        ),
        LinkPurpose.PLACEMENT_EMPLOYER: (
            f"{school} has proposed a work-experience placement with you. Please give your details "
            "and the health and safety checks, and after the placement your feedback."
        ),
        LinkPurpose.PARENT: (
            f"See your child's careers programme at {school}: what is coming up, how to book a "
            "careers guidance meeting and anything that needs your agreement."
        ),
        LinkPurpose.FEEDBACK: f"{school} would value your feedback: it takes two minutes.",
    }[LinkPurpose(link.purpose)]
    once = " It works once." if LinkPurpose(link.purpose) in rules.ONE_TIME else ""
    return (
        f"Hello {link.recipient_name},\n\n{intro}\n\n"
        f"Open this link (you do not need an account):\n{url}\n\n"
        f"The link is for you only.{once} It stops working on {long_datetime(link.expires_at)}.\n"
        f"If you were not expecting this email, you can ignore it.\n\n{school}\n"
    )


def send_link_mail(link_id: int) -> bool:
    """Give the link a fresh token and mail it; the outcome is kept on the link. False if the
    link is gone or can no longer be used."""
    with transaction.atomic():
        link = PartnerLink.objects.select_for_update().select_related("provider").filter(pk=link_id).first()
        if link is None or state_of(link) is not LinkState.USABLE or not link.recipient_email:
            return False
        token = rules.new_token()
        link.token_hash = rules.hash_token(token)
        link.save(update_fields=["token_hash"])
    # The hash is committed before the mail goes: the link works the moment it arrives.
    subject = MAIL_SUBJECTS[LinkPurpose(link.purpose)].format(school=link.provider.name)
    try:
        send_mail(subject, mail_body(link, url_for(link, token)), settings.DEFAULT_FROM_EMAIL, [link.recipient_email])
    except Exception as error:
        PartnerLink.objects.filter(pk=link.pk).update(
            delivery=PartnerLink.Delivery.FAILED, delivery_detail=_why_not_sent(error)
        )
        logger.warning("Partner link %s could not be mailed: %s", link.pk, type(error).__name__)
        return False
    PartnerLink.objects.filter(pk=link.pk).update(
        delivery=PartnerLink.Delivery.SENT, delivery_detail="", sent_at=timezone.now()
    )
    return True


def _why_not_sent(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "The mail server refused the address. Check it and send again."
    if isinstance(error, smtplib.SMTPException | OSError):
        return "The mail server could not be reached. Send it again later."
    return "The mail could not be sent. Send it again later."


def record_bounce(address: str, detail: str = "", *, actor: SystemActor = MAIL_BOUNCE_NOTICE) -> int:
    """Mark the links last sent to `address` as bounced (a bounce notice from the mail service);
    returns how many. The school sees it beside the link. One audit event per link, in the same
    transaction as the change (naming the learner for a parent's or a placement's link)."""
    why = (detail or "The mail bounced.")[:300]
    with transaction.atomic():
        bounced = list(
            PartnerLink.objects.select_for_update()
            .filter(recipient_email__iexact=address.strip(), delivery=PartnerLink.Delivery.SENT)
            .order_by("pk")
        )
        if not bounced:
            return 0
        learners_of_placements = dict(
            Placement.objects.filter(pk__in={link.placement_id for link in bounced if link.placement_id}).values_list(
                "pk", "learner_id"
            )
        )
        PartnerLink.objects.filter(pk__in=[link.pk for link in bounced]).update(
            delivery=PartnerLink.Delivery.BOUNCED, delivery_detail=why
        )
        audit.append(
            [
                audit.build(
                    actor=actor,
                    action="partner_link.bounced",
                    obj=link,
                    before={"delivery": link.delivery},
                    after={"delivery": PartnerLink.Delivery.BOUNCED.value, "detail": why},
                    provider_id=link.provider_id,
                    learner_id=link.learner_id or learners_of_placements.get(link.placement_id or 0),
                )
                for link in bounced
            ]
        )
    return len(bounced)
