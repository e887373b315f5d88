"""The public register, the CEC return and national analytics."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qic.accreditation.models import Award
from qic.domain import national as rules
from qic.domain.academic import academic_year_of
from qic.domain.accreditation import Judgment
from qic.national import actions, queries
from qic.national.models import ProviderYearFigures
from qic.organisations.models import AwardingBody, Provider
from tests.conftest import Cast
from tests.factories import AwardingBodyFactory, ProviderFactory, make_learner, make_round

TODAY = timezone.localdate()
YEAR = academic_year_of(TODAY) - 1
REGISTER_KEYS = [
    "urn",
    "name",
    "local_authority",
    "region",
    "postcode",
    "provider_type",
    "outcome",
    "awarded_on",
    "expires_on",
    "awarding_body",
]


def holder(body: AwardingBody, *, outcome: str = "2b", awarded: dt.date | None = None, **fields: Any) -> Provider:
    """A provider with an award made directly (the register reads only Award rows)."""
    from qic.accreditation.models import Accreditation
    from qic.frameworks.models import Edition

    provider = ProviderFactory(awarding_body=body, **fields)
    accreditation = Accreditation.objects.create(
        provider=provider, awarding_body=body, edition=Edition.objects.get(), stage="issued", outcome=outcome
    )
    awarded = awarded or TODAY - dt.timedelta(days=100)
    Award.objects.create(
        accreditation=accreditation,
        provider=provider,
        awarding_body=body,
        outcome=outcome,
        awarded_on=awarded,
        expires_on=awarded.replace(year=awarded.year + 3) - dt.timedelta(days=1),
    )
    return provider


@pytest.fixture
def bodies(db: None, edition: Any) -> list[AwardingBody]:
    return [AwardingBodyFactory(name="East Awards"), AwardingBodyFactory(name="West Awards")]


def test_the_register_lists_current_holders_and_filters_them(bodies: list[AwardingBody], client: Client) -> None:
    a = holder(bodies[0], name="Alder School", la_name="Leeds", region="Yorkshire and the Humber")
    b = holder(bodies[1], outcome="2a", name="Birch College", provider_type="fe_college", la_name="Derby")
    expired = holder(bodies[0], name="Cedar School", awarded=TODAY - dt.timedelta(days=3 * 366))
    replaced = holder(bodies[0], name="Damson School")
    Award.objects.filter(provider=replaced).update(superseded=True)
    page = client.get("/register/").content.decode()
    assert "Alder School" in page
    assert "Birch College" in page
    assert "Cedar School" not in page  # expired
    assert "Damson School" not in page  # replaced
    assert "<strong>2</strong> award holders" in page
    assert expired.awards.get().expires_on < TODAY
    # Filters: by name, URN, LA, region, type and outcome.
    assert [r["name"] for r in client.get("/register.json?q=alder").json()["award_holders"]] == ["Alder School"]
    assert [r["name"] for r in client.get(f"/register.json?q={b.urn}").json()["award_holders"]] == ["Birch College"]
    assert [r["name"] for r in client.get("/register.json?la=Derby").json()["award_holders"]] == ["Birch College"]
    assert [
        r["name"] for r in client.get("/register.json?region=Yorkshire+and+the+Humber").json()["award_holders"]
    ] == ["Alder School"]
    assert [r["name"] for r in client.get("/register.json?provider_type=fe_college").json()["award_holders"]] == [
        "Birch College"
    ]
    assert [r["outcome"] for r in client.get("/register.json?outcome=2b").json()["award_holders"]] == ["Fully meeting"]
    assert a.urn


def test_an_award_leaves_the_register_the_day_after_it_expires(bodies: list[AwardingBody]) -> None:
    provider = holder(bodies[0])
    award = Award.objects.get(provider=provider)
    assert list(queries.register(queries.RegisterFilters(), today=award.expires_on))
    assert not list(queries.register(queries.RegisterFilters(), today=award.expires_on + dt.timedelta(days=1)))


def test_downloads_expose_only_what_the_register_should(cast: Cast, edition: Any, client: Client) -> None:
    make_learner(cast.p1)
    make_round(cast, "issued", judgment=Judgment.FULLY_MEETING)
    data = client.get("/register.json").json()
    assert data["count"] == 1
    assert list(data["award_holders"][0]) == REGISTER_KEYS
    row = data["award_holders"][0]
    assert (row["urn"], row["outcome"], row["awarding_body"]) == (cast.p1.urn, "Fully meeting", "North Awards")
    response = client.get("/register.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == REGISTER_KEYS
    text = response.content.decode() + str(data)
    for private in ("R201100018042", "Test", "Pupil", "Comment on", "A strong programme", "fully_meeting"):
        assert private not in text


def test_the_register_works_without_javascript_and_shows_the_search(bodies: list[AwardingBody], client: Client) -> None:
    holder(bodies[0], name="Alder School")
    page = client.get("/register/?q=nothing-like-this").content.decode()
    assert '<form method="get"' in page
    assert "No award holders match your search." in page
    assert "<script" not in page.split("</main>")[0].split("<main")[1]


def test_the_cec_return_lists_accredited_providers_with_urn_outcome_and_dates(
    bodies: list[AwardingBody], client: Client, cast: Cast
) -> None:
    provider = holder(bodies[0], outcome="2a", awarded=dt.date(YEAR, 10, 1))
    holder(bodies[0], awarded=dt.date(YEAR - 4, 10, 1))  # expired before the year began
    client.force_login(cast.consortium)
    response = client.get(f"/consortium/cec-return/?year={YEAR}&format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(int(r["urn"]), r["outcome"], r["awarded_on"]) for r in rows] == [
        (provider.urn, "Making good progress", dt.date(YEAR, 10, 1).isoformat())
    ]


# --- Analytics --------------------------------------------------------------------------------------


def figures_row(
    provider: Provider, year: int, achieved: int, *, holder: bool, body: AwardingBody | None = None, outcome: str = ""
) -> None:
    values = {f"bm{n}": 100.0 if n <= achieved else 50.0 for n in range(1, 9)}
    ProviderYearFigures.objects.create(
        provider=provider,
        academic_year=year,
        benchmarks_achieved=achieved,
        award_holder=holder,
        awarding_body=body,
        outcome=outcome,
        synthetic=True,
        **values,
    )


def test_analytics_averages_and_suppresses_below_six_providers(bodies: list[AwardingBody]) -> None:
    for achieved in (8, 8, 6, 6, 4, 4):  # six holders: shown
        figures_row(ProviderFactory(region="North East"), YEAR, achieved, holder=True, body=bodies[0], outcome="2b")
    for achieved in (2, 3, 4, 1, 2, 3):  # six non-holders: shown
        figures_row(ProviderFactory(region="London"), YEAR, achieved, holder=False)
    result = queries.analytics(YEAR)
    holders, others, everyone = result.by_holding
    assert (holders.providers, holders.average.value, holders.all_eight.value) == (6, 6.0, pytest.approx(100 / 3))
    assert (others.providers, others.average.value) == (6, 2.5)
    assert (everyone.providers, everyone.average.value) == (12, pytest.approx(51 / 12))
    regions = {r.label: r for r in result.by_region}
    assert regions["North East"].average.value == 6.0
    assert regions["London"].average.value == 2.5
    assert [r.label for r in result.by_body] == ["East Awards"]
    bm8 = result.per_benchmark[7]
    assert bm8[1].value == pytest.approx(200 / 12)  # all providers
    assert bm8[2].value == pytest.approx(100 / 3)  # award holders


def test_a_figure_that_would_give_away_a_suppressed_one_is_suppressed_too(bodies: list[AwardingBody]) -> None:
    """Nine providers, six holders and three not: the total less the holders would be the
    three, so the holders' figure is withheld as well as theirs; the total of nine is shown."""
    for achieved in (8, 8, 6, 6, 4, 4):
        figures_row(ProviderFactory(region="North East"), YEAR, achieved, holder=True, body=bodies[0], outcome="2b")
    for achieved in (2, 3, 4):
        figures_row(ProviderFactory(region="North East"), YEAR, achieved, holder=False)
    holders, others, everyone = queries.analytics(YEAR).by_holding
    assert (holders.providers, holders.average.value, holders.average.suppressed) == (6, None, True)
    assert (others.providers, others.average.value, others.average.suppressed) == (3, None, True)
    assert (everyone.providers, everyone.average.value) == (9, pytest.approx(45 / 9))


def test_the_analytics_page_says_what_is_suppressed(bodies: list[AwardingBody], client: Client, cast: Cast) -> None:
    figures_row(ProviderFactory(), YEAR, 5, holder=False)
    client.force_login(cast.consortium)
    page = client.get(f"/consortium/analytics/?year={YEAR}").content.decode()
    assert "fewer than 6 providers is suppressed" in page
    assert "suppressed" in page.split("Award holders and other providers")[1]


def test_analytics_pages_keep_a_fixed_number_of_queries(bodies: list[AwardingBody], client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)

    def queries_for(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    def add(n: int) -> None:
        for i in range(n):
            provider = ProviderFactory(region=["North East", "London", "South West"][i % 3])
            for year in (YEAR - 1, YEAR):
                figures_row(
                    provider, year, i % 9, holder=i % 2 == 0, body=bodies[i % 2], outcome="2a" if i % 2 == 0 else "1"
                )

    add(6)
    holder(bodies[0])
    paths = [
        f"/consortium/analytics/?year={YEAR}",
        f"/consortium/consistency/?year={YEAR}",
        "/register/",
        "/consortium/bodies/",
    ]
    few = [queries_for(p) for p in paths]
    add(40)
    for p in range(len(paths)):
        holder(bodies[p % 2])
    assert [queries_for(p) for p in paths] == few


def test_provider_figures_come_from_the_providers_own_figures(cast: Cast, edition: Any) -> None:
    from qic.programme import queries as programme_queries

    make_learner(cast.p1)
    row = actions.compute_provider_figures(provider=cast.p1, year=YEAR, today=TODAY)
    figures = programme_queries.figures_for(cast.p1, YEAR, today=TODAY, edition=edition)
    assert row.benchmarks_achieved == figures.fully_achieved_count
    assert [getattr(row, f"bm{b.benchmark}") for b in figures.benchmarks] == [b.percent for b in figures.benchmarks]
    assert not row.award_holder
    assert not row.synthetic


def test_the_suppression_rule() -> None:
    assert rules.figure(3.5, 5) == rules.Figure(None, 5)
    assert rules.figure(3.5, 6) == rules.Figure(3.5, 6)
    assert rules.share(3, 6).value == 50.0
    assert rules.share(0, 0).value is None
    assert not rules.share(0, 0).suppressed
    assert rules.share(1, 5).suppressed
