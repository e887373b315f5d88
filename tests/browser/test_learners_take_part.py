"""Issue 14's "Done means", end to end in a real browser: a careers leader prints codes for a form
group; a learner signs in on a 360 px phone, signs in to a running activity by code, writes a
reflection, sees it count, reads their interview's agreed actions and downloads a passport; another
learner sees none of it. Learners use only the pages a learner has (no force_login); every learner
page is checked with axe (no serious or critical findings) and for sideways scrolling."""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any

from django.utils import timezone

from qic.domain.academic import academic_year_of
from qic.programme.actions import save_interview
from qic.programme.models import Adviser, Interview
from tests.browser.conftest import axe_violations
from tests.browser.test_roles import sign_in
from tests.conftest import Cast
from tests.factories import make_activity, make_learner
from tests.portal.test_passport import decompressed_text

TODAY = timezone.localdate()
YEAR = academic_year_of(TODAY)
PHONE = {"width": 360, "height": 740}
CODE = re.compile(r"[346789A-Y]{4}-[346789A-Y]{4}-[346789A-Y]{4}")
# The learner's words for the employer measure (qic/domain/learner_wording.py, BM5 for schools).
EMPLOYER_NOT_YET = "You still need to meet an employer this year."
EMPLOYER_MET = "You have met employers this year."
AMYS_ACTIONS = "Ask the vet surgery about a week of work experience."
AMYS_REFLECTION = "Vets need to be calm with scared animals."


def checked(page: Any) -> str:
    """The page passes axe, fits a 360 px screen, and its main text (for the assertions)."""
    assert axe_violations(page) == [], page.url
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow} px too wide at 360 px"
    if os.environ.get("QIC_SCREENSHOTS"):
        shot = len(os.listdir(os.environ["QIC_SCREENSHOTS"]))
        page.screenshot(path=f"{os.environ['QIC_SCREENSHOTS']}/take-part-{shot:02d}.png", full_page=True)
    return str(page.locator("main").inner_text())


def menu(page: Any, name: str) -> None:
    """Follow a link in the learner's menu, opening it first where the screen folds it away."""
    toggle = page.get_by_role("button", name="Menu")
    if toggle.is_visible():
        toggle.click()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=name).click()


def slip_for(page: Any, learner_name: str) -> tuple[str, str]:
    """The code and sign-in name printed on a learner's slip of the sheet on screen."""
    slip = page.locator(".qic-code-slip", has_text=learner_name)
    code = slip.locator(".qic-code").inner_text()
    assert CODE.fullmatch(code)
    forename = learner_name.split()[0].lower()
    name = slip.get_by_text(re.compile(rf"^{forename}\.[a-z0-9]{{4}}$")).inner_text()
    return code, name


def print_sheet(page: Any, form: str) -> str:
    page.get_by_label("Form group").select_option(form)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name=f"Print sign-in codes for {form}").wait_for()
    page.get_by_role("button", name="Make new codes and show the sheet").click()
    page.get_by_role("heading", name=f"Sign-in codes for {form}").wait_for()
    assert axe_violations(page) == []
    return str(page.locator("main").inner_text())


def first_sign_in(browser: Any, base: str, code: str, name: str, password: str) -> tuple[Any, Any]:
    """A learner on their phone uses their code from the start page and chooses a password."""
    phone = browser.new_context(bypass_csp=True, viewport=PHONE)
    page = phone.new_page()
    page.goto(f"{base}/learner/start/")
    checked(page)
    page.get_by_label("Your code").fill(code)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Choose a password").wait_for()
    assert name in checked(page)
    page.get_by_label("Choose a password").fill(password)
    page.get_by_label("Type your password again").fill(password)
    page.get_by_role("button", name="Save password and sign in").click()
    page.wait_for_url(f"{base}/my/")
    return phone, page


def test_learners_take_part(cast: Cast, edition: Any, live_server: Any, browser: Any, page: Any) -> None:
    base = live_server.url
    school = cast.p1
    people = {}
    for n, (forename, surname, form) in enumerate(
        [("Amy", "Okafor", "10A"), ("Dan", "Evans", "10A"), ("Ben", "Quist", "10B")]
    ):
        people[forename] = make_learner(
            school,
            upn="",
            uln=f"30000000{n:02d}",
            forename=forename,
            surname=surname,
            date_of_birth=dt.date(YEAR - 14, 1, 15),
            registration_group=form,
            year_group=10,
            year_group_recorded_in=YEAR,
        )
    amy, ben = people["Amy"], people["Ben"]
    adviser = Adviser.objects.create(provider=school, name="Jo Adviser")
    save_interview(
        interview=Interview(
            provider=school,
            learner=amy,
            adviser=adviser,
            date=TODAY,
            duration_minutes=45,
            summary="We talked about working with animals.",
            agreed_actions=AMYS_ACTIONS,
        ),
        actor=cast.p1_leader,
    )
    talk = make_activity(
        school,
        title="Vets at work talk",
        date=TODAY,
        partner="Greenfield Vets",
        year_groups=[10],
        needs_own_reflection=True,
    )

    # The careers leader finds Learner access on their home page and gives Year 10 access.
    sign_in(page, base, cast.p1_leader.email)
    page.get_by_role("button", name="Learner access").click()
    page.get_by_role("heading", name="Learner access", exact=True).wait_for()
    page.get_by_label("Year 10").check()
    page.get_by_role("button", name="Save learner access").click()
    page.get_by_text("Learner access has been saved.").wait_for()

    # 10A's sheet (after the confirmation step) has Amy and Dan, not Ben; 10B's has Ben.
    sheet = print_sheet(page, "10A")
    assert "Amy Okafor" in sheet
    assert "Dan Evans" in sheet
    assert "Quist" not in sheet
    amy_code, amy_name = slip_for(page, "Amy Okafor")
    page.get_by_role("link", name="Back to learner access").click()
    sheet = print_sheet(page, "10B")
    assert "Ben Quist" in sheet
    assert "Okafor" not in sheet
    assert "Evans" not in sheet
    ben_code, ben_name = slip_for(page, "Ben Quist")

    # Amy, on her phone: code, password, her record. The employer talk does not count yet.
    amy_phone, learner = first_sign_in(browser, base, amy_code.lower(), amy_name, "kites-over-the-harbour-42")
    text = checked(learner)
    assert "Hello Amy" in text
    assert EMPLOYER_NOT_YET in learner.locator(".qic-standing-to-do").inner_text()
    assert EMPLOYER_MET not in text

    # The careers leader opens self sign-in from the activity's page and shows the code in the room.
    page.goto(f"{base}/providers/{school.urn}/activities/{talk.pk}/")
    page.get_by_role("link", name="Open or close self sign-in").click()
    page.get_by_label("How long learners can sign in for").select_option("30")
    page.get_by_role("button", name="Open sign-in and show the code").click()
    page.wait_for_url(re.compile(r".*/sign-in/room/$"))
    room_code = page.locator(".qic-room-code").inner_text().replace(" ", "")

    # Amy finds "Sign in to an activity" in her menu and signs in with the code in the room.
    menu(learner, "Sign in to an activity")
    learner.wait_for_url(f"{base}/my/sign-in/")
    checked(learner)
    learner.get_by_label("Code").fill(room_code)
    learner.get_by_role("button", name="Sign in").click()
    learner.wait_for_url(f"{base}/my/reflections/{talk.pk}/")
    text = checked(learner)
    assert "You are signed in to Vets at work talk" in text
    assert "once you have written your reflection" in text

    # Signed in but not yet reflected: still not counted.
    menu(learner, "My careers record")
    learner.wait_for_url(f"{base}/my/")
    text = checked(learner)
    assert "Vets at work talk" in text
    assert EMPLOYER_NOT_YET in text
    assert EMPLOYER_MET not in text
    assert "This counts for you once you write about it" in text

    # She writes her reflection from her record; now the talk counts, and her record says so.
    learner.get_by_role("link", name="Write about it").click()
    learner.wait_for_url(f"{base}/my/reflections/{talk.pk}/")
    learner.get_by_label("What did you learn?").fill(AMYS_REFLECTION)
    learner.get_by_label("What will you do next because of it?").fill("Ask about a Saturday job at the vets.")
    learner.get_by_label("4 – Useful").check()
    learner.get_by_role("button", name="Save my reflection").click()
    learner.get_by_text("Thank you. Your reflection is saved.").wait_for()
    checked(learner)
    menu(learner, "My careers record")
    learner.wait_for_url(f"{base}/my/")
    text = checked(learner)
    assert EMPLOYER_MET in learner.locator(".qic-standing-done").inner_text()
    assert EMPLOYER_NOT_YET not in text

    # Her interview's agreed actions.
    card = learner.locator(".govuk-summary-card", has_text="Careers interview on")
    actions = card.locator(".govuk-summary-list__row", has_text="What you agreed to do next")
    assert AMYS_ACTIONS in actions.inner_text()

    # Her passport, as a PDF with her name and not Ben's.
    menu(learner, "My careers passport")
    learner.wait_for_url(f"{base}/my/passport/")
    checked(learner)
    learner.get_by_role("button", name="Show my passport").click()
    assert "Amy Okafor" in checked(learner)
    with learner.expect_download() as download_info:
        learner.get_by_role("button", name="Download PDF").click()
    with open(download_info.value.path(), "rb") as pdf:
        raw = pdf.read()
    assert raw.startswith(b"%PDF-")
    shown = decompressed_text(raw)
    assert "AmyOkafor" in shown
    assert "Quist" not in shown
    assert "Evans" not in shown
    amy_phone.close()

    # Ben, on his phone, sees none of Amy's record; her activity's reflection page is not his.
    ben_phone, other = first_sign_in(browser, base, ben_code, ben_name, "a-different-password-77")
    for url in ("/my/", "/my/experiences/", "/my/passport/", "/my/sign-in/"):
        other.goto(f"{base}{url}")
        text = checked(other)
        for secret in ("Amy", "Okafor", "Vets at work talk", AMYS_ACTIONS, "Jo Adviser", AMYS_REFLECTION):
            assert secret not in text, f"{url} shows {secret!r} to Ben"
    assert f"Hello {ben.forename}" in other.goto(f"{base}/my/").text()
    response = other.goto(f"{base}/my/reflections/{talk.pk}/")
    assert response.status == 404
    assert AMYS_REFLECTION not in response.text()
    ben_phone.close()
