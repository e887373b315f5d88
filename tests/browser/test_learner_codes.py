"""Learner access in a real browser: the careers leader gives Year 10 access, prints form 10A's
sign-in codes (after a confirmation), and a learner uses their code on a 360 px phone to choose a
password and reach their own record. axe on every page, no serious or critical findings."""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone

from qic.domain.academic import academic_year_of
from tests.browser.conftest import axe_violations
from tests.browser.test_roles import sign_in
from tests.conftest import Cast
from tests.factories import make_learner

CODE = re.compile(r"[346789A-Y]{4}-[346789A-Y]{4}-[346789A-Y]{4}")


def test_a_leader_prints_codes_and_a_learner_uses_one_on_a_phone(
    cast: Cast, edition: Any, live_server: Any, browser: Any, page: Any
) -> None:
    base = live_server.url
    year = academic_year_of(timezone.localdate())
    for n, (forename, surname, form) in enumerate(
        [("Amy", "Okafor", "10A"), ("Dan", "Evans", "10A"), ("Carl", "Other", "10B")]
    ):
        make_learner(
            cast.p1,
            upn="",
            uln=f"20000000{n:02d}",
            forename=forename,
            surname=surname,
            registration_group=form,
            year_group=10,
            year_group_recorded_in=year,
        )

    sign_in(page, base, cast.p1_leader.email)
    page.goto(f"{base}/providers/{cast.p1.urn}/learners/")
    page.get_by_role("button", name="Learner access").click()
    page.get_by_role("heading", name="Learner access", exact=True).wait_for()
    assert axe_violations(page) == []
    page.get_by_label("Year 10").check()
    page.get_by_label("Days a leaver keeps access").fill("30")
    page.get_by_role("button", name="Save learner access").click()
    page.get_by_text("Learner access has been saved.").wait_for()
    assert page.locator("#count-with-access").inner_text() == "3"

    page.get_by_label("Form group").select_option("10A")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Print sign-in codes for 10A").wait_for()
    assert "Any earlier codes for these learners will stop working" in page.locator("body").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Make new codes and show the sheet").click()
    page.get_by_role("heading", name="Sign-in codes for 10A").wait_for()
    assert axe_violations(page) == []
    sheet = page.locator("main").inner_text()
    assert "Amy Okafor" in sheet
    assert "Dan Evans" in sheet
    assert "Carl" not in sheet
    slip = page.locator(".qic-code-slip", has_text="Amy Okafor")
    code = slip.locator(".qic-code").inner_text()
    assert CODE.fullmatch(code)
    name = slip.get_by_text(re.compile(r"^amy\.[a-z0-9]{4}$")).inner_text()

    phone = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 740})
    learner = phone.new_page()
    learner.goto(f"{base}/learner/sign-in/")
    learner.get_by_role("link", name="Use the code your school gave you").click()
    learner.get_by_role("heading", name="Use your code").wait_for()
    assert axe_violations(learner) == []
    learner.get_by_label("Your code").fill("AAAA-BBBB-CCCC")
    learner.get_by_role("button", name="Continue").click()
    assert "This code is not right" in learner.locator(".govuk-error-summary").inner_text()
    assert axe_violations(learner) == []
    learner.get_by_label("Your code").fill(code.lower())
    learner.get_by_role("button", name="Continue").click()
    learner.get_by_role("heading", name="Choose a password").wait_for()
    assert name in learner.locator("main").inner_text()
    assert axe_violations(learner) == []
    assert learner.evaluate("document.documentElement.scrollWidth") <= 360
    learner.get_by_label("Choose a password").fill("kites-over-the-harbour-42")
    learner.get_by_label("Type your password again").fill("kites-over-the-harbour-42")
    learner.get_by_role("button", name="Save password and sign in").click()
    learner.wait_for_url(f"{base}/my/")
    assert "Hello Amy" in learner.locator("main").inner_text()
    assert "Dan" not in learner.locator("main").inner_text()
    assert axe_violations(learner) == []
    phone.close()
