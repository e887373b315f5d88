"""Small template helpers for GOV.UK markup."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

register = template.Library()


@register.filter
def utc(value: dt.datetime | None) -> str:
    """Format an aware datetime in UTC, as audit events are shown."""
    if value is None:
        return ""
    return value.astimezone(dt.UTC).strftime("%d %b %Y %H:%M:%S UTC")


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
def iso_date(value: Any) -> str:
    """An ISO date string from a stored snapshot, written as '23 November 2026'."""
    if not value:
        return ""
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day.day} {day:%B %Y}"


@register.filter
def figure(value: Any, kind: str = "average") -> str:
    """A national figure (qic.domain.national.Figure): '5.2' or '64%', 'suppressed' when drawn
    from too few providers, '–' when there is nothing to show."""
    if value is None or getattr(value, "value", None) is None:
        return "suppressed" if getattr(value, "suppressed", False) else "–"
    return f"{value.value:.0f}%" if kind == "percent" else f"{value.value:.1f}"
