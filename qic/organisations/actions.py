"""Changes to organisations and people. Each runs in one transaction and writes audit events."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from qic.core import audit, stale
from qic.core.actors import SystemActor
from qic.core.mail import enqueue_with_change, queue_mail
from qic.domain.provider_types import ProviderType
from qic.domain.ukprn import duplicate_ukprn_message, parse_ukprn
from qic.organisations import gias_imports, tasks
from qic.organisations.gias import GiasFileError, GiasRowError
from qic.organisations.models import (
    AssessorAssignment,
    AwardingBody,
    ClientRequest,
    ClientRequestStatus,
    GiasImport,
    Invitation,
    Membership,
    Provider,
    Role,
    User,
)
from qic.organisations.queries import ukprn_taken

if TYPE_CHECKING:
    pass

logger = logging.getLogger(__name__)


@dataclass
class GiasImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_closed: int = 0
    errors: list[GiasRowError] = field(default_factory=list)
    notices: list[GiasRowError] = field(default_factory=list)  # values left blank in rows that were imported
    record: GiasImport | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def start_gias_import(
    *, data: bytes, file_name: str, include_closed: bool, actor: User | SystemActor, wait: bool = False
) -> GiasImport:
    """Store the upload as a job and queue the task that imports it (in the same transaction:
    both are written, or neither); with `wait`, run the import here and return the ended job."""
    with transaction.atomic():
        job = GiasImport.objects.create(
            file_name=file_name[:255],
            sha256=hashlib.sha256(data).hexdigest(),
            include_closed=include_closed,
            data=data,
            imported_by=actor if isinstance(actor, User) else None,
            actor_label=actor.label[:100] if isinstance(actor, SystemActor) else "",
        )
        if not wait:
            tasks.import_gias_task.enqueue(job_id=job.pk)
    if wait:
        return gias_imports.run_gias_import(job.pk)
    return job


def import_gias(*, data: bytes, file_name: str, include_closed: bool, actor: User | SystemActor) -> GiasImportReport:
    """Import a GIAS extract here and now (the job is recorded as if a worker ran it).

    Raises GiasFileError for a whole-file problem. Returns a report; when it has row errors,
    nothing but the failed job was written.
    """
    job = start_gias_import(data=data, file_name=file_name, include_closed=include_closed, actor=actor, wait=True)
    if job.status == GiasImport.Status.FAILED and not job.errors:
        raise GiasFileError(job.message.removesuffix(" Nothing was imported."))
    return GiasImportReport(
        created=job.created_count,
        updated=job.updated_count,
        unchanged=job.unchanged_count,
        skipped_closed=job.skipped_closed_count,
        errors=[GiasRowError(line=e["line"], reason=e["reason"]) for e in job.errors],
        notices=[GiasRowError(line=n["line"], reason=n["reason"]) for n in job.notices],
        record=job if job.status == GiasImport.Status.DONE else None,
    )


# --- Independent training providers --------------------------------------------------------


class DuplicateProvider(ValueError):
    """A provider with this UKPRN (or this key) is already on QiC Platform."""


ITP_FIELDS = ("urn", "ukprn", "name", "provider_type", "postcode", "region", "awarding_body_id")


def add_independent_training_provider(
    *, name: str, ukprn: str, postcode: str, region: str, awarding_body: AwardingBody | None, actor: User
) -> Provider:
    """Add an independent training provider, which GIAS does not list.

    Its key (`urn`, the number in its addresses) is its UKPRN, also stored in `ukprn`. Added by
    an Awarding Body (`awarding_body` given), it is that body's client at once: it is new to the
    platform, has nobody to ask, and the body is the one registering it. Added by the
    Consortium (`awarding_body=None`), it has no body until one asks to take it on.

    Raises ValueError for a malformed UKPRN and DuplicateProvider if a provider already has it
    (also when two people add the same one at the same moment). Writes `provider.itp_added`.
    """
    number = parse_ukprn(ukprn)
    try:
        with transaction.atomic():
            if ukprn_taken(number):
                raise DuplicateProvider(duplicate_ukprn_message(number))
            provider = Provider.objects.create(
                urn=number,
                ukprn=str(number),
                name=name.strip(),
                provider_type=ProviderType.INDEPENDENT_TRAINING_PROVIDER.value,
                postcode=postcode.strip().upper(),
                region=region,
                awarding_body=awarding_body,
                status="Open",
            )
            audit.record(
                actor=actor,
                action="provider.itp_added",
                obj=provider,
                after=audit.snapshot(provider, ITP_FIELDS),
                awarding_body_id=awarding_body.pk if awarding_body else None,
                provider_id=provider.pk,
            )
    except IntegrityError:
        # The unique URN: someone else added the same UKPRN between our check and our insert.
        raise DuplicateProvider(duplicate_ukprn_message(number)) from None
    return provider


# --- Awarding Bodies -------------------------------------------------------------------------

AWARDING_BODY_FIELDS = (
    "name",
    "licence_status",
    "licence_start",
    "licence_end",
    "award_validity_months",
    "website",
    "contact_email",
)


@transaction.atomic
def save_awarding_body(*, body: AwardingBody, actor: User, seen: str | None = None) -> AwardingBody:
    """Create or update an Awarding Body (the form has already set its fields); audit it.

    `seen` is the edit form's snapshot: a change made by someone else since refuses the save.
    """
    before = None
    if body.pk:
        current = AwardingBody.objects.select_for_update().get(pk=body.pk)
        stale.check(current, AWARDING_BODY_FIELDS, seen)
        before = audit.snapshot(current, AWARDING_BODY_FIELDS)
    body.save()
    audit.record(
        actor=actor,
        action="awarding_body.updated" if before else "awarding_body.created",
        obj=body,
        before=before,
        after=audit.snapshot(body, AWARDING_BODY_FIELDS),
        awarding_body_id=body.pk,
    )
    return body


@transaction.atomic
def add_client(*, body: AwardingBody, provider: Provider, actor: User | SystemActor) -> None:
    """Make the provider a client of the body (it may be a client of one body at a time)."""
    before = {"awarding_body_id": provider.awarding_body_id}
    provider.awarding_body = body
    provider.save(update_fields=["awarding_body", "updated_at"])
    audit.record(
        actor=actor,
        action="provider.client_added",
        obj=provider,
        before=before,
        after={"awarding_body_id": body.pk},
        awarding_body_id=body.pk,
        provider_id=provider.pk,
    )


@transaction.atomic
def assign_assessor(*, provider: Provider, assessor: User, actor: User | SystemActor) -> AssessorAssignment:
    """Assign an assessor of the provider's Awarding Body to the provider."""
    if provider.awarding_body_id is None:
        raise ValueError("The provider is not a client of an Awarding Body")
    membership = assessor.membership
    if membership.role != Role.ASSESSOR or membership.awarding_body_id != provider.awarding_body_id:
        raise ValueError("Only an assessor of the provider's own Awarding Body can be assigned")
    assignment, created = AssessorAssignment.objects.get_or_create(
        assessor=assessor,
        provider=provider,
        ended_at=None,
        defaults={"awarding_body_id": provider.awarding_body_id},
    )
    if created:
        audit.record(
            actor=actor,
            action="assessor.assigned",
            obj=assignment,
            after={"assessor": assessor.email, "provider_urn": provider.urn},
            awarding_body_id=provider.awarding_body_id,
            provider_id=provider.pk,
        )
    return assignment


@transaction.atomic
def end_assignment(*, assignment: AssessorAssignment, actor: User) -> None:
    assignment.ended_at = timezone.now()
    assignment.save(update_fields=["ended_at"])
    audit.record(
        actor=actor,
        action="assessor.unassigned",
        obj=assignment,
        before={"ended_at": None},
        after={"ended_at": assignment.ended_at},
        awarding_body_id=assignment.awarding_body_id,
        provider_id=assignment.provider_id,
    )


# --- Invitations -----------------------------------------------------------------------------


class InvitationError(ValueError):
    pass


@transaction.atomic
def invite_user(
    *,
    email: str,
    first_name: str,
    last_name: str,
    role: Role,
    actor: User,
    awarding_body: AwardingBody | None = None,
    provider: Provider | None = None,
    reason: str = "",
) -> Invitation:
    """Create an invitation and queue the task that emails its link, in this transaction.

    The link's secret is made by that task when it sends the mail (`invitations.send_invitation_mail`), so
    it is stored nowhere but in the mail: not in the task's row, not in a log. Raises
    InvitationError if the address already has an account. `reason` is the Consortium's
    written reason for stepping into a provider's people; it is kept in the audit event.
    """
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise InvitationError("Someone with this email address already has an account.")
    # An earlier open invitation for the same address is revoked, so only the newest link works.
    Invitation.objects.filter(email__iexact=email, accepted_at=None, revoked_at=None).update(revoked_at=timezone.now())
    # A placeholder secret nobody is given: the task that sends the mail replaces it.
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        role=role,
        awarding_body=awarding_body,
        provider=provider,
        token_hash=Invitation.hash_token(token),
        invited_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    after: dict[str, Any] = {
        "email": email,
        "role": role.value if isinstance(role, Role) else role,
        "awarding_body_id": awarding_body.pk if awarding_body else None,
        "provider_id": provider.pk if provider else None,
    }
    if reason:
        after["reason"] = reason
    audit.record(
        actor=actor,
        action="user.invited",
        obj=invitation,
        after=after,
        awarding_body_id=awarding_body.pk if awarding_body else None,
        provider_id=provider.pk if provider else None,
    )
    enqueue_with_change(tasks.send_invitation, invitation_id=invitation.pk)
    return invitation


def find_open_invitation(token: str) -> Invitation | None:
    invitation = (
        Invitation.objects.select_related("awarding_body", "provider")
        .filter(token_hash=Invitation.hash_token(token), accepted_at=None, revoked_at=None)
        .first()
    )
    if invitation is None or invitation.expires_at <= timezone.now():
        return None
    return invitation


@transaction.atomic
def accept_invitation(*, invitation: Invitation, password: str) -> User:
    """Create the invited user with their password and membership; close the invitation."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open or invitation.expires_at <= timezone.now():
        raise InvitationError("This invitation has already been used or has expired.")
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationError("Someone with this email address already has an account.")
    user = User.objects.create_user(
        invitation.email, password, first_name=invitation.first_name, last_name=invitation.last_name
    )
    Membership.objects.create(
        user=user, role=invitation.role, awarding_body=invitation.awarding_body, provider=invitation.provider
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit.record(
        actor=user,
        action="user.joined",
        obj=user,
        after={
            "email": user.email,
            "role": invitation.role,
            "awarding_body_id": invitation.awarding_body_id,
            "provider_id": invitation.provider_id,
        },
        awarding_body_id=invitation.awarding_body_id,
        provider_id=invitation.provider_id,
    )
    return user


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, actor: User) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action="user.invitation_revoked",
        obj=invitation,
        before={"revoked_at": None},
        after={"revoked_at": invitation.revoked_at},
        awarding_body_id=invitation.awarding_body_id,
        provider_id=invitation.provider_id,
    )


class PersonChangeError(ValueError):
    pass


def _set_active(*, user: User, active: bool, actor: User, reason: str, protect_last_leader: bool = False) -> None:
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        raise PersonChangeError(f"{user} is already {'active' if active else 'deactivated'}.")
    membership = user.membership
    if protect_last_leader and membership.role == Role.CAREERS_LEADER and membership.provider_id is not None:
        # Lock the other leaders' rows, so two leaders cannot each deactivate "the other" at once.
        others = User.objects.select_for_update().filter(
            membership__provider_id=membership.provider_id, membership__role=Role.CAREERS_LEADER, is_active=True
        )
        if not [other for other in others if other.pk != user.pk]:
            raise PersonChangeError(
                f"{user} is the only active careers leader. Only the Quality in Careers Consortium "
                "can deactivate a provider's last careers leader."
            )
    user.is_active = active
    user.save(update_fields=["is_active"])
    after: dict[str, Any] = {"is_active": active}
    if reason:
        after["reason"] = reason
    audit.record(
        actor=actor,
        action="user.reactivated" if active else "user.deactivated",
        obj=user,
        before={"is_active": not active},
        after=after,
        awarding_body_id=membership.awarding_body_id,
        provider_id=membership.provider_id,
    )


@transaction.atomic
def deactivate_user(*, user: User, actor: User, reason: str = "", protect_last_leader: bool = False) -> None:
    """Stop a user signing in; their records and audit trail stay.

    The view has checked who may do it (`access.may_change_person`). Raises PersonChangeError if
    the user is already deactivated, or, with `protect_last_leader` (everyone but the
    Consortium), is their provider's last active careers leader. Writes `user.deactivated` with
    the reason, if any.
    """
    _set_active(user=user, active=False, actor=actor, reason=reason, protect_last_leader=protect_last_leader)


@transaction.atomic
def reactivate_user(*, user: User, actor: User, reason: str = "") -> None:
    """Undo a deactivation: the user can sign in again with their old password.

    Raises PersonChangeError if the user is already active. Writes `user.reactivated`.
    """
    _set_active(user=user, active=True, actor=actor, reason=reason)


# --- Taking on clients -----------------------------------------------------------------------


class ClientRequestError(ValueError):
    pass


@transaction.atomic
def request_client(*, body: AwardingBody, provider: Provider, actor: User) -> ClientRequest:
    """Ask a provider to become the body's client; nothing is attached until it accepts.

    Raises ClientRequestError if the provider already has an Awarding Body or this body already
    has a request waiting. Writes `provider.client_requested` and queues a mail to the provider's
    active careers leaders in the same transaction (the Consortium answers for a provider without
    one, from its list of requests).
    """
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    if provider.awarding_body_id == body.pk:
        raise ClientRequestError(f"{provider.name} is already a client of {body.name}")
    if provider.awarding_body_id is not None:
        # Moving a client between bodies is the Consortium's call, not a rival body's.
        raise ClientRequestError(f"{provider.name} is a client of another Awarding Body")
    if ClientRequest.objects.filter(awarding_body=body, provider=provider, status=ClientRequestStatus.PENDING).exists():
        raise ClientRequestError(f"{body.name} has already asked {provider.name}; the request is waiting for an answer")
    client_request = ClientRequest.objects.create(awarding_body=body, provider=provider, requested_by=actor)
    audit.record(
        actor=actor,
        action="provider.client_requested",
        obj=client_request,
        after={"awarding_body_id": body.pk, "provider_id": provider.pk, "status": client_request.status},
        awarding_body_id=body.pk,
        provider_id=provider.pk,
    )
    leaders = list(
        User.objects.filter(
            membership__provider=provider, membership__role=Role.CAREERS_LEADER, is_active=True
        ).values_list("email", flat=True)
    )
    if leaders:
        answer_path = reverse("organisations:client_request_answer", args=[client_request.pk])
        text = (
            f"{body.name} has asked to take on {provider.name} as its client for the Quality in Careers "
            "Standard. Nothing changes until you answer.\n\n"
            f"Accept or decline the request here:\n{settings.SITE_URL}{answer_path}\n"
        )
        queue_mail(f"{body.name} asks to work with {provider.name}", text, leaders)
    return client_request


def _decide(client_request: ClientRequest, status: str, actor: User, reason: str) -> None:
    client_request.status = status
    client_request.decided_by = actor
    client_request.decided_at = timezone.now()
    client_request.reason = reason
    client_request.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    audit.record(
        actor=actor,
        action=f"provider.client_request_{status}",
        obj=client_request,
        before={"status": ClientRequestStatus.PENDING},
        after={"status": status, "reason": reason},
        awarding_body_id=client_request.awarding_body_id,
        provider_id=client_request.provider_id,
    )


@transaction.atomic
def accept_client_request(*, request: ClientRequest, actor: User) -> None:
    """The provider says yes: it becomes the body's client (`add_client`), and any other body's
    waiting request is declined, because a provider works with one body at a time.

    Raises ClientRequestError if the request is no longer waiting or the provider has meanwhile
    become another body's client. Writes one audit event per request decided plus
    `provider.client_added`.
    """
    client_request = ClientRequest.objects.select_for_update().select_related("awarding_body").get(pk=request.pk)
    provider = Provider.objects.select_for_update().get(pk=client_request.provider_id)
    if not client_request.is_pending:
        raise ClientRequestError("This request has already been answered.")
    if provider.awarding_body_id is not None:
        raise ClientRequestError(f"{provider.name} is already a client of an Awarding Body.")
    _decide(client_request, ClientRequestStatus.ACCEPTED, actor, "")
    add_client(body=client_request.awarding_body, provider=provider, actor=actor)
    others = ClientRequest.objects.select_for_update().filter(provider=provider, status=ClientRequestStatus.PENDING)
    for other in others:
        _decide(
            other, ClientRequestStatus.DECLINED, actor, f"{provider.name} chose {client_request.awarding_body.name}."
        )


@transaction.atomic
def decline_client_request(*, request: ClientRequest, reason: str, actor: User) -> None:
    """The provider says no, with a reason the body can read. Raises ClientRequestError if the
    request is no longer waiting. Writes `provider.client_request_declined`."""
    client_request = ClientRequest.objects.select_for_update().get(pk=request.pk)
    if not client_request.is_pending:
        raise ClientRequestError("This request has already been answered.")
    _decide(client_request, ClientRequestStatus.DECLINED, actor, reason.strip())
