"""Reusable reads about organisations and people."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat

from qic.organisations.models import AwardingBody, GiasImport, Invitation, Provider, Role, User


def awarding_bodies_with_counts(bodies: QuerySet[AwardingBody]) -> QuerySet[AwardingBody]:
    """Bodies with their number of clients, active assessors and open assignments (one query)."""
    return bodies.annotate(
        client_count=Count("clients", distinct=True),
        assessor_count=Count(
            "memberships",
            filter=Q(memberships__role=Role.ASSESSOR, memberships__user__is_active=True),
            distinct=True,
        ),
        open_assignment_count=Count("assignments", filter=Q(assignments__ended_at__isnull=True), distinct=True),
    ).order_by("name")


def people_of_provider(provider: Provider | None) -> QuerySet[User]:
    """The provider's people, each with who invited them and when (`invited_by_name`,
    `invited_at`; empty for people added without an invitation), in one query.

    Staff and governors only: learners' accounts are children's data, listed on the careers
    leader's learner-access pages, never on the provider's page that governors, the Consortium,
    the Awarding Body and its assessor read."""
    if provider is None:
        return User.objects.none()
    accepted = Invitation.objects.filter(
        provider=provider, email__iexact=OuterRef("email"), accepted_at__isnull=False
    ).order_by("-accepted_at")
    return (
        User.objects.filter(membership__provider=provider)
        .exclude(membership__role=Role.LEARNER)
        .select_related("membership")
        .annotate(
            invited_by_name=Subquery(
                accepted.annotate(inviter=Concat("invited_by__first_name", Value(" "), "invited_by__last_name")).values(
                    "inviter"
                )[:1]
            ),
            invited_at=Subquery(accepted.values("created_at")[:1]),
        )
        .order_by("membership__role", "last_name", "first_name")
    )


def last_gias_import() -> GiasImport | None:
    return gias_imports().filter(status=GiasImport.Status.DONE).first()


def gias_imports() -> QuerySet[GiasImport]:
    """GIAS import jobs with who asked, without their stored files."""
    return GiasImport.objects.select_related("imported_by").defer("data")


def recent_gias_imports() -> QuerySet[GiasImport]:
    return gias_imports()[:10]


def ukprn_taken(ukprn: int) -> bool:
    """True if a provider already has this UKPRN, or uses the number as its key."""
    return Provider.objects.filter(Q(urn=ukprn) | Q(ukprn=str(ukprn))).exists()
