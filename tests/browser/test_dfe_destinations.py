"""The Consortium loads the DfE destination measures through the page in a real browser (issue 16,
"Done means"): from the navigation, a good file and a bad one, each page checked with axe-core and
at 390 px wide."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import axe_violations
from tests.browser.test_roles import sign_in
from tests.conftest import Cast

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "dfe"


def _fits_a_phone(page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_consortium_loads_a_file_through_the_page(cast: Cast, live_server: Any, page: Any) -> None:
    sign_in(page, live_server.url, cast.consortium.email)
    page.get_by_role("link", name="DfE destinations").click()
    page.get_by_role("heading", name="DfE destination measures", level=1).wait_for()
    assert axe_violations(page) == []
    _fits_a_phone(page)

    # A file with bad rows: nothing is loaded, each problem is listed by line.
    page.get_by_label("Destination measures file (CSV)").set_input_files(str(FIXTURES / "ks4_dm_bad_values.csv"))
    page.get_by_label("Key stage 4").check()
    page.get_by_role("button", name="Load the file").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Nothing was loaded: 6 problems" in summary.inner_text()
    assert "“ninety” is not a number" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    _fits_a_phone(page)

    # The good file: its report.
    page.get_by_label("Destination measures file (CSV)").set_input_files(str(FIXTURES / "ks4_dm_national_la.csv"))
    page.get_by_label("Key stage 4").check()
    page.get_by_role("button", name="Load the file").click()
    page.wait_for_url(f"{live_server.url}/consortium/destinations/*/")
    text = page.locator("main").inner_text()
    assert "36 figures created, 0 changed, 0 unchanged." in text
    assert "2 rows skipped: Geographic level: Regional" in text
    assert axe_violations(page) == []
    _fits_a_phone(page)

    page.get_by_role("link", name="Back to the DfE destination measures").click()
    assert "ks4_dm_national_la.csv" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    _fits_a_phone(page)
