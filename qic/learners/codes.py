"""Giving learners access: the school's access policy, learner accounts, one-time sign-in codes
(a printed sheet per form group, or a mail to the learner's school email) and redeeming a code.

Each change writes in one transaction with its audit events; a code itself is never stored or
audited, only its hash. The mail's code is made by its task (`tasks.send_learner_invitation`), so
no secret sits in a task row either.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from qic.core import audit
from qic.core.actors import SystemActor
from qic.core.mail import enqueue_with_change
from qic.domain import learner_codes
from qic.learners import tasks
from qic.learners.access import policy_for, refusal_for
from qic.learners.invitations import issue_code
from qic.learners.models import Learner, LearnerAccessPolicy, LearnerAccount, LearnerCodeAttempt, LearnerSignInCode
from qic.organisations.models import LEARNER_SIGN_IN_DOMAIN, Membership, Provider, Role, User, sign_in_address


class CodeError(Exception):
    """Why a learner's account or code could not be made (the message says it to staff)."""


# --- The policy --------------------------------------------------------------------------------


def save_policy(*, provider: Provider, year_groups: list[int], leaver_grace_days: int, actor: User) -> None:
    """Set which year groups may sign in and the leavers' grace period, audited."""
    with transaction.atomic():
        policy, _ = LearnerAccessPolicy.objects.select_for_update().get_or_create(provider=provider)
        before = {"year_groups": list(policy.year_groups), "leaver_grace_days": policy.leaver_grace_days}
        policy.year_groups = sorted(set(year_groups))
        policy.leaver_grace_days = leaver_grace_days
        policy.updated_by = actor
        policy.save()
        after = {"year_groups": policy.year_groups, "leaver_grace_days": policy.leaver_grace_days}
        if before != after:
            audit.record(
                actor=actor,
                action="learner_access.policy_changed",
                obj=policy,
                before=before,
                after=after,
                provider_id=provider.pk,
            )


# --- Accounts and codes ------------------------------------------------------------------------


def _account_for(learner: Learner, *, actor: User, email: str = "") -> tuple[LearnerAccount, bool]:
    """The learner's account, made if they have none (a sign-in name, or the school email);
    with `email`, an existing account's address becomes that email. Returns (account, created)."""
    account = LearnerAccount.objects.select_related("user").filter(learner=learner).first()
    if email and User.objects.filter(email__iexact=email).exclude(learner_account__learner=learner).exists():
        raise CodeError("Someone already has an account with this email address.")
    if account is not None:
        if email and account.user.email != email:
            account.user.email = email
            account.user.save(update_fields=["email"])
            account.sign_in_name = ""  # they sign in with their school email from now on
            account.save(update_fields=["sign_in_name"])
        return account, False
    for _ in range(20):
        name = "" if email else learner_codes.new_sign_in_name(learner.forename)
        address = email or sign_in_address(name)
        if name and (
            LearnerAccount.objects.filter(sign_in_name=name).exists() or User.objects.filter(email=address).exists()
        ):
            continue
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    address, None, first_name=learner.forename[:150], last_name=learner.surname[:150]
                )
                Membership.objects.create(user=user, role=Role.LEARNER, provider=learner.provider)
                account = LearnerAccount.objects.create(user=user, learner=learner, sign_in_name=name, created_by=actor)
        except IntegrityError:
            continue  # someone took the name at the same moment: try another
        return account, True
    raise CodeError("A sign-in name could not be made. Try again.")  # pragma: no cover


@dataclass(frozen=True)
class Slip:
    """One learner's part of a printed sheet: shown once, never stored."""

    learner: Learner
    sign_in_name: str
    code: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class Sheet:
    group: str
    slips: list[Slip]
    refused: list[tuple[Learner, str]]
    accounts_created: int


def form_groups(provider: Provider) -> list[str]:
    """The form (registration) groups of the provider's learners on roll, in order."""
    groups = (
        Learner.objects.filter(provider=provider, left_on__isnull=True, anonymised_at__isnull=True)
        .exclude(registration_group="")
        .values_list("registration_group", flat=True)
        .distinct()
    )
    return sorted(set(groups))


def learners_in_group(provider: Provider, group: str) -> list[Learner]:
    return list(
        Learner.objects.filter(
            provider=provider, registration_group=group, left_on__isnull=True, anonymised_at__isnull=True
        ).order_by("surname", "forename", "pk")
    )


def issue_sheet(*, provider: Provider, group: str, days: int, actor: User) -> Sheet:
    """Codes for every learner in the form group who may sign in (an account made for any who has
    none); learners whose year group has no access are listed with the reason, and get nothing."""
    if not learner_codes.SHEET_DAYS_MIN <= days <= learner_codes.SHEET_DAYS_MAX:
        raise CodeError(f"A sheet is valid for {learner_codes.SHEET_DAYS_MIN} to {learner_codes.SHEET_DAYS_MAX} days.")
    policy = policy_for(provider)
    slips: list[Slip] = []
    refused: list[tuple[Learner, str]] = []
    created = 0
    with transaction.atomic():
        events = []
        for learner in learners_in_group(provider, group):
            reason = refusal_for(learner, policy)
            if reason:
                refused.append((learner, reason))
                continue
            account, made = _account_for(learner, actor=actor)
            created += made
            code, expires_at = issue_code(account, kind=LearnerSignInCode.Kind.SHEET, days=days, actor=actor)
            slips.append(Slip(learner, account.sign_in_name or account.user.email, code, expires_at))
            events.append(
                audit.build(
                    actor=actor,
                    action="learner_access.code_issued",
                    obj=learner,
                    after={"kind": "sheet", "group": group, "days": days, "account_created": made},
                    provider_id=provider.pk,
                )
            )
        events.append(
            audit.build(
                actor=actor,
                action="learner_access.sheet_printed",
                obj=provider,
                after={
                    "group": group,
                    "days": days,
                    "learner_ids": sorted(slip.learner.pk for slip in slips),
                    "refused_ids": sorted(learner.pk for learner, _ in refused),
                },
                provider_id=provider.pk,
                learner_data=True,
            )
        )
        audit.append(events)
    return Sheet(group=group, slips=slips, refused=refused, accounts_created=created)


def invite_by_email(*, learner: Learner, email: str, actor: User) -> None:
    """Make (or readdress) the learner's account with their school email and mail them a code.

    The code is made by the mail's task, so it is never stored in the task's row."""
    reason = refusal_for(learner)
    if reason:
        raise CodeError(f"{learner.name} cannot be invited: their school has not given them access ({reason})")
    email = email.strip().lower()
    with transaction.atomic():
        account, made = _account_for(learner, actor=actor, email=email)
        audit.record(
            actor=actor,
            action="learner_access.invited",
            obj=learner,
            after={"email": email, "account_created": made},
            provider_id=learner.provider_id,
        )
        enqueue_with_change(tasks.send_learner_invitation, account_id=account.pk, actor_id=actor.pk)


# --- Redeeming a code --------------------------------------------------------------------------

EXPIRED = "This code has expired or has already been used — ask your teacher for a new one."
WRONG = "This code is not right. Check it and try again, or ask your teacher."
THROTTLED = "Too many wrong codes have been typed here. Wait 15 minutes, then try again."


def throttled(client_ip: str | None) -> bool:
    """Whether this address has typed too many wrong codes lately."""
    since = timezone.now() - dt.timedelta(minutes=learner_codes.FAILED_ATTEMPT_WINDOW_MINUTES)
    recent = LearnerCodeAttempt.objects.filter(client_ip=client_ip or "unknown", attempted_at__gte=since).count()
    return recent >= learner_codes.MAX_FAILED_ATTEMPTS


def record_failure(client_ip: str | None) -> None:
    """Count a wrong code from this address; the one that reaches the limit is audited."""
    with transaction.atomic():
        attempt = LearnerCodeAttempt.objects.create(client_ip=client_ip or "unknown")
        if throttled(client_ip):
            since = timezone.now() - dt.timedelta(minutes=learner_codes.FAILED_ATTEMPT_WINDOW_MINUTES)
            recent = LearnerCodeAttempt.objects.filter(client_ip=attempt.client_ip, attempted_at__gte=since)
            if recent.count() == learner_codes.MAX_FAILED_ATTEMPTS:
                audit.record(
                    actor=SystemActor("learner start page"),
                    action="learner_access.codes_throttled",
                    obj=attempt,
                    after={"client_ip": attempt.client_ip, "failures": learner_codes.MAX_FAILED_ATTEMPTS},
                )
    # Old attempts say nothing any more: keep the table small.
    LearnerCodeAttempt.objects.filter(attempted_at__lt=timezone.now() - dt.timedelta(days=1)).delete()


def check_code(typed: str) -> tuple[LearnerSignInCode | None, str]:
    """The open code for what was typed, or (None, the error to show a learner)."""
    code = (
        LearnerSignInCode.objects.select_related("account__user", "account__learner__provider")
        .filter(code_hash=learner_codes.hash_code(typed))
        .first()
    )
    if code is None:
        return None, WRONG
    if code.used_at or code.revoked_at or code.expires_at <= timezone.now():
        return None, EXPIRED
    refusal = refusal_for(code.account.learner)
    if refusal:
        return None, refusal
    return code, ""


def redeem(*, code: LearnerSignInCode, password: str) -> User | None:
    """Use the code once: set the learner's password. None if it was used meanwhile."""
    now = timezone.now()
    with transaction.atomic():
        claimed = LearnerSignInCode.objects.filter(
            pk=code.pk, used_at=None, revoked_at=None, expires_at__gt=now
        ).update(used_at=now)
        if not claimed:
            return None
        account = code.account
        user = account.user
        user.set_password(password)
        user.save(update_fields=["password"])
        account.password_set_at = now
        account.save(update_fields=["password_set_at"])
        audit.record(
            actor=user,
            action="learner_access.code_used",
            obj=account.learner,
            after={"kind": code.kind},
            provider_id=account.learner.provider_id,
        )
    return user


# --- Closing an account ------------------------------------------------------------------------


def closed_address(account: LearnerAccount) -> str:
    """The address a closed account keeps: unique, reaches no one, says nothing about the learner."""
    return sign_in_address(f"closed-account-{account.pk}")


def close_account(*, learner: Learner, actor: User | SystemActor, reason: str) -> bool:
    """Close the learner's account so nobody can sign in as them again: the user is deactivated
    and gets no usable password (which also ends their sessions), the sign-in name is freed, the
    school email and the names copied onto the user are replaced, and unused codes are stopped.
    Audited with counts only (never the name or email it removed). False if they had no account.

    Call it inside the change's transaction (`programme.data_protection.anonymise_learner`)."""
    account = LearnerAccount.objects.select_for_update().select_related("user").filter(learner=learner).first()
    if account is None:
        return False
    now = timezone.now()
    codes_stopped = LearnerSignInCode.objects.filter(account=account, used_at=None, revoked_at=None).update(
        revoked_at=now
    )
    user = account.user
    had_school_email = not user.email.endswith(f"@{LEARNER_SIGN_IN_DOMAIN}")
    user.email = closed_address(account)
    user.first_name = user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["email", "first_name", "last_name", "is_active", "password"])
    had_sign_in_name = bool(account.sign_in_name)
    account.sign_in_name = ""
    account.save(update_fields=["sign_in_name"])
    audit.record(
        actor=actor,
        action="learner_access.account_closed",
        obj=account,
        after={
            "reason": reason,
            "codes_stopped": codes_stopped,
            "sign_in_name_removed": had_sign_in_name,
            "school_email_removed": had_school_email,
        },
        provider_id=learner.provider_id,
        learner_id=learner.pk,
    )
    return True
