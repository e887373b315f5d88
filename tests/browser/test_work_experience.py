"""The work-experience guarantee page in a real browser: reached from the navigation, filtered
with its form, accessible (axe) on a desktop and a 390 px phone."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from qic.core.actors import SystemActor
from qic.domain.academic import academic_year_of, year_start
from qic.domain.upn import upn_check_letter
from qic.learners.models import Learner
from qic.programme.actions import record_participation
from tests.browser.conftest import axe_violations
from tests.browser.test_roles import sign_in
from tests.conftest import Cast
from tests.factories import make_activity, make_learner

TODAY = timezone.localdate()
YEAR = academic_year_of(TODAY)


def upn(serial: int) -> str:
    body = f"335123426{serial:03d}"
    return upn_check_letter(body) + body


@pytest.fixture
def school(cast: Cast, edition: Any, live_server: Any) -> str:
    """Three pupils: Okafor (Y11, disadvantaged) had a 10-hour visit; Nowak (Y9, SEN support) had
    none; Singh (Y8) had 9 hours last year and is on track."""
    learners: dict[str, Learner] = {}
    for serial, forename, surname, year_group, flags in [
        (1, "Amara", "Okafor", 11, {"pupil_premium": True}),
        (2, "Bartek", "Nowak", 9, {"sen_support": True}),
        (3, "Chloe", "Singh", 8, {}),
    ]:
        learners[surname] = make_learner(
            cast.p1,
            upn=upn(serial),
            forename=forename,
            surname=surname,
            date_of_birth=dt.date(YEAR - year_group - 5, 12, 1),
            year_group=year_group,
            year_group_recorded_in=YEAR,
            **flags,
        )
    for on, hours, who in [(year_start(YEAR), "10", "Okafor"), (dt.date(YEAR, 3, 1), "9", "Singh")]:
        activity = make_activity(
            cast.p1,
            title=f"Visit {hours} h",
            activity_type="workplace_experience",
            subtype="visit",
            date=on,
            hours=Decimal(hours),
            employer_feedback=True,
        )
        record_participation(activity=activity, attended=[learners[who].pk], absent=[], actor=SystemActor("tests"))
    return f"{live_server.url}/providers/{cast.p1.urn}"


def test_the_leader_finds_and_filters_the_pupils_below_target(cast: Cast, school: str, page: Any) -> None:
    sign_in(page, school.split("/providers/")[0], cast.p1_leader.email)
    page.goto(f"{school}/")
    page.get_by_role("link", name="Work experience", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Work-experience guarantee"
    table = page.get_by_role("table", name="Pupils below the target, furthest behind first")
    assert table.get_by_role("row").count() == 3  # the header and two pupils
    assert "Okafor, Amara" in table.inner_text()
    assert "Singh" not in table.inner_text()
    assert axe_violations(page) == []

    page.get_by_label("Group", exact=True).select_option(label="SEND (SEN support or EHC plan)")
    page.get_by_role("button", name="Show").click()
    # The form reloads the page: wait for the new one (counting rows at once could read the old or a blank page).
    page.wait_for_url(re.compile(r"[?&]group=send"))
    table = page.get_by_role("table", name="Pupils below the target, furthest behind first")
    assert table.get_by_role("row").count() == 2
    assert "Nowak, Bartek" in table.inner_text()
    assert axe_violations(page) == []


def test_the_page_is_usable_on_a_phone_and_shows_a_governor_no_names(cast: Cast, school: str, page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, school.split("/providers/")[0], cast.p1_governor.email)
    page.goto(f"{school}/work-experience/")
    main = page.locator("main").inner_text()
    assert "Names are shown to the school's own staff only." in main
    for name in ("Okafor", "Nowak", "Singh"):
        assert name not in main
    # Wide tables scroll inside their own box: the page itself does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
