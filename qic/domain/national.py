"""National figures: the rules that keep them honest.

Every national figure is an aggregate over providers, never over learners; a figure drawn from
fewer than `MIN_PROVIDERS` providers is suppressed, because with so few a reader could work out
one school's figures.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MIN_PROVIDERS = 6


@dataclass(frozen=True)
class Figure:
    """A value drawn from `providers` providers; `value` is None when suppressed or empty."""

    value: float | None
    providers: int

    @property
    def suppressed(self) -> bool:
        return 0 < self.providers < MIN_PROVIDERS


def figure(value: float | None, providers: int) -> Figure:
    """The figure as it may be published: suppressed below MIN_PROVIDERS providers."""
    if providers < MIN_PROVIDERS or value is None:
        return Figure(None, providers)
    return Figure(value, providers)


def share(part: int, whole: int) -> Figure:
    """`part` of `whole` providers as a percentage, suppressed below MIN_PROVIDERS."""
    return figure(100.0 * part / whole if whole else None, whole)


# --- Primary awards: National Endorsement -----------------------------------------------------------


class EndorsementStatus(str, enum.Enum):  # noqa: UP042 - stored value
    DRAFT = "draft"
    SEEKING = "seeking"  # applied, with the Consortium
    RETURNED = "returned"  # returned with reasons; the body may apply again
    ENDORSED = "endorsed"

    @property
    def label(self) -> str:
        return {
            "draft": "Preparing to seek endorsement",
            "seeking": "Seeking endorsement",
            "returned": "Returned for changes",
            "endorsed": "Nationally endorsed",
        }[self.value]

    @property
    def public_label(self) -> str:
        """What the public list says: seeking, or secured."""
        return "Secured National Endorsement" if self is EndorsementStatus.ENDORSED else "Seeking National Endorsement"


ENDORSEMENT_MOVES = {
    # (from, move) -> to
    (EndorsementStatus.DRAFT, "apply"): EndorsementStatus.SEEKING,
    (EndorsementStatus.RETURNED, "apply"): EndorsementStatus.SEEKING,
    (EndorsementStatus.SEEKING, "endorse"): EndorsementStatus.ENDORSED,
    (EndorsementStatus.SEEKING, "return"): EndorsementStatus.RETURNED,
}


class EndorsementRefused(ValueError):
    pass


def endorsement_move(status: EndorsementStatus, name: str) -> EndorsementStatus:
    try:
        return ENDORSEMENT_MOVES[(status, name)]
    except KeyError:
        raise EndorsementRefused(f"You cannot {name} an award that is “{status.label.lower()}”.") from None


def unanswered(criteria: Iterable[str], answered: Iterable[str]) -> list[str]:
    """The endorsement criteria (codes) still without an answer, in order."""
    done = set(answered)
    return [code for code in criteria if code not in done]


# --- Primary workbooks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageProgress:
    stage: str
    tasks: int
    mapped: int


def workbook_progress(tasks: Sequence[tuple[str, str]], mapped: Iterable[str]) -> list[StageProgress]:
    """Progress per stage (Early Years, KS1, KS2): `tasks` as (code, stage), `mapped` the task codes
    the school has mapped an existing activity to. Stages keep the order they first appear in."""
    done = set(mapped)
    order: list[str] = []
    counts: dict[str, list[int]] = {}
    for code, stage in tasks:
        if stage not in counts:
            order.append(stage)
            counts[stage] = [0, 0]
        counts[stage][0] += 1
        counts[stage][1] += 1 if code in done else 0
    return [StageProgress(stage, *counts[stage]) for stage in order]
