"""Whether a learner may sign in to see their own record: a staff decision by year group, and a
grace period after leaving. Pure rules; `qic.learners.access` applies them to stored learners."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

DEFAULT_LEAVER_GRACE_DAYS = 30
MAX_LEAVER_GRACE_DAYS = 365


def access_refusal(
    *,
    year_group: int | None,
    left_on: dt.date | None,
    anonymised: bool,
    allowed_year_groups: Collection[int],
    leaver_grace_days: int,
    today: dt.date,
) -> str:
    """Why this learner may not sign in today, in words a learner understands; "" when they may.

    - an anonymised record belongs to nobody any more;
    - a leaver keeps access for `leaver_grace_days` days after their leaving date, then loses it;
    - otherwise the learner's year group must be one their school has given access.
    """
    if anonymised:
        return "Your school no longer keeps your careers record."
    if left_on is not None and today > left_on + dt.timedelta(days=leaver_grace_days):
        return "You have left your school, so you can no longer sign in here."
    if left_on is not None and left_on < today:
        return ""  # a recent leaver keeps access for the grace period, whatever their year group
    if year_group is None or year_group not in allowed_year_groups:
        return "Your school has not turned on sign-in for your year group yet."
    return ""


def access_ends_on(left_on: dt.date | None, leaver_grace_days: int) -> dt.date | None:
    """The last day a leaver may sign in; None for a learner who has not left."""
    return None if left_on is None else left_on + dt.timedelta(days=leaver_grace_days)
