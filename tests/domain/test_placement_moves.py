"""What a placement move needs beyond the order of the steps (qic.domain.placements.move_refusal),
and the dashboard's flags."""

from __future__ import annotations

import datetime as dt

import pytest

from qic.domain.placements import (
    NEXT,
    Progress,
    Status,
    consent_outstanding,
    feedback_due,
    insurance_expiry_problem,
    move_refusal,
)

TODAY = dt.date(2026, 6, 10)
READY = Progress(missing_checks=(), consent=True, start=TODAY, end=TODAY + dt.timedelta(days=4))


def test_only_the_next_steps_are_allowed_and_closed_placements_never_move() -> None:
    for current in Status:
        for to in Status:
            refusal = move_refusal(current, to, READY, today=TODAY)
            if to not in NEXT[current]:
                assert refusal is not None
        if not NEXT[current]:
            assert "cannot change any more" in (move_refusal(current, Status.APPROVED, READY, today=TODAY) or "")


@pytest.mark.parametrize(
    ("current", "to", "progress", "message"),
    [
        (Status.CHECKS, Status.CONSENT, Progress(("a risk assessment",), None, TODAY, TODAY), "a risk assessment"),
        (Status.CONSENT, Status.APPROVED, Progress((), None, TODAY, TODAY), "No parent or carer has given consent"),
        (Status.CONSENT, Status.APPROVED, Progress((), False, TODAY, TODAY), "did not give consent"),
        (Status.CONSENT, Status.APPROVED, Progress(("insurance",), True, TODAY, TODAY), "checks are not complete"),
        (
            Status.APPROVED,
            Status.IN_PROGRESS,
            Progress((), True, TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(days=2)),
            "11 June 2026",
        ),
        (
            Status.IN_PROGRESS,
            Status.COMPLETED,
            Progress((), True, TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(days=2)),
            "not started yet",
        ),
    ],
)
def test_a_move_waits_for_what_it_needs(current: Status, to: Status, progress: Progress, message: str) -> None:
    assert message in (move_refusal(current, to, progress, today=TODAY) or "")


def test_every_step_may_be_cancelled_before_completion_whatever_is_missing() -> None:
    nothing = Progress(("everything",), None, TODAY + dt.timedelta(days=9), TODAY + dt.timedelta(days=9))
    for current in (Status.PROPOSED, Status.CHECKS, Status.CONSENT, Status.APPROVED, Status.IN_PROGRESS):
        assert move_refusal(current, Status.CANCELLED, nothing, today=TODAY) is None
    assert move_refusal(Status.COMPLETED, Status.CANCELLED, nothing, today=TODAY) is not None


def test_ready_moves_are_allowed() -> None:
    for current, to in [
        (Status.PROPOSED, Status.CHECKS),
        (Status.CHECKS, Status.CONSENT),
        (Status.CONSENT, Status.APPROVED),
        (Status.APPROVED, Status.IN_PROGRESS),
        (Status.IN_PROGRESS, Status.COMPLETED),
    ]:
        assert move_refusal(current, to, READY, today=TODAY) is None


def test_feedback_is_due_from_the_last_day_and_consent_until_a_yes() -> None:
    end = TODAY
    assert feedback_due(Status.IN_PROGRESS, end, has_feedback=False, today=TODAY)
    assert not feedback_due(Status.IN_PROGRESS, end, has_feedback=True, today=TODAY)
    assert not feedback_due(Status.IN_PROGRESS, end, has_feedback=False, today=TODAY - dt.timedelta(days=1))
    assert not feedback_due(Status.CANCELLED, end, has_feedback=False, today=TODAY)
    assert consent_outstanding(Status.CHECKS, None)
    assert consent_outstanding(Status.CONSENT, False)
    assert not consent_outstanding(Status.CONSENT, True)
    assert not consent_outstanding(Status.CANCELLED, None)


def test_an_insurance_expiry_date_must_make_sense() -> None:
    assert insurance_expiry_problem(TODAY + dt.timedelta(days=300), today=TODAY) is None
    assert "a year ago" in (insurance_expiry_problem(dt.date(2020, 1, 1), today=TODAY) or "")
    assert "within 5 years" in (insurance_expiry_problem(dt.date(2040, 1, 1), today=TODAY) or "")


def test_a_placement_starts_only_with_consent_and_checks_still_in_place() -> None:
    withdrawn = Progress((), False, TODAY, TODAY)
    assert "did not give consent" in (move_refusal(Status.APPROVED, Status.IN_PROGRESS, withdrawn, today=TODAY) or "")
    lapsed = Progress(("insurance that lasts until the placement ends",), True, TODAY, TODAY)
    assert "checks are not complete" in (move_refusal(Status.APPROVED, Status.IN_PROGRESS, lapsed, today=TODAY) or "")
