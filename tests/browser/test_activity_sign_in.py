"""A learner on a 360 px phone signs in to a running activity with the code on the screen and
writes a reflection; the careers leader's "show in the room" page shows that code. axe checks each."""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone

from qic.domain.academic import academic_year_of
from qic.programme.models import Participation, Reflection
from tests.browser.conftest import axe_violations
from tests.conftest import Cast
from tests.factories import make_activity, make_learner, make_learner_account
from tests.totp import totp_device_for

PHONE = {"width": 360, "height": 740}


def fits(page: Any) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow} px too wide at 360 px"


def test_a_learner_signs_in_by_code_on_a_phone_and_writes_a_reflection(
    cast: Cast, live_server: Any, browser: Any
) -> None:
    base = live_server.url
    amy = make_learner(cast.p1, forename="Amy", surname="Okafor")
    make_learner_account(amy, sign_in_name="amy.k7q2", password="a-learner-password-1")
    talk = make_activity(
        cast.p1,
        title="Engineers' talk",
        date=timezone.localdate(),
        year_groups=[amy.year_group_in(academic_year_of(timezone.localdate()))],
        needs_own_reflection=True,
    )

    # The careers leader opens sign-in and shows the code in the room.
    staff = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    room = staff.new_page()
    staff_client_login(room, base, cast)
    room.goto(f"{base}/providers/{cast.p1.urn}/activities/{talk.pk}/sign-in/")
    assert axe_violations(room) == []
    room.get_by_label("How long learners can sign in for").select_option("30")
    room.get_by_role("button", name="Open sign-in and show the code").click()
    room.wait_for_url(re.compile(r".*/sign-in/room/$"))
    code = room.locator(".qic-room-code").inner_text().replace(" ", "")
    assert len(code) == 6
    assert room.get_by_alt_text("QR code that opens sign-in with this code").is_visible()
    assert axe_violations(room) == []

    # Amy, on her phone.
    phone = browser.new_context(bypass_csp=True, viewport=PHONE)
    page = phone.new_page()
    page.goto(f"{base}/learner/sign-in/")
    page.get_by_label("Sign-in name or school email").fill("amy.k7q2")
    page.get_by_label("Password").fill("a-learner-password-1")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/my/")
    page.goto(f"{base}/my/sign-in/")
    assert page.locator("h1").inner_text() == "Sign in to an activity"
    assert axe_violations(page) == []
    fits(page)
    page.get_by_label("Code").fill("AAA")
    page.get_by_role("button", name="Sign in").click()
    assert "The code has 6 letters and numbers" in page.locator(".govuk-error-summary").inner_text()
    assert axe_violations(page) == []
    page.get_by_label("Code").fill(code.lower())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/my/reflections/{talk.pk}/")
    assert "You are signed in to Engineers' talk" in page.content().replace("&#x27;", "'")
    assert Participation.objects.get(activity=talk, learner=amy).attended
    assert "counts this activity in your careers record once you have written your reflection" in page.content()
    assert axe_violations(page) == []
    fits(page)

    # A mistake first: the error summary names it.
    page.get_by_role("button", name="Save my reflection").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Write what you learnt" in summary
    assert "Choose how useful it was" in summary
    assert axe_violations(page) == []
    fits(page)
    page.get_by_label("What did you learn?").fill("Engineers design bridges <b>and</b> trains.")
    page.get_by_label("What will you do next because of it?").fill("Look at engineering courses.")
    page.get_by_label("4 – Useful").check()
    page.get_by_role("button", name="Save my reflection").click()
    page.get_by_text("Thank you. Your reflection is saved.").wait_for()
    assert page.get_by_label("What did you learn?").input_value() == "Engineers design bridges <b>and</b> trains."
    assert Reflection.objects.get(learner=amy).rating == 4
    assert axe_violations(page) == []

    # The room's count follows.
    room.reload()
    assert "1 signed in" in room.locator("#sign-in-count").inner_text()
    phone.close()
    staff.close()


def staff_client_login(page: Any, base: str, cast: Cast) -> None:
    """The careers leader signs in with password and authenticator code."""
    from tests.browser.test_signin import password_step
    from tests.totp import code_for

    device = totp_device_for(cast.p1_leader)
    password_step(page, base, cast.p1_leader.email)
    page.wait_for_url(f"{base}/accounts/two-factor/*")
    page.get_by_label("Code").fill(code_for(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r".*/home/$"))
