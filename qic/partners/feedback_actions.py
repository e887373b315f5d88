"""Asking for feedback after an activity and receiving it (criterion 1.6; qic.domain.feedback)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from qic.core import audit
from qic.domain import feedback as rules
from qic.domain.feedback import Again, Respondent
from qic.domain.partner_links import LinkPurpose, LinkState
from qic.organisations.models import User
from qic.partners import links
from qic.partners.delivery import state_of
from qic.partners.models import EmployerContact, FeedbackResponse, PartnerLink
from qic.programme.models import Activity


class AlreadyAnswered(Exception):
    """The link's form was sent already (two sends at once: the second loses)."""


@dataclass(frozen=True)
class Recipient:
    """Someone to ask: a name, an address, who they are to the activity and, for an employer's
    contact, that contact."""

    name: str
    email: str
    respondent: Respondent
    contact: EmployerContact | None = None


def already_asked(activity: Activity, emails: list[str]) -> dict[str, str]:
    """Addresses (lower case) that already have a feedback link for the activity that still works
    or has been answered, with why: asking twice would let one person answer twice."""
    wanted = {email.casefold() for email in emails}
    found: dict[str, str] = {}
    for link in PartnerLink.objects.filter(activity=activity, purpose=LinkPurpose.FEEDBACK.value):
        address = link.recipient_email.casefold()
        if address not in wanted or address in found:
            continue
        state = state_of(link)
        if state is LinkState.USED:
            found[address] = "has already answered"
        elif state is LinkState.USABLE:
            found[address] = "already has a link that works"
    return found


def request_feedback(*, activity: Activity, recipients: list[Recipient], actor: User) -> list[PartnerLink]:
    """One one-time feedback link for each recipient, mailed through the task queue; all or none."""
    if not recipients:
        raise links.LinkError("Choose at least one person to ask.")
    with transaction.atomic():
        made = []
        for recipient in recipients:
            link, _ = links.issue(
                provider=activity.provider,
                purpose=LinkPurpose.FEEDBACK,
                recipient_name=recipient.name,
                recipient_email=recipient.email,
                activity=activity,
                employer=recipient.contact.employer if recipient.contact else None,
                contact=recipient.contact,
                respondent=recipient.respondent.value,
                actor=actor,
            )
            made.append(link)
        audit.record(
            actor=actor,
            action="feedback.requested",
            obj=activity,
            after={
                "links": len(made),
                **{kind.value: sum(r.respondent is kind for r in recipients) for kind in Respondent},
            },
            provider_id=activity.provider_id,
        )
    return made


def submit_feedback(
    *,
    link: PartnerLink,
    rating: int,
    went_well: str,
    could_be_better: str,
    take_part_again: Again | None,
) -> FeedbackResponse:
    """Keep the answer and close the one-time link, audited with the link's owner as the actor."""
    respondent = Respondent(link.respondent)
    if link.activity_id is None:
        raise ValueError("A feedback link is for an activity")
    if not rules.asks_again(respondent):
        take_part_again = None
    actor = links.actor_for(link)
    with transaction.atomic():
        locked = PartnerLink.objects.select_for_update().get(pk=link.pk)
        if locked.used_at is not None or FeedbackResponse.objects.filter(link=locked).exists():
            raise AlreadyAnswered
        response = FeedbackResponse.objects.create(
            provider_id=link.provider_id,
            link=locked,
            activity_id=link.activity_id,
            respondent=respondent.value,
            rating=rating,
            went_well=went_well.strip(),
            could_be_better=could_be_better.strip(),
            take_part_again=take_part_again.value if take_part_again else "",
        )
        links.mark_used(link)
        audit.record(
            actor=actor,
            action="feedback.submitted",
            obj=response,
            after={
                "activity_id": link.activity_id,
                "respondent": respondent.value,
                "rating": rating,
                "take_part_again": response.take_part_again,
            },
            provider_id=link.provider_id,
        )
    return response
