"""The school's page of every link it has issued: filtered, with bounces and failures standing
out, resend and withdraw, a learner named only to those who may see learners, and nothing of
another school's (a fixed number of queries)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qic.core.models import AuditEvent
from qic.domain.partner_links import LinkPurpose, LinkState
from qic.organisations.models import Provider, User
from qic.partners import confirmation_queries, delivery, links
from qic.partners.models import PartnerLink
from tests.conftest import Cast
from tests.factories import make_activity, make_learner

pytestmark = pytest.mark.django_db


def issue(provider: Provider, actor: User, purpose: LinkPurpose, name: str, **scope: Any) -> PartnerLink:
    link, _ = links.issue(provider=provider, purpose=purpose, recipient_name=name, by_email=False, actor=actor, **scope)
    return link


def some_links(cast: Cast) -> dict[str, PartnerLink]:
    talk = make_activity(cast.p1, title="Alpha engineers' talk")
    learner = make_learner(cast.p1, forename="Zephyrine", surname="Quillfeather")
    made = {
        "usable": issue(cast.p1, cast.p1_leader, LinkPurpose.EMPLOYER_CONFIRMATION, "Usable Employer", activity=talk),
        "used": issue(cast.p1, cast.p1_leader, LinkPurpose.EMPLOYER_CONFIRMATION, "Used Employer", activity=talk),
        "expired": issue(cast.p1, cast.p1_leader, LinkPurpose.FEEDBACK, "Expired Staff", activity=talk),
        "revoked": issue(cast.p1, cast.p1_leader, LinkPurpose.PARENT, "Revoked Parent", learner=learner),
        "bounced": issue(cast.p1, cast.p1_leader, LinkPurpose.PARENT, "Bounced Parent", learner=learner),
        "failed": issue(cast.p1, cast.p1_leader, LinkPurpose.EMPLOYER_CONFIRMATION, "Failed Employer", activity=talk),
    }
    links.mark_used(made["used"])
    PartnerLink.objects.filter(pk=made["expired"].pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    links.revoke(made["revoked"], actor=cast.p1_leader)
    PartnerLink.objects.filter(pk=made["bounced"].pk).update(
        recipient_email="bounce@example.com", delivery=PartnerLink.Delivery.BOUNCED, delivery_detail="550 no user"
    )
    PartnerLink.objects.filter(pk=made["failed"].pk).update(
        recipient_email="bad@example.com", delivery=PartnerLink.Delivery.FAILED, delivery_detail="Server refused"
    )
    # Another school's link, which p1's page must never show.
    issue(
        cast.p2,
        cast.p2_leader,
        LinkPurpose.EMPLOYER_CONFIRMATION,
        "Beta Secret",
        activity=make_activity(cast.p2, title="Beta bakery visit"),
    )
    return made


def test_every_link_is_listed_with_failures_standing_out_and_nothing_of_another_school(
    cast: Cast, client: Client
) -> None:
    some_links(cast)
    client.force_login(cast.p1_staff)
    url = reverse("partners:link_list", args=[cast.p1.urn])
    page = client.get(url).content.decode()
    assert "2 links could not be delivered" in page
    for name in ("Usable Employer", "Used Employer", "Expired Staff", "Revoked Parent", "Bounced Parent"):
        assert name in page
    assert "Alpha engineers&#x27; talk" in page
    assert "Zephyrine Quillfeather" in page
    assert "550 no user" in page
    assert "Server refused" in page
    assert "Beta Secret" not in page
    assert "Beta bakery visit" not in page
    assert AuditEvent.objects.filter(action="partner_link.list_viewed").count() == 1

    def names(**query: str) -> set[str]:
        shown = client.get(url, query).content.decode()
        return {n for n in ("Usable", "Used", "Expired", "Revoked", "Bounced", "Failed") if f"{n} " in shown}

    assert names(state="used") == {"Used"}
    assert names(state="expired") == {"Expired"}
    assert names(state="revoked") == {"Revoked"}
    assert names(state="usable") == {"Usable", "Bounced", "Failed"}
    assert names(purpose="parent") == {"Revoked", "Bounced"}
    assert names(delivery="bounced") == {"Bounced"}
    assert names(delivery="failed") == {"Failed"}
    # A made-up filter is ignored, not an error.
    assert client.get(url, {"state": "<script>", "purpose": "x", "page": "abc"}).status_code == 200


def test_the_sql_states_agree_with_the_rule(cast: Cast) -> None:
    made = some_links(cast)
    now = timezone.now()
    for state in LinkState:
        chosen = set(PartnerLink.objects.filter(confirmation_queries.state_q(state, now)).values_list("pk", flat=True))
        by_rule = {link.pk for link in PartnerLink.objects.all() if delivery.state_of(link, now) is state}
        assert chosen == by_rule, state
        assert made[state.value].pk in chosen


def test_another_schools_link_cannot_be_resent_or_withdrawn(cast: Cast, client: Client) -> None:
    theirs = issue(
        cast.p2, cast.p2_leader, LinkPurpose.EMPLOYER_CONFIRMATION, "Beta Secret", activity=make_activity(cast.p2)
    )
    client.force_login(cast.p1_leader)
    assert client.get(reverse("partners:link_withdraw", args=[cast.p1.urn, theirs.pk])).status_code == 404
    assert client.post(reverse("partners:link_withdraw", args=[cast.p1.urn, theirs.pk])).status_code == 404
    assert client.post(reverse("partners:link_resend", args=[cast.p1.urn, theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_a_link_without_an_address_is_not_resent(cast: Cast, client: Client) -> None:
    link = issue(cast.p1, cast.p1_leader, LinkPurpose.EMPLOYER_CONFIRMATION, "Copied", activity=make_activity(cast.p1))
    client.force_login(cast.p1_leader)
    response = client.post(reverse("partners:link_resend", args=[cast.p1.urn, link.pk]), follow=True)
    assert "no email address" in response.content.decode()


def test_the_links_page_keeps_a_fixed_number_of_queries(
    cast: Cast, client: Client, django_assert_max_num_queries: Any
) -> None:
    some_links(cast)
    client.force_login(cast.p1_leader)
    url = reverse("partners:link_list", args=[cast.p1.urn])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    some_links(cast)
    some_links(cast)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
