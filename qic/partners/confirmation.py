"""Employer confirmation by link: asking an employer to confirm an activity, and keeping what
they said (qic.domain.employer_confirmation).

What the employer confirms is passed to the programme's own `save_activity`, so the activity's
categories and the learners' tallies are worked out there, as for any edit by staff.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from qic.core import audit
from qic.domain import employer_confirmation as rules
from qic.domain.partner_links import LinkPurpose
from qic.organisations.models import User
from qic.partners import links
from qic.partners.models import Employer, EmployerConfirmation, EmployerContact, PartnerLink
from qic.programme.actions import save_activity
from qic.programme.models import Activity


class AlreadyAnswered(Exception):
    """The link was used by another submission a moment ago; nothing was saved."""


def ask_employer(
    *,
    activity: Activity,
    recipient_name: str,
    recipient_email: str,
    employer: Employer | None,
    contact: EmployerContact | None,
    by_email: bool,
    actor: User,
) -> tuple[PartnerLink, str | None]:
    """Make the one-time link for the employer (mailed by the task queue, or its token returned
    to show once). The contact, when chosen, names the recipient and the employer."""
    if contact is not None:
        employer = contact.employer
    return links.issue(
        provider=activity.provider,
        purpose=LinkPurpose.EMPLOYER_CONFIRMATION,
        recipient_name=recipient_name,
        recipient_email=recipient_email,
        activity=activity,
        employer=employer,
        contact=contact,
        respondent="employer",
        by_email=by_email,
        actor=actor,
    )


def confirm(*, link: PartnerLink, answers: rules.Answers, name: str) -> EmployerConfirmation:
    """Keep the employer's answers for the link's activity, mark the link used and, when it took
    place, record the elements they confirmed through the programme's save (categories and
    tallies recomputed there). Audited with the link's owner as the actor."""
    actor = links.actor_for(link)
    with transaction.atomic():
        locked = PartnerLink.objects.select_for_update().get(pk=link.pk)
        if locked.used_at is not None or locked.revoked_at is not None:
            raise AlreadyAnswered
        activity = Activity.objects.select_for_update().get(pk=link.activity_id)
        confirmation = EmployerConfirmation.objects.create(
            link=link,
            activity=activity,
            employer_id=link.employer_id,
            took_place=answers.took_place,
            not_held_reason=answers.not_held_reason,
            purpose=answers.purpose,
            task=answers.task,
            feedback=answers.feedback,
            confirmed_by_name=name.strip()[:200],
            confirmed_at=timezone.now(),
        )
        links.mark_used(link)
        audit.record(
            actor=actor,
            action="employer_confirmation.received",
            obj=confirmation,
            after={
                "link_id": link.pk,
                "activity_id": activity.pk,
                "took_place": answers.took_place,
                "not_held_reason": answers.not_held_reason,
                "purpose": answers.purpose,
                "task": answers.task,
                "feedback": answers.feedback,
                "confirmed_by": confirmation.confirmed_by_name,
            },
            provider_id=link.provider_id,
            # The employer's words about the group can name learners: the school's own reading only.
            learner_data=True,
        )
        newly = [field for field in sorted(rules.elements_confirmed(answers)) if not getattr(activity, field)]
        if newly:
            for field in newly:
                setattr(activity, field, True)
            save_activity(activity=activity, criteria=None, actor=actor)
    return confirmation
