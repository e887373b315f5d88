"""A learner signs in with their sign-in name and password (no second factor), lands on their own
record, and reaches no staff page; a learner whose school has not given their year group access,
or who left more than the grace period ago, cannot get in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from qic.domain.learner_access import access_refusal
from qic.learners.models import LearnerAccessPolicy
from tests.conftest import Cast
from tests.factories import make_learner, make_learner_account

PASSWORD = "a-learner-password-1"


def sign_in(client: Client, name: str, password: str = PASSWORD) -> str:
    response = client.post("/learner/sign-in/", {"username": name, "password": password}, follow=True)
    return response.content.decode()


@pytest.fixture
def amy(cast: Cast) -> object:
    learner = make_learner(cast.p1, forename="Amy", surname="Okafor")
    make_learner_account(learner, sign_in_name="amy.k7q2")
    return learner


def test_a_learner_signs_in_by_name_without_a_second_factor_and_sees_their_own_record(cast: Cast, amy: object) -> None:
    client = Client()
    page = sign_in(client, "Amy.K7Q2")
    assert "My careers record" in page
    assert "Hello Amy" in page
    assert "authenticator" not in page


def test_a_learner_reaches_no_staff_page(cast: Cast, amy: object) -> None:
    client = Client()
    sign_in(client, "amy.k7q2")
    assert client.get(f"/providers/{cast.p1.urn}/learners/").status_code in (403, 404)
    assert client.get(f"/providers/{cast.p1.urn}/").status_code in (403, 404)
    assert client.get("/accounts/security/").status_code == 403
    assert client.get("/").status_code == 302


def test_a_staff_member_gets_403_on_a_learner_page(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.p1_leader)
    assert client.get("/my/").status_code == 403


def test_a_learner_whose_year_group_has_no_access_is_signed_out_with_the_reason(cast: Cast, amy: object) -> None:
    LearnerAccessPolicy.objects.filter(provider=cast.p1).update(year_groups=[])
    client = Client()
    page = sign_in(client, "amy.k7q2")
    assert "not turned on sign-in for your year group" in page
    assert client.get("/my/").status_code == 302  # to sign in


def test_a_wrong_password_is_refused_in_plain_words(cast: Cast, amy: object) -> None:
    page = sign_in(Client(), "amy.k7q2", "not-the-password")
    assert "Your sign-in name or password is not right" in page


def test_the_leaver_grace_period() -> None:
    today = dt.date(2026, 12, 4)
    common = {"year_group": 11, "anonymised": False, "allowed_year_groups": [11], "today": today}
    left = today - dt.timedelta(days=30)
    assert access_refusal(left_on=left, leaver_grace_days=30, **common) == ""
    assert "left your school" in access_refusal(left_on=left - dt.timedelta(days=1), leaver_grace_days=30, **common)
    assert "left your school" in access_refusal(left_on=today - dt.timedelta(days=1), leaver_grace_days=0, **common)
    # A recent leaver keeps access even though a leaver's year group is no longer turned on.
    assert access_refusal(**{**common, "allowed_year_groups": []}, left_on=left, leaver_grace_days=30) == ""
    assert access_refusal(left_on=None, leaver_grace_days=30, **common) == ""
    assert "year group" in access_refusal(**{**common, "year_group": None}, left_on=None, leaver_grace_days=30)
    assert "no longer keeps" in access_refusal(**{**common, "anonymised": True}, left_on=None, leaver_grace_days=30)


def test_a_leaver_past_the_grace_period_is_signed_out(cast: Cast, amy: object) -> None:
    client = Client()
    sign_in(client, "amy.k7q2")
    assert client.get("/my/").status_code == 200
    type(amy).objects.filter(pk=amy.pk).update(left_on=timezone.localdate() - dt.timedelta(days=31))  # type: ignore[attr-defined]
    response = client.get("/my/", follow=True)
    assert "You have left your school" in response.content.decode()
