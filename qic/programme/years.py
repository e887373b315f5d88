"""Which academic year a provider's programme and figures pages show, and the years they offer."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from qic.domain.academic import academic_year_of
from qic.domain.rulesets import rule_sets
from qic.organisations.models import Provider
from qic.programme.models import Activity


def year_asked(request: HttpRequest) -> int:
    """The academic year asked for (?year=2025), else the current one.

    The earliest is the year after the oldest rule set's first: the dashboard and its CSVs
    compare a year with the one before, which must have a rule set too."""
    current = academic_year_of(timezone.localdate())
    earliest = rule_sets()[0].first_year + 1
    raw = request.GET.get("year", "")
    if raw.isascii() and raw.isdigit() and earliest <= int(raw) <= current + 1:
        return int(raw)
    return current


def year_menu(provider: Provider) -> list[int]:
    """The year menu: from the provider's first activity to this year, never earlier than
    `year_asked` accepts (an activity mistyped as 1900 must not stretch the menu back to 1899/00)."""
    current = academic_year_of(timezone.localdate())
    earliest = rule_sets()[0].first_year + 1
    first = (
        Activity.objects.filter(provider=provider, academic_year__gte=earliest)
        .order_by("academic_year")
        .values_list("academic_year", flat=True)
        .first()
    )
    return list(range(current, min(first or current, current) - 1, -1))
