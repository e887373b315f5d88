"""Setting up the authenticator app and entering codes, in a browser, with axe checks."""

from __future__ import annotations

import base64
import time
from typing import Any

from django_otp.oath import TOTP

from tests.browser.conftest import axe_violations
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD
from tests.totp import code_for, totp_device_for


def password_step(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_first_sign_in_sets_up_the_app_from_the_key_on_the_page(cast: Cast, live_server: Any, page: Any) -> None:
    base = live_server.url
    password_step(page, base, cast.p1_governor.email)
    page.wait_for_url(f"{base}/accounts/two-factor/set-up/*")
    assert page.locator("h1").inner_text() == "Set up your authenticator app"
    assert page.get_by_alt_text("QR code to add QiC Platform to your authenticator app").is_visible()
    assert axe_violations(page) == []

    page.get_by_label("Code from your authenticator app").fill("12")
    page.get_by_role("button", name="Confirm").click()
    assert "Enter the 6-digit code from your authenticator app" in page.locator(".govuk-error-summary").inner_text()
    assert axe_violations(page) == []

    # What a person does: type the key shown on the page into an app, and read its code.
    key = page.locator("#secret-key").inner_text().replace(" ", "")
    code = f"{TOTP(base64.b32decode(key)).token():06d}"
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(f"{base}/accounts/two-factor/recovery-codes/*")
    assert page.locator("#recovery-codes li").count() == 10
    assert axe_violations(page) == []
    page.get_by_role("button", name="I have saved my recovery codes").click()
    page.wait_for_url(f"{base}/home/")
    assert page.locator("h1").inner_text() == f"Welcome, {cast.p1_governor.first_name}"


def test_code_page_refuses_a_wrong_code_and_accepts_the_right_one(cast: Cast, live_server: Any, page: Any) -> None:
    base = live_server.url
    device = totp_device_for(cast.ab1_admin)
    password_step(page, base, cast.ab1_admin.email)
    page.wait_for_url(f"{base}/accounts/two-factor/*")
    assert page.locator("h1").inner_text() == "Enter your security code"
    assert axe_violations(page) == []
    right = code_for(device)
    page.get_by_label("Code").fill(f"{(int(right) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Continue").click()
    assert "The code is not correct" in page.locator(".govuk-error-summary").inner_text()
    assert axe_violations(page) == []
    time.sleep(1.1)  # django-otp makes the next try wait a second after a wrong code
    page.get_by_label("Code").fill(right)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base}/home/")
    page.goto(f"{base}/accounts/security/")
    assert "Test authenticator" in page.locator("main").inner_text()
    assert axe_violations(page) == []


def test_lockout_message_is_on_the_log_in_page(cast: Cast, live_server: Any, page: Any) -> None:
    base = live_server.url
    for _ in range(5):
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("Email address").fill(cast.p1_staff.email)
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "too many failed attempts to sign in. Wait 15 minutes" in summary
    assert axe_violations(page) == []
