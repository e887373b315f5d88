"""The destinations analysis in a browser (issue 16, the analysis): a governor reads it on a
390 px phone, with and without JavaScript (the cohorts are tabs, or one under another); it passes
axe and does not scroll sideways (its wide tables scroll in their own box)."""

from __future__ import annotations

import os
from typing import Any

from django.urls import reverse

from qic.domain.academic import year_label
from tests.browser.conftest import axe_violations
from tests.browser.test_roles import sign_in
from tests.conftest import Cast
from tests.destinations.analysis_helpers import cohort_years
from tests.destinations.test_analysis_page import SECRET_SURNAME, dfe_rows_for, made_up_cohort

PHONE = {"width": 390, "height": 844}


def _fits_a_phone(page: Any, name: str) -> str:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow} px too wide at 390 px"
    if os.environ.get("QIC_SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['QIC_SCREENSHOTS']}/destinations-{name}.png", full_page=True)
    return str(page.locator("main").inner_text())


def test_a_governor_reads_the_analysis_on_a_phone(cast: Cast, live_server: Any, browser: Any) -> None:
    year = cohort_years()[1]
    made_up_cohort(cast.p1, year)
    dfe_rows_for(year)
    address = live_server.url + reverse("destinations:analysis", args=[cast.p1.urn])
    for javascript in (True, False):
        context = browser.new_context(bypass_csp=True, viewport=PHONE, java_script_enabled=javascript)
        context.set_default_timeout(10_000)
        page = context.new_page()
        try:
            if javascript:
                sign_in(page, live_server.url, cast.p1_governor.email)
            else:
                context.add_cookies(_session_cookies_of(browser, live_server, cast))
            page.goto(address)
            if javascript:
                assert axe_violations(page) == []
            # On a phone GOV.UK's tabs stay a list of links, every cohort shown one under another.
            assert page.get_by_role("heading", name=f"{year_label(year)} leavers", exact=True).is_visible()
            text = _fits_a_phone(page, "js" if javascript else "no-js")
            assert "Destinations analysis" in text
            assert "75%" in text
            assert "not published (c)" in text
            assert SECRET_SURNAME not in text
        finally:
            context.close()


def _session_cookies_of(browser: Any, live_server: Any, cast: Cast) -> list[dict[str, Any]]:
    """A signed-in governor's cookies, from a session opened with JavaScript on."""
    context = browser.new_context(bypass_csp=True, viewport=PHONE)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, cast.p1_governor.email)
        return list(context.cookies())
    finally:
        context.close()
