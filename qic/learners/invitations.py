"""Making a learner's one-time code, and mailing one to their school email: the work of
`qic.learners.tasks.send_learner_invitation`, queued by `codes.invite_by_email`
(codes → tasks → invitations, with no way back)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from qic.core import audit
from qic.core.actors import SystemActor
from qic.domain import learner_codes
from qic.domain.dates import long_datetime
from qic.learners.models import LearnerAccount, LearnerSignInCode
from qic.organisations.models import User


def issue_code(account: LearnerAccount, *, kind: str, days: int, actor: User | None) -> tuple[str, dt.datetime]:
    """A fresh code for the account, stored as its hash; the account's older unused codes stop
    working. Returns the code (to show or send once) and when it expires."""
    now = timezone.now()
    LearnerSignInCode.objects.filter(account=account, used_at=None, revoked_at=None).update(revoked_at=now)
    expires_at = now + dt.timedelta(days=days)
    code = learner_codes.new_code()
    while LearnerSignInCode.objects.filter(code_hash=learner_codes.hash_code(code)).exists():
        code = learner_codes.new_code()  # pragma: no cover - 12 random characters do not clash
    LearnerSignInCode.objects.create(
        account=account, kind=kind, code_hash=learner_codes.hash_code(code), expires_at=expires_at, created_by=actor
    )
    return code, expires_at


def send_learner_invitation_mail(account_id: int, actor_id: int | None) -> bool:
    """Give the account a fresh email code and mail its link; False if the account is gone.

    The code's hash is committed before the mail is sent (see organisations.invitations)."""
    with transaction.atomic():
        account = LearnerAccount.objects.select_related("user", "learner__provider").filter(pk=account_id).first()
        if account is None:
            return False
        actor = User.objects.filter(pk=actor_id).first() if actor_id else None
        code, expires_at = issue_code(
            account, kind=LearnerSignInCode.Kind.EMAIL, days=learner_codes.EMAIL_CODE_DAYS, actor=actor
        )
        audit.record(
            actor=actor or SystemActor("learner invitation"),
            action="learner_access.code_issued",
            obj=account.learner,
            after={"kind": "email", "days": learner_codes.EMAIL_CODE_DAYS},
            provider_id=account.learner.provider_id,
        )
        body = (
            f"Hello {account.learner.forename},\n\n"
            f"{account.learner.provider.name} has set up your careers record on QiC Platform.\n\n"
            f"To start, open this link and choose a password:\n"
            f"{settings.SITE_URL}/learner/start/{code}/\n\n"
            f"Or go to {settings.SITE_URL}/learner/start/ and type this code: {code}\n\n"
            f"The code works once. It stops working on {long_datetime(expires_at)}.\n"
            f"After that, sign in with this email address and your password.\n"
        )
        to = account.user.email
    send_mail("Your careers record: choose a password", body, settings.DEFAULT_FROM_EMAIL, [to])
    return True
