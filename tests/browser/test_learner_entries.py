"""A learner on a 360 px phone adds an experience and downloads their careers passport (issue 14,
items 5 and 6), each page checked with axe and for sideways scrolling."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.browser.conftest import axe_violations, fill_date
from tests.conftest import Cast
from tests.factories import make_learner, make_learner_account

PHONE = {"width": 360, "height": 740}


def overflow(page: Any) -> int:
    return max(0, int(page.evaluate("document.documentElement.scrollWidth")) - PHONE["width"])


def test_a_learner_adds_an_experience_and_downloads_a_passport_on_a_phone(
    cast: Cast, live_server: Any, page: Any
) -> None:
    amy = make_learner(cast.p1, forename="Amy", surname="Okafor", upn="A123456789012", sen_support=True)
    make_learner_account(amy, sign_in_name="amy.k7q2")
    base = live_server.url
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/learner/sign-in/")
    page.get_by_label("Sign-in name or school email").fill("amy.k7q2")
    page.get_by_label("Password").fill("a-learner-password-1")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/my/")

    page.goto(f"{base}/my/experiences/")
    assert page.locator("h1").inner_text() == "My experiences"
    assert axe_violations(page) == []
    assert overflow(page) == 0
    page.get_by_role("button", name="Add an experience").click()
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Choose what kind of thing it is" in summary
    assert "Write a short title" in summary
    assert axe_violations(page) == []
    assert overflow(page) == 0

    page.get_by_label("Volunteering").check()
    page.get_by_label("Give it a short title").fill("Helping at the food bank")
    page.get_by_label("What did you do? (optional)").fill("I sort donations on Saturdays.")
    fill_date(page, "When did it start?", dt.date(2025, 9, 6))
    page.get_by_label("Grow throughout life").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{base}/my/experiences/")
    assert "Your experience is saved." in page.locator(".govuk-notification-banner").inner_text()
    assert "Helping at the food bank" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    assert overflow(page) == 0

    page.get_by_role("link", name="careers passport").click()
    page.wait_for_url(f"{base}/my/passport/")
    assert axe_violations(page) == []
    assert overflow(page) == 0
    page.get_by_label("About me (optional)").fill("I want to work with people.")
    page.get_by_role("button", name="Show my passport").click()
    preview = page.locator("section[aria-labelledby='passport-title']").inner_text()
    assert "Amy Okafor" in preview
    assert "Helping at the food bank" in preview
    assert "I want to work with people." in preview
    assert "SEN" not in preview
    assert axe_violations(page) == []
    assert overflow(page) == 0
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == "careers-passport.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
