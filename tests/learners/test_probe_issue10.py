"""Probe of issue 10: a primary school's pupil page shows no secondary benchmark."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from qic.organisations.models import Provider
from tests.conftest import Cast
from tests.factories import make_learner


def test_a_primary_pupils_page_shows_no_secondary_benchmarks(client: Client, cast: Cast, edition: Any) -> None:
    Provider.objects.filter(pk=cast.p1.pk).update(provider_type="primary")
    pupil = make_learner(
        cast.p1, year_group=6, year_group_recorded_in=2026, date_of_birth=dt.date(2015, 3, 1), surname="Primrose"
    )
    client.force_login(cast.p1_leader)
    page = client.get(f"/providers/{cast.p1.urn}/learners/{pupil.pk}/").content.decode()
    assert "Primrose" in page
    assert "Benchmarks in" not in page
    assert "Gatsby" not in page
