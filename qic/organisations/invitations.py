"""Mailing an invitation's link: the work of `qic.organisations.tasks.send_invitation`, queued by
`actions.invite_user`. Imports neither: actions → tasks → invitations, with no way back."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from qic.domain.dates import long_datetime
from qic.organisations.models import Invitation


def send_invitation_mail(invitation_id: int) -> bool:
    """Give an open invitation a new secret and mail its link; False if it is no longer open.

    The secret's hash is committed before the mail is sent, so no database lock is held while
    the mail server answers (on SQLite that would hold up every other write). If the mail cannot
    be sent the error is raised (the task FAILS) and the stored hash is of a secret nobody has.
    Sending again (a retried task) makes the earlier link stop working; the newest one works.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("awarding_body", "provider", "invited_by")
            .filter(pk=invitation_id, accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())
            .first()
        )
        if invitation is None:
            return False
        token = secrets.token_urlsafe(32)
        invitation.token_hash = Invitation.hash_token(token)
        invitation.save(update_fields=["token_hash"])
        inviter = str(invitation.invited_by) if invitation.invited_by else "The QiC Platform team"
        body = (
            f"Dear {invitation.first_name},\n\n"
            f"{inviter} has invited you to QiC Platform as {invitation.get_role_display()} "
            f"at {_organisation_name(invitation)}.\n\n"
            f"Set your password and sign in here:\n{settings.SITE_URL}/invitations/{token}/\n\n"
            f"The link works once and expires on {long_datetime(invitation.expires_at)}.\n"
        )
    send_mail("Your invitation to QiC Platform", body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    return True


def _organisation_name(invitation: Invitation) -> str:
    if invitation.awarding_body:
        return invitation.awarding_body.name
    if invitation.provider:
        return invitation.provider.name
    return "the Quality in Careers Consortium"
