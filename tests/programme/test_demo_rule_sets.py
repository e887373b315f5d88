"""The demo school (qic.demo.careers) on both rule sets (issue 10): 2026/27 on the refreshed
benchmarks with sensible figures, 2024/25 on the 2018 definitions."""

from __future__ import annotations

import datetime as dt

import pytest

from qic.demo.careers import build_careers_programme
from qic.programme import queries
from qic.programme.models import Activity
from tests.factories import ProviderFactory

TODAY = dt.date(2026, 12, 3)


@pytest.fixture
def demo_school(db: None) -> object:
    provider = ProviderFactory(name="Demo Academy")
    build_careers_programme(provider, years=list(range(2022, 2027)), cohort_size=30, today=TODAY, seed=990001)
    return provider


def test_the_demo_school_has_figures_on_each_years_rules(demo_school: object) -> None:
    assert Activity.objects.filter(provider=demo_school, academic_year=2024).count() > 10
    old = queries.figures_for(demo_school, 2024, today=TODAY, edition=None)  # type: ignore[arg-type]
    assert old.rule_set.code == "gatsby-2018"
    assert old.measure("BM2").total.eligible > 0
    now = queries.figures_for(demo_school, 2026, today=TODAY, edition=None)  # type: ignore[arg-type]
    assert now.rule_set.code == "gatsby-2025"
    # Sensible: every learner-level benchmark has learners to measure and some progress, and
    # none is empty or trivially complete because of missing activities.
    for number in (2, 4, 5, 6, 7, 8):
        percent = now.benchmark(number).percent
        assert percent is not None, number
        assert 0 < percent <= 100, (number, percent)
    for code in ("BM2-KS3", "BM2-KS4", "BM2-16-18", "BM6-16", "BM7-16"):
        assert now.measure(code).total.met > 0, code
