"""The real log-in: password, then a real authenticator code (computed from the device's key).

These tests use the log-in form and the second-factor pages, never force_login, to prove what
force_login stands for elsewhere ("a fully signed-in user").
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from qic.accounts import actions
from qic.accounts.middleware import LOGIN_AT_SESSION_KEY
from qic.core.models import AuditEvent
from qic.programme.actions import create_api_token
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD
from tests.totp import code_for, totp_device_for

TWO_FACTOR = "/accounts/two-factor/"
SET_UP = "/accounts/two-factor/set-up/"


def password_step(client: Client, email: str, password: str = TEST_PASSWORD, ip: str = "10.0.0.1") -> Any:
    return client.post("/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=ip)


def sign_in(client: Client, user: Any) -> None:
    """The whole real log-in: password, then the code the user's app shows."""
    device = totp_device_for(user)
    assert password_step(client, user.email)["Location"].startswith(TWO_FACTOR)
    response = client.post(TWO_FACTOR, {"code": code_for(device), "next": "/home/"})
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == "/home/"


def page(response: Any) -> str:
    return str(response.content.decode())


# --- The second factor is required ------------------------------------------------------------


def test_a_right_password_alone_reaches_no_data(cast: Cast, client: Client) -> None:
    totp_device_for(cast.p1_leader)
    response = password_step(client, cast.p1_leader.email)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/?next=%2Fhome%2F"
    code_page = page(client.get(response["Location"]))
    assert "Enter your security code" in code_page
    # No menu of pages it cannot reach yet.
    assert "Audit log" not in code_page
    assert f"/providers/{cast.p1.urn}/" not in code_page

    # Every page with data sends the session to log in, and log-in sends it on to the code.
    home = client.get("/home/")
    assert (home.status_code, home["Location"]) == (302, "/accounts/login/?next=/home/")
    provider = client.get(f"/providers/{cast.p1.urn}/learners/")
    assert provider.status_code == 302
    assert provider["Location"].startswith("/accounts/login/")
    login = client.get(f"/accounts/login/?next=/providers/{cast.p1.urn}/learners/")
    assert login["Location"] == f"{TWO_FACTOR}?next=%2Fproviders%2F{cast.p1.urn}%2Flearners%2F"
    # The JSON API with this session answers as to anyone not signed in.
    assert client.get("/api/v1/providers").status_code == 401
    assert client.get("/api/v1/me").status_code == 401
    # Public pages still work.
    assert client.get("/register/").status_code == 200


def test_a_right_code_completes_the_log_in_and_returns_to_the_page_asked_for(cast: Cast, client: Client) -> None:
    device = totp_device_for(cast.p1_leader)
    password_step(client, cast.p1_leader.email)
    response = client.post(TWO_FACTOR, {"code": code_for(device), "next": f"/providers/{cast.p1.urn}/learners/"})
    assert response["Location"] == f"/providers/{cast.p1.urn}/learners/"
    assert client.get(f"/providers/{cast.p1.urn}/learners/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    verified = AuditEvent.objects.get(action="user.mfa_verified")
    assert verified.after == {"method": "authenticator app"}
    assert verified.provider_id_ref == cast.p1.pk


def test_a_wrong_code_is_refused_and_the_next_try_must_wait(cast: Cast, client: Client) -> None:
    device = totp_device_for(cast.p1_leader)
    password_step(client, cast.p1_leader.email)
    right = code_for(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = client.post(TWO_FACTOR, {"code": wrong})
    assert response.status_code == 200
    assert "The code is not correct. Enter the 6-digit code your authenticator app shows now" in page(response)
    assert 'class="govuk-error-summary"' in page(response)
    assert client.get("/home/").status_code == 302
    # django-otp's throttling: even the right code waits after a wrong one.
    throttled = client.post(TWO_FACTOR, {"code": right})
    assert "Too many wrong codes. Wait 1 second" in page(throttled)
    assert client.get("/home/").status_code == 302
    assert [e.after for e in AuditEvent.objects.filter(action="user.mfa_failed").order_by("pk")] == [
        {"method": "authenticator app"},
        {"method": "authenticator app", "throttled": True},
    ]
    time.sleep(1.1)
    assert client.post(TWO_FACTOR, {"code": right})["Location"] == "/home/"


def test_an_empty_code_is_asked_for_again(cast: Cast, client: Client) -> None:
    totp_device_for(cast.p1_leader)
    password_step(client, cast.p1_leader.email)
    response = client.post(TWO_FACTOR, {"code": ""})
    assert "Enter the code from your authenticator app, or a recovery code" in page(response)


def test_a_recovery_code_works_once(cast: Cast, client: Client) -> None:
    totp_device_for(cast.p1_staff)
    codes = actions.regenerate_recovery_codes(user=cast.p1_staff, actor=cast.p1_staff)
    assert len(codes) == 10
    assert len(set(codes)) == 10

    password_step(client, cast.p1_staff.email)
    response = client.post(TWO_FACTOR, {"code": codes[0].upper()}, follow=True)
    assert response.redirect_chain[0] == ("/home/", 302)
    assert "You used a recovery code. You have 9 left" in page(response)
    assert AuditEvent.objects.filter(action="user.mfa_verified").get().after == {"method": "recovery code"}

    again = Client()
    password_step(again, cast.p1_staff.email)
    refused = again.post(TWO_FACTOR, {"code": codes[0]})
    assert "The recovery code is not correct or has already been used" in page(refused)
    assert again.get("/home/").status_code == 302
    assert StaticToken.objects.filter(device__user=cast.p1_staff).count() == 9


# --- Setting up the authenticator app ---------------------------------------------------------


def test_first_log_in_sets_up_the_app_and_shows_recovery_codes_once(cast: Cast, client: Client) -> None:
    user = cast.p1_governor
    password_step(client, user.email)
    assert client.get(TWO_FACTOR)["Location"] == f"{SET_UP}?next=%2Fhome%2F"
    setup = page(client.get(SET_UP))
    assert "Set up your authenticator app" in setup
    assert 'src="data:image/svg+xml;base64,' in setup
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed is False
    key = re.search(r'<code class="qic-secret-key" id="secret-key">([A-Z2-7 ]+)</code>', setup)
    assert key is not None
    assert len(key.group(1).replace(" ", "")) == 32
    # Reloading shows the same key, so a code already scanned still works.
    assert key.group(1) in page(client.get(SET_UP))

    wrong = client.post(SET_UP, {"code": "12345"})
    assert "Enter the 6-digit code from your authenticator app, for example 123456" in page(wrong)
    device.refresh_from_db()
    assert device.confirmed is False
    assert client.get("/home/").status_code == 302

    confirmed = client.post(SET_UP, {"code": code_for(device), "next": "/home/"})
    assert confirmed["Location"] == "/accounts/two-factor/recovery-codes/?next=%2Fhome%2F"
    device.refresh_from_db()
    assert device.confirmed is True
    shown = page(client.get(confirmed["Location"]))
    assert "This is the only time these codes are shown" in shown
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", shown)
    assert len(codes) == 10
    assert sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == sorted(codes)
    # Shown once: the next visit only says how many are left.
    later = page(client.get("/accounts/two-factor/recovery-codes/"))
    assert "You have 10 unused recovery codes" in later
    assert codes[0] not in later
    assert client.get("/home/").status_code == 200
    actions_recorded = list(
        AuditEvent.objects.filter(object_id=str(user.pk)).order_by("pk").values_list("action", "provider_id_ref")
    )
    assert actions_recorded == [
        ("user.signed_in", cast.p1.pk),
        ("user.mfa_device_added", cast.p1.pk),
        ("user.recovery_codes_regenerated", cast.p1.pk),
    ]


def test_replacing_the_app_removes_the_old_one(cast: Cast, client: Client) -> None:
    old = totp_device_for(cast.ab1_admin)
    sign_in(client, cast.ab1_admin)
    assert "Replace your authenticator app" in page(client.get(SET_UP))
    new = TOTPDevice.objects.get(user=cast.ab1_admin, confirmed=False)
    client.post(SET_UP, {"code": code_for(new)})
    assert list(TOTPDevice.objects.filter(user=cast.ab1_admin)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    removed = AuditEvent.objects.get(action="user.mfa_device_removed")
    assert removed.awarding_body_id_ref == cast.ab1.pk
    assert removed.actor == cast.ab1_admin


def test_an_unverified_session_cannot_replace_the_app(cast: Cast, client: Client) -> None:
    totp_device_for(cast.ab1_admin)
    password_step(client, cast.ab1_admin.email)
    assert client.get(SET_UP)["Location"].startswith(TWO_FACTOR)
    assert not TOTPDevice.objects.filter(user=cast.ab1_admin, confirmed=False).exists()


def test_security_settings_show_the_app_and_regenerate_codes(cast: Cast, client: Client) -> None:
    sign_in(client, cast.consortium)
    actions.regenerate_recovery_codes(user=cast.consortium, actor=cast.consortium)
    settings_page = page(client.get("/accounts/security/"))
    assert "Test authenticator, added " + timezone.localdate().strftime("%-d %B %Y") in settings_page
    assert "10 unused" in settings_page
    response = client.post("/accounts/two-factor/recovery-codes/new/", follow=True)
    new_codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", page(response))
    assert len(new_codes) == 10
    assert AuditEvent.objects.filter(action="user.recovery_codes_regenerated").count() == 2


# --- Audit of log-in and log-out ---------------------------------------------------------------


def test_log_in_failure_and_log_out_are_audited_without_passwords(cast: Cast, client: Client) -> None:
    password_step(client, cast.p1_leader.email, password="Wrong-But-Secret-1")
    password_step(client, "nobody@example.org", password="Wrong-But-Secret-2")
    sign_in(client, cast.p1_leader)
    client.post("/accounts/logout/")

    failed = list(AuditEvent.objects.filter(action="user.sign_in_failed").order_by("pk"))
    assert [(e.actor_label, e.after) for e in failed] == [
        ("anonymous", {"email": cast.p1_leader.email, "reason": "wrong email address or password"}),
        ("anonymous", {"email": "nobody@example.org", "reason": "wrong email address or password"}),
    ]
    assert failed[0].provider_id_ref == cast.p1.pk
    assert failed[1].provider_id_ref is None
    signed_in = AuditEvent.objects.get(action="user.signed_in")
    assert (signed_in.actor, signed_in.provider_id_ref) == (cast.p1_leader, cast.p1.pk)
    signed_out = AuditEvent.objects.get(action="user.signed_out")
    assert (signed_out.actor, signed_out.provider_id_ref) == (cast.p1_leader, cast.p1.pk)
    everything = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert "Wrong-But-Secret" not in everything
    assert TEST_PASSWORD not in everything


# --- Lockout ------------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_at_that_address_until_the_cool_off(cast: Cast, client: Client) -> None:
    email = cast.p1_leader.email
    for _ in range(4):
        assert password_step(client, email, password="wrong password").status_code == 200
    fifth = password_step(client, email, password="wrong password")
    assert fifth.status_code == 429
    assert "There have been too many failed attempts to sign in. Wait 15 minutes" in page(fifth)
    assert 'class="govuk-error-summary"' in page(fifth)

    # Locked: even the right password is not checked, from this address.
    locked = password_step(client, email)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # The real user elsewhere is not locked out by an attacker at this address.
    assert password_step(Client(), email, ip="10.0.0.2")["Location"].startswith(TWO_FACTOR)

    lockout = AuditEvent.objects.get(action="user.locked_out")
    assert lockout.after == {"email": email, "ip_address": "10.0.0.1", "minutes": 15}
    assert lockout.provider_id_ref == cast.p1.pk
    reasons = list(AuditEvent.objects.filter(action="user.sign_in_failed").values_list("after__reason", flat=True))
    assert reasons.count("locked out, not checked") == 1

    # After the cool-off (15 minutes since the last counted failure) the lock ends by itself.
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert password_step(client, email)["Location"].startswith(TWO_FACTOR)


def test_a_burst_of_wrong_passwords_is_checked_only_up_to_the_limit(cast: Cast, client: Client) -> None:
    started = time.monotonic()
    statuses = [password_step(client, cast.p1_staff.email, password=f"guess {n}").status_code for n in range(60)]
    elapsed = time.monotonic() - started
    checked = AuditEvent.objects.filter(
        action="user.sign_in_failed", after__reason="wrong email address or password"
    ).count()
    assert checked == 5
    assert statuses[:4] == [200] * 4
    assert set(statuses[4:]) == {429}
    assert elapsed < 60  # so "per minute" below is a true bound: 5 guesses checked, then none
    assert AuditEvent.objects.filter(action="user.locked_out").count() == 1


def test_many_failures_from_one_address_lock_that_address(cast: Cast, client: Client, settings: Any) -> None:
    settings.QIC_LOCKOUT_IP_FAILURES = 8
    for n in range(7):
        password_step(client, f"guess{n}@example.org", password="wrong password")
    # A right password for one account at the address does not wipe the address's count.
    assert password_step(Client(), cast.p1_leader.email)["Location"].startswith(TWO_FACTOR)
    password_step(client, "guess7@example.org", password="wrong password")
    # A different account, never tried before, from the same address.
    assert password_step(client, cast.p1_governor.email).status_code == 429
    assert password_step(Client(), cast.p1_governor.email, ip="10.0.0.9")["Location"].startswith(TWO_FACTOR)


def test_a_password_reset_clears_the_lock(cast: Cast, client: Client) -> None:
    for _ in range(5):
        password_step(client, cast.p1_staff.email, password="wrong password")
    assert password_step(client, cast.p1_staff.email).status_code == 429
    actions_reset_link = reset_link(client, cast.p1_staff.email)
    set_new_password(client, actions_reset_link, "a-brand-new-long-password")
    assert password_step(client, cast.p1_staff.email, "a-brand-new-long-password")["Location"].startswith(TWO_FACTOR)


# --- Password reset ----------------------------------------------------------------------------


def reset_link(client: Client, email: str) -> str:
    mail.outbox.clear()
    response = client.post("/accounts/password/reset/", {"email": email})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    found = re.search(r"http://\S+/accounts/password/reset/\S+/", mail.outbox[0].body)
    assert found is not None
    return found.group(0).split("127.0.0.1:8000", 1)[1]


def set_new_password(client: Client, link: str, password: str) -> Any:
    form = client.get(link)
    assert form.status_code == 302  # Django moves the token into the session
    response = client.post(form["Location"], {"new_password1": password, "new_password2": password})
    assert response["Location"] == "/accounts/password/reset/complete/"
    return response


def test_password_reset_round_trip(cast: Cast, client: Client) -> None:
    assert "Forgotten your password?" in page(client.get("/accounts/login/"))
    link = reset_link(client, cast.p1_leader.email)
    message = mail.outbox[0]
    assert message.to == [cast.p1_leader.email]
    assert message.subject == "Reset your QiC Platform password"

    set_new_password(client, link, "new-and-long-enough-password")
    assert "Your new password is set" in page(client.get("/accounts/password/reset/complete/"))
    cast.p1_leader.refresh_from_db()
    assert cast.p1_leader.check_password("new-and-long-enough-password")
    assert password_step(client, cast.p1_leader.email, "new-and-long-enough-password")["Location"].startswith(
        TWO_FACTOR
    )
    event = AuditEvent.objects.get(action="user.password_reset")
    assert (event.actor, event.provider_id_ref) == (cast.p1_leader, cast.p1.pk)
    # The link works once.
    assert "This link does not work" in page(Client().get(link, follow=True))


def test_password_reset_does_not_say_whether_an_account_exists(cast: Cast, client: Client) -> None:
    known = client.post("/accounts/password/reset/", {"email": cast.p1_leader.email}, follow=True)
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain == [("/accounts/password/reset/sent/", 302)]
    assert "If the address you entered belongs to an account" in page(unknown)
    assert [m.to for m in mail.outbox] == [[cast.p1_leader.email]]


def test_password_reset_refuses_a_weak_password_and_changes_nothing(cast: Cast, client: Client) -> None:
    link = reset_link(client, cast.p1_leader.email)
    form = client.get(link)
    response = client.post(form["Location"], {"new_password1": "password", "new_password2": "password"})
    assert response.status_code == 200
    assert "This password is too common." in page(response)
    cast.p1_leader.refresh_from_db()
    assert cast.p1_leader.check_password(TEST_PASSWORD)
    assert not AuditEvent.objects.filter(action="user.password_reset").exists()


def test_password_change_is_audited(cast: Cast, client: Client) -> None:
    sign_in(client, cast.p1_staff)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "another-long-password",
            "new_password2": "another-long-password",
        },
    )
    assert response["Location"] == "/accounts/password/done/"
    assert client.get("/home/").status_code == 200  # this session stays signed in
    event = AuditEvent.objects.get(action="user.password_changed")
    assert (event.actor, event.provider_id_ref, event.after) == (cast.p1_staff, cast.p1.pk, None)


# --- Session limits ---------------------------------------------------------------------------


def test_a_session_ends_after_30_minutes_idle(cast: Cast, client: Client) -> None:
    sign_in(client, cast.p1_leader)
    client.get("/home/")
    session = Session.objects.get(session_key=client.cookies["sessionid"].value)
    left = (session.expire_date - timezone.now()).total_seconds()
    assert 1790 < left <= 1800  # renewed by every request
    assert client.cookies["sessionid"]["max-age"] == 1800
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/home/")
    assert response["Location"] == "/accounts/login/?next=/home/"


def test_a_session_ends_12_hours_after_log_in_however_busy(cast: Cast, client: Client) -> None:
    sign_in(client, cast.p1_leader)
    session = client.session
    session[LOGIN_AT_SESSION_KEY] = int(time.time()) - 12 * 3600 + 60
    session.save()
    assert client.get("/home/").status_code == 200
    session = client.session
    session[LOGIN_AT_SESSION_KEY] = int(time.time()) - 12 * 3600 - 1
    session.save()
    response = client.get("/home/", follow=True)
    assert response.redirect_chain[0] == ("/accounts/login/?next=/home/", 302)
    assert "You have been signed out because you signed in more than 12 hours ago" in page(response)
    assert client.get("/home/").status_code == 302


# --- The API, invitations and the demo --------------------------------------------------------


def test_bearer_tokens_need_no_second_factor(cast: Cast, client: Client) -> None:
    _, plain = create_api_token(provider_id=cast.p1.pk, name="MIS", scope="read", actor=cast.p1_leader)
    response = Client().get(f"/api/v1/providers/{cast.p1.urn}/activities", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert response.status_code == 200


def test_demo_authenticator_is_refused_in_production(cast: Cast, settings: Any) -> None:
    settings.PRODUCTION = True
    with pytest.raises(RuntimeError, match="never used in production"):
        actions.give_demo_device(user=cast.p1_leader)
    assert not TOTPDevice.objects.filter(user=cast.p1_leader).exists()


def test_demo_users_sign_in_with_the_published_demo_key(cast: Cast, client: Client) -> None:
    device = actions.give_demo_device(user=cast.p1_leader)
    assert actions.demo_key_base32() == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert device.bin_key == b"12345678901234567890"
    sign_in(client, cast.p1_leader)
    assert client.get("/home/").status_code == 200
