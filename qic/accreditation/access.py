"""The access layer's rules for accreditation rounds, built on `qic.organisations.access`: which
rounds a user may see, and one round for a page (404 for another tenant's, 403 for a wrong role)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from qic.accreditation.models import Accreditation
from qic.organisations.access import Capability, capabilities, get_provider, membership_of
from qic.organisations.models import AWARDING_BODY_ROLES, Provider


def accreditations_visible_to(user: Any, provider: Provider) -> QuerySet[Accreditation]:
    """The provider's accreditation rounds this user may see: an Awarding Body sees only the rounds
    it runs (not a former body's); provider people see all of their own."""
    membership = membership_of(user)
    rounds = Accreditation.objects.filter(provider=provider)
    if membership is None or Capability.VIEW_ACCREDITATION not in capabilities(user):
        return rounds.none()
    if membership.role in AWARDING_BODY_ROLES:
        rounds = rounds.filter(awarding_body_id=membership.awarding_body_id)
    return rounds


def get_accreditation_for(user: Any, urn: int, pk: int, need: Capability) -> Accreditation:
    """A round of the provider's accreditation: 404 if the user cannot see the provider or the
    round, 403 if their role lacks `need`. An assessor may assess only a round assigned to them."""
    provider = get_provider(user, urn)
    if Capability.VIEW_ACCREDITATION not in capabilities(user):
        raise PermissionDenied("Your role does not give access to accreditation records.")
    try:
        accreditation = (
            accreditations_visible_to(user, provider)
            .select_related("provider", "awarding_body", "edition", "assessor", "previous")
            .get(pk=pk)
        )
    except ObjectDoesNotExist:
        raise Http404("No such accreditation") from None
    if need not in capabilities(user):
        raise PermissionDenied("Your role cannot do this.")
    if need is Capability.ASSESS and accreditation.assessor_id != user.pk:
        raise PermissionDenied("Only the assessor assigned to this assessment can do this.")
    return accreditation
