"""The Consortium's national figures: filters, drill-down, a CSV of every table, and suppression
that neither filters nor drill-downs can be subtracted to undo (issue 12)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from qic.core.models import AuditEvent
from qic.organisations.models import AwardingBody
from tests.conftest import Cast
from tests.factories import AwardingBodyFactory, ProviderFactory
from tests.national.test_register_and_analytics import YEAR, figures_row

ANALYTICS = "/consortium/analytics/"
DRILL = "/consortium/analytics/breakdown/"


@pytest.fixture
def body(db: None, edition: Any) -> AwardingBody:
    return AwardingBodyFactory(name="East Awards")


@pytest.fixture
def england(body: AwardingBody) -> None:
    """The North West: sixteen secondary schools (eight holding the award) and one special
    school; London: twelve secondary schools and six special schools, none holding it."""
    for i in range(16):
        holds = i < 8
        figures_row(
            ProviderFactory(region="North West"),
            YEAR,
            8 if i < 4 else 5,
            holder=holds,
            body=body if holds else None,
            outcome="2b" if holds else "",
        )
    for _ in range(12):
        figures_row(ProviderFactory(region="London"), YEAR, 4, holder=False)
    for _ in range(6):
        figures_row(ProviderFactory(region="London", provider_type="special"), YEAR, 3, holder=False)
    figures_row(ProviderFactory(region="North West", provider_type="special"), YEAR, 1, holder=False)


def csv_rows(response: Any) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def row_of(page: str, label: str) -> str:
    """The text of the first table row whose header is `label` (tags removed)."""
    import re

    for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", page, flags=re.S):
        text = re.sub(r"<span class=\"govuk-visually-hidden\">.*?</span>", "", row)
        text = re.sub(r"<[^>]+>", " ", text)
        cells = text.split()
        if " ".join(cells).startswith(label):
            return " ".join(cells)
    raise AssertionError(f"No row {label!r}")


def test_filters_narrow_every_table_and_say_what_is_shown(england: None, client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)
    page = client.get(ANALYTICS, {"year": YEAR, "region": "North West"}).content.decode()
    assert "<strong>17</strong> providers in" in page
    assert ": North West." in page
    assert row_of(page, "All providers 17") == "All providers 17 5.5 24%"
    # Its eight holders and nine others are shown (17 less 8 gives the nine anyway); what stays
    # hidden is how the nine split between secondary schools and the special school (below).
    assert row_of(page, "Award holders 8") == "Award holders 8 6.5 50%"
    assert row_of(page, "Not holding the award 9") == "Not holding the award 9 4.6 0%"
    # The region is chosen, so there is no table by region; London is not counted anywhere.
    assert "By region" not in page
    assert "London" not in page.split('id="national-figures"')[1]


def test_the_differencing_attack_finds_nothing(england: None, client: Client, cast: Cast) -> None:
    """The North West (17) less its secondary schools (16) would be the one special school: the
    secondary schools' figure is suppressed in every view that could give it."""
    client.force_login(cast.consortium)
    region = client.get(ANALYTICS, {"year": YEAR, "region": "North West"}).content.decode()
    assert row_of(region, "All providers 17") == "All providers 17 5.5 24%"
    narrower = client.get(ANALYTICS, {"year": YEAR, "region": "North West", "provider_type": "secondary"})
    assert row_of(narrower.content.decode(), "All providers 16") == "All providers 16 suppressed suppressed"
    # Nor by type within the region, nor by region within secondary schools, nor in a download.
    assert row_of(region, "Secondary school") == "Secondary school 16 suppressed suppressed"
    assert row_of(region, "Special school") == "Special school 1 suppressed suppressed"
    secondary = client.get(ANALYTICS, {"year": YEAR, "provider_type": "secondary"}).content.decode()
    assert row_of(secondary, "All providers 28") == "All providers 28 5.0 14%"
    assert row_of(secondary, "North West") == "North West 16 suppressed suppressed"
    # London's twelve would be England's secondary schools less the North West's: withheld too.
    assert row_of(secondary, "London") == "London 12 suppressed suppressed"
    rows = csv_rows(client.get(ANALYTICS, {"year": YEAR, "region": "North West", "format": "csv", "table": "type"}))
    assert rows[1:] == [
        ["Secondary school", "16", "suppressed", "suppressed"],
        ["Special school", "1", "suppressed", "suppressed"],
    ]
    # The drill-down shows the same cells, so the same figures are suppressed.
    drill = client.get(DRILL, {"year": YEAR, "region": "North West", "by": "provider_type", "benchmark": "1"})
    assert row_of(drill.content.decode(), "Secondary school") == "Secondary school 16 suppressed suppressed suppressed"
    # England's figures by type are shown: the one special school is among seven.
    england_page = client.get(ANALYTICS, {"year": YEAR}).content.decode()
    assert row_of(england_page, "Special school") == "Special school 7 2.7 0%"


def test_a_drill_down_splits_a_benchmark_figure_into_its_rows(england: None, client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)
    analytics = client.get(ANALYTICS, {"year": YEAR}).content.decode()
    link = f'href="{DRILL}?year={YEAR}&amp;region=&amp;provider_type=&amp;body=&amp;by=region&amp;benchmark=3"'
    assert link in analytics
    page = client.get(DRILL, {"year": YEAR, "by": "region", "benchmark": "3"}).content.decode()
    assert "Benchmark 3 fully achieved, by region" in page
    # figures_row: benchmarks up to the number achieved are at 100%. North West: 16 of 17
    # achieve 5 or 8 (the special school 1); London's all achieve 3 or 4.
    assert row_of(page, "North West") == "North West 17 94% 5.5 24%"
    assert row_of(page, "London") == "London 18 100% 3.7 0%"
    # Each row leads to the national figures narrowed to it.
    assert f'href="{ANALYTICS}?year={YEAR}&amp;region=London&amp;provider_type=&amp;body="' in page
    rows = csv_rows(
        client.get(DRILL, {"year": YEAR, "by": "region", "benchmark": "3", "format": "csv", "table": "rows"})
    )
    assert rows[0] == [
        "Region",
        "Providers",
        "Average benchmarks fully achieved (of 8)",
        "Achieving all eight (%)",
        "Benchmark 3 fully achieved (%)",
    ]
    assert rows[1:] == [
        ["London", "18", "3.7", "0", "100"],
        ["North West", "17", "5.5", "24", "94"],
        ["All", "35", "4.5", "11", "97"],
    ]


def test_every_table_downloads_as_safe_csv_and_the_download_is_audited(
    body: AwardingBody, client: Client, cast: Cast
) -> None:
    for _ in range(6):
        figures_row(ProviderFactory(region='=HYPERLINK("http://x")'), YEAR, 8, holder=True, body=body, outcome="2b")
        figures_row(ProviderFactory(region="Tees"), YEAR, 2, holder=False)
    client.force_login(cast.consortium)
    for table, first in [
        ("holding", "Providers"),
        ("trend", "Providers"),
        ("benchmarks", "Benchmark"),
        ("region", "Region"),
        ("type", "Type of provider"),
        ("body", "Awarding Body"),
    ]:
        rows = csv_rows(client.get(ANALYTICS, {"year": YEAR, "format": "csv", "table": table}))
        assert rows[0][0] == first
    regions = csv_rows(client.get(ANALYTICS, {"year": YEAR, "format": "csv", "table": "region"}))
    assert regions[1:] == [['\'=HYPERLINK("http://x")', "6", "8.0", "100"], ["Tees", "6", "2.0", "0"]]
    for path, table in [
        ("/consortium/consistency/", "outcomes"),
        ("/consortium/consistency/", "judgments"),
        ("/consortium/consistency/", "sections"),
        ("/consortium/consistency/", "figures"),
        ("/consortium/bodies/", "bodies"),
    ]:
        assert csv_rows(client.get(path, {"year": YEAR, "format": "csv", "table": table}))[0][0] == "Awarding Body"
    figures = csv_rows(client.get("/consortium/consistency/", {"year": YEAR, "format": "csv", "table": "figures"}))
    assert figures[1:] == [["East Awards", "Fully meeting", "6", "8.0", "100"]]
    event = AuditEvent.objects.filter(action="national.figures_exported").order_by("-id").first()
    assert event is not None
    assert event.actor == cast.consortium
    assert not event.learner_data
    assert event.after == {"page": "consistency", "table": "figures", "year": YEAR}
    assert AuditEvent.objects.filter(action="national.figures_exported").count() == 13
    assert client.get(ANALYTICS, {"year": YEAR, "format": "csv", "table": "learners"}).status_code == 404


def test_only_the_consortium_downloads_the_figures(england: None, client: Client, cast: Cast) -> None:
    for user in (cast.ab1_admin, cast.p1_leader):
        client.force_login(user)
        assert client.get(ANALYTICS, {"year": YEAR, "format": "csv", "table": "region"}).status_code == 403
        assert client.get(DRILL, {"year": YEAR, "format": "csv", "table": "rows"}).status_code == 403
    assert not AuditEvent.objects.filter(action="national.figures_exported").exists()


@pytest.mark.parametrize(
    ("path", "query", "status", "message"),
    [
        (ANALYTICS, {"year": YEAR, "region": "Atlantis"}, 200, "Select a valid choice"),
        (ANALYTICS, {"year": "1999"}, 200, "Select a valid choice"),
        (ANALYTICS, {"year": "x", "body": "9999999"}, 200, "Select a valid choice"),
        (DRILL, {"year": YEAR, "by": "learner"}, 400, "Select a valid choice"),
        (DRILL, {"year": YEAR, "region": "North West", "by": "region"}, 400, "not already one of its filters"),
        (DRILL, {"year": YEAR, "benchmark": "9"}, 400, "Select a valid choice"),
    ],
)
def test_bad_filters_get_a_clear_error(
    england: None, client: Client, cast: Cast, path: str, query: dict[str, Any], status: int, message: str
) -> None:
    client.force_login(cast.consortium)
    response = client.get(path, query)
    assert response.status_code == status
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page


def test_filtered_pages_drill_downs_and_downloads_keep_a_fixed_number_of_queries(
    body: AwardingBody, client: Client, cast: Cast
) -> None:
    client.force_login(cast.consortium)
    paths = [
        f"{ANALYTICS}?year={YEAR}&region=North+West&provider_type=secondary&body={body.pk}",
        f"{DRILL}?year={YEAR}&region=North+West&by=body&benchmark=2",
        f"{ANALYTICS}?year={YEAR}&region=North+West&format=csv&table=type",
        f"{DRILL}?year={YEAR}&by=provider_type&format=csv&table=rows",
        f"/consortium/consistency/?year={YEAR}&format=csv&table=figures",
    ]

    def add(n: int) -> None:
        for i in range(n):
            provider = ProviderFactory(region=["North West", "London", "South West"][i % 3])
            for year in (YEAR - 1, YEAR):
                figures_row(provider, year, i % 9, holder=i % 2 == 0, body=body, outcome="2b" if i % 2 == 0 else "1")

    def counts() -> list[int]:
        result = []
        for path in paths:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(path).status_code == 200
            result.append(len(captured))
        return result

    add(6)
    few = counts()
    add(60)
    assert counts() == few


@pytest.mark.parametrize(
    "query",
    [
        {"region": "London"},  # no year: the last complete year, filtered (it was the national table)
        {"year": "abc"},
        {"body": "abc"},
        {"provider_type": "zzz"},
        {"year": "9" * 40},
    ],
)
def test_a_csv_is_filtered_as_asked_or_refused(
    england: None, client: Client, cast: Cast, query: dict[str, str]
) -> None:
    # Found by the probe: a filter without a year, or a bad one, gave the unfiltered national CSV.
    client.force_login(cast.consortium)
    response = client.get(ANALYTICS, {**query, "format": "csv", "table": "holding"})
    if query == {"region": "London"}:
        assert response.status_code == 200
        filtered = client.get(ANALYTICS, {"year": YEAR, "region": "London", "format": "csv", "table": "holding"})
        assert response.content == filtered.content
        national = client.get(ANALYTICS, {"year": YEAR, "format": "csv", "table": "holding"})
        assert response.content != national.content
    else:
        assert response.status_code == 400
        assert "These filters are not valid, so no figures were given" in response.content.decode()
