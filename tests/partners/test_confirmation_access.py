"""The employer's link page, walked with tokens that must not open it: made-up, another school's
(which opens only its own activity), expired, used, revoked, and a link of another purpose. Each
answer is a 404 or a 410 that names nothing of either school's activity."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qic.domain.partner_links import LinkPurpose
from qic.organisations.models import Provider, User
from qic.partners import links
from qic.partners.models import PartnerLink
from qic.programme.models import Activity
from tests.conftest import Cast
from tests.factories import make_activity, make_learner

pytestmark = pytest.mark.django_db


def token_for(provider: Provider, actor: User, activity: Activity, purpose: LinkPurpose) -> tuple[PartnerLink, str]:
    link, token = links.issue(
        provider=provider, purpose=purpose, recipient_name="Someone", activity=activity, by_email=False, actor=actor
    )
    assert token
    return link, token


def test_only_a_usable_token_of_this_purpose_opens_the_page_and_only_its_own_activity(cast: Cast) -> None:
    ours = make_activity(cast.p1, title="Alpha engineers' talk")
    theirs = make_activity(cast.p2, title="Beta bakery visit")
    make_learner(cast.p1, forename="Zephyrine", surname="Quillfeather")
    titles = ("Alpha engineers", "Beta bakery visit", cast.p1.name, "Zephyrine")

    def get(token: str) -> tuple[int, str]:
        response = Client().get(reverse("partners:employer_confirm", args=[token]))
        return response.status_code, response.content.decode()

    # Another school's link opens its own activity, never ours.
    _, foreign = token_for(cast.p2, cast.p2_leader, theirs, LinkPurpose.EMPLOYER_CONFIRMATION)
    status, page = get(foreign)
    assert status == 200
    assert "Beta bakery visit" in page
    assert "Alpha engineers" not in page
    assert cast.p1.name not in page

    refused: dict[str, str] = {"made up": "A" * 43, "not a token": "..%20drop;"}
    expired, refused["expired"] = token_for(cast.p1, cast.p1_leader, ours, LinkPurpose.EMPLOYER_CONFIRMATION)
    PartnerLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    used, refused["used"] = token_for(cast.p1, cast.p1_leader, ours, LinkPurpose.EMPLOYER_CONFIRMATION)
    links.mark_used(used)
    revoked, refused["revoked"] = token_for(cast.p1, cast.p1_leader, ours, LinkPurpose.EMPLOYER_CONFIRMATION)
    links.revoke(revoked, actor=cast.p1_leader)
    _, refused["feedback link"] = token_for(cast.p1, cast.p1_leader, ours, LinkPurpose.FEEDBACK)
    learner = make_learner(cast.p1)
    _, refused["parent link"] = links.issue(
        provider=cast.p1,
        purpose=LinkPurpose.PARENT,
        recipient_name="A parent",
        learner=learner,
        by_email=False,
        actor=cast.p1_leader,
    )
    expected = {
        "made up": 404,
        "not a token": 404,
        "expired": 410,
        "used": 410,
        "revoked": 410,
        "feedback link": 404,
        "parent link": 404,
    }
    for why, token in refused.items():
        assert token is not None
        status, page = get(token)
        assert status == expected[why], why
        assert not any(title in page for title in titles), why
        # A POST is refused the same way and changes nothing.
        response = Client().post(
            reverse("partners:employer_confirm", args=[token]), {"took_place": "yes", "purpose": "x", "name": "y"}
        )
        assert response.status_code == expected[why], why
    ours.refresh_from_db()
    assert not ours.employer_confirmations.exists()
