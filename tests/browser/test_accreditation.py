"""Accreditation in a real browser: every page is accessible to the people who use it, its forms
show an accessible error summary, and the main journeys work by clicking through the pages.

The journeys go through the forms as a person would (labels, radios, file upload) and check the
result where that person would see it, then in the database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from qic.accreditation.models import Accreditation, DocumentKind, IssuedDocument
from qic.domain.accreditation import COMMITMENT_WORDING, Judgment, Stage
from tests.browser.conftest import axe_violations, fill_date
from tests.browser.test_data_safety import overflow_at_phone_width
from tests.browser.test_roles import sign_in
from tests.conftest import Cast
from tests.factories import PDF_BYTES, make_round

pytestmark = pytest.mark.usefixtures("edition")

STALE = "Someone else changed this assessment"


def round_path(a: Accreditation | None) -> str:
    assert a is not None, "this page needs a round"
    return f"/providers/{a.provider.urn}/accreditation/{a.pk}/"


def issued_path(a: Accreditation | None, kind: str) -> str:
    doc = IssuedDocument.objects.get(accreditation=a, kind=kind, number=1)
    return f"{round_path(a)}issued/{doc.pk}/"


def overview_path(a: Accreditation | None, cast: Cast) -> str:
    return f"/providers/{cast.p1.urn}/accreditation/"


@dataclass(frozen=True)
class AccreditationPage:
    """One page, as one user sees it with the round at one stage (None: no round yet)."""

    who: str
    until: str | None
    path: Callable[[Accreditation | None, Cast], str]
    # For forms: the submit button, and an error the summary shows when it is pressed empty.
    button: str = ""
    error: str = ""


def at(suffix: str) -> Callable[[Accreditation | None, Cast], str]:
    return lambda a, cast: round_path(a) + suffix


PAGES: dict[str, AccreditationPage] = {
    # The provider's side
    "overview, leader, nothing yet": AccreditationPage("p1_leader", None, overview_path),
    "overview, leader, committed": AccreditationPage("p1_leader", "committed", overview_path),
    "overview, governor, issued": AccreditationPage("p1_governor", "issued", overview_path),
    "overview, admin, issued": AccreditationPage("ab1_admin", "issued", overview_path),
    "public register, issued": AccreditationPage("ab1_admin", "issued", lambda a, cast: "/register/"),
    "commitment request": AccreditationPage(
        "p1_leader",
        None,
        lambda a, cast: f"/providers/{cast.p1.urn}/accreditation/commitment/",
        button="Send the request",
        error="Enter the web address of the governing body's commitment",
    ),
    "round, leader, requested": AccreditationPage("p1_leader", "requested", at("")),
    "round, leader, committed": AccreditationPage("p1_leader", "committed", at("")),
    "round, leader, submitted": AccreditationPage("p1_leader", "submitted", at("")),
    "round, leader, issued": AccreditationPage("p1_leader", "issued", at("")),
    "round, admin, requested": AccreditationPage("ab1_admin", "requested", at("")),
    "round, admin, submitted": AccreditationPage("ab1_admin", "submitted", at("")),
    "round, admin, assigned": AccreditationPage("ab1_admin", "assigned", at("")),
    "round, admin, judged": AccreditationPage("ab1_admin", "judged", at("")),
    "round, admin, issued": AccreditationPage("ab1_admin", "issued", at("")),
    "round, assessor, scheduled": AccreditationPage("assessor_assigned", "scheduled", at("")),
    "round, assessor, judged": AccreditationPage("assessor_assigned", "judged", at("")),
    # The confirmation pages (issue 13): what will happen, then "Yes, ..." or Cancel.
    "confirm grant": AccreditationPage("ab1_admin", "requested", at("steps/grant_commitment/")),
    "confirm submit": AccreditationPage("p1_leader", "committed", at("steps/submit_portfolio/")),
    "confirm issue": AccreditationPage("ab1_admin", "judged", at("steps/issue_outcome/")),
    "confirm reaccreditation": AccreditationPage("p1_leader", "issued", at("reaccreditation/")),
    "decline request": AccreditationPage(
        "ab1_admin",
        "requested",
        at("steps/decline_commitment/"),
        button="Decline the request",
        error="Say why the request is declined",
    ),
    "return incomplete": AccreditationPage(
        "ab1_admin",
        "submitted",
        at("steps/return_incomplete/"),
        button="Return the evidence",
        error="Say what the careers leader needs to fix",
    ),
    "criterion, leader, committed": AccreditationPage("p1_leader", "committed", at("criteria/5.1/")),
    "criterion, governor, issued": AccreditationPage("p1_governor", "issued", at("criteria/5.1/")),
    "evidence upload": AccreditationPage(
        "p1_leader", "committed", at("documents/new/"), button="Add the document", error="Select a file"
    ),
    # The assessor's side
    "assess section": AccreditationPage("assessor_assigned", "scheduled", at("assess/5/")),
    "assess section, judged": AccreditationPage("assessor_assigned", "judged", at("assess/5/")),
    "assess summary": AccreditationPage("assessor_assigned", "scheduled", at("assess/summary/")),
    "assess summary, judged": AccreditationPage("assessor_assigned", "judged", at("assess/summary/")),
    "conversations": AccreditationPage(
        "assessor_assigned",
        "scheduled",
        at("conversations/"),
        button="Record the conversation",
        error="Choose the kind of conversation",
    ),
    # After the outcome
    "commitment certificate": AccreditationPage(
        "p1_leader", "committed", lambda a, cast: issued_path(a, DocumentKind.COMMITMENT_CERTIFICATE)
    ),
    "issued report, leader": AccreditationPage(
        "p1_leader", "issued", lambda a, cast: issued_path(a, DocumentKind.REPORT)
    ),
    "issued report, admin": AccreditationPage(
        "ab1_admin", "issued", lambda a, cast: issued_path(a, DocumentKind.REPORT)
    ),
    "issued certificate": AccreditationPage(
        "p1_leader", "issued", lambda a, cast: issued_path(a, DocumentKind.CERTIFICATE)
    ),
    "annual review, assessor": AccreditationPage(
        "assessor_assigned",
        "issued",
        at("reviews/1/"),
        button="Record the review",
        error="Describe the progress since the award",
    ),
    "annual review, leader": AccreditationPage("p1_leader", "issued", at("reviews/1/")),
    "correction": AccreditationPage(
        "ab1_admin",
        "issued",
        lambda a, cast: issued_path(a, DocumentKind.REPORT) + "correct/",
        button="Issue the corrected version",
        error="Say what the correction changes",
    ),
    # The Awarding Body
    "dashboard, admin": AccreditationPage("ab1_admin", "judged", lambda a, cast: "/accreditation/"),
    "dashboard, assessor": AccreditationPage("assessor_assigned", "scheduled", lambda a, cast: "/accreditation/"),
    "dashboard, admin, issued": AccreditationPage("ab1_admin", "issued", lambda a, cast: "/accreditation/"),
    "recognition": AccreditationPage(
        "ab1_admin",
        "issued",
        lambda a, cast: f"/providers/{cast.p1.urn}/recognition/new/",
        button="Record the recognition",
        error="Enter the title of the recognition",
    ),
}
FORMS = [name for name, spec in PAGES.items() if spec.button]


def open_page(spec: AccreditationPage, cast: Cast, site: str, page: Any) -> Accreditation | None:
    accreditation = make_round(cast, spec.until) if spec.until else None
    sign_in(page, site, getattr(cast, spec.who).email)
    response = page.goto(site + spec.path(accreditation, cast))
    assert response.status == 200
    return accreditation


def assert_error_summary_links_to_fields(page: Any) -> None:
    summary = page.locator(".govuk-error-summary")
    assert summary.count() == 1
    assert "There is a problem" in summary.inner_text()
    links = summary.get_by_role("link")
    assert links.count() > 0
    for href in [links.nth(i).get_attribute("href") for i in range(links.count())]:
        assert href.startswith("#")
        assert page.locator(f"[id='{href[1:]}']").count() == 1, f"{href} has no target"
    first = links.first.get_attribute("href")
    links.first.click()
    assert page.evaluate("document.activeElement.id") == first[1:]


def criterion(page: Any, code: str) -> Any:
    """The part of an assessment section page that judges one criterion: a group named by its code,
    so that its "Judgment" and "Comment" fields are told apart by a screen reader, not just by eye."""
    return page.get_by_role("group", name=code, exact=True)


# --- 1. Every page --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PAGES))
def test_accreditation_page_is_accessible(name: str, cast: Cast, live_server: Any, page: Any) -> None:
    open_page(PAGES[name], cast, live_server.url, page)
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


@pytest.mark.parametrize(
    "name",
    [
        name
        for name in PAGES
        if name.startswith(("confirm", "decline", "return", "issued report", "dashboard", "public"))
    ],
)
def test_confirmation_pages_fit_a_phone(name: str, cast: Cast, live_server: Any, page: Any) -> None:
    open_page(PAGES[name], cast, live_server.url, page)
    overflow, culprits = overflow_at_phone_width(page)
    if name.startswith(("confirm", "decline", "return")):
        assert (overflow, culprits) == (0, [])
    else:  # wide tables scroll inside their own labelled region; the page itself never does
        assert overflow == 0, culprits


@pytest.mark.parametrize("name", FORMS)
def test_empty_form_shows_accessible_error_summary(name: str, cast: Cast, live_server: Any, page: Any) -> None:
    spec = PAGES[name]
    open_page(spec, cast, live_server.url, page)
    # Clear what the form fills in for you, so that it really is sent empty.
    for field in page.locator("main form input[type=date], main form textarea").all():
        field.fill("")
    page.get_by_role("button", name=spec.button).click()
    assert spec.error in page.locator(".govuk-error-summary").inner_text()  # waits for the new page
    assert page.title().startswith("Error: ")
    assert axe_violations(page) == []
    assert_error_summary_links_to_fields(page)


def test_judgments_without_comments_show_one_accessible_error_summary(cast: Cast, live_server: Any, page: Any) -> None:
    accreditation = open_page(PAGES["assess section"], cast, live_server.url, page)
    assert accreditation is not None
    criterion(page, "5.1").get_by_label("Fully meeting", exact=True).check()
    criterion(page, "5.2").get_by_label("Making good progress", exact=True).check()
    page.get_by_role("button", name="Save section 5").click()

    # One summary for the page, naming both criteria, and it has the focus.
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert page.title().startswith("Error: ")
    assert summary.count() == 1
    assert summary.get_by_role("link").all_inner_texts() == [
        "5.1: Write a comment that explains the judgment",
        "5.2: Write a comment that explains the judgment",
    ]
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')") is True
    # What was chosen is kept, and each error is next to its own field.
    assert criterion(page, "5.1").get_by_label("Fully meeting", exact=True).is_checked()
    assert "Write a comment" in criterion(page, "5.2").locator(".govuk-error-message").inner_text()
    assert criterion(page, "5.3").locator(".govuk-error-message").count() == 0
    assert axe_violations(page) == []
    assert_error_summary_links_to_fields(page)
    assert page.evaluate("document.activeElement.id") == criterion(page, "5.1").get_by_label("Comment").get_attribute(
        "id"
    )
    assert not accreditation.criterion_records.exclude(judgment="").exists()


# --- 2. Journeys ------------------------------------------------------------------------------------


def test_leader_requests_commitment_and_admin_grants_it(
    cast: Cast, live_server: Any, browser: Any, page: Any, tmp_path: Path
) -> None:
    site = live_server.url
    overview = f"{site}/providers/{cast.p1.urn}/accreditation/"
    report = tmp_path / "compass-report.pdf"
    report.write_bytes(PDF_BYTES)
    completed = timezone.localdate() - dt.timedelta(days=10)

    sign_in(page, site, cast.p1_leader.email)
    page.get_by_role("link", name=re.compile("Quality in Careers accreditation")).click()
    page.wait_for_url(overview)
    assert page.locator("h1").inner_text() == "Quality in Careers accreditation"
    page.get_by_role("button", name="Request the certificate of commitment").click()
    page.wait_for_url(overview + "commitment/")
    page.get_by_label("Web address of the governing body's public commitment").fill("https://alpha.example.org/careers")
    page.get_by_role("group", name="Self-assessment tool").get_by_label("Compass", exact=True).check()
    fill_date(page, "Date the self-assessment was completed", completed)
    page.get_by_label("Compass or Compass+ report").set_input_files(report)
    page.get_by_role("button", name="Send the request").click()

    page.wait_for_url(re.compile(r"/accreditation/\d+/$"))
    assert "Your request has gone to your Awarding Body." in page.locator("body").inner_text()
    assert "Your request is with North Awards" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("navigation", name="Alpha Academy").get_by_role("link", name="Accreditation").click()
    page.wait_for_url(overview)
    text = page.locator("main").inner_text()
    assert "requested from North Awards and is waiting to be granted" in text
    assert "Start by asking" not in text
    assert COMMITMENT_WORDING not in text
    accreditation = Accreditation.objects.get(provider=cast.p1)
    assert accreditation.stage == Stage.COMMITMENT_REQUESTED
    assert accreditation.compass_tool == "compass"
    assert accreditation.compass_completed_on == completed
    assert accreditation.documents.count() == 1

    # The Awarding Body's admin, in a browser of their own.
    admin_context = browser.new_context(bypass_csp=True)
    try:
        admin = admin_context.new_page()
        sign_in(admin, site, cast.ab1_admin.email)
        admin.get_by_role("navigation", name="Menu").get_by_role("link", name="Accreditation").click()
        admin.wait_for_url(f"{site}/accreditation/")
        assert admin.title().startswith("Accreditation – North Awards")
        admin.get_by_role("table", name="Commitments to grant").get_by_role("link", name="Alpha Academy").click()
        admin.wait_for_url(site + round_path(accreditation))
        admin.get_by_role("button", name="Grant the certificate of commitment").click()
        # A confirmation page says what will happen; nothing is granted until "Yes".
        admin.wait_for_url(site + round_path(accreditation) + "steps/grant_commitment/")
        assert "may use the words" in admin.locator("main").inner_text()
        assert axe_violations(admin) == []
        accreditation.refresh_from_db()
        assert accreditation.stage == Stage.COMMITMENT_REQUESTED
        admin.get_by_role("button", name="Yes, grant the certificate").click()
        banner = admin.locator(".govuk-notification-banner--success")  # waits for the page after the post
        assert "The certificate of commitment has been issued." in banner.inner_text()
    finally:
        admin_context.close()
    accreditation.refresh_from_db()
    assert accreditation.stage == Stage.COMMITTED

    page.goto(overview)
    assert COMMITMENT_WORDING in page.locator("main").inner_text()
    assert axe_violations(page) == []


def test_assessor_judges_a_section(cast: Cast, live_server: Any, page: Any) -> None:
    accreditation = make_round(cast, "scheduled")
    sign_in(page, live_server.url, cast.assessor_assigned.email)
    page.get_by_role("link", name="Your assessments and annual reviews").click()
    page.wait_for_url(f"{live_server.url}/accreditation/")
    assert page.title().startswith("My assessments – North Awards")
    page.get_by_role("table", name="Under assessment").get_by_role("link", name="Alpha Academy").click()
    page.wait_for_url(live_server.url + round_path(accreditation))
    page.get_by_role("link", name=re.compile("^Judge section 5")).click()
    page.wait_for_url(f"{live_server.url}{round_path(accreditation)}assess/5/")
    assert page.locator("h1").inner_text().startswith("Section 5")

    choices = {
        "5.1": (Judgment.FULLY_MEETING, "Every pupil met employers in Years 7 to 11."),
        "5.2": (Judgment.GOOD_PROGRESS, "Encounters are planned but not yet reviewed."),
        "5.3": (Judgment.INSUFFICIENT, "No record of work with employers on SEND provision."),
    }
    for code, (judgment, comment) in choices.items():
        part = criterion(page, code)
        part.get_by_label(judgment.label, exact=True).check()
        part.get_by_label("Comment").fill(comment)
    page.get_by_role("button", name="Save section 5").click()

    banner = page.locator(".govuk-notification-banner--success")
    assert "Section 5 saved (3 judgments changed)." in banner.inner_text()
    assert axe_violations(page) == []
    saved = {
        r.criterion.code: (r.judgment, r.comment)
        for r in accreditation.criterion_records.filter(criterion__section__number=5).select_related("criterion")
    }
    assert saved == {code: (judgment.value, comment) for code, (judgment, comment) in choices.items()}
    assert not accreditation.criterion_records.exclude(criterion__section__number=5).exclude(judgment="").exists()


# --- 3. Two people at once --------------------------------------------------------------------------


def test_second_save_of_a_stale_section_is_refused(cast: Cast, live_server: Any, browser: Any) -> None:
    accreditation = make_round(cast, "scheduled")
    url = f"{live_server.url}{round_path(accreditation)}assess/5/"
    contexts = [browser.new_context(bypass_csp=True) for _ in range(2)]
    try:
        first, second = (context.new_page() for context in contexts)
        for tab in (first, second):
            sign_in(tab, live_server.url, cast.assessor_assigned.email)
            tab.goto(url)

        part = criterion(first, "5.1")
        part.get_by_label("Fully meeting", exact=True).check()
        part.get_by_label("Comment").fill("First assessor's comment.")
        first.get_by_role("button", name="Save section 5").click()
        assert "Section 5 saved" in first.locator(".govuk-notification-banner--success").inner_text()

        part = criterion(second, "5.1")
        part.get_by_label("Making insufficient progress", exact=True).check()
        part.get_by_label("Comment").fill("Second assessor's comment.")
        second.get_by_role("button", name="Save section 5").click()
        assert STALE in second.locator(".govuk-error-summary").inner_text()  # waits for the new page
        assert second.title().startswith("Error: ")
        assert axe_violations(second) == []

        record = accreditation.criterion_records.get(criterion__code="5.1")
        assert (record.judgment, record.comment) == (Judgment.FULLY_MEETING.value, "First assessor's comment.")
    finally:
        for context in contexts:
            context.close()


# --- 4. Confirmations (issue 13) ----------------------------------------------------------------------


def test_leader_submits_the_evidence_after_confirming(cast: Cast, live_server: Any, page: Any) -> None:
    from qic.accreditation import actions
    from tests.factories import REQUIRED_KINDS, pdf_upload

    accreditation = make_round(cast, "committed")
    for kind in REQUIRED_KINDS:
        actions.upload_evidence(
            accreditation=accreditation, upload=pdf_upload(), kind=kind, title="", criterion=None, actor=cast.p1_leader
        )
    site = live_server.url
    sign_in(page, site, cast.p1_leader.email)
    page.goto(site + round_path(accreditation))
    page.get_by_role("button", name="Submit for assessment").click()
    page.wait_for_url(site + round_path(accreditation) + "steps/submit_portfolio/")
    main = page.locator("main").inner_text()
    assert "Submit your evidence for assessment?" in main
    assert "You cannot change or add evidence after you submit" in main
    # Cancel goes back and changes nothing.
    page.get_by_role("link", name="Cancel").click()
    page.wait_for_url(site + round_path(accreditation))
    accreditation.refresh_from_db()
    assert accreditation.stage == Stage.COMMITTED
    page.get_by_role("button", name="Submit for assessment").click()
    page.get_by_role("button", name="Yes, submit the evidence").click()
    banner = page.locator(".govuk-notification-banner--success")
    assert "Your evidence has been submitted to your Awarding Body." in banner.inner_text()
    accreditation.refresh_from_db()
    assert accreditation.stage == Stage.SUBMITTED


def test_admin_declines_a_request_and_the_leader_sees_why(
    cast: Cast, live_server: Any, browser: Any, page: Any
) -> None:
    accreditation = make_round(cast, "requested")
    site = live_server.url
    sign_in(page, site, cast.ab1_admin.email)
    page.goto(site + round_path(accreditation))
    page.get_by_role("link", name="Decline the request").click()
    page.get_by_label("Why is the request declined?").fill("The commitment is not on the school's website yet.")
    page.get_by_role("button", name="Decline the request").click()
    assert "The request has been declined." in page.locator(".govuk-notification-banner--success").inner_text()
    accreditation.refresh_from_db()
    assert accreditation.stage == Stage.COMMITMENT_DECLINED

    leader_context = browser.new_context(bypass_csp=True)
    try:
        leader = leader_context.new_page()
        sign_in(leader, site, cast.p1_leader.email)
        leader.goto(f"{site}/providers/{cast.p1.urn}/accreditation/")
        text = leader.locator("main").inner_text()
        assert "The commitment is not on the school's website yet." in text
        assert axe_violations(leader) == []
        leader.get_by_role("button", name="Request the certificate of commitment again").click()
        leader.wait_for_url(f"{site}/providers/{cast.p1.urn}/accreditation/commitment/")
    finally:
        leader_context.close()


def test_leader_starts_and_cancels_a_reaccreditation(cast: Cast, live_server: Any, page: Any) -> None:
    previous = make_round(cast, "issued")
    site = live_server.url
    sign_in(page, site, cast.p1_leader.email)
    page.goto(site + round_path(previous))
    page.get_by_role("button", name="Start reaccreditation from this assessment").click()
    assert "The current award is not changed" in page.locator("main").inner_text()
    assert Accreditation.objects.count() == 1
    page.get_by_role("button", name="Yes, start reaccreditation").click()
    assert "Reaccreditation has started" in page.locator(".govuk-notification-banner--success").inner_text()
    new = Accreditation.objects.get(previous=previous)
    page.get_by_role("link", name="Cancel this reaccreditation").click()
    page.wait_for_url(site + round_path(new) + "steps/cancel_reaccreditation/")
    assert axe_violations(page) == []
    # The destructive choice is a red button, never the only way out.
    assert page.get_by_role("link", name="No, keep the reaccreditation").count() == 1
    page.get_by_role("button", name="Yes, cancel the reaccreditation").click()
    page.wait_for_url(site + round_path(previous))
    assert "The previous award is unchanged." in page.locator(".govuk-notification-banner--success").inner_text()
    assert not Accreditation.objects.filter(pk=new.pk).exists()
    assert previous.awards.get().superseded is False
