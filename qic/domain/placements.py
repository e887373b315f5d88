"""Work-experience placements: the steps a placement moves through and what each step needs.

A placement (one learner, one employer, dates and hours) moves
proposed → checks (the employer's details and the health and safety checks) → consent (a parent
or carer agrees) → approved → in progress → completed; or it is cancelled at any step before it
is completed. Pure rules: `qic.partners.placements` stores them.

The checks (DOMAIN.md: Unifrog's Placements workflow is what schools know): the employer's health
and safety policy, its Employers' Liability insurance certificate with its expiry date, and a
risk assessment, each as an uploaded file or confirmed by the school as checked its own way.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from qic.domain.dates import long_date


class Status(str, enum.Enum):  # noqa: UP042 - stored value
    PROPOSED = "proposed"
    CHECKS = "checks"
    CONSENT = "consent"
    APPROVED = "approved"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.PROPOSED: "Proposed",
    Status.CHECKS: "Waiting for the employer's checks",
    Status.CONSENT: "Waiting for parental consent",
    Status.APPROVED: "Approved",
    Status.IN_PROGRESS: "In progress",
    Status.COMPLETED: "Completed",
    Status.CANCELLED: "Cancelled",
}

# Which step may follow which. Cancelling is possible from every step before completion.
NEXT = {
    Status.PROPOSED: frozenset({Status.CHECKS, Status.CANCELLED}),
    Status.CHECKS: frozenset({Status.CONSENT, Status.CANCELLED}),
    Status.CONSENT: frozenset({Status.APPROVED, Status.CANCELLED}),
    Status.APPROVED: frozenset({Status.IN_PROGRESS, Status.CANCELLED}),
    Status.IN_PROGRESS: frozenset({Status.COMPLETED, Status.CANCELLED}),
    Status.COMPLETED: frozenset(),
    Status.CANCELLED: frozenset(),
}

# An insurance certificate expiring within this many days is shown as expiring on the dashboard.
INSURANCE_WARNING_DAYS = 30


def may_move(current: Status, to: Status) -> bool:
    return to in NEXT[current]


@dataclass(frozen=True)
class Checks:
    """What the school holds for a placement's checks (a file or the school's own confirmation each)."""

    health_and_safety: bool
    insurance: bool
    insurance_expires: dt.date | None
    risk_assessment: bool


def checks_missing(checks: Checks, *, placement_end: dt.date | None) -> list[str]:
    """What is still missing from the checks, in words; empty when they are complete.

    The insurance certificate must still be in force on the placement's last day."""
    missing = []
    if not checks.health_and_safety:
        missing.append("the employer's health and safety policy")
    if not checks.insurance:
        missing.append("the Employers' Liability insurance certificate")
    elif checks.insurance_expires is None:
        missing.append("the insurance certificate's expiry date")
    elif placement_end is not None and checks.insurance_expires < placement_end:
        missing.append("insurance that lasts until the placement ends")
    if not checks.risk_assessment:
        missing.append("a risk assessment")
    return missing


def insurance_expiring(expires: dt.date | None, today: dt.date) -> bool:
    """Whether an insurance certificate has expired or expires within the warning period."""
    return expires is not None and expires <= today + dt.timedelta(days=INSURANCE_WARNING_DAYS)


def dates_problem(start: dt.date | None, end: dt.date | None) -> str | None:
    """None when a placement's dates make sense, else why not."""
    if start is None or end is None:
        return "Enter the first and last day of the placement"
    if end < start:
        return "The last day must be the same as or after the first day"
    if (end - start).days > 366:
        return "A placement must last a year or less: record a longer one as separate placements"
    return None


# --- What each move needs beyond the order of the steps ----------------------------------------

# The documents an employer gives, by the code stored with each one.
DOCUMENT_KINDS = {
    "health_and_safety": "Health and safety policy",
    "insurance": "Employers' Liability insurance certificate",
    "risk_assessment": "Risk assessment",
}

# The most files one placement keeps: the employer's link takes uploads without an account, so a
# leaked or misused link can add only so many (a replaced certificate or two is far below it).
MAX_DOCUMENTS = 30


class MoveRefused(ValueError):
    """A placement cannot make this move now (the message says why, to staff)."""


@dataclass(frozen=True)
class Progress:
    """What a placement holds, as the moves ask it."""

    missing_checks: tuple[str, ...]
    consent: bool | None  # a parent's or carer's answer: yes, no, or none yet
    start: dt.date
    end: dt.date


def move_refusal(current: Status, to: Status, progress: Progress, *, today: dt.date) -> str | None:
    """None when the placement may move from `current` to `to` today, else why not.

    The order of the steps is `NEXT`; besides it, consent is asked for once the checks are
    complete, a placement is approved only with a parent's or carer's yes (and the checks still
    complete: an insurance certificate can lapse, a parent can change their answer), it starts
    only with both still in place, and it starts and is completed no earlier than its first day.
    Cancelling needs nothing."""
    if not may_move(current, to):
        if not NEXT[current]:
            return f"This placement is {STATUS_LABELS[current].lower()}: it cannot change any more"
        return f"A placement cannot go from “{STATUS_LABELS[current]}” to “{STATUS_LABELS[to]}”"
    if to == Status.CANCELLED:
        return None
    if to in (Status.CONSENT, Status.APPROVED, Status.IN_PROGRESS) and progress.missing_checks:
        return "The checks are not complete: still missing " + "; ".join(progress.missing_checks)
    if to in (Status.APPROVED, Status.IN_PROGRESS) and progress.consent is not True:
        if progress.consent is False:
            return "The parent or carer did not give consent"
        return "No parent or carer has given consent yet"
    if to in (Status.IN_PROGRESS, Status.COMPLETED) and today < progress.start:
        return f"The placement has not started yet: its first day is {long_date(progress.start)}"
    return None


def feedback_due(status: Status, end: dt.date, *, has_feedback: bool, today: dt.date) -> bool:
    """Whether the employer's feedback is awaited: the last day has come and none is recorded."""
    return status in (Status.IN_PROGRESS, Status.COMPLETED, Status.APPROVED) and today >= end and not has_feedback


def consent_outstanding(status: Status, consent: bool | None) -> bool:
    """Whether a parent's or carer's yes is still awaited for a placement that is going ahead."""
    return status in (Status.PROPOSED, Status.CHECKS, Status.CONSENT) and consent is not True


def insurance_expiry_problem(expires: dt.date, *, today: dt.date) -> str | None:
    """An insurance certificate's expiry date typed on a form: not already years gone, not absurdly far."""
    if expires < today - dt.timedelta(days=366):
        return "The insurance expiry date must be no more than a year ago: upload the current certificate"
    if expires > today + dt.timedelta(days=366 * 5):
        return "The insurance expiry date must be within 5 years from today"
    return None
