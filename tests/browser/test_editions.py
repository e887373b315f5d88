"""The framework pages with two editions: the list of editions and a future edition's label are
accessible and fit a 390 px phone."""

from __future__ import annotations

from typing import Any

from qic.core.actors import SystemActor
from qic.frameworks.loading import load_edition
from tests.browser.test_data_safety import check_page
from tests.fixtures.editions import LATER_CODE, later_edition_data


def test_current_and_future_edition_pages(edition: Any, live_server: Any, page: Any) -> None:
    load_edition(later_edition_data(), actor=SystemActor("tests"))
    page.goto(f"{live_server.url}/framework/")
    assert page.url.endswith("/framework/qic-2024/")
    rows = page.locator("table.govuk-table").first.locator("tbody tr")
    assert rows.count() == 2
    assert "Not yet in force" in rows.nth(0).inner_text()
    assert "In force" in rows.nth(1).inner_text()
    check_page(page)
    page.get_by_role("link", name="test edition effective September 2027").first.click()
    assert page.url.endswith(f"/framework/{LATER_CODE}/")
    assert "This edition is not yet in force" in page.locator(".govuk-warning-text").inner_text()
    check_page(page)
    page.goto(f"{live_server.url}/framework/{LATER_CODE}/sections/1/")
    check_page(page)
