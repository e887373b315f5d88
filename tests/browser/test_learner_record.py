"""A learner on a 360 px phone signs in with their sign-in name and reads the actions they agreed
in their careers interview; the page passes axe and nothing is wider than the screen. The staff
preview of the same page passes axe too."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from django.utils import timezone

from qic.domain.academic import academic_year_of
from qic.programme.actions import record_participation, save_interview
from qic.programme.models import Adviser, Interview
from tests.browser.conftest import axe_violations
from tests.browser.test_roles import sign_in
from tests.conftest import Cast
from tests.factories import make_activity, make_learner, make_learner_account

TODAY = timezone.localdate()
YEAR = academic_year_of(TODAY)
PHONE = {"width": 360, "height": 740}
PASSWORD = "a-learner-password-1"


def test_a_learner_reads_their_agreed_actions_on_a_phone(cast: Cast, live_server: Any, page: Any) -> None:
    amy = make_learner(
        cast.p1,
        forename="Amy",
        surname="Okafor",
        date_of_birth=dt.date(YEAR - 15, 1, 15),
        year_group=11,
        year_group_recorded_in=YEAR,
    )
    other = make_learner(cast.p1, forename="Ben", surname="Quist", upn="B201100018042")
    adviser = Adviser.objects.create(provider=cast.p1, name="Jo Adviser")
    for learner, summary, actions in [
        (amy, "We talked about working with animals.", "Ask the vet surgery about a week of work experience."),
        (other, "Ben likes building things.", "Ben will email the engineering college."),
    ]:
        save_interview(
            interview=Interview(
                provider=cast.p1,
                learner=learner,
                adviser=adviser,
                date=TODAY,
                duration_minutes=45,
                summary=summary,
                agreed_actions=actions,
            ),
            actor=cast.p1_leader,
        )
    talk = make_activity(cast.p1, title="Vets at work talk", date=TODAY, partner="Greenfield Vets")
    record_participation(activity=talk, attended=[amy.pk, other.pk], absent=[], actor=cast.p1_leader)
    make_learner_account(amy, sign_in_name="amy.k7q2", password=PASSWORD)

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/learner/sign-in/")
    page.get_by_label("Sign-in name or school email").fill("amy.k7q2")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/my/")

    card = page.locator(".govuk-summary-card", has_text="Careers interview on")
    assert "Jo Adviser" in card.inner_text()
    actions = card.locator(".govuk-summary-list__row", has_text="What you agreed to do next")
    assert actions.is_visible()
    assert "Ask the vet surgery about a week of work experience." in actions.inner_text()
    text = page.locator("main").inner_text()
    assert "Vets at work talk" in text
    assert "You have met employers this year." in text
    assert "Ben" not in text
    assert "engineering college" not in text
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow} px too wide at 360 px"
    assert axe_violations(page) == []
    if os.environ.get("QIC_SCREENSHOTS"):
        page.screenshot(path=os.environ["QIC_SCREENSHOTS"] + "/learner-record-360.png", full_page=True)


def test_the_staff_preview_of_the_learners_page(cast: Cast, live_server: Any, page: Any) -> None:
    amy = make_learner(cast.p1, forename="Amy", surname="Okafor")
    sign_in(page, live_server.url, cast.p1_leader.email)
    page.goto(f"{live_server.url}/providers/{cast.p1.urn}/learners/{amy.pk}/")
    page.get_by_role("link", name="See the careers record as Amy Okafor sees it").click()
    assert "This is what Amy Okafor sees when they sign in." in page.locator("main").inner_text()
    assert axe_violations(page) == []
    page.set_viewport_size(PHONE)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
