"""Small template helpers for GOV.UK markup."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from qic.domain.dates import UK_TIME, long_date, long_datetime

register = template.Library()


@register.filter
def govuk_date(value: Any) -> str:
    """The one way a date is shown: '3 December 2026'.

    Takes a date, a datetime (its UK date) or an ISO date string from a stored snapshot; empty
    for nothing, so `|default:"–"` works after it.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return long_date(value.astimezone(UK_TIME).date() if value.tzinfo else value.date())
    if isinstance(value, dt.date):
        return long_date(value)
    try:
        return long_date(dt.date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)


@register.filter
def govuk_datetime(value: Any) -> str:
    """The one way a moment is shown: '3 December 2026, 9:34am' in UK time (GMT or BST)."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return long_datetime(value)
    return govuk_date(value)


@register.filter
def paragraphs(value: str) -> list[str]:
    """Split text held with blank lines between paragraphs."""
    return [p.strip() for p in (value or "").split("\n\n") if p.strip()]


@register.filter
def year_group_in(learner: object, year: int) -> int | None:
    """A learner's year group rolled forward to the given academic year."""
    method = getattr(learner, "year_group_in", None)
    return method(year) if method else None


@register.filter
def rule_set_years(rule_set: Any) -> str:
    """The academic years a benchmark rule set is used for: "used from 2025/26" for the newest,
    "used up to 2024/25" for one a later set replaced (the 2018 set has no meaningful first year)."""
    from qic.domain.academic import year_label
    from qic.domain.rulesets import rule_sets

    later = [r.first_year for r in rule_sets() if r.first_year > rule_set.first_year]
    if later:
        return f"used up to {year_label(min(later) - 1)}"
    return f"used from {year_label(rule_set.first_year)}"


@register.filter
def percent(value: object) -> str:
    return f"{value:.0f}%" if isinstance(value, (int, float)) else "–"


@register.filter
def signed(value: object) -> str:
    """+5, −3 or 0, with a real minus sign; '–' when there is nothing to compare."""
    if not isinstance(value, (int, float)):
        return "–"
    rounded = round(value)
    if rounded > 0:
        return f"+{rounded}"
    if rounded < 0:
        return f"\u2212{abs(rounded)}"
    return "0"


@register.filter
def cell_class(percent_value: object) -> str:
    if not isinstance(percent_value, (int, float)):
        return ""
    if percent_value >= 100:
        return "qic-cell--full"
    return "qic-cell--low" if percent_value < 50 else "qic-cell--mid"


@register.filter
def figure(value: Any, kind: str = "average") -> str:
    """A national figure (qic.domain.national.Figure): '5.2' or '64%', 'suppressed' when drawn
    from too few providers, '–' when there is nothing to show."""
    if value is None or getattr(value, "value", None) is None:
        return "suppressed" if getattr(value, "suppressed", False) else "–"
    return f"{value.value:.0f}%" if kind == "percent" else f"{value.value:.1f}"
