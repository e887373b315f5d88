"""Links for people without an account: employers and parents act through a link sent to them.

Pure rules; `qic.partners.links` stores and checks them. A link is a random token (256 bits,
URL-safe), of which only the SHA-256 hash is kept. Each link has one purpose and is scoped to
exactly one object (an activity, a placement, a learner); it expires, some work once only, and
the school can revoke it. Unknown tokens are throttled by client address.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import secrets


class LinkPurpose(str, enum.Enum):  # noqa: UP042 - stored value
    # The employer confirms an encounter or experience took place, its purpose and task, and feedback.
    EMPLOYER_CONFIRMATION = "employer_confirmation"
    # The employer of a work-experience placement gives its details and checks, later its feedback.
    PLACEMENT_EMPLOYER = "placement_employer"
    # A parent or carer of one learner: the programme, their child's activities, placement consent.
    PARENT = "parent"
    # A short evaluation form after an activity (criterion 1.6), for an employer, parent or staff member.
    FEEDBACK = "feedback"

    @property
    def label(self) -> str:
        return PURPOSE_LABELS[self]


PURPOSE_LABELS = {
    LinkPurpose.EMPLOYER_CONFIRMATION: "Employer confirmation",
    LinkPurpose.PLACEMENT_EMPLOYER: "Placement employer",
    LinkPurpose.PARENT: "Parent or carer",
    LinkPurpose.FEEDBACK: "Feedback form",
}

# How long a link lasts from when it is made.
LIFETIME_DAYS = {
    LinkPurpose.EMPLOYER_CONFIRMATION: 30,
    LinkPurpose.PLACEMENT_EMPLOYER: 90,  # checks before, feedback after: a placement can be weeks away
    LinkPurpose.PARENT: 90,
    LinkPurpose.FEEDBACK: 30,
}

# Links that stop working once their form is submitted. The others last until they expire or
# are revoked: an employer comes back to upload a certificate, a parent to look again.
ONE_TIME = frozenset({LinkPurpose.EMPLOYER_CONFIRMATION, LinkPurpose.FEEDBACK})

# Unknown, expired, used or revoked tokens from one client address: after this many within the
# window, every link page refuses that address (429). A school's guests do not share addresses
# the way a class does, and 2**256 tokens make guessing hopeless at any rate.
MAX_FAILED_ATTEMPTS = 30
FAILED_ATTEMPT_WINDOW_MINUTES = 15

TOKEN_BYTES = 32


class LinkState(str, enum.Enum):  # noqa: UP042 - compared with strings in templates
    USABLE = "usable"
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"


STATE_MESSAGES = {
    LinkState.EXPIRED: "This link has expired. Ask the school for a new one.",
    LinkState.USED: "This link has already been used. Ask the school if you need to change what you sent.",
    LinkState.REVOKED: "The school has withdrawn this link. Ask the school for a new one if you need it.",
}


def new_token() -> str:
    """A fresh token for a link's address: 43 URL-safe characters."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode("utf-8", "ignore")).hexdigest()


def looks_like_token(text: str) -> bool:
    """Whether a path segment could be a token at all (anything else is refused without a query)."""
    return 20 <= len(text) <= 64 and all(ch.isalnum() or ch in "-_" for ch in text)


def expires_at(purpose: LinkPurpose, made_at: dt.datetime, days: int | None = None) -> dt.datetime:
    return made_at + dt.timedelta(days=days if days is not None else LIFETIME_DAYS[purpose])


def state_of(
    *,
    purpose: LinkPurpose,
    now: dt.datetime,
    expires: dt.datetime,
    used_at: dt.datetime | None,
    revoked_at: dt.datetime | None,
) -> LinkState:
    """What a link can do now: revoked beats used beats expired."""
    if revoked_at is not None:
        return LinkState.REVOKED
    if used_at is not None and purpose in ONE_TIME:
        return LinkState.USED
    if now >= expires:
        return LinkState.EXPIRED
    return LinkState.USABLE
