"""Reusable reads about organisations and people."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from qic.organisations.models import AwardingBody, GiasImport, Provider, Role, User


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
    if provider is None:
        return User.objects.none()
    return (
        User.objects.filter(membership__provider=provider)
        .select_related("membership")
        .order_by("membership__role", "last_name", "first_name")
    )


def last_gias_import() -> GiasImport | None:
    return GiasImport.objects.select_related("imported_by").first()


def recent_gias_imports() -> QuerySet[GiasImport]:
    return GiasImport.objects.select_related("imported_by")[:10]
