"""Independent training providers (issue 10, item 6): added by the Consortium or an Awarding
Body, identified by their UKPRN, measured with the college benchmarks."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from qic.core.models import AuditEvent
from qic.domain.provider_types import ProviderType
from qic.organisations import actions
from qic.organisations.models import ClientRequest, Provider
from tests.conftest import Cast
from tests.factories import ProviderFactory
from tests.organisations.test_gias_import import MAIN, import_file

CONSORTIUM_URL = "/providers/new-training-provider/"
UKPRN = "10012345"

GOOD = {"name": "Skills Forward Training Ltd", "ukprn": UKPRN, "postcode": "ws1 1aa", "region": "West Midlands"}


def body_url(cast: Cast) -> str:
    return f"/awarding-bodies/{cast.ab1.pk}/clients/new-training-provider/"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Adding one -------------------------------------------------------------------------------


def test_the_consortium_adds_an_itp_keyed_by_its_ukprn(cast: Cast) -> None:
    response = signed_in(cast.consortium).post(CONSORTIUM_URL, GOOD)
    assert response.status_code == 302
    assert response["Location"] == f"/providers/{UKPRN}/"
    itp = Provider.objects.get(urn=int(UKPRN))
    assert (itp.ukprn, itp.name, itp.provider_type, itp.postcode, itp.region, itp.awarding_body) == (
        UKPRN,
        "Skills Forward Training Ltd",
        ProviderType.INDEPENDENT_TRAINING_PROVIDER.value,
        "WS1 1AA",
        "West Midlands",
        None,
    )
    assert itp.is_college
    assert not itp.is_primary
    event = AuditEvent.objects.get(action="provider.itp_added")
    assert event.actor == cast.consortium
    assert event.after["ukprn"] == UKPRN
    assert event.after["urn"] == int(UKPRN)
    assert event.after["awarding_body_id"] is None
    assert event.provider_id_ref == itp.pk


def test_an_awarding_body_adds_an_itp_as_its_client(cast: Cast) -> None:
    response = signed_in(cast.ab1_admin).post(body_url(cast), GOOD)
    assert response.status_code == 302
    itp = Provider.objects.get(urn=int(UKPRN))
    assert itp.awarding_body == cast.ab1
    event = AuditEvent.objects.get(action="provider.itp_added")
    assert event.after["awarding_body_id"] == cast.ab1.pk
    assert event.awarding_body_id_ref == cast.ab1.pk
    # Its client like any other: the body sees it, another body does not.
    page = signed_in(cast.ab1_admin).get(f"/providers/{UKPRN}/").content.decode()
    assert "Independent training provider · UKPRN 10012345" in page
    assert "URN 10012345" not in page
    assert signed_in(cast.ab2_admin).get(f"/providers/{UKPRN}/").status_code == 404
    clients = signed_in(cast.ab1_admin).get(f"/awarding-bodies/{cast.ab1.pk}/").content.decode()
    assert "Skills Forward Training Ltd" in clients


def test_only_the_name_and_ukprn_are_needed(cast: Cast) -> None:
    response = signed_in(cast.consortium).post(CONSORTIUM_URL, {"name": "Tiny Training", "ukprn": "10000000"})
    assert response.status_code == 302
    itp = Provider.objects.get(urn=10_000_000)
    assert (itp.postcode, itp.region) == ("", "")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter the provider&#x27;s name"),
        ("name", "   ", "Enter the provider&#x27;s name"),
        ("name", "x" * 301, "Ensure this value has at most 300 characters"),
        ("ukprn", "", "Enter the UKPRN"),
        ("ukprn", "1001234", "The UKPRN must be 8 digits; you entered 7"),
        ("ukprn", "137411", "The UKPRN must be 8 digits; you entered 6"),
        ("ukprn", "10100000", "The UKPRN must be between 10000000 and 10099999"),
        ("ukprn", "1001234X", "The UKPRN must contain only the digits 0 to 9"),
        ("ukprn", "1" * 21, "Ensure this value has at most 20 characters"),
        ("postcode", "NOT POSTCD", "Enter a real postcode, like WS1 1AA"),
        ("postcode", "WS1 1AA WS1 1AA", "Ensure this value has at most 12 characters"),
        ("postcode", "12345", "Enter a real postcode, like WS1 1AA"),
        ("region", "Wales", "Select a valid choice"),
    ],
)
def test_each_bad_field_is_reported_and_nothing_is_added(cast: Cast, field: str, value: str, message: str) -> None:
    response = signed_in(cast.consortium).post(CONSORTIUM_URL, {**GOOD, field: value})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert f'href="#id_{field}"' in page  # the error summary links to the field
    assert "<title>Error: " in page
    assert not Provider.objects.filter(provider_type=ProviderType.INDEPENDENT_TRAINING_PROVIDER.value).exists()
    assert not AuditEvent.objects.filter(action="provider.itp_added").exists()


def test_spaces_in_a_ukprn_are_forgiven(cast: Cast) -> None:
    signed_in(cast.consortium).post(CONSORTIUM_URL, {**GOOD, "ukprn": " 10 012 345 "})
    assert Provider.objects.get(urn=10_012_345).ukprn == UKPRN


@pytest.mark.parametrize(
    ("typed", "stored"), [("ec1a1bb", "EC1A 1BB"), ("GIR 0AA", "GIR 0AA"), (" m1  1ae ", "M1 1AE")]
)
def test_a_postcode_is_stored_as_the_shared_rule_writes_it(cast: Cast, typed: str, stored: str) -> None:
    # The form and the GIAS import use one rule (qic.domain.postcodes): the same values pass.
    signed_in(cast.consortium).post(CONSORTIUM_URL, {**GOOD, "postcode": typed})
    assert Provider.objects.get(urn=10_012_345).postcode == stored


@pytest.mark.parametrize(
    "existing",
    [
        # Another ITP already keyed by the UKPRN...
        {"urn": int(UKPRN), "ukprn": UKPRN, "provider_type": ProviderType.INDEPENDENT_TRAINING_PROVIDER.value},
        # ...or a college from GIAS that carries it as its UKPRN.
        {"urn": 130_001, "ukprn": UKPRN, "provider_type": ProviderType.FE_COLLEGE.value},
    ],
)
def test_a_duplicate_ukprn_is_refused_with_a_clear_error(cast: Cast, existing: dict[str, Any]) -> None:
    ProviderFactory(name="Already Here", **existing)
    response = signed_in(cast.ab1_admin).post(body_url(cast), GOOD)
    page = response.content.decode()
    assert response.status_code == 200
    assert "A provider with UKPRN 10012345 is already on QiC Platform" in page
    assert 'href="#id_ukprn"' in page
    assert Provider.objects.filter(ukprn=UKPRN).count() == 1
    assert not AuditEvent.objects.filter(action="provider.itp_added").exists()


def test_the_action_refuses_a_duplicate_and_a_bad_ukprn(cast: Cast) -> None:
    kwargs = {"name": "A", "postcode": "", "region": "", "awarding_body": None, "actor": cast.consortium}
    actions.add_independent_training_provider(ukprn=UKPRN, **kwargs)
    with pytest.raises(actions.DuplicateProvider, match="already on QiC Platform"):
        actions.add_independent_training_provider(ukprn=UKPRN, **kwargs)
    with pytest.raises(ValueError, match="8 digits"):
        actions.add_independent_training_provider(ukprn="123", **kwargs)
    assert Provider.objects.filter(ukprn=UKPRN).count() == 1


# --- Who may add one ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("consortium", 200),
        ("ab1_admin", 403),
        ("assessor_assigned", 403),
        ("p1_leader", 403),
        ("p1_governor", 403),
    ],
)
def test_only_the_consortium_uses_its_form(cast: Cast, who: str, status: int) -> None:
    client = signed_in(getattr(cast, who))
    assert client.get(CONSORTIUM_URL).status_code == status
    assert client.post(CONSORTIUM_URL, GOOD).status_code == (302 if status == 200 else status)
    assert Provider.objects.filter(urn=int(UKPRN)).exists() is (status == 200)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("consortium", 200),
        ("ab1_admin", 200),
        # Another body's admin: the body is a 404, as if it did not exist.
        ("ab2_admin", 404),
        ("assessor_assigned", 403),
        ("p1_leader", 403),
        ("p2_leader", 403),
    ],
)
def test_only_the_consortium_and_the_body_itself_add_its_client(cast: Cast, who: str, status: int) -> None:
    client = signed_in(getattr(cast, who))
    assert client.get(body_url(cast)).status_code == status
    assert client.post(body_url(cast), GOOD).status_code == (302 if status == 200 else status)
    assert Provider.objects.filter(urn=int(UKPRN), awarding_body=cast.ab1).exists() is (status == 200)


def test_anonymous_people_are_sent_to_log_in(cast: Cast) -> None:
    for url in (CONSORTIUM_URL, body_url(cast)):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("who", "link"),
    [
        ("consortium", CONSORTIUM_URL),
        ("ab1_admin", "/awarding-bodies/{ab1}/clients/new-training-provider/"),
        ("assessor_assigned", None),
    ],
)
def test_the_provider_list_links_to_the_form_for_those_who_may_use_it(cast: Cast, who: str, link: str | None) -> None:
    page = signed_in(getattr(cast, who)).get("/providers/").content.decode()
    if link is None:
        assert "Add an independent training provider" not in page
    else:
        assert f'href="{link.format(ab1=cast.ab1.pk)}">Add an independent training provider' in page


def test_the_bodys_clients_page_links_to_the_form(cast: Cast) -> None:
    page = signed_in(cast.ab1_admin).get(f"/awarding-bodies/{cast.ab1.pk}/").content.decode()
    assert f'href="{body_url(cast)}"' in page
    page = signed_in(cast.assessor_assigned).get(f"/awarding-bodies/{cast.ab1.pk}/").content.decode()
    assert body_url(cast) not in page


# --- Living beside GIAS providers ------------------------------------------------------------


def test_the_ukprn_shows_where_a_urn_would(cast: Cast) -> None:
    signed_in(cast.consortium).post(CONSORTIUM_URL, GOOD)
    itp = Provider.objects.get(urn=int(UKPRN))
    assert str(itp) == "Skills Forward Training Ltd (UKPRN 10012345)"
    assert itp.identifier == "UKPRN 10012345"
    assert str(cast.p1) == f"Alpha Academy (URN {cast.p1.urn})"
    listing = signed_in(cast.consortium).get("/providers/?q=10012345").content.decode()
    assert "UKPRN 10012345" in listing
    assert "Skills Forward Training Ltd" in listing


def test_an_awarding_body_asks_a_consortium_added_itp_by_its_ukprn(cast: Cast) -> None:
    signed_in(cast.consortium).post(CONSORTIUM_URL, GOOD)
    response = signed_in(cast.ab2_admin).post(f"/awarding-bodies/{cast.ab2.pk}/clients/add/", {"urn": UKPRN})
    assert response.status_code == 302
    assert ClientRequest.objects.get().provider.urn == int(UKPRN)


def test_a_gias_import_leaves_itps_alone(cast: Cast) -> None:
    signed_in(cast.consortium).post(CONSORTIUM_URL, GOOD)
    before = Provider.objects.get(urn=int(UKPRN))
    import_file(MAIN)
    after = Provider.objects.get(urn=int(UKPRN))
    assert (after.name, after.provider_type, after.ukprn, after.updated_at) == (
        before.name,
        before.provider_type,
        before.ukprn,
        before.updated_at,
    )
    assert (
        not Provider.objects.exclude(pk=before.pk)
        .filter(provider_type=ProviderType.INDEPENDENT_TRAINING_PROVIDER.value)
        .exists()
    )


def test_the_database_refuses_an_itp_keyed_by_a_urn(cast: Cast) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ProviderFactory(urn=137_411, provider_type=ProviderType.INDEPENDENT_TRAINING_PROVIDER.value)


def test_the_form_page_explains_the_ukprn(cast: Cast) -> None:
    page = signed_in(cast.ab1_admin).get(body_url(cast)).content.decode()
    assert "Add an independent training provider" in page
    assert escape("becomes a client of North Awards straight away") in page
    assert 'name="ukprn"' in page
    assert 'inputmode="numeric"' in page


def test_the_public_register_labels_an_itps_number_as_its_ukprn(cast: Cast, edition: Any) -> None:
    from tests.national.test_register_and_analytics import holder

    holder(
        cast.ab1,
        name="Skills Forward Training Ltd",
        urn=int(UKPRN),
        ukprn=UKPRN,
        provider_type=ProviderType.INDEPENDENT_TRAINING_PROVIDER.value,
    )
    holder(cast.ab1, name="Cedar School", urn=137_411)
    page = Client().get("/register/").content.decode()
    assert "UKPRN 10012345 · " in page
    assert "URN 137411 · " in page
    assert "URN 10012345" not in page.replace("UKPRN 10012345", "")
