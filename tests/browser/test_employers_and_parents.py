"""Issue 15's "Done means", end to end in a real browser: a careers leader adds an employer to the
directory and links it to an encounter a learner attended, proposes a placement with it and sends
the employer its link; the employer, on a phone without JavaScript, gives its details and uploads
its checks; a parent, on a phone, opens their careers link, sees only their child, and consents;
the leader approves, starts and completes the placement; the employer gives its feedback; the
learner signs in and reflects; the benchmark dashboard's Benchmark 6 and the work-experience
guarantee hours change, and the directory shows the size and sector met this year.

Nobody takes a shortcut: the leader signs in with the password and the authenticator code, the
employer and the parent only open their links, the learner signs in on the learner's page. Every
page the employer and the parent see, and the leader's key pages, pass axe (no serious or critical
findings) and do not scroll sideways on a 390 px phone."""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.core import mail
from django.utils import timezone

from qic.domain.academic import academic_year_of, year_start
from qic.programme.actions import record_participation
from tests.browser.conftest import AXE, axe_violations, fill_date
from tests.browser.test_roles import sign_in
from tests.conftest import Cast
from tests.factories import PDF_BYTES, make_activity, make_learner, make_learner_account

TODAY = timezone.localdate()
YEAR = academic_year_of(TODAY)
# The placement ran yesterday and today (today alone on the first day of the school year), so it
# can start, be completed and get the employer's feedback now.
FIRST_DAY = max(TODAY - dt.timedelta(days=1), year_start(YEAR))
PHONE = {"width": 390, "height": 844}
EMPLOYER = "Harbour Engineering Ltd"
SECTOR = "Engineering and manufacturing"
SIZE = "Medium (50 to 249 people)"
LEARNER_PASSWORD = "kites-over-the-harbour-42"


# With JavaScript off, a script tag does not run and the page's timers never fire, so axe (which
# waits on setTimeout) would hang: its source is evaluated by the browser's debugging protocol
# instead, with timers run as promise callbacks. Only the check runs; the page's own scripts stay off.
NO_JS_TIMERS = (
    "window.setTimeout = (f, d, ...a) => { Promise.resolve().then(() => f(...a)); return 0; };"
    "window.clearTimeout = () => {};"
)


def no_js_axe_violations(page: Any) -> list[dict[str, Any]]:
    page.evaluate(NO_JS_TIMERS)
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def checked(page: Any) -> str:
    """The page passes axe, fits a 390 px screen (a wider window is narrowed for the check and
    put back), and its main text (for the assertions)."""
    # GOV.UK's inline script marks the body when JavaScript runs.
    if page.evaluate("document.body.classList.contains('js-enabled')"):
        assert axe_violations(page) == [], page.url
    else:
        assert no_js_axe_violations(page) == [], page.url
    width = page.viewport_size["width"]
    if width != PHONE["width"]:
        page.set_viewport_size({"width": PHONE["width"], "height": page.viewport_size["height"]})
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow} px too wide at 390 px"
    if os.environ.get("QIC_SCREENSHOTS"):
        shot = len(os.listdir(os.environ["QIC_SCREENSHOTS"]))
        page.screenshot(path=f"{os.environ['QIC_SCREENSHOTS']}/partners-{shot:02d}.png", full_page=True)
    if width != PHONE["width"]:
        page.set_viewport_size({"width": width, "height": page.viewport_size["height"]})
    return str(page.locator("main").inner_text())


def follow(page: Any, target: Any) -> None:
    """Click a link or a form's button and wait for the page it leads to."""
    with page.expect_navigation():
        target.click()


def phone(browser: Any, *, javascript: bool = True) -> tuple[Any, Any]:
    context = browser.new_context(bypass_csp=True, viewport=PHONE, java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    return context, context.new_page()


def here(base: str, address: str) -> str:
    """The address a link gives (made with the configured site address) on the test's server."""
    parts = urlsplit(address)
    return f"{base}{parts.path}"


def success(page: Any) -> str:
    return str(page.locator(".govuk-notification-banner--success").inner_text())


def bm6(page: Any, base: str, urn: int) -> str:
    """Benchmark 6's row of the benchmark dashboard's table."""
    page.goto(f"{base}/providers/{urn}/benchmarks/")
    checked(page)
    table = page.get_by_role("table", name="The eight benchmarks")
    return " ".join(str(table.get_by_role("row").filter(has_text="6. ").inner_text()).split())


def year_11_hours(page: Any, base: str, urn: int) -> str:
    """The work-experience page's total hours for Year 11."""
    page.goto(f"{base}/providers/{urn}/work-experience/")
    checked(page)
    table = page.get_by_role("table", name="Hours by year group")
    row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Year 11", exact=True))
    return str(row.get_by_role("cell").nth(1).inner_text())


def upload(page: Any, kind: str, name: str, *, expires: dt.date | None = None) -> None:
    page.get_by_label(kind, exact=True).check()
    page.get_by_label("Upload a file").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    if expires is not None:
        fill_date(page, "Insurance certificates", expires)
    follow(page, page.get_by_role("button", name="Upload the document"))
    assert "The document has been uploaded" in success(page)
    checked(page)


def mailed_link(to: str) -> str:
    """The address in the newest email to `to` (the live server's task runs at once, in its thread)."""
    for _ in range(50):
        sent = [message for message in mail.outbox if to in message.to]
        if sent:
            found = re.search(r"https?://\S+/link/\S+", str(sent[-1].body))
            assert found, sent[-1].body
            return found.group(0)
        time.sleep(0.1)
    raise AssertionError(f"No email to {to}")


def test_employers_and_parents_take_part(cast: Cast, edition: Any, live_server: Any, browser: Any, page: Any) -> None:
    base = live_server.url
    school = cast.p1
    urn = school.urn
    # Year 11: Benchmark 6 counts workplace experiences "by 16", on the pupils finishing Year 11.
    amy, _ben = (
        make_learner(
            school,
            upn="",
            uln=f"40000000{n:02d}",
            forename=forename,
            surname=surname,
            date_of_birth=dt.date(YEAR - 15, 1, 15),
            registration_group="11A",
            year_group=11,
            year_group_recorded_in=YEAR,
        )
        for n, (forename, surname) in enumerate([("Amy", "Okafor"), ("Ben", "Quist")])
    )
    # Amy already had one meaningful workplace visit in Year 10; the refreshed Benchmark 6 asks
    # for two by 16, so the placement is the one that completes it.
    visit = make_activity(
        school,
        title="Visit to the port",
        activity_type="workplace_experience",
        subtype="visit",
        date=dt.date(YEAR, 3, 2),
        hours=Decimal("6"),
        employer_feedback=True,
    )
    record_participation(activity=visit, attended=[amy.pk], absent=[], actor=cast.p1_leader)
    talk = make_activity(
        school,
        title="Engineers at work talk",
        date=max(TODAY - dt.timedelta(days=14), year_start(YEAR)),
        partner="Local engineers",
        year_groups=[11],
    )
    record_participation(activity=talk, attended=[amy.pk], absent=[], actor=cast.p1_leader)
    make_learner_account(amy, sign_in_name="amy.k7q2", password=LEARNER_PASSWORD)

    page.set_default_timeout(10_000)
    # The careers leader signs in; the figures before.
    sign_in(page, base, cast.p1_leader.email)
    bm6_before = bm6(page, base, urn)
    hours_before = year_11_hours(page, base, urn)
    assert "BM6-16: 0 of 2" in bm6_before
    assert hours_before == "6"

    # 1. The employer goes into the directory, with its sector, size and a contact.
    page.goto(f"{base}/providers/{urn}/")
    follow(page, page.get_by_role("link", name="Employers", exact=True))
    variety = checked(page)
    assert "Employers pupils met in" in variety
    follow(page, page.get_by_role("button", name="Add an employer"))
    checked(page)
    page.get_by_label("Name", exact=True).fill(EMPLOYER)
    page.get_by_label("Sector (optional)").select_option(label=SECTOR)
    page.get_by_label("Size (optional)").select_option(label=SIZE)
    page.get_by_label("Town or city").fill("Southport")
    page.get_by_label("Postcode").fill("PR9 9QX")
    follow(page, page.get_by_role("button", name="Save employer"))
    page.get_by_role("heading", name=EMPLOYER, level=1).wait_for()
    checked(page)
    follow(page, page.get_by_role("link", name=f"Add a contact at {EMPLOYER}"))
    checked(page)
    page.get_by_label("Name", exact=True).fill("Priya Shah")
    page.get_by_label("Job title").fill("Apprenticeships manager")
    page.get_by_label("Email").fill("priya@harbour.example")
    page.get_by_label("Telephone").fill("01632 960 001")
    follow(page, page.get_by_role("button", name="Save contact"))
    assert "priya@harbour.example" in checked(page)

    # ... and is linked to the talk Amy attended this year.
    page.goto(f"{base}/providers/{urn}/activities/{talk.pk}/")
    follow(page, page.get_by_role("link", name="Change employers"))
    checked(page)
    page.get_by_label(f"{EMPLOYER}, Southport").check()
    follow(page, page.get_by_role("button", name="Save employers"))
    page.wait_for_url(f"{base}/providers/{urn}/activities/{talk.pk}/")
    assert EMPLOYER in page.locator("main").inner_text()

    # The directory's variety panel counts that size band and sector as met this year.
    page.goto(f"{base}/providers/{urn}/employers/")
    checked(page)
    panel = page.locator("#employer-variety")
    sizes = panel.locator(".govuk-summary-list__row", has_text=SIZE)
    assert sizes.locator("dd").inner_text() == "1"
    assert panel.locator(".govuk-summary-list__row", has_text=SECTOR).locator("dd").inner_text() == "1"

    # 2. The leader proposes Amy's placement with the employer.
    follow(page, page.get_by_role("link", name="Placements", exact=True))
    checked(page)
    follow(page, page.get_by_role("button", name="Propose a placement"))
    page.get_by_label("Find the learner by name").fill("Okafor")
    follow(page, page.get_by_role("button", name="Search"))
    page.get_by_label("Okafor, Amy, 11A").check()
    assert "Quist" not in checked(page)
    page.get_by_label("Employer", exact=True).select_option(label=EMPLOYER)
    page.get_by_label("Contact at the employer (optional)").select_option(label=f"Priya Shah ({EMPLOYER})")
    page.get_by_label("Role or department (optional)").fill("Workshop assistant")
    fill_date(page, "First day", FIRST_DAY)
    fill_date(page, "Last day", TODAY)
    page.get_by_label("Hours at the workplace in all").fill("30")
    follow(page, page.get_by_role("button", name="Propose the placement"))
    assert "The placement has been proposed." in success(page)
    placement_url = page.url
    checked(page)

    # It sends the employer its link, to copy.
    follow(page, page.get_by_role("link", name="Send the employer its details-and-checks link"))
    assert page.get_by_label("Their name").input_value() == "Priya Shah"
    checked(page)
    page.get_by_label("Show me the link to copy and send myself").check()
    follow(page, page.get_by_role("button", name="Make the link"))
    employer_link = here(base, page.get_by_label("The link").input_value())
    checked(page)

    # 3. The employer, on a phone without JavaScript, gives its details and its three documents.
    employer_phone, employer = phone(browser, javascript=False)
    employer.goto(employer_link)
    assert not employer.evaluate("document.body.classList.contains('js-enabled')")
    text = checked(employer)
    assert "Workshop assistant" in text
    assert "Quist" not in text
    employer.get_by_label("Role or department").fill("Workshop assistant, machining")
    employer.get_by_label("We confirm we can offer this role on these dates").check()
    employer.get_by_label("Supervisor's name").fill("Tom Reyes")
    employer.get_by_label("Supervisor's phone number").fill("01632 960 002")
    employer.get_by_label("Working hours").fill("9am to 3pm, with an hour for lunch")
    employer.get_by_label("Address of the workplace").fill("Unit 4, Marine Road\nSouthport\nPR9 9QX")
    follow(employer, employer.get_by_role("button", name="Save your details"))
    assert "Your details have been saved" in success(employer)
    checked(employer)
    upload(employer, "Health and safety policy", "health-and-safety.pdf")
    upload(
        employer,
        "Employers' Liability insurance certificate",
        "insurance.pdf",
        expires=TODAY + dt.timedelta(days=200),
    )
    upload(employer, "Risk assessment", "risk-assessment.pdf")
    assert "The school has everything it needs for the checks" in employer.locator("main").inner_text()

    # The leader sees the checks complete, moves on and asks Amy's parent for consent by email.
    page.goto(placement_url)
    text = checked(page)
    assert "Still missing from the checks" not in text
    follow(page, page.get_by_role("button", name="Move to “Waiting for parental consent”"))
    assert "waiting for parental consent" in success(page)
    follow(page, page.get_by_role("link", name="Ask a parent or carer for consent"))
    checked(page)
    page.get_by_label("Their name").fill("Grace Okafor")
    page.get_by_label("Their email address").fill("grace@family.example")
    page.get_by_label("Email it to them now").check()
    follow(page, page.get_by_role("button", name="Make the link"))
    assert "grace@family.example" in success(page)
    parent_link = here(base, mailed_link("grace@family.example"))

    # 4. The parent, on a phone (without JavaScript too), sees their child's page: her forename,
    # nobody else; follows "Waiting for your agreement" and consents.
    parent_phone, parent = phone(browser, javascript=False)
    parent.goto(parent_link)
    text = checked(parent)
    assert "Amy's careers programme" in text
    for secret in ("Okafor", "Ben", "Quist"):
        assert secret not in text, f"the parent's page shows {secret!r}"
    banner = parent.get_by_role("region", name="Important")
    assert "Waiting for your agreement" in banner.inner_text()
    follow(parent, banner.get_by_role("link", name="read about it and give your agreement"))
    text = checked(parent)
    assert "Amy's work-experience placement" in text
    assert "The school has the employer's health and safety policy, insurance and risk assessment." in text
    assert "Quist" not in text
    parent.get_by_label("Yes, I agree").check()
    parent.get_by_label("Your full name").fill("Grace Okafor")
    parent.get_by_label("Your relationship to the learner").fill("Mother")
    parent.get_by_label("Emergency contact phone number during the placement").fill("07700 900123")
    follow(parent, parent.get_by_role("button", name="Send your answer"))
    assert "Your answer has been sent to the school" in success(parent)
    assert "You agreed to this placement" in checked(parent)
    parent_phone.close()

    # 5. The leader approves, starts and completes the placement.
    page.goto(placement_url)
    assert "Given" in page.locator("#consent").inner_text()
    for step in ("Approved", "In progress"):
        follow(page, page.get_by_role("button", name=f"Move to “{step}”"))
        assert step.lower() in success(page)
    checked(page)
    follow(page, page.get_by_role("link", name="Complete the placement"))
    checked(page)
    page.get_by_label("Hours the learner actually spent at the workplace").fill("30")
    for element in (
        "It had a clear purpose shared with the learner",
        "The learner was prepared beforehand",
        "There was two-way interaction",
        "The interaction was extensive",
        "The learner met a range of people",
    ):
        page.get_by_label(element).check()
    follow(page, page.get_by_role("button", name="Complete the placement"))
    assert "The placement is complete" in success(page)
    assert page.locator("#status").inner_text() == "Completed"
    checked(page)

    # Completed but not yet reflected on: Benchmark 6 does not count it yet.
    assert bm6(page, base, urn) == bm6_before

    # The employer, after the last day, gives its feedback through the same link.
    employer.goto(employer_link)
    checked(employer)
    employer.get_by_label("How did the learner do?").fill("Amy was careful and asked good questions.")
    employer.get_by_label("What task did you set them?").fill("Measure and deburr a batch of brackets.")
    employer.get_by_label("Their strengths").fill("Precise, patient work.")
    employer.get_by_label("What they could build on").fill("Speaking up in the team briefing.")
    follow(employer, employer.get_by_role("button", name="Send your feedback"))
    assert "Thank you for your feedback to the learner" in success(employer)
    checked(employer)
    employer_phone.close()

    page.goto(placement_url)
    assert "Measure and deburr a batch of brackets." in checked(page)

    # The learner signs in on her phone and reflects on her placement.
    learner_phone, learner = phone(browser)
    learner.goto(f"{base}/learner/sign-in/")
    learner.get_by_label("Sign-in name or school email").fill("amy.k7q2")
    learner.get_by_label("Password").fill(LEARNER_PASSWORD)
    learner.get_by_role("button", name="Sign in").click()
    learner.wait_for_url(f"{base}/my/")
    assert f"Work experience: {EMPLOYER}" in checked(learner)
    learner.get_by_role("link", name=re.compile(f"^Write about it.*{EMPLOYER}")).click()
    checked(learner)
    learner.get_by_label("What did you learn?").fill("Engineers check every measurement twice.")
    learner.get_by_label("What will you do next because of it?").fill("Ask about an engineering apprenticeship.")
    learner.get_by_label("4 – Useful").check()
    learner.get_by_role("button", name="Save my reflection").click()
    learner.get_by_text("Thank you. Your reflection is saved.").wait_for()
    checked(learner)
    learner_phone.close()

    # 6. Benchmark 6 and the guarantee hours changed.
    bm6_after = bm6(page, base, urn)
    assert "BM6-16: 1 of 2 50%" in bm6_after, bm6_after
    # The dashboard's variety panel counts the employer's size band and sector too.
    panel = page.locator("#employer-variety")
    assert panel.locator(".govuk-summary-list__row", has_text=SIZE).locator("dd").inner_text() == "1"
    assert panel.locator(".govuk-summary-list__row", has_text=SECTOR).locator("dd").inner_text() == "1"
    assert year_11_hours(page, base, urn) == "36"
