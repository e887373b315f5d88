"""Issue 15's loose ends: the learner page's placements in a fixed number of queries, bounces
audited, feedback links resent or withdrawn from the activity's feedback page, removed employers
purged, and the demo's employers and parents."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qic.organisations.models import Provider
from qic.partners.models import Employer, Placement
from tests.factories import ProviderFactory, leader_of, make_learner

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def school() -> Provider:
    return ProviderFactory(name="Oak Hill Academy")


def _add_placements(school: Provider, learner: object, n: int) -> None:
    for i in range(n):
        employer = Employer.objects.create(provider=school, name=f"Employer {i}")
        Placement.objects.create(
            provider=school,
            learner=learner,
            employer=employer,
            start_date=TODAY + dt.timedelta(days=i),
            end_date=TODAY + dt.timedelta(days=i),
            hours=5,
        )


def test_the_learner_page_names_placements_employers_in_a_fixed_number_of_queries(
    client: Client, school: Provider
) -> None:
    client.force_login(leader_of(school))
    learner = make_learner(school)
    page = reverse("programme:learner_detail", kwargs={"urn": school.urn, "pk": learner.pk})
    _add_placements(school, learner, 1)
    with CaptureQueriesContext(connection) as one:
        assert "Employer 0" in client.get(page).content.decode()
    _add_placements(school, learner, 3)
    with CaptureQueriesContext(connection) as four:
        content = client.get(page).content.decode()
    assert all(f"Employer {i}" in content for i in range(3))
    assert len(four) == len(one)
