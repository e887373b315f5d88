"""The benchmark rule sets, each chosen by the academic year it applies to.

Academic years up to 2024/25 are measured on the 2018 definitions; from 2025/26 (1 September
2025) the refreshed Gatsby Benchmarks apply (DOMAIN.md §3b). A rule set is dated data: the
choice depends only on the year measured, never on when anything was loaded or deployed.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from qic.domain.academic import academic_year_of
from qic.domain.benchmarks import RuleSet
from qic.domain.rulesets import gatsby_2018, gatsby_2025


@dataclass(frozen=True)
class RuleOptions:
    """The settings a rule set reads (each a Django setting; see docs/decisions.md)."""

    # How many meaningful workplace experiences "multiple experiences by 16" asks for (refreshed BM6).
    workplace_experiences_by_16: int = 2


DEFAULT_OPTIONS = RuleOptions()


def rule_sets(options: RuleOptions = DEFAULT_OPTIONS) -> tuple[RuleSet, ...]:
    """Every rule set, oldest first, built for these settings."""
    return _rule_sets(options)


@functools.cache
def _rule_sets(options: RuleOptions) -> tuple[RuleSet, ...]:
    # Built once per settings value: the figures ask for a rule set on every view.
    return (
        gatsby_2018.RULE_SET,
        gatsby_2025.build(workplace_experiences_by_16=options.workplace_experiences_by_16),
    )


def rule_set_for_year(year: int, options: RuleOptions = DEFAULT_OPTIONS) -> RuleSet:
    """The rule set that applies to an academic year (by its starting calendar year)."""
    chosen = None
    for rule_set in rule_sets(options):
        if rule_set.first_year <= year:
            chosen = rule_set
    if chosen is None:
        raise ValueError(f"No benchmark rule set applies to {year}")
    return chosen


def rule_set_on(day: dt.date, options: RuleOptions = DEFAULT_OPTIONS) -> RuleSet:
    """The rule set in force on a day: the one for the academic year containing it."""
    return rule_set_for_year(academic_year_of(day), options)
