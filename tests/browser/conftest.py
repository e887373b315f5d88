"""Browser tests: Playwright for Python driving Debian's chromium, with axe-core checks."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("QIC_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# Flags that keep chromium quiet on a machine with no internet (it otherwise retries
# Google's hosts at every start) and let it run as root in CI.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between page actions are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"Browser tests need chromium at {CHROMIUM}: run scripts/ensure-chromium")
    if not AXE.exists():
        pytest.fail("Browser tests need axe-core from npm: run `make setup`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    # axe is injected as an inline script, which our CSP (rightly) refuses; only the test
    # context bypasses it. The CSP itself is tested separately.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def fill_date(page: Any, legend: str, day: dt.date) -> None:
    """Type a date into the GOV.UK date input whose legend starts with `legend`, as a person does."""
    group = page.get_by_role("group", name=re.compile(rf"^{re.escape(legend)}"))
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))
    # And moves on, as a person does: a box's change event (htmx redraws on it) fires when it loses focus.
    group.get_by_label("Year").press("Tab")


ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """Run axe-core on the page and return its violations of the given impacts (serious and
    critical unless asked; `ALL_IMPACTS` for every one)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


ALL_IMPACTS = ("minor", "moderate", "serious", "critical")
