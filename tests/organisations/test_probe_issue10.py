"""Probe of issue 10: an independent training provider, keyed by its UKPRN, is never taken over
by another route."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from qic.organisations import actions
from qic.organisations.models import Provider
from tests.conftest import Cast

HEADER = "URN,EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name)\r\n"


def test_a_gias_row_cannot_overwrite_an_independent_training_provider(cast: Cast) -> None:
    itp = actions.add_independent_training_provider(
        name="Probe Training",
        ukprn="10012345",
        postcode="LS1 1AA",
        region="London",
        awarding_body=cast.ab1,
        actor=cast.ab1_admin,
    )
    data = (HEADER + "10012345,Some Academy,Academy converter,Open\r\n").encode()

    report = actions.import_gias(data=data, file_name="edubase.csv", include_closed=False, actor=cast.consortium)

    assert not report.ok
    assert "UKPRN" in report.errors[0].reason
    itp.refresh_from_db()
    assert itp.name == "Probe Training"
    assert itp.provider_type == "independent_training_provider"
    assert Provider.objects.filter(urn=10012345).count() == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "x" * 10000},
        {"name": " "},
        {"name": "\x00"},
        {"postcode": "z" * 1000},
        {"postcode": "=HYPERLINK(1)"},
        {"region": "Atlantis"},
        {"region": ""},
        {"ukprn": ["10012345", "10012346"]},
    ],
)
def test_odd_itp_forms_never_500(client: Client, cast: Cast, fields: dict[str, Any]) -> None:
    client.raise_request_exception = False
    client.force_login(cast.consortium)
    data = {"name": "Probe Training", "ukprn": "10012345", "postcode": "LS1 1AA", "region": "London"} | fields
    response = client.post("/providers/new-training-provider/", data)
    assert response.status_code in (200, 302), fields
    if response.status_code == 302:
        itp = Provider.objects.get(provider_type="independent_training_provider")
        assert len(itp.name) <= 255
