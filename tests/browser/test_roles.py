"""Each role signs in through the real form, lands on its home page, and the page is accessible."""

from __future__ import annotations

from typing import Any

import pytest

from qic.organisations.models import User
from tests.browser.conftest import axe_violations
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD
from tests.totp import code_for, totp_device_for

HOME_CONTENT = {
    "consortium": ["Welcome, ", "Licensed Awarding Bodies", "North Awards", "South Awards", "Import from GIAS"],
    "ab1_admin": ["North Awards · Awarding Body admin", "Client providers", "Alpha Academy"],
    "assessor_assigned": ["North Awards · Assessor", "Providers assigned to you", "Alpha Academy"],
    "p1_leader": ["Alpha Academy · Careers leader", "Invite staff and governors"],
    "p1_staff": ["Alpha Academy · Provider staff", "Your careers leader manages who has access"],
    "p1_governor": ["Alpha Academy · Governor", "read-only"],
}
NOT_ON_HOME = {
    "ab1_admin": ["Beta College"],
    "assessor_assigned": ["Beta College"],
}


def sign_in(page: Any, base: str, email: str) -> None:
    """The real log-in: the password, then the code the user's authenticator app shows now."""
    device = totp_device_for(User.objects.get(email=email))
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/accounts/two-factor/*")
    page.get_by_label("Code").fill(code_for(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base}/home/")


@pytest.mark.parametrize("who", sorted(HOME_CONTENT))
def test_role_home_page(who: str, cast: Cast, edition: Any, live_server: Any, page: Any) -> None:
    user = getattr(cast, who)
    sign_in(page, live_server.url, user.email)
    text = page.locator("main").inner_text()
    for expected in HOME_CONTENT[who]:
        assert expected in text
    for unexpected in NOT_ON_HOME.get(who, []):
        assert unexpected not in text
    assert page.locator("h1").inner_text() == f"Welcome, {user.first_name}"
    assert axe_violations(page) == []


@pytest.mark.parametrize(
    "path",
    ["/", "/accounts/login/", "/framework/qic-2024/", "/framework/qic-2024/sections/8/", "/no-such-page/"],
)
def test_public_pages_are_accessible(path: str, edition: Any, live_server: Any, page: Any) -> None:
    page.goto(live_server.url + path)
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


def test_wrong_password_shows_error_summary(cast: Cast, live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill(cast.p1_leader.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    assert page.url.endswith("/accounts/login/")
    assert axe_violations(page) == []


CONSORTIUM_PAGES = ["/awarding-bodies/", "/awarding-bodies/new/", "/providers/", "/consortium/gias/", "/audit/"]


def test_consortium_pages_are_accessible(cast: Cast, edition: Any, live_server: Any, page: Any) -> None:
    sign_in(page, live_server.url, cast.consortium.email)
    for path in [*CONSORTIUM_PAGES, f"/awarding-bodies/{cast.ab1.pk}/", f"/providers/{cast.p1.urn}/"]:
        page.goto(live_server.url + path)
        assert axe_violations(page) == [], path


def test_invite_form_errors_are_accessible(cast: Cast, live_server: Any, page: Any) -> None:
    sign_in(page, live_server.url, cast.p1_leader.email)
    page.goto(f"{live_server.url}/providers/{cast.p1.urn}/invite/")
    page.get_by_role("button", name="Send invitation").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "There is a problem" in summary
    assert "This field is required." in summary
    assert axe_violations(page) == []


def test_axe_check_finds_real_violations(page: Any) -> None:
    # Guards the guard: an image without alt text and an unlabelled input must be caught.
    page.set_content('<html lang="en"><body><main><img src="x.png"><input type="text"></main></body></html>')
    assert {v["id"] for v in axe_violations(page)} >= {"image-alt", "label"}


def test_pages_work_under_the_real_csp(browser: Any, edition: Any, live_server: Any) -> None:
    context = browser.new_context()  # no CSP bypass
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(f"{live_server.url}/framework/qic-2024/sections/1/")
    # The nonce'd inline script ran and GOV.UK Frontend's module loaded.
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')") is True
    assert page.evaluate("typeof window.htmx") == "object"
    assert [m for m in console if "Content Security Policy" in m] == []
    context.close()
