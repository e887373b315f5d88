"""What the school sees of its links and of employers' confirmations (a fixed number of queries).

`state_q` is the SQL form of `qic.domain.partner_links.state_of` (tests check they agree), so the
links page filters by state in the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from qic.domain import partner_links as link_rules
from qic.domain.employer_confirmation import EMPLOYER_FACING
from qic.domain.partner_links import LinkPurpose, LinkState
from qic.organisations.models import Provider
from qic.partners.delivery import state_of
from qic.partners.models import ActivityEmployer, EmployerConfirmation, EmployerContact, PartnerLink
from qic.programme.models import Activity

UNDELIVERED = (PartnerLink.Delivery.FAILED, PartnerLink.Delivery.BOUNCED)
ONE_TIME = [purpose.value for purpose in link_rules.ONE_TIME]


def state_q(state: LinkState, now: dt.datetime) -> Q:
    """Links in `state` now: revoked beats used (one-time links only) beats expired."""
    revoked = Q(revoked_at__isnull=False)
    used = Q(used_at__isnull=False, purpose__in=ONE_TIME)
    expired = Q(expires_at__lte=now)
    return {
        LinkState.REVOKED: revoked,
        LinkState.USED: ~revoked & used,
        LinkState.EXPIRED: ~revoked & ~used & expired,
        LinkState.USABLE: ~revoked & ~used & ~expired,
    }[state]


def confirmed_by_employer() -> Exists:
    """For an Activity query: an employer confirmed through a link that it took place."""
    return Exists(EmployerConfirmation.objects.filter(activity_id=OuterRef("pk"), took_place=True))


# --- The activity page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkRow:
    link: PartnerLink
    state: LinkState
    confirmation: EmployerConfirmation | None

    @property
    def undelivered(self) -> bool:
        return self.link.delivery in UNDELIVERED and self.state is not LinkState.REVOKED

    @property
    def can_resend(self) -> bool:
        return self.state is LinkState.USABLE and bool(self.link.recipient_email)

    @property
    def can_withdraw(self) -> bool:
        return self.state is LinkState.USABLE

    @property
    def progress(self) -> tuple[str, str]:
        """Where the link is, in a word for a tag, and the tag's colour."""
        return progress_of(self.link, self.state)


def progress_of(link: PartnerLink, state: LinkState) -> tuple[str, str]:
    """A link's progress for the school: (words, GOV.UK tag colour)."""
    if state is LinkState.REVOKED:
        return "Withdrawn", "grey"
    if state is LinkState.USED:
        return "Answered", "green"
    if link.delivery == PartnerLink.Delivery.FAILED:
        return "Could not be sent", "red"
    if link.delivery == PartnerLink.Delivery.BOUNCED:
        return "Bounced", "red"
    if state is LinkState.EXPIRED:
        return "Expired", "grey"
    if link.first_opened_at is not None:
        return "Opened", "blue"
    if link.delivery == PartnerLink.Delivery.QUEUED:
        return "Waiting to be sent", "yellow"
    return "Waiting", "light-blue"


def activity_links(activity: Activity) -> list[LinkRow]:
    """The activity's confirmation links, newest first, each with what the employer said (one query)."""
    rows = []
    for link in PartnerLink.objects.filter(
        activity=activity, purpose=LinkPurpose.EMPLOYER_CONFIRMATION.value
    ).select_related("confirmation"):
        confirmation = getattr(link, "confirmation", None)
        rows.append(LinkRow(link, state_of(link), confirmation))
    return rows


def is_employer_facing(activity: Activity) -> bool:
    return activity.type_enum in EMPLOYER_FACING


# --- Choosing whom to ask --------------------------------------------------------------------------


def contact_choices(activity: Activity) -> QuerySet[EmployerContact]:
    """Contacts with an email address at the provider's own employers: those linked to the
    activity first, then the rest of the directory by employer."""
    linked = Exists(ActivityEmployer.objects.filter(activity=activity, employer_id=OuterRef("employer_id")))
    contacts: QuerySet[EmployerContact] = (
        EmployerContact.objects.filter(employer__provider_id=activity.provider_id, employer__removed_at=None)
        .exclude(email="")
        .select_related("employer")
        .annotate(at_activity=linked)
        .order_by("-at_activity", "employer__name", "name", "pk")
    )
    return contacts


# --- The school's page of links ---------------------------------------------------------------------


@dataclass
class LinkList:
    links: QuerySet[PartnerLink]
    undelivered: int
    counts_by_state: dict[str, int]


def provider_links(
    provider: Provider,
    *,
    purpose: str = "",
    state: str = "",
    delivery: str = "",
    now: dt.datetime | None = None,
) -> LinkList:
    """Every link the provider has issued, filtered; how many could not be delivered."""
    now = now or timezone.now()
    base = PartnerLink.objects.filter(provider=provider)
    chosen = base
    if purpose in {p.value for p in LinkPurpose}:
        chosen = chosen.filter(purpose=purpose)
    if state in {s.value for s in LinkState}:
        chosen = chosen.filter(state_q(LinkState(state), now))
    if delivery in {d.value for d in PartnerLink.Delivery}:
        chosen = chosen.filter(delivery=delivery)
    figures = base.aggregate(
        undelivered=Count("pk", filter=Q(delivery__in=UNDELIVERED, revoked_at=None)),
        **{s.value: Count("pk", filter=state_q(s, now)) for s in LinkState},
    )
    undelivered = figures.pop("undelivered")
    return LinkList(
        links=chosen.select_related(
            "activity", "learner", "placement__learner", "placement__employer", "employer", "created_by"
        ).order_by("-created_at", "-pk"),
        undelivered=undelivered,
        counts_by_state=figures,
    )
