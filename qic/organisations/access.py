"""The one access layer: what each user may see and change.

Every view and API endpoint gets its objects through these functions. The rules:
- anonymous users are sent to log in (views) or get 401 (API);
- a page meant for other roles answers 403;
- another tenant's object answers 404, exactly as if it did not exist, so that URNs and ids
  cannot be probed;
- a provider's people see only their own provider; an Awarding Body only its own clients and
  assessors; an assessor only the providers assigned to them; the Consortium sees organisations
  and aggregates, never a learner.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone

from qic.core.models import AuditEvent
from qic.organisations.models import (
    AWARDING_BODY_ROLES,
    PROVIDER_ROLES,
    AwardingBody,
    ClientRequest,
    ClientRequestStatus,
    Invitation,
    Membership,
    Provider,
    Role,
    User,
)

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])


class AuthenticatedRequest(HttpRequest):
    """The request a view behind `require_role` (or `login_required`) gets: its user is signed in.

    A view that passes `request.user` to an action (`actor=`, which takes a `User`) annotates its
    `request` with this; `HttpRequest.user` may be an AnonymousUser. (django-stubs' way to type a
    signed-in request; nothing changes at run time.)
    """

    user: User


def membership_of(user: User | AnonymousUser) -> Membership | None:
    """The user's membership: None for a visitor who is not signed in, a deactivated person, or
    someone with no role."""
    if isinstance(user, AnonymousUser) or not user.is_active:
        return None
    try:
        membership: Membership = user.membership
    except Membership.DoesNotExist:
        return None
    return membership


def role_of(user: User | AnonymousUser) -> Role | None:
    membership = membership_of(user)
    return Role(membership.role) if membership else None


def is_learner(user: User | AnonymousUser) -> bool:
    """A signed-in, active learner (who holds no staff role; see qic.learners.access)."""
    membership = membership_of(user)
    return membership is not None and membership.role == Role.LEARNER


def require_role(*roles: Role) -> Callable[[ViewFunc], ViewFunc]:
    """Log-in required; then 403 unless the user holds one of `roles` (none given: any staff role).

    A learner holds no staff role: their own pages use `qic.learners.access.require_learner`.
    """

    def decorator(view: ViewFunc) -> ViewFunc:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            role = role_of(request.user)
            if role is None or (roles and role not in roles) or (not roles and role == Role.LEARNER):
                raise PermissionDenied("Your role does not give access to this page.")
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


# --- Providers -------------------------------------------------------------------------------


def visible_providers(user: User | AnonymousUser) -> QuerySet[Provider]:
    """Providers whose organisation record the user may see."""
    membership = membership_of(user)
    if membership is None:
        return Provider.objects.none()
    role = membership.role
    if role == Role.CONSORTIUM_ADMIN:
        return Provider.objects.all()
    if role == Role.AWARDING_BODY_ADMIN:
        return Provider.objects.filter(awarding_body_id=membership.awarding_body_id)
    if role == Role.ASSESSOR:
        return Provider.objects.filter(
            assignments__assessor_id=membership.user_id,
            assignments__ended_at__isnull=True,
            assignments__awarding_body_id=membership.awarding_body_id,
        ).distinct()
    if role in PROVIDER_ROLES:
        return Provider.objects.filter(pk=membership.provider_id or 0)
    return Provider.objects.none()


def is_client_body_admin(user: User | AnonymousUser, provider: Provider) -> bool:
    """An admin of the Awarding Body whose client the provider is (assigns assessors, runs the
    accreditation; never manages the provider's people beyond its first careers leader)."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.AWARDING_BODY_ADMIN:
        return False
    return provider.awarding_body_id is not None and provider.awarding_body_id == membership.awarding_body_id


def can_manage_provider(user: User | AnonymousUser, provider: Provider) -> bool:
    """Who may change a provider's people: its own careers leader, and the Consortium (which must
    give a written reason each time, see `reason_required`). An Awarding Body may only invite a
    client's first careers leader (`roles_user_may_invite`)."""
    membership = membership_of(user)
    if membership is None:
        return False
    if membership.role == Role.CAREERS_LEADER:
        return membership.provider_id == provider.pk
    return membership.role == Role.CONSORTIUM_ADMIN


def reason_required(user: User | AnonymousUser, provider: Provider | None) -> bool:
    """The Consortium steps into a provider's people only with a written, audited reason."""
    return provider is not None and role_of(user) == Role.CONSORTIUM_ADMIN


def has_active_careers_leader(provider: Provider) -> bool:
    return Membership.objects.filter(provider=provider, role=Role.CAREERS_LEADER, user__is_active=True).exists()


def open_invitations(provider: Provider) -> QuerySet[Invitation]:
    """Invitations to the provider that can still be accepted."""
    return provider.invitations.filter(accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())


def may_invite_first_careers_leader(user: User | AnonymousUser, provider: Provider) -> bool:
    """The client's Awarding Body may invite a careers leader only while the provider has none:
    no active careers leader and no open careers-leader invitation."""
    return (
        is_client_body_admin(user, provider)
        and not has_active_careers_leader(provider)
        and not open_invitations(provider).filter(role=Role.CAREERS_LEADER).exists()
    )


def get_provider(user: User | AnonymousUser, urn: int, *, manage: bool = False) -> Provider:
    """The provider with this URN if the user may see it (and manage it, if asked), else 404."""
    try:
        provider = visible_providers(user).select_related("awarding_body").get(urn=urn)
    except Provider.DoesNotExist:
        raise Http404("No such provider") from None
    if manage and not can_manage_provider(user, provider):
        raise PermissionDenied("You cannot change this provider's people.")
    return provider


# --- Awarding Bodies -------------------------------------------------------------------------


def visible_awarding_bodies(user: User | AnonymousUser) -> QuerySet[AwardingBody]:
    membership = membership_of(user)
    if membership is None:
        return AwardingBody.objects.none()
    if membership.role == Role.CONSORTIUM_ADMIN:
        return AwardingBody.objects.all()
    if membership.role in AWARDING_BODY_ROLES:
        return AwardingBody.objects.filter(pk=membership.awarding_body_id or 0)
    return AwardingBody.objects.none()


def can_manage_awarding_body(user: User | AnonymousUser, body: AwardingBody) -> bool:
    membership = membership_of(user)
    if membership is None:
        return False
    if membership.role == Role.CONSORTIUM_ADMIN:
        return True
    return membership.role == Role.AWARDING_BODY_ADMIN and membership.awarding_body_id == body.pk


def get_awarding_body(user: User | AnonymousUser, pk: int, *, manage: bool = False) -> AwardingBody:
    try:
        body = visible_awarding_bodies(user).get(pk=pk)
    except AwardingBody.DoesNotExist:
        raise Http404("No such Awarding Body") from None
    if manage and not can_manage_awarding_body(user, body):
        raise PermissionDenied("Only the body's admins and the Consortium can change it.")
    return body


def assessors_of(body: AwardingBody) -> QuerySet[User]:
    return User.objects.filter(membership__role=Role.ASSESSOR, membership__awarding_body=body)


# --- Invitations -----------------------------------------------------------------------------


def roles_user_may_invite(
    user: User | AnonymousUser, *, awarding_body: AwardingBody | None = None, provider: Provider | None = None
) -> list[Role]:
    """The roles this user may invite into the given organisation (none given: the Consortium)."""
    membership = membership_of(user)
    if membership is None:
        return []
    role = membership.role
    if provider is not None:
        if role == Role.CAREERS_LEADER and membership.provider_id == provider.pk:
            return [Role.CAREERS_LEADER, Role.PROVIDER_STAFF, Role.GOVERNOR]
        if role == Role.CONSORTIUM_ADMIN:
            return [Role.CAREERS_LEADER, Role.PROVIDER_STAFF, Role.GOVERNOR]
        if role == Role.AWARDING_BODY_ADMIN and may_invite_first_careers_leader(user, provider):
            return [Role.CAREERS_LEADER]
        return []
    if awarding_body is not None:
        if can_manage_awarding_body(user, awarding_body):
            return [Role.AWARDING_BODY_ADMIN, Role.ASSESSOR]
        return []
    return [Role.CONSORTIUM_ADMIN] if role == Role.CONSORTIUM_ADMIN else []


# --- Capabilities on a provider ----------------------------------------------------------------


class Capability(enum.Enum):
    VIEW = "view"  # the provider's organisation record
    VIEW_FIGURES = "view_figures"  # benchmark figures, aggregates only
    VIEW_LEARNERS = "view_learners"  # named learners and their records
    RECORD_PROGRAMME = "record_programme"  # activities, registers, interviews
    MANAGE_LEARNERS = "manage_learners"  # imports, learner edits, programme answers, API tokens
    VIEW_ACCREDITATION = "view_accreditation"  # the provider's accreditation, award and issued documents
    PREPARE_ACCREDITATION = "prepare_accreditation"  # request commitment, build and submit the portfolio
    MANAGE_ACCREDITATION = "manage_accreditation"  # the Awarding Body's moves: grant, assign, issue
    ASSESS = "assess"  # judge criteria, record conversations and annual reviews


_WORKSPACE = frozenset(
    {
        Capability.VIEW,
        Capability.VIEW_FIGURES,
        Capability.VIEW_LEARNERS,
        Capability.RECORD_PROGRAMME,
        Capability.MANAGE_LEARNERS,
    }
)


PROVIDER_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.CAREERS_LEADER: _WORKSPACE | {Capability.VIEW_ACCREDITATION, Capability.PREPARE_ACCREDITATION},
    Role.PROVIDER_STAFF: frozenset(
        {
            Capability.VIEW,
            Capability.VIEW_FIGURES,
            Capability.VIEW_LEARNERS,
            Capability.RECORD_PROGRAMME,
            Capability.VIEW_ACCREDITATION,
        }
    ),
    # Governors challenge the programme (criterion 1.1) from the figures, not from pupils' names.
    Role.GOVERNOR: frozenset({Capability.VIEW, Capability.VIEW_FIGURES, Capability.VIEW_ACCREDITATION}),
    # The Awarding Body and its assigned assessor see a client's figures, which feed the assessment.
    Role.AWARDING_BODY_ADMIN: frozenset(
        {Capability.VIEW, Capability.VIEW_FIGURES, Capability.VIEW_ACCREDITATION, Capability.MANAGE_ACCREDITATION}
    ),
    Role.ASSESSOR: frozenset(
        {Capability.VIEW, Capability.VIEW_FIGURES, Capability.VIEW_ACCREDITATION, Capability.ASSESS}
    ),
    # The Consortium sees organisations and aggregates across providers, never one school's learners.
    Role.CONSORTIUM_ADMIN: frozenset({Capability.VIEW}),
}


def capabilities(user: User | AnonymousUser) -> frozenset[Capability]:
    role = role_of(user)
    return PROVIDER_CAPABILITIES.get(role, frozenset()) if role else frozenset()


def get_provider_for(user: User | AnonymousUser, urn: int, need: Capability) -> Provider:
    """The provider if visible to the user (else 404) and the user's role has `need` (else 403)."""
    provider = get_provider(user, urn)
    if need not in capabilities(user):
        raise PermissionDenied("Your role does not give access to this part of the provider's records.")
    return provider


# --- The audit trail ---------------------------------------------------------------------------


def visible_audit_events(user: User | AnonymousUser) -> QuerySet[AuditEvent]:
    """The audit events this user may read; the one place that decides it.

    - a careers leader: every event of their own provider, learner-level ones included (named
      learners' records, registers, interviews, imports and who read them);
    - an Awarding Body admin: its own events and those about its current clients, never a
      learner-level one;
    - the Consortium: organisation, accreditation and national events, never a learner-level one;
    - anyone else: nothing.
    """
    membership = membership_of(user)
    events = AuditEvent.objects.all()
    if membership is None:
        return events.none()
    if membership.role == Role.CAREERS_LEADER and membership.provider_id:
        return events.filter(provider_id_ref=membership.provider_id)
    if membership.role == Role.AWARDING_BODY_ADMIN and membership.awarding_body_id:
        clients = Provider.objects.filter(awarding_body_id=membership.awarding_body_id).values("pk")
        return events.filter(
            Q(awarding_body_id_ref=membership.awarding_body_id) | Q(provider_id_ref__in=clients),
            learner_data=False,
        )
    if membership.role == Role.CONSORTIUM_ADMIN:
        return events.filter(learner_data=False)
    return events.none()


# --- People and client requests ----------------------------------------------------------------


def may_change_person(user: User | AnonymousUser, person: User) -> bool:
    """Who may deactivate or reactivate `person`: nobody themselves; a provider's people by its
    careers leader or the Consortium (with a reason); a body's people by its admins or the
    Consortium; Consortium admins by the Consortium. A learner's account is children's data:
    only their own school's careers leader reaches it, never the Consortium."""
    membership = membership_of(user)
    target = getattr(person, "membership", None)
    if membership is None or target is None or person.pk == user.pk:
        return False
    if target.role == Role.LEARNER:
        return membership.role == Role.CAREERS_LEADER and membership.provider_id == target.provider_id
    if target.provider_id is not None:
        return can_manage_provider(user, target.provider)
    if target.awarding_body_id is not None:
        return can_manage_awarding_body(user, target.awarding_body)
    return membership.role == Role.CONSORTIUM_ADMIN


def deactivation_refusal(user: User | AnonymousUser, person: User) -> str:
    """Why `user` may not deactivate `person` although they may manage them, or "" if they may."""
    target = person.membership
    other_leaders = Membership.objects.filter(
        provider_id=target.provider_id or 0, role=Role.CAREERS_LEADER, user__is_active=True
    ).exclude(user=person)
    if target.role == Role.CAREERS_LEADER and role_of(user) != Role.CONSORTIUM_ADMIN and not other_leaders.exists():
        return (
            f"{person} is the only active careers leader. Only the Quality in Careers Consortium "
            "can deactivate a provider's last careers leader."
        )
    return ""


def client_requests_to_answer(user: User | AnonymousUser) -> QuerySet[ClientRequest]:
    """Pending client requests this user answers: a provider's careers leader answers for their
    provider; the Consortium answers for providers that have no active careers leader."""
    membership = membership_of(user)
    pending = ClientRequest.objects.filter(status=ClientRequestStatus.PENDING).select_related(
        "awarding_body", "provider", "requested_by"
    )
    if membership is None:
        return pending.none()
    if membership.role == Role.CAREERS_LEADER:
        return pending.filter(provider_id=membership.provider_id or 0)
    if membership.role == Role.CONSORTIUM_ADMIN:
        led = Membership.objects.filter(role=Role.CAREERS_LEADER, user__is_active=True).values("provider_id")
        return pending.exclude(provider_id__in=led)
    return pending.none()


def get_client_request_to_answer(user: User | AnonymousUser, pk: int) -> ClientRequest:
    """A pending request this user may answer, else 404."""
    try:
        return client_requests_to_answer(user).get(pk=pk)
    except ClientRequest.DoesNotExist:
        raise Http404("No such request") from None


def client_requests_of_body(user: User | AnonymousUser) -> QuerySet[ClientRequest]:
    """An Awarding Body admin's own body's requests, newest first."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.AWARDING_BODY_ADMIN:
        return ClientRequest.objects.none()
    return ClientRequest.objects.filter(awarding_body_id=membership.awarding_body_id).select_related(
        "provider", "requested_by", "decided_by"
    )


def may_withdraw_invitation(user: User | AnonymousUser, invitation: Invitation) -> bool:
    """A provider's open invitations are withdrawn by its careers leader; its Awarding Body may
    withdraw a careers-leader invitation that one of the body's admins sent, and the Consortium
    one that a Consortium admin sent. Other invitations:
    whoever may invite that role into that organisation."""
    provider = invitation.provider
    if provider is None:
        return invitation.role in roles_user_may_invite(user, awarding_body=invitation.awarding_body)
    membership = membership_of(user)
    if membership is None:
        return False
    if membership.role == Role.CAREERS_LEADER:
        return membership.provider_id == provider.pk
    inviter = getattr(invitation.invited_by, "membership", None) if invitation.invited_by_id else None
    if membership.role == Role.CONSORTIUM_ADMIN:
        # The Consortium withdraws only what it sent itself (with its reason on record).
        return inviter is not None and inviter.role == Role.CONSORTIUM_ADMIN
    return (
        is_client_body_admin(user, provider)
        and invitation.role == Role.CAREERS_LEADER
        and inviter is not None
        and inviter.awarding_body_id == membership.awarding_body_id
    )
