"""The learner's side of the access layer: a learner sees their own record and nothing else.

A learner signs in as a user with the LEARNER role (a membership at their provider, so every staff
rule in `qic.organisations.access` already refuses them: no capabilities, no visible provider, no
audit events). Their own pages get the learner through `own_learner`, never from an id in the URL,
so there is no other learner's row to ask for: the per-row rule is that the row is the user's own.
Whether they may sign in at all is the school's decision by year group, with a grace period for
leavers (`qic.domain.learner_access`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone

from qic.domain.academic import academic_year_of
from qic.domain.learner_access import DEFAULT_LEAVER_GRACE_DAYS, access_refusal
from qic.learners.models import Learner, LearnerAccessPolicy, LearnerAccount
from qic.organisations.access import is_learner
from qic.organisations.models import Provider, User

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])
_UNREAD = object()


def learner_account_of(user: User | AnonymousUser) -> LearnerAccount | None:
    """The signed-in learner's account, or None for anyone who is not an active learner user."""
    if isinstance(user, AnonymousUser) or not is_learner(user):
        return None
    # Asked several times in one request (the middleware, the view's guard, the view): read once,
    # and kept on this request's user object only.
    cached = user.__dict__.get("_qic_learner_account", _UNREAD)
    if cached is not _UNREAD:
        return cast("LearnerAccount | None", cached)
    account: LearnerAccount | None
    try:
        account = LearnerAccount.objects.select_related("learner__provider").get(user=user)
    except LearnerAccount.DoesNotExist:
        account = None
    user.__dict__["_qic_learner_account"] = account
    return account


def policy_for(provider: Provider) -> LearnerAccessPolicy:
    """The provider's learner-access policy; an unsaved one (no year group has access) if none yet."""
    try:
        return LearnerAccessPolicy.objects.get(provider=provider)
    except LearnerAccessPolicy.DoesNotExist:
        return LearnerAccessPolicy(provider=provider, year_groups=[], leaver_grace_days=DEFAULT_LEAVER_GRACE_DAYS)


def refusal_for(learner: Learner, policy: LearnerAccessPolicy | None = None) -> str:
    """Why this learner may not sign in today, or "" when they may (the policy is read once per
    learner object, so a request that asks twice reads it once)."""
    if policy is None:
        policy = learner.__dict__.get("_qic_access_policy")
        if policy is None:
            policy = learner.__dict__["_qic_access_policy"] = policy_for(learner.provider)
    today = timezone.localdate()
    return access_refusal(
        year_group=learner.year_group_in(academic_year_of(today)),
        left_on=learner.left_on,
        anonymised=learner.anonymised,
        allowed_year_groups=[int(y) for y in policy.year_groups],
        leaver_grace_days=policy.leaver_grace_days,
        today=today,
    )


def own_learner(user: User | AnonymousUser) -> Learner:
    """The signed-in learner's own record: the only learner row a learner can ever reach."""
    account = learner_account_of(user)
    if account is None:
        raise PermissionDenied("This page is for learners signed in to their own careers record.")
    return account.learner


def require_learner(view: ViewFunc) -> ViewFunc:
    """Log-in required; then 403 unless the user is a learner whose school lets them sign in."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        learner = own_learner(request.user)
        refusal = refusal_for(learner)
        if refusal:
            raise PermissionDenied(refusal)
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]
