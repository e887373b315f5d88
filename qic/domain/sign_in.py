"""Learners signing themselves in to an activity, and their reflections: the rules.

A short code is shown in the room while a sign-in window is open. It is random, from an alphabet
without look-alike characters, and guesses are throttled: after `THROTTLE_FAILURES` wrong codes
in `THROTTLE_MINUTES` from one account or one address, further tries are refused for a while.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

# No 0/O, 1/I/L, 5/S, 2/Z, 8/B: easy to read off a projector and type on a phone.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6
WINDOW_MINUTES = (10, 15, 20, 30, 45, 60, 90, 120)
DEFAULT_WINDOW_MINUTES = 15
THROTTLE_FAILURES = 10
# A hall of 200 learners on one address must not be locked out by their typing; the per-account
# limit is what stops guessing.
THROTTLE_ADDRESS_FAILURES = 200
THROTTLE_MINUTES = 10
REFLECTION_MAX_CHARS = 1000
RATINGS = {
    1: "Not useful",
    2: "A little useful",
    3: "Quite useful",
    4: "Useful",
    5: "Very useful",
}


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str:
    """What a learner typed, as a code: capitals, no spaces or dashes."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def hash_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def closes_at(opened_at: dt.datetime, minutes: int) -> dt.datetime:
    if minutes not in WINDOW_MINUTES:
        raise ValueError(f"A sign-in window is open for one of {WINDOW_MINUTES} minutes")
    return opened_at + dt.timedelta(minutes=minutes)


def throttled(failures_by_account: int, failures_by_address: int) -> bool:
    return failures_by_account >= THROTTLE_FAILURES or failures_by_address >= THROTTLE_ADDRESS_FAILURES


def sign_in_refusal(*, window_open: bool, on_register_list: bool, already_signed_in: bool) -> str:
    """Why a learner with a matching code may not sign in, in plain words, or "" when they may."""
    if not window_open:
        return "Signing in to this activity has closed."
    if already_signed_in:
        return "You have already signed in to this activity."
    if not on_register_list:
        return "This activity is not for your year group or class, so you cannot sign in to it."
    return ""


def open_refusal(activity_day: dt.date, *, today: dt.date) -> str:
    """A sign-in window is opened in the room, on the day of the activity."""
    if activity_day != today:
        return "You can open sign-in only on the day of the activity."
    return ""
