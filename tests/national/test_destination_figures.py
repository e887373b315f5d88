"""National destinations figures (issue 16, item 5): per-provider aggregates computed from each
provider's own analysis with whether it held the Standard at the end of the cohort's year, and the
Consortium's "destinations of award holders and others", pooled from those aggregates only,
suppressed under six providers. The day of the computation is fixed at 3 December 2026: the last
three cohorts finished in 2025/26, 2024/25 and 2023/24."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from qic.destinations.models import Destination
from qic.destinations.queries import analysis_for
from qic.domain.academic import KeyStage
from qic.domain.upn import upn_check_letter
from qic.learners.models import Learner
from qic.national import actions, queries
from qic.national.models import ProviderDestinationFigures
from qic.organisations.models import Provider
from tests.conftest import Cast
from tests.factories import AwardingBodyFactory, ProviderFactory, make_learner
from tests.national.test_register_and_analytics import holder

TODAY = dt.date(2026, 12, 3)
ANALYTICS = "/consortium/analytics/"


def leaver(provider: Provider, n: int, cohort: int, final_year: int = 11) -> Learner:
    body = f"6660{cohort % 100:02d}{n:06d}"
    return make_learner(
        provider,
        upn=upn_check_letter(body) + body,
        surname=f"Leaver{n}",
        year_group=final_year,
        year_group_recorded_in=cohort,
        date_of_birth=dt.date(cohort - (15 if final_year == 11 else 17), 1, 15),
        left_on=dt.date(cohort + 1, 7, 20),
    )


def went(learner: Learner, category: str, on: dt.date, sustained: bool | None = True) -> None:
    Destination.objects.create(
        provider=learner.provider,
        learner=learner,
        kind="actual",
        category=category,
        recorded_on=on,
        sustained=sustained,
    )


def school_with_leavers(provider: Provider) -> None:
    """KS4 2024: seven leavers (four in FE, one apprenticeship, one employment, all sustained; one
    NEET); 2025: three leavers, one in FE not known yet, two with nothing recorded; no 2023
    leavers. 16–18 2024: two Year 13 leavers in higher education, one not sustained."""
    for n, (category, sustained) in enumerate([("fe", True)] * 4 + [("appren", True), ("work", True), ("neet", None)]):
        went(leaver(provider, n, 2024), category, dt.date(2025, 10, 1), sustained)
    went(leaver(provider, 10, 2025), "fe", dt.date(2026, 10, 1), None)
    leaver(provider, 11, 2025)
    leaver(provider, 12, 2025)
    went(leaver(provider, 20, 2024, final_year=13), "he", dt.date(2025, 10, 1), True)
    went(leaver(provider, 21, 2024, final_year=13), "he", dt.date(2025, 10, 1), False)


def test_a_providers_aggregates_are_its_own_analysis_in_counts(cast: Cast, edition: Any) -> None:
    school_with_leavers(cast.p1)
    stored = actions.compute_provider_destinations(provider=cast.p1, today=TODAY)
    rows = {(r.stage, r.cohort_year): r for r in ProviderDestinationFigures.objects.filter(provider=cast.p1)}
    assert stored == len(rows) == 3  # KS4 2024 and 2025, 16-18 2024: no row for a cohort of nobody
    ks4 = rows[("KS4", 2024)]
    assert (ks4.cohort, ks4.sustained, ks4.education, ks4.apprenticeship, ks4.employment) == (7, 6, 4, 1, 1)
    assert (ks4.not_sustained, ks4.unknown, ks4.not_yet_known, ks4.award_holder, ks4.synthetic) == (
        1,
        0,
        0,
        False,
        False,
    )
    newest = rows[("KS4", 2025)]
    assert (newest.cohort, newest.sustained, newest.unknown, newest.not_yet_known) == (3, 0, 2, 1)
    older = rows[("16-18", 2024)]
    assert (older.cohort, older.sustained, older.not_sustained) == (2, 1, 1)
    # The same figures the provider's own analysis gives.
    analysis = analysis_for(cast.p1, KeyStage.KS4, today=TODAY)
    measured = next(c for c in analysis.cohorts if c.year == 2024).overall
    assert ks4.sustained == measured.headline["overall"].count
    assert ks4.not_sustained == measured.headline["all_notsust"].count
    # Computing again replaces the rows; a cohort that has lost its leavers loses its row.
    Learner.objects.filter(provider=cast.p1, year_group=13).update(provider=cast.p2)
    Destination.objects.filter(learner__provider=cast.p2).update(provider=cast.p2)
    assert actions.compute_provider_destinations(provider=cast.p1, today=TODAY) == 2
    assert not ProviderDestinationFigures.objects.filter(provider=cast.p1, stage="16-18").exists()


def test_award_holder_is_whether_the_standard_was_held_at_the_end_of_the_cohorts_year(edition: Any) -> None:
    body = AwardingBodyFactory(name="Holding Awards")
    # Awarded in June 2025: held at the end of 2024/25 (31 August 2025) and since, not in 2023/24.
    provider = holder(body, awarded=dt.date(2025, 6, 1))
    for year in (2023, 2024, 2025):
        went(leaver(provider, year, year), "fe", dt.date(year + 1, 10, 1))
    actions.compute_provider_destinations(provider=provider, today=TODAY)
    held = dict(ProviderDestinationFigures.objects.filter(provider=provider).values_list("cohort_year", "award_holder"))
    assert held == {2023: False, 2024: True, 2025: True}
    # The same rule as the benchmark aggregates' award holder.
    assert [actions.held_the_standard(provider, y, TODAY) for y in (2023, 2024, 2025)] == [False, True, True]


def test_the_nightly_computation_covers_every_provider_with_learners_but_primary_schools(
    cast: Cast, edition: Any
) -> None:
    school_with_leavers(cast.p1)
    went(leaver(cast.p2, 1, 2024), "fe", dt.date(2025, 10, 1))
    assert actions.compute_national_destinations(today=TODAY) == 4
    Provider.objects.filter(pk=cast.p2.pk).update(provider_type="primary")
    assert actions.compute_national_destinations(today=TODAY) == 3
    assert not ProviderDestinationFigures.objects.filter(provider=cast.p2).exists()


# --- The Consortium's analytics -------------------------------------------------------------------


def figures(
    provider: Provider, *, year: int, cohort: int, sustained: int, not_sustained: int, unknown: int, holder: bool
) -> None:
    ProviderDestinationFigures.objects.create(
        provider=provider,
        stage="KS4",
        cohort_year=year,
        cohort=cohort,
        sustained=sustained,
        education=sustained,
        apprenticeship=0,
        employment=0,
        not_sustained=not_sustained,
        unknown=unknown,
        not_yet_known=cohort - sustained - not_sustained - unknown,
        award_holder=holder,
        synthetic=True,
    )


@pytest.fixture
def nation(db: None, edition: Any) -> None:
    """2024 cohort: five award holders (100 leavers each, 95 sustained) and seven others (100
    leavers each, 85 sustained, 10 not sustained, 5 unknown). 2023 cohort: six of each."""
    for _ in range(5):
        figures(ProviderFactory(), year=2024, cohort=100, sustained=95, not_sustained=3, unknown=2, holder=True)
    for _ in range(7):
        figures(ProviderFactory(), year=2024, cohort=100, sustained=85, not_sustained=10, unknown=5, holder=False)
    for i in range(12):
        figures(ProviderFactory(), year=2023, cohort=50, sustained=40 + i % 2, not_sustained=5, unknown=3, holder=i < 6)


def test_holders_and_others_are_pooled_and_a_group_of_fewer_than_six_providers_is_suppressed(nation: None) -> None:
    cohorts = queries.destinations_by_holding()
    assert [(c.stage, c.cohort_year) for c in cohorts] == [(KeyStage.KS4, 2024), (KeyStage.KS4, 2023)]
    newest, older = cohorts
    # Five holders: suppressed, leavers and shares alike; the count of providers is shown.
    assert newest.holders.providers == 5
    assert newest.holders.suppressed
    assert newest.holders.learners is None
    assert all(f.value is None and f.suppressed for f in (newest.holders.sustained, newest.holders.unknown))
    # Seven others: 700 leavers, pooled shares.
    others = newest.others
    assert (others.providers, others.learners, others.suppressed) == (7, 700, False)
    assert others.sustained.value == pytest.approx(85.0)
    assert others.not_sustained.value == pytest.approx(10.0)
    assert others.unknown.value == pytest.approx(5.0)
    # Six of each: both shown; the holders pooled over their 300 leavers (120 + 123 sustained ...).
    assert (older.holders.providers, older.holders.learners) == (6, 300)
    assert older.holders.sustained.value == pytest.approx(100 * (6 * 40 + 3) / 300)
    assert older.others.sustained.value == pytest.approx(100 * (6 * 40 + 3) / 300)


def test_primary_schools_rows_are_not_counted(nation: None) -> None:
    figures(
        ProviderFactory(provider_type="primary"), year=2024, cohort=30, sustained=30, not_sustained=0, unknown=0,
        holder=False,
    )  # fmt: skip
    assert queries.destinations_by_holding()[0].others.providers == 7


def section(page: str) -> str:
    return page.split('id="destinations-heading"')[1].split("</section>")[0]


def test_the_analytics_page_shows_the_section_and_says_what_is_suppressed(
    nation: None, client: Client, cast: Cast
) -> None:
    client.force_login(cast.consortium)
    page = client.get(ANALYTICS).content.decode()
    found = section(page)
    text = " ".join(re.sub(r"<[^>]+>", " ", found).split())
    assert "fewer than 6 providers is suppressed" in text
    newest = found.split("Key stage 4 cohort that finished in 2024/25")[1].split("</table>")[0]
    rows = [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", newest)]
    assert rows[1:] == [
        "Award holders 5 suppressed suppressed suppressed suppressed suppressed",
        "Not holding the award 7 700 85% 10% 5% 0%",
    ]


def test_the_analytics_page_never_reads_learners_destinations(nation: None, client: Client, cast: Cast) -> None:
    school_with_leavers(cast.p1)
    client.force_login(cast.consortium)
    for params in ({}, {"year": 2025}, {"format": "csv", "table": "destinations"}):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(ANALYTICS, params).status_code == 200
        tables = " ".join(q["sql"] for q in captured.captured_queries)
        assert "destinations_destination" not in tables
        assert "learners_learner" not in tables
        assert "national_providerdestinationfigures" in tables


def test_the_analytics_page_reads_a_fixed_number_of_queries(nation: None, client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(ANALYTICS).status_code == 200
        return len(captured)

    count()
    few = count()
    for year in (2022, 2024, 2025):
        for i in range(20):
            figures(
                ProviderFactory(), year=year, cohort=80, sustained=70, not_sustained=5, unknown=5, holder=i % 2 == 0
            )
    assert count() == few


def test_the_destinations_table_downloads_as_csv(nation: None, client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)
    response = client.get(ANALYTICS, {"format": "csv", "table": "destinations"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").removeprefix("\ufeff"))))
    assert rows[0][:5] == ["Stage", "Cohort (year finished)", "Group", "Providers", "Leavers"]
    assert rows[1] == ["Key stage 4", "2024/25", "Award holders", "5", "suppressed", *["suppressed"] * 4]
    assert rows[2] == ["Key stage 4", "2024/25", "Not holding the award", "7", "700", "85", "10", "5", "0"]


def test_the_page_says_when_there_are_no_destination_figures(db: None, client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)
    page = client.get(ANALYTICS).content.decode()
    assert "No destination figures yet" in section(page)


def test_no_aggregates_give_no_cohorts(db: None) -> None:
    assert queries.destinations_by_holding() == []
