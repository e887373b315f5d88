"""Which dated item (an edition of the criteria, a rule set) is in force on a day or in a year.

Anything that changes by date is held as data with the day it takes effect from: loading a new
one changes nothing until that day. The item in force on a day is the one with the latest
`effective_from` on or before it; two that take effect on the same day are told apart by code
(the first in alphabetical order wins), so the answer never depends on the order of loading.
An academic year uses the item in force on its first day, 1 September: a year keeps the rules it
started with even when a new edition takes effect part-way through it.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import Protocol, TypeVar

from qic.domain.academic import year_start


class Dated(Protocol):
    @property
    def code(self) -> str: ...

    @property
    def effective_from(self) -> dt.date: ...


T = TypeVar("T", bound=Dated)


class Status(str, enum.Enum):  # noqa: UP042 - stored value and label, like KeyStage
    PAST = "past"
    IN_FORCE = "in_force"
    FUTURE = "future"

    @property
    def label(self) -> str:
        return {"past": "Superseded", "in_force": "In force", "future": "Not yet in force"}[self.value]


def _precedence(item: Dated) -> tuple[int, str]:
    # The latest date first; on a tie the alphabetically first code. Dates are turned into
    # ordinals (negated) so one ascending sort gives both orders.
    return (-item.effective_from.toordinal(), item.code)


def in_force_on(items: Iterable[T], day: dt.date) -> T | None:
    """The item in force on `day`: the latest `effective_from` on or before it; None if every
    item takes effect later (or there are none)."""
    started = sorted((item for item in items if item.effective_from <= day), key=_precedence)
    return started[0] if started else None


def in_force_for_year(items: Iterable[T], year: int) -> T | None:
    """The item in force on 1 September of the academic year (named by its starting year)."""
    return in_force_on(items, year_start(year))


def applying_to_year(items: Iterable[T], year: int) -> T | None:
    """The item a year is measured against: the one in force on 1 September; for a year that
    began before every item held, the earliest item (the oldest rules held stand in for years
    before them until an older item is loaded, which then takes those years over by itself).
    None only when there are no items."""
    items = list(items)
    found = in_force_for_year(items, year)
    if found is not None or not items:
        return found
    return min(items, key=lambda item: (item.effective_from, item.code))


def status_on(item: Dated, items: Iterable[Dated], day: dt.date) -> Status:
    """Whether `item` is in force on `day`, superseded (took effect, but another is in force)
    or not yet in force. `items` is every item of its kind, `item` among them."""
    if item.effective_from > day:
        return Status.FUTURE
    current = in_force_on(items, day)
    if current is not None and (current.code, current.effective_from) == (item.code, item.effective_from):
        return Status.IN_FORCE
    return Status.PAST
