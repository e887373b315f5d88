"""Probe of issue 10: a primary school reaches no secondary benchmark figure by another route."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from qic.national import actions, queries
from qic.national.models import ProviderYearFigures
from qic.organisations.models import Provider
from tests.conftest import Cast
from tests.factories import make_learner

TODAY = dt.date(2026, 12, 3)


def test_a_primary_school_is_not_in_the_national_benchmark_figures(cast: Cast, edition: Any) -> None:
    make_learner(cast.p1)
    make_learner(cast.p2)
    # Recorded as secondary last time, corrected to primary since: its old row goes too.
    actions.compute_national_figures(years=[2026], today=TODAY)
    assert ProviderYearFigures.objects.filter(provider=cast.p1).exists()
    Provider.objects.filter(pk=cast.p1.pk).update(provider_type="primary")

    actions.compute_national_figures(years=[2025, 2026], today=TODAY)

    assert not ProviderYearFigures.objects.filter(provider=cast.p1).exists()
    assert ProviderYearFigures.objects.filter(provider=cast.p2, academic_year=2026).exists()
    figures = queries.analytics(2026)
    assert "Primary school" not in [row.label for row in figures.by_type]


@pytest.mark.parametrize("year", ["2000", "2001", "1999", "2026", "2027", "²", "-1", "99999999999999999999", ""])
@pytest.mark.parametrize(
    "path",
    [
        "/consortium/analytics/",
        "/consortium/cec-return/",
        "/consortium/bodies/",
        "/consortium/consistency/",
        "/register/",
        "/register.csv",
        "/register.json",
    ],
)
def test_national_pages_with_odd_years(client: Client, cast: Cast, edition: Any, path: str, year: str) -> None:
    client.raise_request_exception = False
    client.force_login(cast.consortium)
    assert client.get(path, {"year": year}).status_code in (200, 404), (path, year)
