"""Typing dates into the GOV.UK date input and reading them back, as a careers leader does.

Also saves screenshots at 1280 px and 390 px to /tmp/shots-i12-dates/ (or QIC_SHOTS) for a
person to look at.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

from qic.programme.models import Activity
from tests.browser.conftest import fill_date
from tests.browser.test_roles import sign_in
from tests.browser.test_workspace import TODAY, Workspace, workspace  # noqa: F401  (the fixture)
from tests.conftest import Cast

ALL_IMPACTS = ("minor", "moderate", "serious", "critical")
SHOTS = Path(os.environ.get("QIC_SHOTS", Path(tempfile.gettempdir()) / "shots-i12-dates"))


def shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        # Nothing is wider than a phone's screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
    page.set_viewport_size({"width": 1280, "height": 900})


def axe_all(page: Any) -> list[dict[str, Any]]:
    from tests.browser.conftest import axe_violations

    found = axe_violations(page, impacts=ALL_IMPACTS)
    for violation in found:
        print("AXE", violation)
    return found


def test_an_impossible_date_points_at_the_day_and_a_real_one_is_saved_and_shown(
    cast: Cast,
    workspace: Workspace,  # noqa: F811
    page: Any,
) -> None:
    sign_in(page, workspace.site, cast.p1_leader.email)
    shoot(page, "home")
    page.get_by_role("link", name="Quality in Careers accreditation").click()
    page.get_by_role("navigation", name=cast.p1.name).get_by_role("link", name="Activities").click()
    page.get_by_role("button", name="Add an activity").click()
    page.get_by_label("Title").fill("Engineering employer talk")
    page.get_by_role("radio", name="Employer encounter").check()
    page.get_by_label("Kind", exact=True).select_option(label="Employer encounter: Employer talk")
    date = page.get_by_role("group", name="Date")
    date.get_by_label("Day").fill("31")
    date.get_by_label("Month").fill("2")
    date.get_by_label("Year").fill(str(TODAY.year))
    assert axe_all(page) == []
    shoot(page, "activity-form")
    page.get_by_role("button", name="Save activity").click()

    summary = page.locator(".govuk-error-summary")
    assert "Date must be a real date" in summary.inner_text()
    assert page.locator("#id_date_day").get_attribute("class").endswith("govuk-input--error")
    assert "govuk-input--error" not in (page.locator("#id_date_month").get_attribute("class") or "")
    assert date.get_by_label("Day").input_value() == "31"  # what was typed stays
    assert axe_all(page) == []
    shoot(page, "activity-form-error")
    summary.get_by_role("link", name="Date must be a real date").click()
    assert page.evaluate("document.activeElement.id") == "id_date_day"

    fill_date(page, "Date", dt.date(TODAY.year, 2, 3) if TODAY.month > 2 else TODAY)
    page.get_by_label("A clear purpose shared with everyone, and learning outcomes").check()
    page.get_by_role("button", name="Save activity").click()
    page.locator(".govuk-notification-banner").wait_for()
    saved = Activity.objects.get(title="Engineering employer talk")
    assert f"{saved.date.day} {saved.date:%B} {saved.date.year}" in page.locator("main").inner_text()
    assert axe_all(page) == []
    shoot(page, "activity-saved")


def test_the_audit_log_is_in_uk_time_and_filtered_by_uk_dates(
    cast: Cast,
    workspace: Workspace,  # noqa: F811
    page: Any,
) -> None:
    sign_in(page, workspace.site, cast.p1_leader.email)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit log").click()
    assert "When (UK time)" in page.locator("main").inner_text()
    fill_date(page, "From", TODAY)
    page.get_by_role("group", name="To").get_by_label("Day").fill("32")
    page.get_by_role("group", name="To").get_by_label("Month").fill(str(TODAY.month))
    page.get_by_role("group", name="To").get_by_label("Year").fill(str(TODAY.year))
    page.get_by_role("button", name="Filter").click()
    assert "The 'to' date must be a real date" in page.locator(".govuk-error-summary").inner_text()
    assert axe_all(page) == []
    shoot(page, "audit-log-error")
