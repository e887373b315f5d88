"""The privacy notice, accessibility statement and cookies page: reached from the footer, accessible."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import axe_violations

NOTICES = [
    ("Privacy", "Privacy notice", "Your rights"),
    ("Accessibility statement", "Accessibility statement", "Known issues"),
    ("Cookies", "Cookies", "Strictly necessary cookies"),
]


@pytest.mark.parametrize(("link", "heading", "section"), NOTICES)
def test_each_notice_is_reached_from_the_footer_and_is_accessible(
    link: str, heading: str, section: str, edition: Any, live_server: Any, page: Any
) -> None:
    page.goto(f"{live_server.url}/register/")
    page.locator("footer").get_by_role("link", name=link, exact=True).click()
    assert page.locator("h1").inner_text() == heading
    assert page.get_by_role("heading", name=section).count() == 1
    assert axe_violations(page) == []
