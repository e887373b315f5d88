"""Links for employers and parents: issued, mailed by the task queue with a token made there,
opened only for their purpose while usable, throttled, revoked, and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.http import Http404
from django.test import RequestFactory
from django.utils import timezone

from qic.core.models import AuditEvent
from qic.domain import partner_links as rules
from qic.domain.partner_links import LinkPurpose, LinkState
from qic.partners import delivery, links
from qic.partners.models import PartnerLink
from tests.factories import ProviderFactory, leader_of, make_activity, make_learner

pytestmark = pytest.mark.django_db


def request(ip: str = "203.0.113.9") -> object:
    return RequestFactory().get("/", REMOTE_ADDR=ip)


def test_a_mailed_link_gets_its_token_in_the_task_and_opens_only_for_its_purpose(
    django_capture_on_commit_callbacks: Any,
) -> None:
    provider = ProviderFactory()
    leader = leader_of(provider)
    activity = make_activity(provider)
    with django_capture_on_commit_callbacks(execute=True):
        link, token = links.issue(
            provider=provider,
            purpose=LinkPurpose.EMPLOYER_CONFIRMATION,
            recipient_name="Dana Park",
            recipient_email="dana@example.com",
            activity=activity,
            actor=leader,
        )
    assert token is None
    link.refresh_from_db()
    assert link.delivery == PartnerLink.Delivery.SENT
    assert link.token_hash
    [message] = mail.outbox
    assert message.to == ["dana@example.com"]
    assert provider.name in message.subject
    sent = next(word for word in message.body.split() if "/link/" in word).rstrip("/").split("/")[-1]
    assert rules.hash_token(sent) == link.token_hash
    assert links.resolve(request(), sent, LinkPurpose.EMPLOYER_CONFIRMATION).pk == link.pk
    with pytest.raises(Http404):
        links.resolve(request(), sent, LinkPurpose.PARENT)
    assert AuditEvent.objects.filter(action="partner_link.opened", object_id=str(link.pk)).count() == 1
    opened = AuditEvent.objects.get(action="partner_link.opened")
    assert "Dana Park <dana@example.com>" in opened.actor_label


def test_a_used_one_time_link_an_expired_link_and_a_revoked_link_do_not_open() -> None:
    provider = ProviderFactory()
    leader = leader_of(provider)
    learner = make_learner(provider)
    used, used_token = links.issue(
        provider=provider,
        purpose=LinkPurpose.FEEDBACK,
        recipient_name="Staff",
        activity=make_activity(provider),
        by_email=False,
        actor=leader,
    )
    assert used_token
    assert used.delivery == PartnerLink.Delivery.NOT_SENT
    links.mark_used(used)
    with pytest.raises(links.Unusable) as refused:
        links.resolve(request(), used_token, LinkPurpose.FEEDBACK)
    assert refused.value.state is LinkState.USED
    parent, parent_token = links.issue(
        provider=provider,
        purpose=LinkPurpose.PARENT,
        recipient_name="A parent",
        learner=learner,
        by_email=False,
        actor=leader,
    )
    assert parent_token
    PartnerLink.objects.filter(pk=parent.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(links.Unusable):
        links.resolve(request(), parent_token, LinkPurpose.PARENT)
    PartnerLink.objects.filter(pk=parent.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
    assert links.revoke(parent, actor=leader)
    assert not links.revoke(parent, actor=leader)
    with pytest.raises(links.Unusable) as revoked:
        links.resolve(request(), parent_token, LinkPurpose.PARENT)
    assert revoked.value.state is LinkState.REVOKED


def test_too_many_bad_tokens_from_one_address_are_refused_even_with_a_good_one() -> None:
    provider = ProviderFactory()
    link, token = links.issue(
        provider=provider,
        purpose=LinkPurpose.PARENT,
        recipient_name="A parent",
        learner=make_learner(provider),
        by_email=False,
        actor=leader_of(provider),
    )
    assert token
    for n in range(rules.MAX_FAILED_ATTEMPTS):
        with pytest.raises(Http404):
            links.resolve(request(), f"{n:030d}", LinkPurpose.PARENT)
    with pytest.raises(links.Throttled):
        links.resolve(request(), token, LinkPurpose.PARENT)
    assert links.resolve(request("198.51.100.7"), token, LinkPurpose.PARENT).pk == link.pk


def test_a_link_is_only_for_the_providers_own_records() -> None:
    provider, other = ProviderFactory(), ProviderFactory()
    with pytest.raises(links.LinkError):
        links.issue(
            provider=provider,
            purpose=LinkPurpose.PARENT,
            recipient_name="A parent",
            learner=make_learner(other),
            by_email=False,
            actor=leader_of(provider),
        )
    assert not PartnerLink.objects.exists()


def test_a_refused_address_is_shown_to_the_school_and_a_bounce_is_recorded(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    provider = ProviderFactory()
    leader = leader_of(provider)
    settings.EMAIL_BACKEND = "tests.partners.refusing_backend.RefusingBackend"
    learner = make_learner(provider)
    with django_capture_on_commit_callbacks(execute=True):
        link, _ = links.issue(
            provider=provider,
            purpose=LinkPurpose.PARENT,
            recipient_name="A parent",
            recipient_email="nobody@invalid.example",
            learner=learner,
            actor=leader,
        )
    link.refresh_from_db()
    assert link.delivery == PartnerLink.Delivery.FAILED
    assert "refused the address" in link.delivery_detail
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        links.resend(link, actor=leader)
    link.refresh_from_db()
    assert link.delivery == PartnerLink.Delivery.SENT
    assert delivery.record_bounce("NOBODY@invalid.example", "550 no such user") == 1
    link.refresh_from_db()
    assert link.delivery == PartnerLink.Delivery.BOUNCED
    assert link.delivery_detail == "550 no such user"
