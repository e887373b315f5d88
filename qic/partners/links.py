"""Issuing, sending, opening and revoking links for employers and parents (qic.domain.partner_links).

A link sent by email gets its token in its task (`tasks.send_partner_link`), so no secret sits in
a task row; the mail's outcome (sent, could not be sent, bounced) is kept on the link and shown
to the school. A link the school copies to send itself is shown once, when it is made.

Opening: `resolve` finds the link for a token and a purpose, or refuses. A page for a link
(`link_view`) reads only the link's own object: the link is the whole of the visitor's access.
Every action through a link is audited with the link's owner as the actor (`actor_for`).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec

from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from qic.accounts.lockout import client_ip
from qic.core import audit
from qic.core.actors import SystemActor
from qic.core.mail import enqueue_with_change
from qic.domain import partner_links as rules
from qic.domain.partner_links import LinkPurpose, LinkState
from qic.learners.models import Learner
from qic.organisations.models import Provider, User
from qic.partners import tasks
from qic.partners.delivery import state_of
from qic.partners.models import Employer, EmployerContact, LinkAttempt, PartnerLink, Placement
from qic.programme.models import Activity

logger = logging.getLogger(__name__)
P = ParamSpec("P")


class LinkError(Exception):
    """Why a link could not be made (the message says it to staff)."""


def actor_for(link: PartnerLink) -> SystemActor:
    """The audit trail's actor for an action through a link: its owner, and which link it was."""
    who = link.recipient_name or "Unnamed recipient"
    if link.recipient_email:
        who = f"{who} <{link.recipient_email}>"
    return SystemActor(f"{who} by {link.get_purpose_display().lower()} link #{link.pk}")


def _scope_provider(activity: Activity | None, placement: Placement | None, learner: Learner | None) -> int:
    objects = [obj for obj in (activity, placement, learner) if obj is not None]
    if len(objects) != 1:
        raise LinkError("A link is for exactly one activity, placement or learner.")
    return objects[0].provider_id


def issue(
    *,
    provider: Provider,
    purpose: LinkPurpose,
    recipient_name: str,
    recipient_email: str = "",
    activity: Activity | None = None,
    placement: Placement | None = None,
    learner: Learner | None = None,
    employer: Employer | None = None,
    contact: EmployerContact | None = None,
    respondent: str = "",
    by_email: bool = True,
    days: int | None = None,
    actor: User,
) -> tuple[PartnerLink, str | None]:
    """Make a link and, `by_email`, queue its mail; returns the link and, when it is not mailed,
    its token to show once (the caller builds the address with `url_for`)."""
    if _scope_provider(activity, placement, learner) != provider.pk:
        raise LinkError("A link can only be for this provider's own records.")
    if employer is not None and employer.provider_id != provider.pk:
        raise LinkError("A link can only name this provider's own employers.")
    if by_email and not recipient_email:
        raise LinkError("Enter an email address to send the link to.")
    now = timezone.now()
    token = None if by_email else rules.new_token()
    with transaction.atomic():
        link = PartnerLink.objects.create(
            provider=provider,
            purpose=purpose.value,
            token_hash=rules.hash_token(token) if token else "",
            recipient_name=recipient_name.strip()[:200],
            recipient_email=recipient_email.strip(),
            activity=activity,
            placement=placement,
            learner=learner,
            employer=employer,
            contact=contact,
            respondent=respondent,
            expires_at=rules.expires_at(purpose, now, days),
            delivery=PartnerLink.Delivery.QUEUED if by_email else PartnerLink.Delivery.NOT_SENT,
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action="partner_link.issued",
            obj=link,
            after={
                "purpose": purpose.value,
                "recipient": link.recipient_name,
                "email": link.recipient_email,
                "by_email": by_email,
                "expires_at": link.expires_at,
                "activity_id": link.activity_id,
                "placement_id": link.placement_id,
            },
            provider_id=provider.pk,
            learner_id=link.learner_id or (placement.learner_id if placement else None),
        )
        if by_email:
            enqueue_with_change(tasks.send_partner_link, link_id=link.pk)
    return link, token


def resend(link: PartnerLink, *, actor: User) -> None:
    """Send a link's mail again with a fresh token (the old address stops working)."""
    if not link.recipient_email:
        raise LinkError("This link has no email address to send to.")
    if state_of(link) is not LinkState.USABLE:
        raise LinkError("This link can no longer be used: make a new one.")
    with transaction.atomic():
        PartnerLink.objects.filter(pk=link.pk).update(
            token_hash="", delivery=PartnerLink.Delivery.QUEUED, delivery_detail=""
        )
        audit.record(actor=actor, action="partner_link.resent", obj=link, provider_id=link.provider_id)
        enqueue_with_change(tasks.send_partner_link, link_id=link.pk)


def revoke(link: PartnerLink, *, actor: User) -> bool:
    """Withdraw a link; False if it was already withdrawn."""
    with transaction.atomic():
        done = PartnerLink.objects.filter(pk=link.pk, revoked_at=None).update(
            revoked_at=timezone.now(), revoked_by=actor
        )
        if done:
            audit.record(actor=actor, action="partner_link.revoked", obj=link, provider_id=link.provider_id)
    return bool(done)


def mark_used(link: PartnerLink) -> None:
    """A one-time link's form was sent: the link stops working (call inside the change's transaction)."""
    now = timezone.now()
    PartnerLink.objects.filter(pk=link.pk, used_at=None).update(used_at=now)
    link.used_at = link.used_at or now


# --- Opening a link ----------------------------------------------------------------------------


class Throttled(Exception):
    pass


class Unusable(Exception):
    def __init__(self, state: LinkState) -> None:
        super().__init__(state.value)
        self.state = state


def _throttled(ip: str) -> bool:
    since = timezone.now() - dt.timedelta(minutes=rules.FAILED_ATTEMPT_WINDOW_MINUTES)
    return LinkAttempt.objects.filter(client_ip=ip, attempted_at__gte=since).count() >= rules.MAX_FAILED_ATTEMPTS


def resolve(request: HttpRequest, token: str, purpose: LinkPurpose) -> PartnerLink:
    """The usable link for `token` and `purpose`, its opening counted; else Throttled (too many
    bad tokens from this address), Http404 (no such link for this purpose) or Unusable."""
    ip = client_ip(request) or ""
    if _throttled(ip):
        raise Throttled
    link = None
    if rules.looks_like_token(token):
        link = (
            PartnerLink.objects.select_related("provider")
            .filter(token_hash=rules.hash_token(token), purpose=purpose.value)
            .first()
        )
    if link is None:
        LinkAttempt.objects.create(client_ip=ip)
        raise Http404("No such link")
    state = state_of(link)
    if state is not LinkState.USABLE:
        LinkAttempt.objects.create(client_ip=ip)
        raise Unusable(state)
    now = timezone.now()
    with transaction.atomic():
        PartnerLink.objects.filter(pk=link.pk).update(
            open_count=F("open_count") + 1, last_opened_at=now, first_opened_at=link.first_opened_at or now
        )
        if link.first_opened_at is None:
            audit.record(
                actor=actor_for(link),
                action="partner_link.opened",
                obj=link,
                provider_id=link.provider_id,
                learner_id=link.learner_id,
            )
    link.first_opened_at = link.first_opened_at or now
    return link


def link_view(
    purpose: LinkPurpose,
) -> Callable[[Callable[Concatenate[HttpRequest, PartnerLink, P], HttpResponse]], Callable[..., HttpResponse]]:
    """A page for one link: the view gets the resolved link (never a token) or the visitor gets a
    429, a 404 or a page saying why the link no longer works (410)."""

    def decorate(view: Callable[Concatenate[HttpRequest, PartnerLink, P], HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                link = resolve(request, token, purpose)
            except Throttled:
                return render(request, "partners/link_throttled.html", status=429)
            except Unusable as refused:
                return render(
                    request,
                    "partners/link_unusable.html",
                    {"message": rules.STATE_MESSAGES[refused.state]},
                    status=410,
                )
            request.partner_link = link  # type: ignore[attr-defined]
            request.partner_link_token = token  # type: ignore[attr-defined]
            return view(request, link, *args, **kwargs)

        return wrapped

    return decorate
