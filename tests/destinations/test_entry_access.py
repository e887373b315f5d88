"""Who may see and change destinations (issue 16, item 1): another school's careers leader gets
404 for school A's learners and destinations, on every page and every POST, and never sees a name
of school A's; an import names nobody of another school; governors see no learner."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from qic.core.models import AuditEvent
from qic.destinations.models import Destination
from tests.conftest import Cast
from tests.destinations.entry_factories import destination, last_cohort, leaver, upn

pytestmark = pytest.mark.django_db

SECRET_FORENAME = "Wilhelmina"
SECRET_SURNAME = "Ashcombe-Vale"
SECRET_PLACE = "Bramblewick Sixth Form College"


@pytest.fixture
def school_a(cast: Cast) -> tuple[object, Destination]:
    year = last_cohort()
    learner = leaver(cast.p1, 7, year=year, forename=SECRET_FORENAME, surname=SECRET_SURNAME)
    saved = destination(learner, category="sfc", on=dt.date(year + 1, 9, 1), detail=SECRET_PLACE)
    return learner, saved


@pytest.fixture
def school_b(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.p2_leader)
    return client


def _no_secret(body: str) -> None:
    for secret in (SECRET_FORENAME, SECRET_SURNAME, SECRET_PLACE):
        assert secret not in body


def test_school_b_cannot_reach_school_as_learner_destinations(cast: Cast, school_a: tuple, school_b: Client) -> None:
    learner, saved = school_a
    a, b = cast.p1.urn, cast.p2.urn
    for urn in (a, b):  # A's URL, and B's own URL with A's learner
        for name, args in (
            ("destinations:learner", [urn, learner.pk]),
            ("destinations:destination_add", [urn, learner.pk]),
            ("destinations:destination_change", [urn, learner.pk, saved.pk]),
            ("destinations:destination_remove", [urn, learner.pk, saved.pk]),
        ):
            url = reverse(name, args=args)
            for response in (school_b.get(url), school_b.post(url, {"kind": "actual", "category": "neet"})):
                assert response.status_code == 404, (name, urn)
                _no_secret(response.content.decode())
    saved.refresh_from_db()
    assert saved.category == "sfc"
    assert Destination.objects.count() == 1
    assert not AuditEvent.objects.filter(action__startswith="destination").exists()


def test_school_b_cannot_change_school_as_destination_through_its_own_learner(
    cast: Cast, school_a: tuple, school_b: Client
) -> None:
    _, saved = school_a
    own = leaver(cast.p2, 8, year=last_cohort())
    for name in ("destinations:destination_change", "destinations:destination_remove"):
        url = reverse(name, args=[cast.p2.urn, own.pk, saved.pk])
        assert school_b.get(url).status_code == 404
        assert school_b.post(url).status_code == 404
    assert Destination.objects.filter(pk=saved.pk, category="sfc").exists()


def test_a_destination_is_reached_only_under_its_own_learner(cast: Cast, school_a: tuple) -> None:
    _, saved = school_a
    other = leaver(cast.p1, 9, year=last_cohort())
    client = Client()
    client.force_login(cast.p1_leader)
    url = reverse("destinations:destination_remove", args=[cast.p1.urn, other.pk, saved.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert Destination.objects.filter(pk=saved.pk).exists()


def test_school_bs_hub_and_cohorts_show_none_of_school_as_learners(
    cast: Cast, school_a: tuple, school_b: Client
) -> None:
    own = leaver(cast.p2, 8, year=last_cohort(), forename="Bea", surname="Own")
    hub = school_b.get(reverse("destinations:home", args=[cast.p2.urn])).content.decode()
    _no_secret(hub)
    assert f'id="cohort-ks4-{last_cohort()}"' in hub
    cohort = school_b.get(
        f"{reverse('destinations:cohort', args=[cast.p2.urn])}?stage=ks4&year={last_cohort()}"
    ).content.decode()
    _no_secret(cohort)
    assert "Own, Bea" in cohort
    event = AuditEvent.objects.get(action="destinations.cohort_viewed")
    assert event.after["learner_ids"] == [own.pk]
    for name in ("destinations:home", "destinations:cohort", "destinations:import"):
        assert school_b.get(reverse(name, args=[cast.p1.urn])).status_code == 404


def test_an_import_names_nobody_of_another_school(cast: Cast, school_a: tuple, school_b: Client) -> None:
    """School A's pupil's UPN in school B's file reads exactly as a UPN nobody has."""
    year = last_cohort()
    content = (
        f"UPN,destination,date,where\r\n{upn(7)},FE,01/09/{year + 1},x\r\n{upn(98)},FE,01/09/{year + 1},x\r\n"
    ).encode()
    response = school_b.post(
        reverse("destinations:import", args=[cast.p2.urn]),
        {"file": SimpleUploadedFile("d.csv", content, content_type="text/csv")},
    )
    body = response.content.decode()
    _no_secret(body)
    assert cast.p1.name not in body
    assert f"none of your learners has UPN {upn(7)}" in body
    assert f"none of your learners has UPN {upn(98)}" in body
    assert 'name="confirm"' not in body
    assert Destination.objects.count() == 1


def test_governors_see_no_destinations_of_learners(cast: Cast, school_a: tuple) -> None:
    learner, _ = school_a
    client = Client()
    client.force_login(cast.p1_governor)
    for url in (
        reverse("destinations:home", args=[cast.p1.urn]),
        reverse("destinations:cohort", args=[cast.p1.urn]),
        reverse("destinations:learner", args=[cast.p1.urn, learner.pk]),
        reverse("destinations:import", args=[cast.p1.urn]),
    ):
        response = client.get(url)
        assert response.status_code == 403
        _no_secret(response.content.decode())


def test_the_destination_events_are_only_the_careers_leaders_to_read(cast: Cast, school_a: tuple) -> None:
    learner, _ = school_a
    client = Client()
    client.force_login(cast.p1_leader)
    client.get(reverse("destinations:learner", args=[cast.p1.urn, learner.pk]))
    event = AuditEvent.objects.get(action="learner.destinations_viewed")
    assert event.learner_data
    assert event.provider_id_ref == cast.p1.pk
