"""The access layer's rule for primary awards, built on `qic.organisations.access`."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404

from qic.national.models import PrimaryAward
from qic.organisations.access import membership_of
from qic.organisations.models import AWARDING_BODY_ROLES, Role, User


def get_primary_award_for(user: User | AnonymousUser, pk: int, *, manage: bool = False) -> PrimaryAward:
    """A primary award: the Consortium sees every one, an Awarding Body's people only their own
    (another body's is a 404); `manage` needs the owning body's admin (else 403)."""
    membership = membership_of(user)
    awards = PrimaryAward.objects.select_related("awarding_body")
    if membership is None:
        raise PermissionDenied("Your role does not give access to primary awards.")
    if membership.role in AWARDING_BODY_ROLES:
        awards = awards.filter(awarding_body_id=membership.awarding_body_id)
    elif membership.role != Role.CONSORTIUM_ADMIN:
        raise PermissionDenied("Your role does not give access to primary awards.")
    try:
        award = awards.get(pk=pk)
    except ObjectDoesNotExist:
        raise Http404("No such primary award") from None
    if manage and membership.role != Role.AWARDING_BODY_ADMIN:
        raise PermissionDenied("Only the Awarding Body's admins change its award.")
    return award
