"""Class lists in a real browser: a careers leader saves a year group's choice as a class list,
takes another register by choosing the list, renames and removes it; a learner taken off a
register is put back from "Recently removed". axe with every impact level; 1280 and 390 px."""

from __future__ import annotations

import datetime as dt
from typing import Any

from qic.programme.models import Activity, ClassList, Participation
from tests.browser.conftest import ALL_IMPACTS, axe_violations
from tests.browser.test_register import TODAY, school, shoot
from tests.browser.test_roles import sign_in
from tests.conftest import Cast
from tests.factories import make_activity

__all__ = ["school"]  # the fixture: Year 10 of 200 (three forms), Year 11 of 30, a talk for Year 10


def test_a_class_list_saved_from_a_year_group_takes_the_next_register(cast: Cast, school: str, page: Any) -> None:
    make_activity(cast.p1, title="University visit", date=TODAY - dt.timedelta(days=2))
    sign_in(page, school, cast.p1_leader.email)
    page.goto(f"{school}/providers/{cast.p1.urn}/activities/")
    page.get_by_role("link", name="Engineering employer talk").click()

    # Year 10 in form 10A: 68 learners; save them as a class list.
    page.get_by_label("Form group").select_option("10A")
    page.get_by_role("button", name="Show learners").click()
    page.get_by_role("heading", name="Year 10, form group 10A: 68 learners").wait_for()
    page.get_by_text("Save these 68 learners as a class list").click()
    page.get_by_role("textbox", name="Name of the class list").fill("10A Engineering")
    assert axe_violations(page, ALL_IMPACTS) == []
    shoot(page, "register-save-class-list")
    page.get_by_role("button", name="Save class list").click()
    page.get_by_text("Class list “10A Engineering” saved with 68 learners.").wait_for()
    page.get_by_role("heading", name="Class list “10A Engineering”: 68 learners").wait_for()
    assert ClassList.objects.get().learners.count() == 68

    # The next register: another activity, chosen by the list, one absent.
    page.get_by_role("link", name="Activities", exact=True).first.click()
    page.get_by_role("link", name="University visit").click()
    page.get_by_label("Year group").select_option("")
    page.get_by_label("Class list").select_option(label="10A Engineering (68 learners)")
    page.get_by_role("button", name="Show learners").click()
    page.get_by_role("heading", name="Class list “10A Engineering”: 68 learners").wait_for()
    assert page.get_by_role("group", name="Who was absent?").get_by_role("checkbox").count() == 68
    page.get_by_role("group", name="Who was absent?").get_by_role("checkbox").first.check()
    assert axe_violations(page, ALL_IMPACTS) == []
    shoot(page, "register-by-class-list")
    page.get_by_role("button", name="Save register").click()
    page.get_by_text("Register saved: 68 added, 0 changed.").wait_for()
    visit = Activity.objects.get(title="University visit")
    saved = Participation.objects.filter(activity=visit)
    assert (saved.filter(attended=True).count(), saved.filter(attended=False).count()) == (67, 1)

    # Take the absent learner off the register, then put them back from "Recently removed".
    register = page.get_by_role("table", name="Register: learners 1 to 50 of 68")
    register.get_by_role("button").first.click()
    page.get_by_text("has been taken off the register.").wait_for()
    assert "You can put them back from “Recently removed” for 30 days." in page.locator("body").inner_text()
    assert saved.count() == 67
    page.goto(f"{school}/providers/{cast.p1.urn}/advisers/")
    page.get_by_role("link", name="Recently removed").click()
    entry = page.locator(".govuk-summary-list__row").filter(has_text="taken off the register of University visit")
    assert "Was marked absent" in entry.inner_text()
    assert axe_violations(page, ALL_IMPACTS) == []
    shoot(page, "recently-removed-register-entry")
    entry.get_by_role("button", name="Restore").click()
    page.get_by_text("is back on the register of “University visit”, marked absent.").wait_for()
    assert (saved.filter(attended=True).count(), saved.filter(attended=False).count()) == (67, 1)

    # Manage the lists: rename, then remove after confirming.
    page.goto(f"{school}/providers/{cast.p1.urn}/activities/{visit.pk}/")
    page.get_by_role("link", name="Manage class lists").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Class lists"
    assert "68 learners on roll" in page.locator("main").inner_text()
    assert axe_violations(page, ALL_IMPACTS) == []
    shoot(page, "class-lists")
    page.get_by_role("link", name="Rename 10A Engineering").click()
    page.get_by_role("textbox", name="Name of the class list").fill("10A Engineers")
    assert axe_violations(page, ALL_IMPACTS) == []
    page.get_by_role("button", name="Save name").click()
    page.get_by_text("Class list “10A Engineering” renamed to “10A Engineers”.").wait_for()
    page.get_by_role("link", name="Remove 10A Engineers").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Remove the class list “10A Engineers”?"
    assert axe_violations(page, ALL_IMPACTS) == []
    shoot(page, "class-list-remove")
    page.get_by_role("button", name="Yes, remove this class list").click()
    page.get_by_text("Class list “10A Engineers” has been removed.").wait_for()
    assert "No class lists saved yet." in page.locator("main").inner_text()
    assert not ClassList.objects.exists()
