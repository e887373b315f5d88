"""Recording destinations in a real browser (issue 16, item 1): from the provider's navigation to
the hub, a cohort's learners with nothing recorded, a learner's destinations, the add form (radios
and the GOV.UK date input), the import's preview and confirmation, and removing with its warning
button. Every page: one h1, no serious or critical axe violation, no sideways scroll at 390 px."""

from __future__ import annotations

import datetime as dt
from typing import Any

from qic.destinations.models import Destination
from tests.browser.conftest import fill_date
from tests.browser.test_data_safety import check_page
from tests.browser.test_roles import sign_in
from tests.conftest import Cast
from tests.destinations.entry_factories import known_cohort, leaver, upn


def test_a_careers_leader_records_and_imports_destinations(
    cast: Cast, edition: Any, live_server: Any, page: Any
) -> None:
    year = known_cohort()  # sustained: known from 31 March after leaving
    went = leaver(cast.p1, 1, year=year, forename="Amara", surname="Okafor")
    leaver(cast.p1, 2, year=year, forename="Bartek", surname="Nowak")
    base = f"{live_server.url}/providers/{cast.p1.urn}"
    sign_in(page, live_server.url, cast.p1_leader.email)

    page.goto(f"{base}/")
    page.get_by_role("navigation", name=cast.p1.name).get_by_role("link", name="Destinations").click()
    page.wait_for_url(f"{base}/destinations/")
    check_page(page)

    page.get_by_role("link", name=f"2 to do in Year 11 in {year}/{(year + 1) % 100:02d}").click()
    page.wait_for_url(f"{base}/destinations/cohort/*")
    assert "Okafor, Amara" in page.locator("main").inner_text()
    check_page(page)

    page.get_by_role("link", name="Okafor, Amara").click()
    page.wait_for_url(f"{base}/learners/{went.pk}/destinations/")
    check_page(page)
    page.get_by_role("button", name="Add a destination").click()
    page.wait_for_url(f"{base}/learners/{went.pk}/destinations/add/")
    check_page(page)
    page.get_by_label("Actual: where the learner went after leaving").check()
    page.get_by_label("Further education college").check()
    fill_date(page, "Date recorded", dt.date(year + 1, 9, 1))
    page.get_by_role("group", name="Sustained").get_by_label("Yes").check()
    page.get_by_role("textbox", name="Where (optional)").fill("Preston College")
    page.get_by_role("button", name="Save destination").click()
    page.wait_for_url(f"{base}/learners/{went.pk}/destinations/")
    assert "Actual destination recorded: Further education college" in page.locator("main").inner_text()
    assert Destination.objects.get(learner=went).detail == "Preston College"

    page.goto(f"{base}/destinations/import/")
    check_page(page)
    content = (
        f"UPN,destination,date,sustained\r\n{upn(2)},Apprenticeship,02/09/{year + 1},\r\n"
        f"{upn(1)},FE,01/09/{year + 1},yes\r\n"
    )
    page.get_by_label("Destinations (CSV)").set_input_files(
        {"name": "destinations.csv", "mimeType": "text/csv", "buffer": content.encode()}
    )
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()
    assert "Check the destinations to import" in page.locator("h1").inner_text()
    check_page(page)
    page.get_by_role("button", name="Record 1 destination").click()
    page.wait_for_url(f"{base}/destinations/")
    assert "1 destination recorded from destinations.csv" in page.locator("main").inner_text()
    assert Destination.objects.count() == 2

    page.goto(f"{base}/learners/{went.pk}/destinations/")
    page.get_by_role("link", name="Remove").first.click()
    page.wait_for_url(f"{base}/learners/{went.pk}/destinations/*/remove/")
    check_page(page)
    page.get_by_role("button", name="Yes, remove this destination").click()
    page.wait_for_url(f"{base}/learners/{went.pk}/destinations/")
    assert not Destination.objects.filter(learner=went).exists()
