"""Which edition of the national criteria applies: the only way the rest of the code picks one.

Each function reads every edition in one query (there are a handful, one every few years) and
applies the pure rule in `qic.domain.in_force`, so the database and the rule cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from qic.domain.in_force import Status, applying_to_year, in_force_on, status_on
from qic.frameworks.models import Edition


def edition_on(day: dt.date) -> Edition | None:
    """The edition in force on `day` (None if none had taken effect by then)."""
    return in_force_on(Edition.objects.all(), day)


def edition_for_year(year: int) -> Edition | None:
    """The edition an academic year (2026 = 2026/27) is measured against: the one in force on
    1 September of that year; for years before the oldest edition held, that oldest edition."""
    return applying_to_year(Edition.objects.all(), year)


def edition_to_show(day: dt.date) -> Edition | None:
    """The edition a reader sees first: the one in force on `day`; before any edition has taken
    effect, the first one that will (its page says it is not yet in force)."""
    editions = list(Edition.objects.all())
    return in_force_on(editions, day) or min(editions, key=lambda e: (e.effective_from, e.code), default=None)


@dataclass(frozen=True)
class DatedEdition:
    edition: Edition
    status: Status


def editions_on(day: dt.date) -> list[DatedEdition]:
    """Every edition, newest first, each with whether it is in force on `day`, superseded or
    not yet in force."""
    editions = list(Edition.objects.all())
    return [DatedEdition(edition, status_on(edition, editions, day)) for edition in editions]
