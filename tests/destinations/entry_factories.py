"""Leavers and destinations for the tests of recording destinations (kept here, not in
tests/factories.py, so the helpers of issue 16 do not collide)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qic.destinations.models import Destination
from qic.domain import destinations as rules
from qic.domain.academic import academic_year_of
from qic.domain.upn import upn_check_letter
from qic.learners.models import Learner
from qic.organisations.models import Provider


def today() -> dt.date:
    return timezone.localdate()


def current_year() -> int:
    return academic_year_of(today())


def last_cohort() -> int:
    """The cohort that left most recently (it finished last academic year)."""
    return rules.cohort_years(today())[0]


def known_cohort() -> int:
    """The most recent cohort whose first year's sustained destinations are known whenever the tests
    run (31 March after it left is past): the one before `last_cohort`."""
    return rules.cohort_years(today())[1]


def upn(n: int, la: int = 335) -> str:
    body = f"{la:03d}4321{25:02d}{n:03d}"
    return upn_check_letter(body) + body


def leaver(
    provider: Provider,
    n: int,
    *,
    year: int,
    final: int = 11,
    forename: str = "Learner",
    surname: str | None = None,
    left: bool | None = None,
    **fields: object,
) -> Learner:
    """A learner in Year `final` in academic year `year`: left on 20 July at its end when the year
    is over (unless `left` says otherwise), still on roll in the current year."""
    has_left = year < current_year() if left is None else left
    values: dict[str, object] = {
        "upn": upn(n),
        "forename": forename,
        "surname": surname or f"Surname{n:03d}",
        "date_of_birth": dt.date(year - (final - 11) - 15, 1, 15),
        "sex": "F" if n % 2 else "M",
        "year_group": final,
        "year_group_recorded_in": year,
        "left_on": dt.date(year + 1, 7, 20) if has_left else None,
    }
    values.update(fields)
    return Learner.objects.create(provider=provider, **values)


def destination(
    learner: Learner,
    *,
    kind: str = "actual",
    category: str = "fe",
    on: dt.date,
    sustained: bool | None = None,
    detail: str = "",
) -> Destination:
    return Destination.objects.create(
        provider_id=learner.provider_id,
        learner=learner,
        kind=kind,
        category=category,
        recorded_on=on,
        sustained=sustained,
        detail=detail,
    )
