"""Issue 12's target in a real browser: a careers leader takes a 200-pupil year-group register with
five absences in under a minute of clicks, tells three namesakes apart, and copies the activity for
another year group; axe with every impact level, screenshots at 1280 and 390 px wide."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from qic.domain.academic import academic_year_of
from qic.domain.names import search_key
from qic.domain.upn import upn_check_letter
from qic.learners.models import Learner
from qic.programme.models import Activity, Participation
from tests.browser.conftest import ALL_IMPACTS, axe_violations
from tests.browser.test_roles import sign_in
from tests.conftest import Cast
from tests.factories import make_activity

TODAY = timezone.localdate()
YEAR = academic_year_of(TODAY)
SHOTS = Path(os.environ.get("QIC_SHOTS") or Path(tempfile.gettempdir()) / "shots-i12-register")
ABSENT = ["Pupil007, Ffion", "Pupil042, Ffion", "Pupil120, Ffion", "Pupil196, Ffion"]


def upn(serial: int) -> str:
    body = f"8889009{serial:05d}"
    return upn_check_letter(body) + body


def shoot(page: Any, name: str) -> None:
    """The page at 1280 and 390 px wide (whole length), then back to 1280."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        # Nothing is wider than the phone's screen: no sideways scrolling of the whole page.
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} overflows at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def school(cast: Cast, edition: Any, live_server: Any) -> str:
    """Year 10: 197 pupils in three forms plus three called Aled Ahmed (two in 10A, born on the
    same day as the one in 10B); Year 11: 30 more; an employer talk held yesterday for Year 10."""
    learners = [
        Learner(
            provider=cast.p1,
            upn=upn(n),
            forename="Ffion",
            surname=f"Pupil{n:03d}",
            date_of_birth=dt.date(YEAR - 15, 1 + n % 12, 1 + n % 28),
            sex="F",
            year_group=10,
            year_group_recorded_in=YEAR,
            registration_group=f"10{'ABC'[n % 3]}",
        )
        for n in range(197)
    ]
    for n, (form, born) in enumerate([("10A", 3), ("10B", 3), ("10A", 9)], start=300):
        learners.append(
            Learner(
                provider=cast.p1,
                upn=upn(n),
                forename="Aled",
                surname="Ahmed",
                date_of_birth=dt.date(YEAR - 15, 5, born),
                sex="M",
                year_group=10,
                year_group_recorded_in=YEAR,
                registration_group=form,
            )
        )
    learners += [
        Learner(
            provider=cast.p1,
            upn=upn(400 + n),
            forename="Gwen",
            surname=f"Senior{n:02d}",
            date_of_birth=dt.date(YEAR - 16, 2, 2),
            sex="F",
            year_group=11,
            year_group_recorded_in=YEAR,
            registration_group="11A",
        )
        for n in range(30)
    ]
    for learner in learners:
        learner.search_name = search_key(learner.forename, learner.surname)  # bulk_create skips save()
    Learner.objects.bulk_create(learners)
    make_activity(cast.p1, title="Engineering employer talk", date=TODAY - dt.timedelta(days=1), year_groups=[10])
    return live_server.url


def test_a_year_group_register_with_five_absences_in_under_a_minute(cast: Cast, school: str, page: Any) -> None:
    sign_in(page, school, cast.p1_leader.email)
    page.goto(f"{school}/providers/{cast.p1.urn}/activities/")
    started = time.monotonic()
    page.get_by_role("link", name="Engineering employer talk").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Engineering employer talk"
    assert "No learners recorded yet." in page.locator("main").inner_text()
    # The page does not draw the roll: nothing to tick until learners are chosen.
    assert page.locator('input[name="absent"]').count() == 0
    assert axe_violations(page, ALL_IMPACTS) == []

    # The activity is planned for Year 10, so Year 10 is offered: one click shows its pupils.
    assert page.get_by_label("Year group").input_value() == "10"
    page.get_by_role("button", name="Show learners").click()
    page.get_by_role("heading", name="Year 10: 200 learners").wait_for()
    assert page.get_by_role("group", name="Who was absent?").get_by_role("checkbox").count() == 200
    assert page.locator("[data-register-count]").inner_text() == "0 absent, 200 present"
    # htmx drew the list in place and said how many (a live region), and the address is a link to it.
    assert page.locator("#register-choice-count").inner_text() == "Year 10: 200 learners"
    assert "year_group=10" in page.url

    # Three Aled Ahmeds: form group and date of birth tell them apart.
    namesakes = page.locator(".govuk-checkboxes__item").filter(has_text="Ahmed, Aled")
    assert namesakes.count() == 3
    assert sorted(namesakes.nth(i).locator(".govuk-hint").inner_text() for i in range(3)) == [
        f"Form 10A · born 3 May {YEAR - 15}",
        f"Form 10A · born 9 May {YEAR - 15}",
        f"Form 10B · born 3 May {YEAR - 15}",
    ]
    assert axe_violations(page, ALL_IMPACTS) == []
    shoot(page, "register-year-10")

    # Five absent: four by name, and the Aled Ahmed in 10B.
    for name in ABSENT:
        page.get_by_role("checkbox", name=name, exact=True).check()
    namesakes.filter(has_text="Form 10B").get_by_role("checkbox").check()
    # The count beside the Save button follows the ticks (a live region, so it is said too).
    assert page.get_by_role("status").filter(has_text="present").inner_text() == "5 absent, 195 present"
    page.get_by_role("button", name="Save register").click()

    page.get_by_text("Register saved:").wait_for()
    body = page.locator("body").inner_text()
    assert "Register saved: 200 added, 0 changed. Benchmark figures are updated." in body
    assert "195 present, 5 absent." in body
    elapsed = time.monotonic() - started
    assert elapsed < 60, f"{elapsed:.0f} s"
    # The absent come first on the register, to check at a glance.
    table = page.get_by_role("table", name="Register: learners 1 to 50 of 200")
    first_rows = [table.get_by_role("row").nth(i).inner_text() for i in range(1, 6)]
    assert all("Absent" in row for row in first_rows)
    assert sorted(row.split("\t")[0] for row in first_rows) == sorted([*ABSENT, "Ahmed, Aled"])
    assert axe_violations(page, ALL_IMPACTS) == []
    shoot(page, "activity-after-register")

    activity = Activity.objects.get(title="Engineering employer talk")
    saved = Participation.objects.filter(activity=activity)
    assert (saved.filter(attended=True).count(), saved.filter(attended=False).count()) == (195, 5)
    assert not saved.filter(learner__year_group=11).exists()

    # Choosing Year 10 again ticks the five recorded absent; a second choice replaces the first.
    page.get_by_role("button", name="Show learners").click()
    page.get_by_role("heading", name="Year 10: 200 learners").wait_for()
    assert page.get_by_role("group", name="Who was absent?").locator("input:checked").count() == 5
    page.get_by_role("textbox", name="Name (optional)").fill("ahmed aled")
    page.get_by_role("button", name="Show learners").click()
    page.get_by_role("heading", name="Year 10, names with “ahmed aled”: 3 learners").wait_for()
    assert page.get_by_role("group", name="Who was absent?").locator("input:checked").count() == 1
    page.get_by_label("Year group").select_option(label="Year 11 (30 learners)")
    page.get_by_role("textbox", name="Name (optional)").fill("")
    page.get_by_role("button", name="Show learners").click()
    page.get_by_role("heading", name="Year 11: 30 learners").wait_for()
    assert "year_group=10" not in page.url


def test_copying_the_activity_for_another_year_group(cast: Cast, school: str, page: Any) -> None:
    sign_in(page, school, cast.p1_leader.email)
    page.goto(f"{school}/providers/{cast.p1.urn}/activities/")
    page.get_by_role("link", name="Engineering employer talk").click()
    page.get_by_role("button", name="Copy this activity to a new one").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Add an activity"
    assert "A copy of “Engineering employer talk”" in page.locator("main").inner_text()
    assert page.get_by_label("Title").input_value() == "Engineering employer talk"
    year_groups = page.get_by_role("group", name="Year groups")
    assert year_groups.get_by_label("Year 10").is_checked()
    year_groups.get_by_label("Year 10").uncheck()
    year_groups.get_by_label("Year 11").check()
    assert axe_violations(page, ALL_IMPACTS) == []
    shoot(page, "activity-copy")
    page.get_by_role("button", name="Save activity").click()

    page.get_by_text("has been saved.").wait_for()
    assert "“Engineering employer talk” has been saved." in page.locator("body").inner_text()
    assert "Year 11" in page.locator(".govuk-summary-list").inner_text()
    assert Activity.objects.filter(title="Engineering employer talk").count() == 2
    # The copy is planned for Year 11, so Year 11 is offered for its register.
    assert page.get_by_label("Year group").input_value() == "11"


def test_without_javascript_a_form_group_register_is_taken(cast: Cast, school: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, school, cast.p1_leader.email)
        page.goto(f"{school}/providers/{cast.p1.urn}/activities/")
        page.get_by_role("link", name="Engineering employer talk").click()
        page.get_by_label("Year group").select_option(label="Any year group")
        page.get_by_label("Form group").select_option("11A")
        page.get_by_role("button", name="Show learners").click()
        page.get_by_role("heading", name="form group 11A: 30 learners").wait_for()
        page.get_by_role("checkbox", name="Senior03, Gwen").check()
        page.get_by_role("button", name="Save register").click()
        page.get_by_text("Register saved:").wait_for()
        assert "29 present, 1 absent." in page.locator("main").inner_text()
    finally:
        context.close()
