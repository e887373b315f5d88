"""Provider Access in a real browser: marking an encounter through the form, the page at desktop
and phone widths, and recording the policy statement, each checked with axe."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone

from qic.core.actors import SystemActor
from qic.domain.academic import academic_year_of
from qic.domain.upn import upn_check_letter
from qic.programme.actions import record_participation
from qic.programme.models import ProviderAccessStatement
from tests.browser.conftest import axe_violations, fill_date
from tests.browser.test_roles import sign_in
from tests.conftest import Cast
from tests.factories import make_activity, make_learner

TODAY = timezone.localdate()
YEAR = academic_year_of(TODAY)


def upn(serial: int) -> str:
    body = f"335123426{serial:03d}"
    return upn_check_letter(body) + body


def test_marking_an_encounter_and_the_provider_access_page(
    cast: Cast, edition: Any, live_server: Any, page: Any
) -> None:
    pupils = [
        make_learner(
            cast.p1,
            upn=upn(n),
            forename=forename,
            surname=surname,
            date_of_birth=dt.date(YEAR - 14, 12, 1),
            year_group=9,
            year_group_recorded_in=YEAR,
        )
        for n, forename, surname in [(1, "Amara", "Okafor"), (2, "Bartek", "Nowak")]
    ]
    talk = make_activity(
        cast.p1,
        title="College taster",
        activity_type="provider_encounter",
        subtype="fe_college",
        date=dt.date(YEAR - 1, 11, 5),
        year_groups=[8],
        provider_access=True,
        access_provider_type="fe_college",
        in_school_day=True,
        access_covers_provider=True,
        access_covers_careers=True,
        access_covers_learning=True,
        access_covers_questions=True,
    )
    record_participation(activity=talk, attended=[pupils[0].pk], absent=[], actor=SystemActor("tests"))
    base = f"{live_server.url}/providers/{cast.p1.urn}"
    sign_in(page, live_server.url, cast.p1_leader.email)

    # An encounter held at a parents' evening is saved, and the page says why it does not count.
    page.goto(f"{base}/activities/new/")
    page.get_by_label("Title").fill("College stand at parents' evening")
    page.get_by_role("radio", name="Encounter with a next-stage provider").check()
    page.get_by_label("Kind", exact=True).select_option(label="Encounter with a next-stage provider: FE college")
    fill_date(page, "Date", dt.date(YEAR - 1, 11, 20))
    page.get_by_label("A provider-access encounter").check()
    page.get_by_label("Kind of provider").select_option(label="Further education college")
    group = page.get_by_role("group", name="What the encounter covered")
    group.get_by_label("The provider and the qualifications or apprenticeships it offers").check()
    group.get_by_label("The careers these lead to").check()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save activity").click()
    page.wait_for_url(re.compile(r"/activities/\d+/$"))
    main = page.locator("main").inner_text()
    assert "does not count as a provider-access encounter" in main
    assert "not held in the school day" in main
    assert axe_violations(page) == []

    # The page, from the provider's menu.
    page.get_by_role("navigation", name=cast.p1.name).get_by_role("link", name="Provider Access").click()
    page.wait_for_url(f"{base}/provider-access/")
    assert page.locator("h1").inner_text() == "Provider Access"
    table = page.get_by_role("table", name="Each year group's key phase")
    row = table.get_by_role("row").filter(has_text="Year 9")
    assert "1 of 2" in row.inner_text()
    page.get_by_text("Year 9: 2 pupils").click()
    assert page.get_by_role("link", name="Nowak, Bartek").is_visible()
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})

    # The policy statement: a bad address is an error linked to the field, then a good one is saved.
    field = page.get_by_label("Address of your published provider access policy statement")
    field.fill("ftp://files.example.org/policy.pdf")
    page.get_by_role("button", name="Save the address").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter a web address that starts with https://" in summary.inner_text()
    assert axe_violations(page) == []
    field = page.get_by_label("Address of your published provider access policy statement")
    field.fill("https://www.alpha.sch.uk/careers/provider-access")
    page.get_by_role("button", name="Save the address").click()
    # The banner, not the body: reading the body could catch the next page while it loads.
    assert "has been saved" in page.locator(".govuk-notification-banner--success").inner_text()
    assert ProviderAccessStatement.objects.get(provider=cast.p1).url.endswith("/careers/provider-access")
