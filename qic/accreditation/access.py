"""The access layer's rules for accreditation rounds, built on `qic.organisations.access`: which
rounds a user may see, one round for a page (404 for another tenant's, 403 for a wrong role), and
who a person is to a round in the workflow (`workflow_actor`, the one place that derives it)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from qic.accreditation.models import Accreditation
from qic.core.actors import SystemActor
from qic.domain.accreditation import WorkflowActor
from qic.organisations.access import Capability, capabilities, get_provider, membership_of
from qic.organisations.models import AWARDING_BODY_ROLES, Provider, Role, User


@dataclass(frozen=True)
class ActingAs(SystemActor):
    """The service making moves in a named part of the workflow: the demo loader, which takes
    fictional rounds through the real actions. A system actor, so audited under its `label`."""

    part: WorkflowActor


# Who makes a change to a round: a signed-in person, or (the demo loader) a labelled process.
AccreditationActor = User | ActingAs


def workflow_actor(actor: AccreditationActor, of: Accreditation | Provider) -> WorkflowActor | None:
    """Who `actor` is to the round `of` (or, before any round, to the provider): the provider's
    careers leader, an admin of the round's Awarding Body, the assessor assigned to the round, or
    None for everyone else (provider staff, governors, the Consortium, other assessors, and
    anyone inactive). The workflow table in `qic.domain.accreditation` says what each may do."""
    if isinstance(actor, ActingAs):
        return actor.part
    membership = membership_of(actor)
    if membership is None:
        return None
    provider_id: int | None = of.provider_id if isinstance(of, Accreditation) else of.pk
    body_id: int | None = of.awarding_body_id
    assessor_id: int | None = of.assessor_id if isinstance(of, Accreditation) else None
    if membership.role == Role.CAREERS_LEADER and membership.provider_id == provider_id:
        return WorkflowActor.CAREERS_LEADER
    if body_id is None or membership.awarding_body_id != body_id:
        return None
    if membership.role == Role.AWARDING_BODY_ADMIN:
        return WorkflowActor.BODY_ADMIN
    if membership.role == Role.ASSESSOR and assessor_id == actor.pk:
        return WorkflowActor.ASSESSOR
    return None


def accreditations_visible_to(user: User | AnonymousUser, provider: Provider) -> QuerySet[Accreditation]:
    """The provider's accreditation rounds this user may see: an Awarding Body sees only the rounds
    it runs (not a former body's); provider people see all of their own."""
    membership = membership_of(user)
    rounds = Accreditation.objects.filter(provider=provider)
    if membership is None or Capability.VIEW_ACCREDITATION not in capabilities(user):
        return rounds.none()
    if membership.role in AWARDING_BODY_ROLES:
        rounds = rounds.filter(awarding_body_id=membership.awarding_body_id)
    return rounds


def get_accreditation_for(user: User | AnonymousUser, urn: int, pk: int, need: Capability) -> Accreditation:
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
