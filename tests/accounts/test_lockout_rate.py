"""How many wrong passwords one account+address gets checked per minute (printed with -s).

With real Argon2 hashing, the same burst of wrong passwords is sent with the lockout off and on.
"""

from __future__ import annotations

import time
from typing import Any

from django.test import Client

from qic.core.models import AuditEvent
from tests.conftest import Cast

BURST = 12


def checked_so_far() -> int:
    return AuditEvent.objects.filter(
        action="user.sign_in_failed", after__reason="wrong email address or password"
    ).count()


def burst(cast: Cast) -> tuple[int, float]:
    before = checked_so_far()
    client = Client()
    started = time.monotonic()
    for n in range(BURST):
        client.post("/accounts/login/", {"username": cast.p1_leader.email, "password": f"guess {n}"})
    elapsed = time.monotonic() - started
    return checked_so_far() - before, elapsed


def test_wrong_passwords_checked_per_minute(cast: Cast, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    cast.p1_leader.set_password("the real password, long enough")
    cast.p1_leader.save()

    settings.AXES_ENABLED = False
    unlimited, unlimited_seconds = burst(cast)
    settings.AXES_ENABLED = True
    limited, limited_seconds = burst(cast)

    print(
        f"\nWithout lockout: {unlimited} wrong passwords checked in {unlimited_seconds:.2f}s "
        f"= {unlimited * 60 / unlimited_seconds:.0f} per minute.\n"
        f"With lockout: {limited} of {BURST} checked in {limited_seconds:.2f}s, then none for 15 minutes "
        f"= at most {limited} per 15 minutes ({limited * 4 * 24} per day) per account and address."
    )
    assert unlimited == BURST
    assert limited == 5
