"""Regression tests for what an attacker's probe of the learner features found (issue 14).

1. Learners' user accounts were listed, with their names and sign-in addresses, in the "People"
   table of the provider's page and the staff home page: governors, the Consortium, the Awarding
   Body's admin and its assessor could read every learner who had been given a code.
2. A learner's account events (signed in, signed out, wrong password) were organisation-level
   audit events: the Consortium and the Awarding Body read, in the audit log, which named child
   signed in and when.
"""

from __future__ import annotations

import pytest
from django.test import Client

from qic.core.models import AuditEvent
from qic.learners.models import Learner
from qic.organisations.access import visible_audit_events
from qic.organisations.models import User
from tests.conftest import Cast
from tests.factories import make_learner, make_learner_account

PASSWORD = "a-learner-password-1"
SIGN_IN_NAME = "zara.q7k3"


@pytest.fixture
def zara(cast: Cast) -> Learner:
    return make_learner(cast.p1, forename="Zara", surname="Quillfeather")


@pytest.fixture
def zara_user(zara: Learner) -> User:
    return make_learner_account(zara, sign_in_name=SIGN_IN_NAME, password=PASSWORD)


@pytest.mark.parametrize(
    "who", ["p1_leader", "p1_staff", "p1_governor", "consortium", "ab1_admin", "assessor_assigned"]
)
def test_provider_page_lists_staff_but_no_learner_account(cast: Cast, zara_user: User, who: str) -> None:
    client = Client()
    client.force_login(cast.user(who))
    page = client.get(f"/providers/{cast.p1.urn}/").content.decode()
    assert cast.p1_leader.email in page  # the People table is there
    assert SIGN_IN_NAME not in page
    assert "Quillfeather" not in page


@pytest.mark.parametrize("who", ["p1_staff", "p1_governor"])
def test_staff_home_lists_no_learner_account(cast: Cast, zara_user: User, who: str) -> None:
    client = Client()
    client.force_login(cast.user(who))
    response = client.get("/home/")
    assert response.status_code == 200
    assert SIGN_IN_NAME not in response.content.decode()
    assert "Quillfeather" not in response.content.decode()


def test_learner_account_events_are_read_by_their_own_careers_leader_only(cast: Cast, zara_user: User) -> None:
    Client().post("/learner/sign-in/", {"username": SIGN_IN_NAME, "password": "not-the-password"})
    learner_client = Client()
    assert learner_client.post("/learner/sign-in/", {"username": SIGN_IN_NAME, "password": PASSWORD}).status_code == 302
    learner_client.post("/accounts/logout/")

    events = AuditEvent.objects.filter(object_type="organisations.User", object_id=str(zara_user.pk))
    assert set(events.values_list("action", flat=True)) >= {"user.sign_in_failed", "user.signed_in"}
    assert all(event.learner_data for event in events)
    assert visible_audit_events(cast.p1_leader).filter(pk__in=events).count() == events.count()
    for outsider in (cast.consortium, cast.ab1_admin, cast.p2_leader):
        assert not visible_audit_events(outsider).filter(pk__in=events).exists()

    consortium = Client()
    consortium.force_login(cast.consortium)
    page = consortium.get("/audit/").content.decode()
    assert SIGN_IN_NAME not in page
    assert "Quillfeather" not in page


def test_staff_account_events_stay_organisation_level(cast: Cast) -> None:
    """The fix marks learners' events only: a careers leader's sign-in is still the Consortium's
    and the Awarding Body's to read."""
    from qic.accounts import actions

    event = actions.record_account_event(user=cast.p1_leader, action="user.signed_in", actor=cast.p1_leader)
    assert not event.learner_data
    assert visible_audit_events(cast.consortium).filter(pk=event.pk).exists()
    assert visible_audit_events(cast.ab1_admin).filter(pk=event.pk).exists()


@pytest.mark.parametrize(("who", "status"), [("p1_leader", 200), ("consortium", 404), ("p2_leader", 404)])
def test_only_the_learners_own_careers_leader_reaches_their_account(
    cast: Cast, zara_user: User, who: str, status: int
) -> None:
    """The Consortium could open (and use) a learner's deactivate page, which names the learner."""
    client = Client()
    client.force_login(cast.user(who))
    response = client.get(f"/people/{zara_user.pk}/deactivate/")
    assert response.status_code == status
    assert ("Quillfeather" in response.content.decode()) is (status == 200)
    if status == 404:
        assert client.post(f"/people/{zara_user.pk}/deactivate/", {"reason": "testing"}).status_code == 404
        zara_user.refresh_from_db()
        assert zara_user.is_active


def test_the_careers_leader_turns_one_learners_account_off_and_on_from_their_sign_in_page(cast: Cast) -> None:
    learner = make_learner(cast.p1, forename="Amy", surname="Okafor", upn="A100000000077")
    user = make_learner_account(learner, sign_in_name="amy.x1")
    leader = Client()
    leader.force_login(cast.p1_leader)
    page_url = f"/providers/{cast.p1.urn}/learner-access/learners/{learner.pk}/"
    assert f'href="/people/{user.pk}/deactivate/"' in leader.get(page_url).content.decode()
    assert (
        "Are you sure you want to deactivate Amy Okafor?"
        in leader.get(f"/people/{user.pk}/deactivate/").content.decode()
    )
    leader.post(f"/people/{user.pk}/deactivate/", {"confirm": "yes"})
    user.refresh_from_db()
    assert not user.is_active
    page = leader.get(page_url).content.decode()
    assert "This account is turned off" in page
    assert f'href="/people/{user.pk}/reactivate/"' in page
