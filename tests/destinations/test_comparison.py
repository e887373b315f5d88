"""The read of the DfE figures a provider's leavers are compared with (issue 16, item 3): the
national rows and the provider's local authority's, matched by code then by name, in one query;
and `headline_with_comparison`, which the portfolio's criterion 3.4 reads."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qic.destinations.comparison import dfe_rows, headline_with_comparison
from qic.destinations.models import DfeFigure
from qic.domain import destinations as rules
from qic.domain.academic import KeyStage
from qic.domain.dfe_comparison import Availability
from qic.organisations.models import Provider
from tests.destinations.analysis_helpers import TODAY, cohort_years, figure, leavers, record, release
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db
LA = DfeFigure.Level.LOCAL_AUTHORITY


@pytest.fixture
def school() -> Provider:
    return ProviderFactory(la_code="335", la_name="Walsall")  # type: ignore[no-any-return]


def test_the_nation_and_the_providers_local_authority_by_code(school: Provider) -> None:
    year = cohort_years()[1]
    ks4 = release()
    figure(ks4, year, overall=90)
    figure(ks4, year, level=LA, area_code="335", area_name="Walsall", overall=85)
    figure(ks4, year, level=LA, area_code="336", area_name="Wolverhampton", overall=70)
    figure(ks4, year - 1, overall=1)  # another year
    figure(release("16-18"), year, overall=2)  # another stage
    with CaptureQueriesContext(connection) as queries:
        found = dfe_rows(school, KeyStage.KS4, [year])
    assert len(queries) == 1
    national, local = found[year]
    assert [r.values["overall"] for r in national] == [90]
    assert [(r.area_name, r.values["overall"]) for r in local] == [("Walsall", 85)]


def test_a_local_authority_without_a_matching_code_is_found_by_its_name(school: Provider) -> None:
    year = cohort_years()[1]
    ks4 = release()
    figure(ks4, year, level=LA, area_code="E08000030", area_name="WALSALL", overall=84)
    figure(ks4, year, level=LA, area_code="999", area_name="Walsall Wood", overall=1)
    _, local = dfe_rows(school, KeyStage.KS4, [year])[year]
    assert [r.values["overall"] for r in local] == [84]


def test_the_code_wins_over_the_name(school: Provider) -> None:
    year = cohort_years()[1]
    ks4 = release()
    figure(ks4, year, level=LA, area_code="335", area_name="Walsall (old name)", overall=85)
    figure(ks4, year, level=LA, area_code="", area_name="walsall", overall=1)
    _, local = dfe_rows(school, KeyStage.KS4, [year])[year]
    assert [r.values["overall"] for r in local] == [85]


def test_a_provider_with_no_local_authority_gets_the_nation_only() -> None:
    nowhere = ProviderFactory(la_code="", la_name="")
    year = cohort_years()[1]
    ks4 = release()
    figure(ks4, year, overall=90)
    figure(ks4, year, level=LA, area_code="", area_name="", overall=1)
    national, local = dfe_rows(nowhere, KeyStage.KS4, [year])[year]
    assert len(national) == 1
    assert local == []
    compared = headline_with_comparison(nowhere, KeyStage.KS4, TODAY())[1]
    assert compared.local.availability is Availability.NO_AREA
    assert compared.national.measure("overall").percent == 90


def _cohort(school: Provider, year: int, size: int) -> None:
    """`size` leavers: two thirds in sustained FE, the rest with nothing recorded."""
    for n, learner in enumerate(leavers(school, year, size)):
        if n % 3:
            record(learner, rules.Category.FE_COLLEGE)


def test_headline_with_comparison_gives_three_cohorts_newest_first(school: Provider) -> None:
    newest, middle, oldest = cohort_years()
    _cohort(school, middle, 9)
    ks4 = release()
    figure(ks4, middle, overall=91, education=80, appren=5, all_work=6, all_notsust=7, all_unknown=2)
    figure(ks4, middle, level=LA, area_code="335", overall=88, suppressed={"appren": "c"})
    figure(ks4, oldest, level=LA, area_code="335", overall=80)  # the LA's file only, for the oldest

    result = headline_with_comparison(school, KeyStage.KS4, TODAY())

    assert [c.year for c in result] == [newest, middle, oldest]
    assert [c.time_period for c in result] == [rules.dfe_time_period(y) for y in (newest, middle, oldest)]
    lines = {line.measure: line for line in result[1].lines}
    assert list(lines) == list(rules.HEADLINE)
    assert (lines["overall"].school.count, lines["overall"].school.of) == (6, 9)
    assert lines["overall"].school.percent == pytest.approx(100 * 6 / 9)
    assert lines["overall"].national.percent == 91
    assert lines["overall"].local.percent == 88
    assert lines["appren"].local.not_published
    assert lines["appren"].local.text == "not published (c)"
    assert lines["all_unknown"].school.count == 3
    assert result[1].national.institution_group == "State-funded mainstream schools"
    # Nothing loaded for the newest cohort; the oldest has the LA's figures but no national row.
    assert result[0].national.why_not == result[0].local.why_not == "not loaded yet"
    assert result[2].national.availability is Availability.NOT_IN_FILE
    assert result[2].local.measure("overall").percent == 80
    assert result[0].cohort.overall.cohort == 0


@pytest.mark.parametrize("size", [3, 40])
def test_headline_with_comparison_reads_in_three_queries_whatever_the_size(school: Provider, size: int) -> None:
    for year in cohort_years():
        _cohort(school, year, size)
        figure(release(), year, overall=90)
        figure(release(), year, level=LA, area_code="335", overall=90)
    with CaptureQueriesContext(connection) as queries:
        result = headline_with_comparison(school, KeyStage.KS4, TODAY())
    assert len(queries) == 3  # the cohorts' learners, their destinations, the DfE's rows
    assert [c.cohort.overall.cohort for c in result] == [size] * 3
