"""Issue 15's "Done means", end to end in a real browser: a careers leader adds an employer to the
directory and links it to an encounter (the directory then shows the size and sector met this
year), proposes a placement; the employer completes its details and checks through its link on a
phone without JavaScript, and later its feedback; a parent opens their link, sees only their own
child and agrees to the placement; the leader approves, starts and completes it; the learner
reflects through their own pages; the benchmark dashboard's BM6 figure and the work-experience
guarantee hours change. The employer and the parent use only the pages their links open; every
page they see is checked with axe (no serious or critical findings) and for sideways scrolling at
390 px."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone

from qic.core.actors import SystemActor
from qic.domain.academic import academic_year_of
from qic.programme.actions import record_participation
from tests.browser.conftest import axe_violations, fill_date
from tests.browser.test_roles import sign_in
from tests.conftest import Cast
from tests.factories import PDF_BYTES, make_activity, make_learner, make_learner_account

TODAY = timezone.localdate()
YEAR = academic_year_of(TODAY)
PHONE = {"width": 390, "height": 800}
LEARNER_PASSWORD = "a-learner-password-1"
BM6 = re.compile(r"BM6-16: (\d+) of (\d+)")


def checked(page: Any) -> str:
    """The page passes axe, fits a 390 px screen, and its main text (for the assertions)."""
    assert axe_violations(page) == [], page.url
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow} px too wide at 390 px"
    if os.environ.get("QIC_SCREENSHOTS"):
        shot = len(os.listdir(os.environ["QIC_SCREENSHOTS"]))
        page.screenshot(path=f"{os.environ['QIC_SCREENSHOTS']}/partners-{shot:02d}.png", full_page=True)
    return str(page.locator("main").inner_text())


def checked_elsewhere(browser: Any, url: str) -> str:
    """A page the visitor has open without JavaScript, checked in a phone that runs axe."""
    viewer = phone(browser)
    viewer.goto(url)
    text = checked(viewer)
    viewer.context.close()
    return text


def phone(browser: Any, *, javascript: bool = True) -> Any:
    context = browser.new_context(bypass_csp=True, viewport=PHONE, java_script_enabled=javascript)
    return context.new_page()


def bm6(page: Any, base: str, urn: int) -> tuple[int, int]:
    page.goto(f"{base}/providers/{urn}/benchmarks/")
    found = BM6.search(page.locator("main").inner_text())
    assert found, "the dashboard shows BM6-16"
    return int(found.group(1)), int(found.group(2))


def year_11_hours(page: Any, base: str, urn: int) -> Decimal:
    page.goto(f"{base}/providers/{urn}/work-experience/")
    row = page.locator("table", has_text="Total hours").locator("tbody tr", has_text="Year 11")
    return Decimal(row.locator("td").nth(1).inner_text())


def copied_link(page: Any) -> str:
    page.get_by_role("heading", name="Copy the link").wait_for()
    return str(page.locator("#link-to-copy").inner_text()).strip()


def test_employers_and_parents_take_part(
    cast: Cast, edition: Any, live_server: Any, browser: Any, page: Any, settings: Any
) -> None:
    base = live_server.url
    settings.SITE_URL = base  # the addresses the links are made with
    school = cast.p1
    zara = make_learner(
        school,
        upn="",
        uln="4000000001",
        forename="Zara",
        surname="Okafor",
        date_of_birth=dt.date(YEAR - 16, 12, 1),
        year_group=11,
        year_group_recorded_in=YEAR,
    )
    make_learner(
        school,
        upn="",
        uln="4000000002",
        forename="Kit",
        surname="Marlowe",
        date_of_birth=dt.date(YEAR - 16, 11, 1),
        year_group=11,
        year_group_recorded_in=YEAR,
    )
    # Zara met employers at a talk this year and had one workplace visit last year: one more
    # meaningful workplace experience meets BM6 (two by 16).
    talk = make_activity(school, title="Engineering careers talk", date=TODAY - dt.timedelta(days=20))
    visit = make_activity(
        school,
        title="Factory visit",
        activity_type="workplace_experience",
        subtype="visit",
        hours=Decimal("4"),
        date=TODAY - dt.timedelta(days=380),
    )
    for activity in (talk, visit):
        record_participation(activity=activity, attended=[zara.pk], absent=[], actor=SystemActor("tests"))
    make_learner_account(zara, sign_in_name="zara.test", password=LEARNER_PASSWORD)

    sign_in(page, base, cast.p1_leader.email)
    assert bm6(page, base, school.urn) == (0, 2)
    hours_before = year_11_hours(page, base, school.urn)

    # The directory: nothing small or in engineering met yet; add the employer and its contact.
    page.goto(f"{base}/providers/{school.urn}/employers/")
    panel = page.locator("#employer-variety").inner_text()
    assert "No employers recorded as met by learners" in panel
    checked(page)
    page.goto(f"{base}/providers/{school.urn}/employers/new/")
    page.get_by_label("Name").fill("Brightside Engineering")
    page.get_by_label("Sector").select_option(label="Engineering and manufacturing")
    page.get_by_label("Size").select_option(label="Small (10 to 49 people)")
    page.get_by_label("Town or city").fill("Walsall")
    page.get_by_role("button", name="Save employer").click()
    page.get_by_role("heading", name="Brightside Engineering").wait_for()
    page.get_by_role("link", name="Add a contact").click()
    page.get_by_label("Name").fill("Dana Park")
    page.get_by_label("Email").fill("dana@brightside.example")
    page.get_by_role("button", name="Save contact").click()
    page.get_by_role("heading", name="Brightside Engineering").wait_for()

    # It took part in the talk Zara attended: now the directory shows a small engineering firm met.
    page.goto(f"{base}/providers/{school.urn}/activities/{talk.pk}/employers/")
    page.get_by_label("Brightside Engineering").check()
    page.get_by_role("button", name="Save employers").click()
    page.goto(f"{base}/providers/{school.urn}/employers/")
    panel = page.locator("#employer-variety")
    assert (
        panel.locator(".govuk-summary-list__row", has_text="Small (10 to 49 people)").locator("dd").inner_text() == "1"
    )
    assert (
        panel.locator(".govuk-summary-list__row", has_text="Engineering and manufacturing").locator("dd").inner_text()
        == "1"
    )
    checked(page)

    # The careers leader proposes Zara's placement (last week) and makes the employer's link.
    page.goto(f"{base}/providers/{school.urn}/placements/new/")
    page.get_by_label("Find the learner by name").fill("okafor")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Okafor, Zara").check()
    page.get_by_label("Employer", exact=True).select_option(label="Brightside Engineering")
    page.get_by_label("Contact at the employer (optional)").select_option(label="Dana Park (Brightside Engineering)")
    page.get_by_label("Role or department (optional)").fill("Design office")
    fill_date(page, "First day", TODAY - dt.timedelta(days=10))
    fill_date(page, "Last day", TODAY - dt.timedelta(days=6))
    page.get_by_label("Hours at the workplace in all").fill("30")
    page.get_by_role("button", name="Propose the placement").click()
    page.get_by_role("heading", name="Zara Okafor at Brightside Engineering").wait_for()
    detail_url = page.url
    checked(page)
    page.get_by_role("link", name="Send the employer its details-and-checks link").click()
    page.get_by_label("Their name").fill("Dana Park")
    page.get_by_label("Show me the link to copy and send myself").check()
    page.get_by_role("button", name="Make the link").click()
    employer_link = copied_link(page)
    assert "/link/placement/" in employer_link

    # The employer, on a phone with JavaScript off: details, then the three documents.
    employer = phone(browser, javascript=False)
    employer.goto(employer_link)
    text = checked_elsewhere(browser, employer_link)
    assert "Work-experience placement: Zara Okafor" in text
    assert "Marlowe" not in text
    employer.get_by_label("Role or department").fill("Design office")
    employer.get_by_label("We confirm we can offer this role on these dates").check()
    employer.get_by_label("Supervisor's name").fill("Sam Reid")
    employer.get_by_label("Supervisor's phone number").fill("0121 496 0000")
    employer.get_by_label("Working hours").fill("9am to 3pm")
    employer.get_by_label("Address of the workplace").fill("1 Forge Lane, Walsall")
    employer.get_by_role("button", name="Save your details").click()
    with tempfile.TemporaryDirectory() as folder:
        document = Path(folder) / "policy.pdf"
        document.write_bytes(PDF_BYTES)
        for kind, label in (
            ("health_and_safety", "Health and safety policy"),
            ("risk_assessment", "Risk assessment"),
            ("insurance", "Employers' Liability insurance certificate"),
        ):
            employer.get_by_label(re.compile(rf"^{re.escape(label)}")).check()
            employer.get_by_label("Upload a file").set_input_files(str(document))
            if kind == "insurance":
                fill_date(employer, "Insurance certificates", TODAY + dt.timedelta(days=200))
            employer.get_by_role("button", name="Upload the document").click()
            employer.wait_for_load_state()
            assert "There is a problem" not in employer.locator("main").inner_text(), kind
    text = checked_elsewhere(browser, employer_link)
    assert "The school has everything it needs for the checks" in text

    # The checks are complete: the leader asks for consent and makes the parent's link.
    page.goto(detail_url)
    page.get_by_role("button", name="Move to “Waiting for parental consent”").click()
    page.get_by_role("link", name="Ask a parent or carer for consent").click()
    page.get_by_label("Their name").fill("Grace Okafor")
    page.get_by_label("Show me the link to copy and send myself").check()
    page.get_by_role("button", name="Make the link").click()
    consent_link = copied_link(page)
    family_home = consent_link.split("/placements/")[0] + "/"

    # The parent, on their phone: their child's page (nobody else's), then the placement to agree to.
    parent = phone(browser)
    parent.goto(family_home)
    text = checked(parent)
    assert "Zara" in text
    assert "Kit" not in text
    assert "Marlowe" not in text
    assert "Waiting for your agreement" in text
    parent.get_by_role("link", name="read about it and give your agreement").click()
    text = checked(parent)
    assert "Brightside Engineering" in text
    assert "policy.pdf" not in text
    parent.get_by_label("Yes").check()
    parent.get_by_label("Your full name").fill("Grace Okafor")
    parent.get_by_label("Your relationship to the learner").fill("Mother")
    parent.get_by_label("Emergency contact phone number during the placement").fill("07700 900123")
    parent.get_by_role("button", name="Send your answer").click()
    parent.wait_for_load_state()
    assert "There is a problem" not in checked(parent)

    # Approve and start; the employer gives feedback after the last day; the leader completes it.
    page.goto(detail_url)
    page.get_by_role("button", name="Move to “Approved”").click()
    page.get_by_role("button", name="Move to “In progress”").click()
    employer.goto(employer_link)
    text = checked_elsewhere(browser, employer_link)
    assert "Your feedback to the learner" in text
    employer.get_by_label("How did the learner do?").fill("Zara was punctual and curious.")
    employer.get_by_label("What task did you set them?").fill("Redesign a bracket in CAD.")
    employer.get_by_label("Their strengths").fill("Careful measurement")
    employer.get_by_role("button", name="Send your feedback").click()
    employer.wait_for_load_state()
    assert "There is a problem" not in employer.locator("main").inner_text()
    checked_elsewhere(browser, employer.url)

    page.goto(detail_url)
    page.get_by_role("link", name="Complete the placement").click()
    page.get_by_label("Hours the learner actually spent at the workplace").fill("28.5")
    for element in (
        "It had a clear purpose shared with the learner",
        "The learner was prepared beforehand",
        "There was two-way interaction",
        "The interaction was extensive",
        "The learner met a range of people",
    ):
        page.get_by_label(element).check()
    assert (
        page.get_by_label("Employer's feedback: how the learner did").input_value() == "Zara was punctual and curious."
    )
    page.locator("main form button[type=submit]").last.click()
    page.get_by_role("heading", name="Zara Okafor at Brightside Engineering").wait_for()
    text = checked(page)
    assert "Completed" in text
    assert "once Zara Okafor reflects on it" in text

    # The guarantee counts the hours at once; BM6 waits for Zara's own reflection.
    assert year_11_hours(page, base, school.urn) == hours_before + Decimal("28.5")
    assert bm6(page, base, school.urn) == (0, 2)

    # Zara signs in on her phone and writes about her placement.
    learner = phone(browser)
    learner.goto(f"{base}/learner/sign-in/")
    learner.get_by_label("Sign-in name or school email").fill("zara.test")
    learner.get_by_label("Password").fill(LEARNER_PASSWORD)
    learner.get_by_role("button", name="Sign in").click()
    learner.wait_for_url(f"{base}/my/")
    text = checked(learner)
    assert "Work experience: Brightside Engineering" in text
    learner.get_by_role("link", name=re.compile("Write about it")).first.click()
    learner.wait_for_url(re.compile(r".*/my/reflections/\d+/$"))
    assert "Brightside Engineering" in checked(learner)
    learner.get_by_label("What did you learn?").fill("How engineers test a design before it is made.")
    learner.get_by_label("What will you do next because of it?").fill("Ask about the engineering club.")
    learner.get_by_label("5 – Very useful").check()
    learner.get_by_role("button", name="Save my reflection").click()
    learner.get_by_text("Thank you. Your reflection is saved.").wait_for()

    # Now the dashboard's BM6 figure has changed: Zara has two meaningful workplace experiences.
    assert bm6(page, base, school.urn) == (1, 2)
    page.goto(f"{base}/providers/{school.urn}/placements/")
    board = checked(page)
    assert "Okafor, Zara" in board
    assert "Completed" in board
