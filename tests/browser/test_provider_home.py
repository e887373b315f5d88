"""Issue 12, "home is the work", in a real browser on the demo data: the demo careers leader signs in
and lands on this year's eight benchmarks and what needs doing next, follows a to-do link, and
reaches the figures through the provider's navigation from a form page. Every page passes axe at
all impact levels and fits a 390 px phone, a 120-character organisation name included.
Screenshots at 1280 and 390 px go to QIC_SHOTS if it is set."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from qic.accreditation.models import Accreditation
from qic.demo.build import DEMO_PASSWORD, build_demo
from qic.organisations.models import Provider, User
from tests.browser.conftest import ALL_IMPACTS, axe_violations
from tests.browser.test_data_safety import overflow_at_phone_width
from tests.totp import code_for, totp_device_for

LEADER = "leader@riverside.demo.qic.test"
GOVERNOR = "governor@riverside.demo.qic.test"


def shots(page: Any, name: str) -> None:
    """The page at 1280 and at 390 px wide, for a person to look at."""
    folder = os.environ.get("QIC_SHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(size)


def check(page: Any) -> None:
    """One h1, no axe violation of any impact, and nothing wider than a 390 px phone."""
    assert page.locator("h1").count() == 1, page.url
    assert axe_violations(page, ALL_IMPACTS) == [], page.url
    overflow, culprits = overflow_at_phone_width(page)
    assert overflow <= 4, (page.url, culprits)


def sign_in_demo(page: Any, base: str, email: str) -> None:
    device = totp_device_for(User.objects.get(email=email))
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/accounts/two-factor/*")
    page.get_by_label("Code").fill(code_for(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base}/home/")


@pytest.fixture
def demo(edition: Any, live_server: Any) -> str:
    build_demo()
    return str(live_server.url)


def test_the_demo_careers_leader_starts_from_the_benchmarks_and_the_to_do_list(demo: str, page: Any) -> None:
    sign_in_demo(page, demo, LEADER)
    riverside = Provider.objects.get(name__startswith="Riverside Academy")
    main = page.locator("main")
    assert page.locator("h1").inner_text() == "Welcome, Jo"
    cards = page.locator(".qic-glance__item")
    assert cards.count() == 8
    assert [cards.nth(n).locator("h3").inner_text().split()[0] for n in range(8)] == [f"BM{n}" for n in range(1, 9)]
    assert "National average" in cards.nth(4).inner_text()
    todo = page.get_by_role("list", name="What needs doing next")
    assert todo.locator("li").count() >= 3
    assert "Provider Access, Year 9" in todo.inner_text()
    for action in ("New activity", "Take a register", "Record an interview", "Import learners"):
        assert main.get_by_role("button", name=action).count() == 1
    taking_part = page.get_by_role("heading", name=re.compile(r"^Learners taking part"))
    assert taking_part.count() == 1
    assert "Reflections on meaningful encounters" in main.locator(".govuk-summary-list").first.inner_text()
    check(page)
    shots(page, "home")

    # A to-do item leads to the work it names.
    todo.get_by_role("link", name=re.compile(r"^Provider Access, Year 9")).click()
    page.wait_for_url(f"{demo}/providers/{riverside.urn}/provider-access/")
    assert "Provider Access" in page.locator("h1").inner_text()

    # A form page carries the provider's navigation: from the new-activity form to the figures.
    page.get_by_role("link", name="Home", exact=True).click()
    page.get_by_role("button", name="New activity").click()
    page.wait_for_url(f"{demo}/providers/{riverside.urn}/activities/new/")
    nav = page.get_by_role("navigation", name=riverside.name)
    nav.get_by_role("link", name="Benchmarks", exact=True).click()
    page.wait_for_url(f"{demo}/providers/{riverside.urn}/benchmarks/")
    assert page.locator("h1").inner_text().startswith("Gatsby Benchmarks")
    legend = page.get_by_role("list", name="Key to the chart").inner_text()
    assert "fully achieved" in legend
    table = page.get_by_role("table", name="The eight benchmarks")
    assert "National average" in table.locator("thead").inner_text()
    check(page)
    shots(page, "dashboard")


def test_a_long_organisation_name_does_not_break_the_header_on_a_phone(demo: str, page: Any) -> None:
    long_name = ("The Very Long Named Riverside Community Academy and Sixth Form Centre of Excellence " * 2)[:120]
    Provider.objects.filter(name__startswith="Riverside Academy").update(name=long_name)
    sign_in_demo(page, demo, LEADER)
    page.set_viewport_size({"width": 390, "height": 900})
    page.reload()
    organisation = page.locator(".qic-header-account__org")
    assert organisation.inner_text() == long_name
    box = organisation.bounding_box()
    assert box is not None
    assert box["height"] < 30  # one line, cut with an ellipsis
    assert box["x"] + box["width"] <= 390
    check(page)
    shots(page, "home-long-name")


def test_the_pages_with_wide_tables_fit_a_phone(demo: str, page: Any) -> None:
    """The BM5 page's "Groups of learners", the accreditation round's tables and Provider Access
    (with its published statement's web address) scroll inside their own box on a 390 px phone;
    the page itself never scrolls sideways, for the careers leader or the governor."""
    riverside = Provider.objects.get(name__startswith="Riverside Academy")
    accreditation = Accreditation.objects.filter(provider=riverside).order_by("pk").first()
    assert accreditation is not None
    base = f"{demo}/providers/{riverside.urn}"
    page.set_viewport_size({"width": 390, "height": 900})
    sign_in_demo(page, demo, LEADER)
    for path, table in (
        ("/benchmarks/BM5/", "Groups of learners"),
        (f"/accreditation/{accreditation.pk}/", "Section 1: "),
        ("/provider-access/", "Each year group's key phase"),
    ):
        page.goto(base + path)
        assert page.get_by_role("region", name=re.compile(re.escape(table))).get_by_role("table").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, (path, overflow_at_phone_width(page))
        shots(page, "wide-tables-" + path.strip("/").split("/")[0])
    page.get_by_role("button", name="Sign out").click()
    sign_in_demo(page, demo, GOVERNOR)
    page.goto(base + "/provider-access/")
    assert page.get_by_role("region", name="Each year group's key phase").get_by_role("table").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, overflow_at_phone_width(page)
    check(page)
