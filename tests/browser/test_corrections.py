"""Corrections in a real browser: a careers leader changes an interview, removes an activity
(confirming), restores it, and finds Zoë by typing "zoe"; axe with every impact level, and
screenshots at 1280 and 390 px in /tmp/shots-i12-corrections/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from qic.core.actors import SystemActor
from qic.domain.dates import long_date
from qic.programme import actions
from qic.programme.models import Activity, Adviser, Interview
from tests.browser.conftest import ALL_IMPACTS, axe_violations
from tests.browser.test_roles import sign_in
from tests.conftest import Cast
from tests.factories import make_activity, make_learner

TODAY = timezone.localdate()
INTERVIEW_DAY = TODAY - dt.timedelta(days=1)
SHOTS = Path("/tmp/shots-i12-corrections")  # noqa: S108 - screenshots to look at, named in the brief


def shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} at {width} px is {overflow} px too wide"
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def school(cast: Cast, live_server: Any) -> str:
    zoe = make_learner(cast.p1, forename="Zoë", surname="Quinn", upn="A123456789012")
    make_learner(cast.p1, forename="Siobhán", surname="O'Brien", upn="B123456789012")
    adviser = Adviser.objects.create(provider=cast.p1, name="Ada Adviser", qualification_level=6)
    actions.save_interview(
        interview=Interview(
            provider=cast.p1,
            learner=zoe,
            adviser=adviser,
            date=INTERVIEW_DAY,
            duration_minutes=30,
            summary="Talked about T Levels",
        ),
        actor=SystemActor("tests"),
    )
    activity = make_activity(cast.p1, title="Engineers talk", date=TODAY - dt.timedelta(days=2))
    actions.record_participation(activity=activity, attended=[zoe.pk], absent=[], actor=SystemActor("tests"))
    return live_server.url


def test_a_leader_corrects_an_interview_removes_and_restores_an_activity_and_finds_zoe(
    cast: Cast, school: str, page: Any
) -> None:
    sign_in(page, school, cast.p1_leader.email)
    page.goto(f"{school}/providers/{cast.p1.urn}/")
    # Change the interview.
    page.get_by_role("link", name="Interviews", exact=True).click()
    page.get_by_role("link", name=f"Change the interview with Zoë Quinn on {long_date(INTERVIEW_DAY)}").click()
    assert axe_violations(page, ALL_IMPACTS) == []
    shoot(page, "interview-edit")
    page.get_by_label("Length in minutes").fill("50")
    page.get_by_role("button", name="Save interview").click()
    assert "Interview with Zoë Quinn updated." in page.inner_text("main")
    assert Interview.objects.get().duration_minutes == 50

    # Remove the activity, confirming.
    page.get_by_role("link", name="Activities", exact=True).click()
    page.get_by_role("link", name="Engineers talk").click()
    page.get_by_role("button", name="Edit activity").click()
    page.get_by_role("button", name="Remove this activity").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Remove the activity “Engineers talk”?"
    assert axe_violations(page, ALL_IMPACTS) == []
    shoot(page, "activity-remove")
    page.get_by_role("button", name="Yes, remove this activity").click()
    assert "“Engineers talk” has been removed" in page.inner_text("main")
    assert Activity.all_objects.get().removed_at is not None

    # Restore it.
    page.get_by_role("link", name="Recently removed").click()
    assert axe_violations(page, ALL_IMPACTS) == []
    shoot(page, "recently-removed")
    page.get_by_role("button", name="Restore Engineers talk").click()
    assert "“Engineers talk” has been restored." in page.inner_text("main")
    assert Activity.objects.get().removed_at is None

    # Find Zoë by typing "zoe".
    page.get_by_role("link", name="Learners", exact=True).click()
    page.get_by_label("Name, UPN, ULN or class").fill("zoe")
    page.get_by_role("button", name="Filter").click()
    main = page.inner_text("main")
    assert "Quinn, Zoë" in main
    assert "O'Brien" not in main
    assert axe_violations(page, ALL_IMPACTS) == []
    shoot(page, "learner-search")
