"""National aggregates on dated rule sets (issue 10): each year's row records the rule set it was
measured on, and the analytics page says which years are on which definitions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from qic.national import actions, queries
from qic.national.models import ProviderYearFigures
from tests.conftest import Cast
from tests.factories import ProviderFactory, make_learner

TODAY = dt.date(2026, 12, 3)


@pytest.mark.parametrize(
    ("year", "code"), [(2023, "gatsby-2018"), (2024, "gatsby-2018"), (2025, "gatsby-2025"), (2026, "gatsby-2025")]
)
def test_each_year_is_computed_and_recorded_on_its_own_rule_set(cast: Cast, edition: Any, year: int, code: str) -> None:
    make_learner(cast.p1)
    row = actions.compute_provider_figures(provider=cast.p1, year=year, today=TODAY)
    assert row.rule_set == code
    assert ProviderYearFigures.objects.get(provider=cast.p1, academic_year=year).rule_set == code


def test_the_trend_periods_cross_from_2018_to_the_refreshed_rules() -> None:
    assert queries.rule_set_periods([2022, 2023, 2024, 2025, 2026]) == [
        ("2022/23 to 2024/25", "Gatsby Benchmarks (2018 definitions)", "gatsby-2018"),
        ("2025/26 to 2026/27", "Refreshed Gatsby Benchmarks (from 2025/26)", "gatsby-2025"),
    ]
    assert queries.rule_set_periods([2025]) == [
        ("2025/26", "Refreshed Gatsby Benchmarks (from 2025/26)", "gatsby-2025")
    ]


def _row(year: int) -> None:
    ProviderYearFigures.objects.create(
        provider=ProviderFactory(), academic_year=year, benchmarks_achieved=3, synthetic=True, rule_set=""
    )


def test_the_analytics_page_notes_which_years_are_on_which_definitions(client: Client, cast: Cast) -> None:
    for year in (2023, 2024, 2025, 2026):
        _row(year)
    client.force_login(cast.consortium)
    page = client.get("/consortium/analytics/?year=2026").content.decode()
    assert "Which definitions each year uses" in page
    assert "2023/24 to 2024/25: Gatsby Benchmarks (2018 definitions)" in page
    assert "2025/26 to 2026/27: Refreshed Gatsby Benchmarks (from 2025/26)" in page
    assert "The benchmark definitions changed during these years" in page


def test_no_warning_when_every_year_is_on_the_same_definitions(client: Client, cast: Cast) -> None:
    for year in (2025, 2026):
        _row(year)
    client.force_login(cast.consortium)
    page = client.get("/consortium/analytics/?year=2026").content.decode()
    assert "2025/26 to 2026/27: Refreshed Gatsby Benchmarks (from 2025/26)" in page
    assert "The benchmark definitions changed" not in page
