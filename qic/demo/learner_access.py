"""The demo school's learner access: Years 9 to 11 may sign in, and one Year 10 learner has an
account with the demo password, so a walkthrough can sign in as a learner (no second factor)."""

from __future__ import annotations

from django.utils import timezone

from qic.core import audit
from qic.core.actors import SystemActor
from qic.domain.academic import academic_year_of
from qic.domain.learner_codes import sign_in_name_stem
from qic.learners.models import Learner, LearnerAccessPolicy, LearnerAccount
from qic.organisations.models import Membership, Provider, Role, User, sign_in_address

DEMO_YEAR_GROUPS = [9, 10, 11]


def build_learner_access(provider: Provider, *, password: str, actor: SystemActor) -> str:
    """Give the provider's Years 9 to 11 access and the first Year 10 learner on roll (by name) an
    account; returns that learner's sign-in name ("" if the school has no Year 10). Idempotent."""
    policy, created = LearnerAccessPolicy.objects.get_or_create(
        provider=provider, defaults={"year_groups": DEMO_YEAR_GROUPS, "leaver_grace_days": 30}
    )
    if created:
        audit.record(
            actor=actor,
            action="learner_access.policy_changed",
            obj=policy,
            after={"year_groups": DEMO_YEAR_GROUPS, "leaver_grace_days": 30},
            provider_id=provider.pk,
        )
    existing = LearnerAccount.objects.filter(learner__provider=provider).order_by("pk").first()
    if existing is not None:
        return existing.sign_in_name
    year = academic_year_of(timezone.localdate())
    candidates = Learner.objects.filter(provider=provider, left_on__isnull=True, anonymised_at__isnull=True).order_by(
        "surname", "forename", "pk"
    )
    learner = next((one for one in candidates if one.year_group_in(year) == 10), None)
    if learner is None:
        return ""
    name = f"{sign_in_name_stem(learner.forename)}.demo"
    user = User.objects.create_user(
        sign_in_address(name), password, first_name=learner.forename, last_name=learner.surname
    )
    Membership.objects.create(user=user, role=Role.LEARNER, provider=provider)
    account = LearnerAccount.objects.create(
        user=user, learner=learner, sign_in_name=name, password_set_at=timezone.now()
    )
    audit.record(
        actor=actor,
        action="learner_access.account_created",
        obj=learner,
        after={"sign_in_name": account.sign_in_name, "demo": True},
        provider_id=provider.pk,
    )
    return name
