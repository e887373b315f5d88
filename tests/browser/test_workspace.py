"""A careers leader's workspace in a real browser: every page is accessible, and the main journeys work.

The journeys go through the forms as a person would (labels, radios, selects, file upload) and
check the result where a person would see it: on the benchmark dashboard.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from qic.core.actors import SystemActor
from qic.domain.academic import academic_year_of
from qic.domain.upn import upn_check_letter
from qic.learners.models import Learner
from qic.programme.actions import record_participation
from qic.programme.models import Activity, Adviser, RegisterImport
from tests.browser.conftest import axe_violations, fill_date
from tests.browser.test_roles import sign_in
from tests.conftest import Cast
from tests.factories import make_activity, make_learner

TODAY = timezone.localdate()
YEAR = academic_year_of(TODAY)


def upn(serial: int) -> str:
    """A valid UPN: LA 335, establishment 1234, allocated in 2025, with the right check letter."""
    body = f"335123425{serial:03d}"
    return upn_check_letter(body) + body


def born_for(year_group: int) -> dt.date:
    """A date of birth that puts a pupil in `year_group` this academic year (aged year_group + 4 on 31 August)."""
    return dt.date(YEAR - year_group - 5, 12, 1)


def with_wrong_check_letter(good: str) -> str:
    return ("B" if good[0] == "A" else "A") + good[1:]


@dataclass
class Workspace:
    site: str  # the live server, e.g. http://localhost:1234
    base: str  # the provider's pages, e.g. http://localhost:1234/providers/100001
    learners: list[Learner]
    activity: Activity
    adviser: Adviser


@pytest.fixture
def workspace(cast: Cast, edition: Any, live_server: Any) -> Workspace:
    """Three pupils in Years 9, 10 and 11 this year, an activity with nobody on its register, and an adviser."""
    learners = [
        make_learner(
            cast.p1,
            upn=upn(serial),
            forename=forename,
            surname=surname,
            date_of_birth=born_for(year_group),
            year_group=year_group,
            year_group_recorded_in=YEAR,
        )
        for serial, forename, surname, year_group in [
            (1, "Amara", "Okafor", 9),
            (2, "Bartek", "Nowak", 10),
            (3, "Chloe", "Singh", 11),
        ]
    ]
    activity = make_activity(cast.p1, title="Careers fair", subtype="careers_fair", date=TODAY)
    adviser = Adviser.objects.create(provider=cast.p1, name="Dana Adviser", qualification_level=6)
    return Workspace(live_server.url, f"{live_server.url}/providers/{cast.p1.urn}", learners, activity, adviser)


def dashboard_bm5_met(page: Any, ws: Workspace) -> int:
    """The Met figure in the BM5 row of the dashboard's "Who is missing what" table."""
    page.goto(f"{ws.base}/benchmarks/")
    table = page.get_by_role("table", name="Learner-level measures")
    row = table.get_by_role("row").filter(has=page.get_by_role("link", name="BM5", exact=True))
    eligible, met = row.get_by_role("cell").nth(0).inner_text(), row.get_by_role("cell").nth(1).inner_text()
    assert int(eligible) == len(ws.learners)  # all three pupils are aged 11 or over
    return int(met)


def assert_error_summary_links_to_fields(page: Any) -> None:
    summary = page.locator(".govuk-error-summary")
    assert "There is a problem" in summary.inner_text()
    links = summary.get_by_role("link")
    assert links.count() > 0
    for href in [links.nth(i).get_attribute("href") for i in range(links.count())]:
        # Each link must take the reader to the field (for radios and checkboxes, the first option).
        assert href.startswith("#")
        assert page.locator(f"[id='{href[1:]}']").count() == 1, f"{href} has no target"
    # GOV.UK Frontend moves focus to the field when a link is followed.
    first = links.first.get_attribute("href")
    links.first.click()
    assert page.evaluate("document.activeElement.id") == first[1:]


# --- 1. Every page ------------------------------------------------------------------------------


def test_every_workspace_page_has_one_h1_and_no_axe_violations(cast: Cast, workspace: Workspace, page: Any) -> None:
    sign_in(page, workspace.site, cast.p1_leader.email)
    learner, activity = workspace.learners[0], workspace.activity
    finished = RegisterImport.objects.create(
        provider=cast.p1,
        activity=activity,
        file_name="register.csv",
        status=RegisterImport.Status.FAILED,
        errors=[{"line": 3, "reason": "no learner on your roll has A335123425999"}],
    )
    paths = [
        "/benchmarks/",
        "/benchmarks/BM5/",
        "/programme/",
        "/learners/",
        f"/learners/{learner.pk}/",
        f"/learners/{learner.pk}/edit/",
        "/learners/import/",
        "/activities/",
        "/activities/new/",
        f"/activities/{activity.pk}/",
        f"/activities/{activity.pk}/edit/",
        f"/activities/{activity.pk}/attendance/",
        f"/activities/{activity.pk}/attendance/import/{finished.pk}/",
        "/interviews/",
        "/interviews/new/",
        "/advisers/",
        "/advisers/new/",
        "/api-tokens/",
    ]
    problems = {}
    for path in paths:
        response = page.goto(workspace.base + path)
        found = {
            "status": response.status,
            "h1": page.locator("h1").count(),
            "axe": axe_violations(page),
        }
        if found != {"status": 200, "h1": 1, "axe": []}:
            problems[path] = found
    assert problems == {}


# --- 2. Recording an employer encounter moves BM5 -----------------------------------------------


def test_employer_encounter_and_register_raise_bm5(cast: Cast, workspace: Workspace, page: Any) -> None:
    sign_in(page, workspace.site, cast.p1_leader.email)
    before = dashboard_bm5_met(page, workspace)
    assert before == 0

    page.goto(f"{workspace.base}/activities/new/")
    page.get_by_label("Title").fill("Engineering employer talk")
    page.get_by_role("radio", name="Employer encounter").check()
    # htmx redraws "What made it meaningful" for an encounter: its four elements, not the workplace ones.
    page.get_by_role("group", name="Workplace experiences also need").wait_for(state="detached")
    page.get_by_label("Kind", exact=True).select_option(label="Employer encounter: Employer talk")
    # A date in 2024/25 redraws the 2018 definition's elements (no preparation); today's, the refreshed ones.
    fill_date(page, "Date", dt.date(2025, 8, 31))
    page.get_by_label("Learners prepared beforehand").wait_for(state="detached")
    assert (
        "For an activity in 2024/25 these are the elements of the 2018 Gatsby Benchmarks"
        in page.locator("#activity-meaning").inner_text()
    )
    fill_date(page, "Date", TODAY)
    page.get_by_label("Learners prepared beforehand").wait_for()
    page.get_by_label("A clear purpose shared with everyone, and learning outcomes").check()
    page.get_by_label("Learners prepared beforehand").check()
    page.get_by_label("Two-way interaction", exact=True).check()
    status = page.locator("#activity-meaning-status")
    status.get_by_text("until these are recorded: learners reflected afterwards.").wait_for()
    assert page.evaluate("document.activeElement.id") == "id_two_way"  # the redraw keeps the reader's place
    assert axe_violations(page) == []
    page.get_by_label("Learners reflected afterwards").check()
    status.get_by_text("This activity will count towards BM5 employer encounter.").wait_for()
    page.get_by_role("button", name="Save activity").click()

    page.wait_for_url(re.compile(r"/activities/\d+/$"))
    assert page.locator("h1").inner_text() == "Engineering employer talk"
    assert "“Engineering employer talk” has been saved." in page.locator("body").inner_text()
    assert "not recorded as meaningful" not in page.locator("main").inner_text()

    page.get_by_label("Year group").select_option(label="Year 10 (1 learner)")
    page.get_by_role("button", name="Show learners").click()
    page.get_by_role("heading", name="Year 10: 1 learner").wait_for()
    page.get_by_role("button", name="Save register").click()
    page.get_by_text("Register saved: 1 added").wait_for()
    assert page.get_by_role("table", name="Register").get_by_role("link", name="Nowak, Bartek").is_visible()
    assert axe_violations(page) == []

    assert dashboard_bm5_met(page, workspace) == before + 1


def test_without_javascript_a_workplace_experience_is_recorded_with_every_element(
    cast: Cast, workspace: Workspace, browser: Any
) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, workspace.site, cast.p1_leader.email)
        page.goto(f"{workspace.base}/activities/new/")
        page.get_by_label("Title").fill("Work experience week")
        page.get_by_role("radio", name="Workplace experience").check()
        page.get_by_label("Kind", exact=True).select_option(label="Workplace experience: Work experience")
        fill_date(page, "Date", TODAY)
        page.get_by_label("Hours (workplace experiences)").fill("30")
        # Without JavaScript every element is offered, in two groups; tick all but the employer's feedback.
        for group in ("What made it meaningful", "Workplace experiences also need"):
            boxes = page.get_by_role("group", name=group).get_by_role("checkbox")
            for n in range(boxes.count()):
                if boxes.nth(n).get_attribute("name") != "employer_feedback":
                    boxes.nth(n).check()
        page.get_by_role("button", name="Save activity").click()
        page.wait_for_url(re.compile(r"/activities/\d+/$"))
        warning = page.locator(".govuk-warning-text").inner_text()
        assert "It does not count towards Benchmark 6 until these are recorded: feedback from the employer." in warning

        page.get_by_role("button", name="Edit activity").click()
        assert "until these are recorded: feedback from the employer." in page.locator("main").inner_text()
        page.get_by_label("Feedback from the employer").check()
        page.get_by_role("button", name="Save activity").click()
        page.wait_for_url(re.compile(r"/activities/\d+/$"))
        assert page.locator(".govuk-warning-text").count() == 0
        assert "BM6 workplace experience" in page.locator("main").inner_text()
    finally:
        context.close()


# --- 3. Learner import --------------------------------------------------------------------------

CSV_HEADER = "UPN,Forename,Surname,Date of birth,Sex,Year group\r\n"


def upload_learners(page: Any, ws: Workspace, name: str, csv_text: str, *, full: bool = False) -> None:
    page.goto(f"{ws.base}/learners/import/")
    page.get_by_label("Learner file").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": csv_text.encode()}]
    )
    choice = (
        "Yes: it is the whole roll, so mark learners who are not in it as left"
        if full
        else "No: only add and update the learners in this file"
    )
    page.get_by_label(choice).check()
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_url(re.compile(r"/learners/import/\d+/$"))


def test_learner_import_previews_then_imports_on_confirmation(cast: Cast, workspace: Workspace, page: Any) -> None:
    sign_in(page, workspace.site, cast.p1_leader.email)
    born = born_for(9).strftime("%d/%m/%Y")

    upload_learners(page, workspace, "good.csv", CSV_HEADER + f"{upn(10)},Dev,Patel,{born},M,9\r\n")
    assert page.locator("h1").inner_text() == "Importing good.csv"
    preview = page.locator("#import-progress")
    assert "Check what this import will do" in preview.inner_text()
    # Key and value are separated by a tab or a line break depending on the width the list is laid out at.
    assert re.search(r"New learners\s+1\n", preview.locator(".govuk-summary-list").inner_text())
    assert axe_violations(page) == []
    assert not Learner.objects.filter(provider=cast.p1, upn=upn(10)).exists()  # nothing saved yet

    page.get_by_role("button", name="Confirm and import").click()
    page.wait_for_url(re.compile(r"/learners/import/\d+/$"))
    progress = page.locator("#import-progress").inner_text()
    assert "Import complete" in progress
    assert "1 new" in progress
    assert Learner.objects.filter(provider=cast.p1, upn=upn(10), surname="Patel").exists()


def test_a_full_import_warns_names_who_would_leave_and_can_be_cancelled(
    cast: Cast, workspace: Workspace, page: Any
) -> None:
    sign_in(page, workspace.site, cast.p1_leader.email)
    on_roll = Learner.objects.filter(provider=cast.p1, left_on=None).count()
    kept = workspace.learners[0]
    row = f"{kept.upn},{kept.forename},{kept.surname},{kept.date_of_birth:%d/%m/%Y},{kept.sex},{kept.year_group}\r\n"
    upload_learners(page, workspace, "one.csv", CSV_HEADER + row, full=True)
    assert (
        f"This will mark {on_roll - 1} of the {on_roll} learners on roll"
        in page.locator(".govuk-warning-text").inner_text()
    )
    leaving = page.get_by_role("table", name=re.compile("will be marked as left"))
    names = leaving.locator("tbody tr td:first-child").all_inner_texts()
    assert len(names) == on_roll - 1
    assert f"{kept.surname}, {kept.forename}" not in names
    assert axe_violations(page) == []

    page.get_by_role("button", name="Cancel import").click()
    page.wait_for_url(re.compile(r"/learners/import/$"))
    assert "nothing was imported and the file was discarded" in page.locator("main").inner_text()
    assert Learner.objects.filter(provider=cast.p1, left_on=None).count() == on_roll


def test_learner_import_lists_problems(cast: Cast, workspace: Workspace, page: Any) -> None:
    sign_in(page, workspace.site, cast.p1_leader.email)
    born = born_for(9).strftime("%d/%m/%Y")
    bad_upn = with_wrong_check_letter(upn(11))
    upload_learners(
        page,
        workspace,
        "bad.csv",
        CSV_HEADER + f"{upn(12)},Eve,Jones,{born},F,9\r\n" + f"{bad_upn},Finn,Brown,{born},M,9\r\n",
    )
    assert "Nothing was imported: 1 problem to fix" in page.locator(".govuk-error-summary").inner_text()
    problems = page.get_by_role("table", name="Problems")
    row = problems.get_by_role("row").nth(1)
    assert row.get_by_role("cell").nth(0).inner_text() == "3"  # header is line 1
    assert "check letter" in row.get_by_role("cell").nth(1).inner_text()
    assert axe_violations(page) == []
    assert not Learner.objects.filter(provider=cast.p1, surname__in=["Jones", "Brown"]).exists()


# --- 4. Form errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "button"), [("/activities/new/", "Save activity"), ("/interviews/new/", "Save interview")]
)
def test_empty_form_shows_accessible_error_summary(
    path: str, button: str, cast: Cast, workspace: Workspace, page: Any
) -> None:
    sign_in(page, workspace.site, cast.p1_leader.email)
    page.goto(workspace.base + path)
    page.get_by_role("button", name=button).click()
    assert_error_summary_links_to_fields(page)
    assert axe_violations(page) == []


# --- 5. Governors see figures, not names ------------------------------------------------------


def test_governor_sees_figures_but_no_names(cast: Cast, workspace: Workspace, page: Any) -> None:
    okafor = workspace.learners[0]
    record_participation(activity=workspace.activity, attended=[okafor.pk], absent=[], actor=SystemActor("tests"))
    sign_in(page, workspace.site, cast.p1_governor.email)
    assert dashboard_bm5_met(page, workspace) == 1
    assert axe_violations(page) == []

    page.goto(f"{workspace.base}/benchmarks/BM5/")
    main = page.locator("main").inner_text()
    assert "1 of 3 learners" in main
    assert "Named lists are shown to the provider's own staff only" in main
    for learner in workspace.learners:
        assert learner.surname not in main
        assert learner.forename not in main
    assert page.get_by_role("link", name="Download this list (CSV)").count() == 0
    assert axe_violations(page) == []
