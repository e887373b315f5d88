"""Small template helpers for GOV.UK markup."""

from __future__ import annotations

import datetime as dt

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
