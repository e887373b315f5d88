"""Probe of issue 10: a primary school reaches no secondary benchmark figure by another route."""

from __future__ import annotations

import datetime as dt
from typing import Any

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
