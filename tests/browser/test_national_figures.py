"""The Consortium's national figures in a real browser (issue 12): filter, drill down and
download by clicks, with and without JavaScript; axe at every impact; screenshots at 1280 and
390 px wide (in /tmp/shots-i12-national/)."""

from __future__ import annotations

import csv
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest

from qic.domain.academic import year_label
from qic.national.models import ProviderYearFigures
from tests.browser.conftest import ALL_IMPACTS, axe_violations
from tests.browser.test_national import LAST_YEAR, endorsement_criteria, national_data  # noqa: F401 (a fixture)
from tests.browser.test_roles import sign_in
from tests.conftest import Cast

pytestmark = pytest.mark.usefixtures("edition", "endorsement_criteria")

SHOTS = Path(tempfile.gettempdir()) / "shots-i12-national"


def shoot(page: Any, name: str) -> None:
    """Screenshots at a desktop's and a phone's width; nothing may be wider than the phone."""
    SHOTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        if width == 390:
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
    page.set_viewport_size({"width": 1280, "height": 900})


def busiest_region() -> str:
    counts: dict[str, int] = {}
    for region in ProviderYearFigures.objects.filter(academic_year=LAST_YEAR).values_list(
        "provider__region", flat=True
    ):
        counts[region] = counts.get(region, 0) + 1
    return max(counts, key=lambda r: counts[r])


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_filter_then_drill_down_then_download(javascript: bool, cast: Cast, live_server: Any, browser: Any) -> None:
    national_data(cast, providers=400)
    region = busiest_region()
    context = browser.new_context(
        bypass_csp=True, viewport={"width": 1280, "height": 900}, java_script_enabled=javascript, accept_downloads=True
    )
    page = context.new_page()
    try:
        sign_in(page, live_server.url, cast.consortium.email)
        # From the home page.
        page.locator("main").get_by_role("link", name="National figures").click()
        page.wait_for_url(re.compile(r"/consortium/analytics/"))
        if javascript:  # axe is a script: it runs in the JavaScript pass over the same pages
            assert axe_violations(page, ALL_IMPACTS) == []
            shoot(page, "analytics")

        if javascript:
            # Another year: htmx redraws the figures, the heading's year and the one live region's text
            # (the region itself stays, so a screen reader announces the new count).
            status = page.get_by_role("status")
            status.evaluate("element => { element.dataset.kept = 'yes' }")
            page.get_by_label("Academic year").select_option(str(LAST_YEAR - 1))
            page.get_by_role("heading", level=1, name=f"National figures, {year_label(LAST_YEAR - 1)}").wait_for()
            status.filter(has_text=f"in {year_label(LAST_YEAR - 1)}").wait_for()
            assert status.get_attribute("data-kept") == "yes"
            assert page.locator("[aria-live], [role=status], [role=alert]").count() == 1

        # Filter: choose the year and the region, then show the figures.
        page.get_by_label("Academic year").select_option(str(LAST_YEAR))
        page.get_by_label("Region (optional)").select_option(region)
        page.get_by_role("button", name="Show figures").click()
        page.wait_for_url(re.compile(r"region="))
        status = page.get_by_role("status")
        status.filter(has_text=region).wait_for()
        assert f": {region}." in status.inner_text()
        # The heading says the year chosen (htmx redraws it too), and one live region announces the change.
        assert page.get_by_role("heading", level=1).inner_text() == f"National figures, {year_label(LAST_YEAR)}"
        assert page.locator("[aria-live], [role=status], [role=alert]").count() == 1
        assert f"year={LAST_YEAR}" in page.get_by_role(
            "link", name="Consistency between Awarding Bodies"
        ).get_attribute("href")
        figures = page.locator("#national-figures")
        assert figures.get_by_role("table", name="By region").count() == 0
        assert figures.get_by_role("table", name="By type of provider").count() == 1
        # The page as it is after the filter (with htmx only the figures were swapped).
        assert page.get_by_label("Region (optional)").input_value() == region
        if javascript:  # axe is a script: it runs in the JavaScript pass over the same pages
            assert axe_violations(page, ALL_IMPACTS) == []
            shoot(page, "analytics-filtered")

        # Drill down: benchmark 3 in the region, by type of provider.
        page.get_by_role("link", name=re.compile(r"^Benchmark 3 by\s*type$")).click()
        page.wait_for_url(re.compile(r"/consortium/analytics/breakdown/"))
        assert page.get_by_role("heading", level=1).inner_text() == "Benchmark 3 fully achieved, by type of provider"
        assert region in page.locator(".govuk-caption-l").inner_text()
        table = page.get_by_role("table", name="By type of provider")
        rows = table.locator("tbody tr")
        assert rows.count() >= 2
        cells = table.locator("tbody td").all_inner_texts()
        assert all(re.fullmatch(r"\d+|\d+%|\d\.\d|suppressed|–", c) for c in cells), cells
        if javascript:  # axe is a script: it runs in the JavaScript pass over the same pages
            assert axe_violations(page, ALL_IMPACTS) == []
            shoot(page, "drill-down")

        # Download the rows behind the figure.
        with page.expect_download() as info:
            page.get_by_role("link", name="Download this table (CSV)").click()
        download = info.value
        assert (
            download.suggested_filename
            == f"qic-national-figures-{LAST_YEAR}-{(LAST_YEAR + 1) % 100:02d}-by-provider_type-rows.csv"
        )
        with open(download.path(), encoding="utf-8-sig", newline="") as f:
            downloaded = list(csv.reader(f))
        assert downloaded[0][:2] == ["Type of provider", "Providers"]
        assert downloaded[0][-1] == "Benchmark 3 fully achieved (%)"
        shown = [r.locator("th").inner_text().removeprefix("All figures for").strip() for r in rows.all()]
        assert [r[0] for r in downloaded[1:-1]] == shown
        assert downloaded[-1][0] == "All"

        # A row of the drill-down leads back to the figures narrowed to it.
        first = rows.first.get_by_role("link")
        if first.count():
            name = first.inner_text().removeprefix("All figures for").strip()
            first.click()
            page.wait_for_url(re.compile(r"provider_type="))
            assert name in page.get_by_role("status").inner_text()
    finally:
        context.close()


def test_consistency_and_workload_pages_download_each_table(cast: Cast, live_server: Any, page: Any) -> None:
    national_data(cast, providers=60)
    sign_in(page, live_server.url, cast.consortium.email)
    menu = page.get_by_role("navigation", name="Menu")
    menu.get_by_role("link", name="Workload").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download this table (CSV)").click()
    assert info.value.suggested_filename.startswith("qic-awarding-bodies-")
    assert axe_violations(page, ALL_IMPACTS) == []
    shoot(page, "workload")
    menu.get_by_role("link", name="National figures").click()
    page.get_by_role("link", name="Consistency between Awarding Bodies").click()
    page.get_by_role("heading", level=1, name="Consistency between Awarding Bodies").wait_for()
    links = page.get_by_role("link", name=re.compile(r"^Download “"))
    assert links.count() == 4
    with page.expect_download() as info:
        links.last.click()
    with open(info.value.path(), encoding="utf-8-sig", newline="") as f:
        assert next(csv.reader(f))[:3] == ["Awarding Body", "Latest outcome", "Providers"]
    assert axe_violations(page, ALL_IMPACTS) == []
    shoot(page, "consistency")
