"""Data-safety pages in a real browser: subject access, anonymisation, deactivating people,
client requests, API tokens, the audit log and a full learner import.

Each journey starts on a page a person would start from and follows links and buttons; each page
is checked with axe (no serious or critical violations) and, where cheap, at a phone's width
(390 px) for a page that scrolls sideways.
"""

from __future__ import annotations

import re
from typing import Any

from qic.core import audit_display
from qic.core.actors import SystemActor
from qic.learners.models import Learner
from qic.organisations.models import ClientRequest, Role, User
from qic.programme.actions import record_participation
from qic.programme.models import ApiToken
from tests.browser.conftest import axe_violations
from tests.browser.test_roles import sign_in
from tests.browser.test_workspace import CSV_HEADER, Workspace, upload_learners, workspace  # noqa: F401
from tests.conftest import Cast
from tests.factories import ProviderFactory, make_member

PHONE = {"width": 390, "height": 844}


def overflow_at_phone_width(page: Any) -> tuple[int, list[str]]:
    """How many pixels the page is wider than a 390 px phone screen (0 if it fits), and the
    outermost elements that stick out past its right edge, to say what to fix."""
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        overflow = max(0, page.evaluate("document.documentElement.scrollWidth") - PHONE["width"])
        culprits = page.evaluate(
            """(width) => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > width + 4)
                .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right <= width + 4)
                .slice(0, 5)
                .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : '')
                          + ': ' + (e.innerText || '').slice(0, 40).replace(/\\s+/g, ' '))""",
            PHONE["width"],
        )
        return overflow, culprits
    finally:
        page.set_viewport_size(size)


def check_page(page: Any, *, phone: bool = True) -> None:
    """One h1, no serious or critical axe violations, and (if asked) no sideways scroll on a phone."""
    assert page.locator("h1").count() == 1, page.url
    assert axe_violations(page) == [], page.url
    if phone:
        overflow, culprits = overflow_at_phone_width(page)
        # A table inside .qic-scroll that is still named here means the compiled CSS predates
        # `position: relative` on .qic-scroll: rebuild build/static/css/qic.css (make setup).
        assert overflow <= 4, (page.url, culprits)


# --- 1. Subject access, then anonymisation -------------------------------------------------------


def test_subject_access_then_anonymise_a_learner(cast: Cast, workspace: Workspace, page: Any) -> None:  # noqa: F811
    learner = workspace.learners[0]
    record_participation(activity=workspace.activity, attended=[learner.pk], absent=[], actor=SystemActor("tests"))
    sign_in(page, workspace.site, cast.p1_leader.email)

    page.goto(f"{workspace.base}/learners/")
    page.get_by_role("link", name=learner.list_name).click()
    page.wait_for_url(f"{workspace.base}/learners/{learner.pk}/")
    page.get_by_role("link", name=f"See and download everything held about {learner.name}").click()
    page.wait_for_url(f"{workspace.base}/learners/{learner.pk}/data/")
    assert page.locator("h1").inner_text() == learner.name
    activities = page.get_by_role("table", name="Activities the learner attended or was absent from")
    assert "Careers fair" in activities.inner_text()
    check_page(page)

    page.get_by_role("link", name="Back to the learner's record").click()
    page.get_by_role("link", name=f"Erase {learner.name}'s identity from the record").click()
    page.wait_for_url(f"{workspace.base}/learners/{learner.pk}/anonymise/")
    check_page(page)

    # Ticking the box but giving no reason: the GOV.UK error summary, linked to the field.
    page.get_by_label("I understand that the learner's name").check()
    page.get_by_role("button", name="Anonymise this record").click()
    summary = page.locator(".govuk-error-summary")
    assert "There is a problem" in summary.inner_text()
    assert "Enter why the record is being anonymised" in summary.inner_text()
    assert page.title().startswith("Error: ")
    check_page(page, phone=False)
    summary.get_by_role("link", name="Enter why the record is being anonymised").click()
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
    learner.refresh_from_db()
    assert not learner.anonymised

    page.get_by_label("Why is this record being anonymised?").fill("Her parent asked for the record to be erased.")
    if not page.get_by_label("I understand that the learner's name").is_checked():
        page.get_by_label("I understand that the learner's name").check()
    page.get_by_role("button", name="Anonymise this record").click()
    page.wait_for_url(f"{workspace.base}/learners/{learner.pk}/")
    assert page.locator("h1").inner_text() == f"Anonymised learner #{learner.pk}"
    assert f"It is now shown as Anonymised learner #{learner.pk}" in page.locator("body").inner_text()
    assert learner.surname not in page.locator("main").inner_text()
    check_page(page)
    learner.refresh_from_db()
    assert learner.anonymised


# --- 2. Deactivating and reactivating a member of staff -----------------------------------------


def test_careers_leader_deactivates_then_reactivates_staff(cast: Cast, live_server: Any, page: Any) -> None:
    staff = cast.p1_staff
    sign_in(page, live_server.url, cast.p1_leader.email)
    page.get_by_role("link", name="People", exact=True).click()
    provider_page = f"{live_server.url}/providers/{cast.p1.urn}/"
    page.wait_for_url(provider_page)
    check_page(page)

    people = page.get_by_role("table", name="People")
    people.get_by_role("link", name=f"Deactivate {staff.get_full_name()}").click()
    page.wait_for_url(re.compile(rf"/people/{staff.pk}/deactivate/"))
    assert f"Are you sure you want to deactivate {staff.get_full_name()}?" == page.locator("h1").inner_text()
    check_page(page)
    page.get_by_role("button", name="Yes, deactivate").click()
    page.wait_for_url(provider_page)
    assert f"{staff} can no longer sign in." in page.locator("body").inner_text()
    row = people.get_by_role("row").filter(has_text=staff.email)
    assert "Deactivated" in row.inner_text()
    staff.refresh_from_db()
    assert not staff.is_active

    row.get_by_role("link", name=f"Reactivate {staff.get_full_name()}").click()
    page.wait_for_url(re.compile(rf"/people/{staff.pk}/reactivate/"))
    check_page(page)
    page.get_by_role("button", name="Yes, reactivate").click()
    page.wait_for_url(provider_page)
    assert f"{staff} can sign in again." in page.locator("body").inner_text()
    assert "Active" in people.get_by_role("row").filter(has_text=staff.email).inner_text()
    staff.refresh_from_db()
    assert staff.is_active


# --- 3. An Awarding Body asks to take on a school; the school accepts --------------------------


def test_client_request_is_sent_then_accepted(cast: Cast, live_server: Any, browser: Any, page: Any) -> None:
    school = ProviderFactory(name="Gamma School", awarding_body=None)
    leader = make_member(Role.CAREERS_LEADER, provider=school, email="leader3@example.org")

    sign_in(page, live_server.url, cast.ab1_admin.email)
    page.get_by_role("link", name="Add a client").click()
    page.wait_for_url(f"{live_server.url}/awarding-bodies/{cast.ab1.pk}/clients/add/")
    check_page(page)
    page.get_by_role("button", name="Send request").click()  # no URN: an error first
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    check_page(page, phone=False)
    page.get_by_label("URN").fill(str(school.urn))
    page.get_by_role("button", name="Send request").click()
    page.wait_for_url(f"{live_server.url}/awarding-bodies/{cast.ab1.pk}/")
    assert "We have asked Gamma School to accept North Awards" in page.locator("body").inner_text()
    requests = page.get_by_role("table", name="Requests to take on providers")
    assert "Gamma School" in requests.inner_text()
    check_page(page)
    client_request = ClientRequest.objects.get(provider=school, awarding_body=cast.ab1)
    assert client_request.is_pending

    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    leader_page = context.new_page()
    try:
        sign_in(leader_page, live_server.url, leader.email)
        asking = leader_page.get_by_role("table", name="Awarding Bodies asking to work with you")
        assert "North Awards" in asking.inner_text()
        check_page(leader_page)
        asking.get_by_role("link", name="Accept or decline North Awards's request").click()
        leader_page.wait_for_url(f"{live_server.url}/client-requests/{client_request.pk}/")
        assert "North Awards asks to take on Gamma School" in leader_page.locator("h1").inner_text()
        check_page(leader_page)
        leader_page.get_by_role("button", name="Send answer").click()  # no choice: an error first
        assert "Select whether you accept or decline" in leader_page.locator(".govuk-error-summary").inner_text()
        check_page(leader_page, phone=False)
        leader_page.get_by_label("Yes, accept the request").check()
        leader_page.get_by_role("button", name="Send answer").click()
        leader_page.wait_for_url(f"{live_server.url}/providers/{school.urn}/")
        assert "Gamma School is now a client of North Awards." in leader_page.locator("body").inner_text()
        check_page(leader_page)
    finally:
        context.close()
    school.refresh_from_db()
    assert school.awarding_body_id == cast.ab1.pk


# --- 4. API tokens ------------------------------------------------------------------------------


def test_read_only_api_token_is_shown_once_then_revoked(cast: Cast, live_server: Any, page: Any) -> None:
    sign_in(page, live_server.url, cast.p1_leader.email)
    page.get_by_role("link", name="Our provider").click()  # the service navigation
    page.wait_for_url(f"{live_server.url}/providers/{cast.p1.urn}/")
    page.get_by_role("navigation", name=cast.p1.name).get_by_role("link", name="MIS connection").click()
    tokens_page = f"{live_server.url}/providers/{cast.p1.urn}/api-tokens/"
    page.wait_for_url(tokens_page)
    check_page(page)

    page.get_by_label("What the token is for").fill("SIMS nightly sync")
    assert page.get_by_label("Read only: benchmark figures and activities").is_checked()
    page.get_by_role("button", name="Create token").click()
    secret = page.locator(".govuk-panel code").inner_text().strip()
    assert len(secret) > 20
    assert "it will not be shown again" in page.locator("main").inner_text()
    token = ApiToken.objects.get(provider=cast.p1, name="SIMS nightly sync")
    assert token.scope == ApiToken.Scope.READ
    # The "Starts" column shows the characters after the "qic_" every token begins with.
    assert secret.startswith("qic_" + token.prefix)
    check_page(page)

    # The secret is shown once only: coming back to the page does not show it.
    page.get_by_role("navigation", name=cast.p1.name).get_by_role("link", name="MIS connection").click()
    page.wait_for_url(tokens_page)
    assert secret not in page.content()
    row = page.get_by_role("table", name="Tokens").get_by_role("row").filter(has_text="SIMS nightly sync")
    assert "Read only" in row.inner_text()
    row.get_by_role("link", name="Revoke SIMS nightly sync").click()
    page.wait_for_url(f"{tokens_page}{token.pk}/revoke/")
    assert page.locator("h1").inner_text() == "Revoke the token “SIMS nightly sync”?"
    check_page(page)
    page.get_by_role("button", name="Yes, revoke this token").click()
    page.wait_for_url(tokens_page)
    assert "The token “SIMS nightly sync” no longer works." in page.locator("body").inner_text()
    assert "SIMS nightly sync" in page.get_by_role("table", name="Revoked tokens").inner_text()
    check_page(page)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_refreshing_after_creating_a_token_does_not_make_another(cast: Cast, live_server: Any, page: Any) -> None:
    sign_in(page, live_server.url, cast.p1_leader.email)
    page.goto(f"{live_server.url}/providers/{cast.p1.urn}/api-tokens/")
    page.get_by_label("What the token is for").fill("SIMS nightly sync")
    page.get_by_role("button", name="Create token").click()
    page.locator(".govuk-panel").wait_for()
    page.reload()
    assert ApiToken.objects.filter(provider=cast.p1).count() == 1


# --- 5. The audit log ---------------------------------------------------------------------------


def test_audit_log_filtered_by_what_happened(cast: Cast, workspace: Workspace, page: Any) -> None:  # noqa: F811
    learner = workspace.learners[1]
    sign_in(page, workspace.site, cast.p1_leader.email)
    page.goto(f"{workspace.base}/learners/{learner.pk}/")  # a read the log records
    page.goto(f"{workspace.site}/home/")
    page.get_by_role("main").get_by_role("link", name="Audit log").click()
    page.wait_for_url(f"{workspace.site}/audit/")
    check_page(page)
    everything = page.locator("main").inner_text()
    assert "Learner's record viewed" in everything

    page.get_by_label("What happened").select_option(label=audit_display.sentence("learner.viewed"))
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"/audit/\?"))
    events = page.get_by_role("region", name="Audit events").get_by_role("row")
    assert events.count() >= 2  # the header and at least one event
    for i in range(1, events.count()):
        assert "Learner's record viewed" in events.nth(i).inner_text()
    assert page.get_by_label("What happened").input_value() == "learner.viewed"
    check_page(page)


# --- 6. A full learner import at a phone's width, then cancelled --------------------------------


def test_full_import_preview_fits_a_phone_and_cancelled_page_is_accessible(
    cast: Cast,
    workspace: Workspace,  # noqa: F811
    page: Any,
) -> None:
    # tests/browser/test_workspace.py checks the preview's words and axe; this adds the phone
    # width and the page the cancel lands on.
    sign_in(page, workspace.site, cast.p1_leader.email)
    kept = workspace.learners[0]
    row = f"{kept.upn},{kept.forename},{kept.surname},{kept.date_of_birth:%d/%m/%Y},{kept.sex},{kept.year_group}\r\n"
    upload_learners(page, workspace, "roll.csv", CSV_HEADER + row, full=True)
    leaving = page.get_by_role("table", name=re.compile("will be marked as left"))
    assert leaving.locator("tbody tr").count() == 2
    assert overflow_at_phone_width(page)[0] <= 4

    page.get_by_role("button", name="Cancel import").click()
    page.wait_for_url(re.compile(r"/learners/import/$"))
    check_page(page)
    assert Learner.objects.filter(provider=cast.p1, left_on=None).count() == 3
    assert User.objects.filter(pk=cast.p1_leader.pk, is_active=True).exists()
