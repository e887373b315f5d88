"""Which of the DfE's destination measures a provider's leavers are compared with, and how a
figure the DfE did not publish is shown (issue 16, criterion 3.4).

The DfE publishes, for each year, area (the nation, each local authority), institution group,
breakdown and qualification level, the shares of a cohort in each destination. A provider's
leaving cohort is compared with one row of each area:

- **Same stage and year.** KS4 leavers with the KS4 measures, 16–18 with the 16–18 ones; the
  cohort that finished in year Y with the `time_period` of Y+1 (`destinations.dfe_time_period`).
- **Its institution group.** A mainstream school with "State-funded mainstream schools", a
  college with "State-funded mainstream colleges", a special school with "State-funded special
  schools", an independent school with "Independent schools", alternative provision with the
  DfE's alternative-provision group; any provider whose group the file does not hold (or that has
  none: an independent training provider) with the total of state-funded mainstream schools and
  colleges, then with any total. The names are matched without case, punctuation, "&" for "and",
  plural "s" or a leading "Total", since the DfE words them differently from one file to the next;
  the page says which group was used.
- **The total level**: `cohort_level_group` "Total", "All" or blank (the KS4 files have none).
- **Percentages.** A row whose `data_type` says percentage (or is blank) holds percentages; a row
  of numbers is turned into a percentage of its `cohort`. Where both are published the percentage
  row is used.
- **Breakdowns.** The DfE's labels are mapped onto `destinations.BREAKDOWNS` (`breakdown_side`).
  Where the DfE publishes SEN support and EHC plans separately, the SEND figure is worked out from
  the two (weighted by their cohorts); where it publishes a group and the total but not the
  others (no EHC plan, not looked after), the others' figure is worked out from them. Both are
  marked as worked out.
- **Not published.** A cell the DfE suppressed (`c`, `z`, `x`, `low`) is "not published", with
  the symbol's meaning — never 0.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from qic.domain.academic import KeyStage
from qic.domain.destinations import (
    BREAKDOWNS,
    HEADLINE,
    HEADLINE_LABELS,
    CohortAnalysis,
    GroupRow,
    Share,
    dfe_time_period,
)
from qic.domain.provider_types import ProviderType

NATIONAL = "National"
LOCAL_AUTHORITY = "Local authority"

# The DfE's symbols (its data guidance, "File formats and conventions").
SYMBOLS: dict[str, str] = {
    "c": "small number suppressed to protect confidentiality",
    "z": "not applicable",
    "x": "not available",
    "low": "a positive percentage under 0.5%",
}


@dataclass(frozen=True)
class DfeRow:
    """One row of the DfE's destination measures, as the comparison reads it (a DfeFigure)."""

    stage: str
    time_period: str
    geographic_level: str
    institution_group: str = ""
    breakdown_topic: str = ""
    breakdown: str = ""
    data_type: str = ""
    cohort_level_group: str = ""
    cohort: int | None = None
    values: Mapping[str, object] = field(default_factory=dict)
    suppressed: Mapping[str, str] = field(default_factory=dict)
    area_code: str = ""
    area_name: str = ""


def words(text: str) -> str:
    """A DfE label as compared: lower case, "&" read as "and", punctuation as spaces."""
    text = text.casefold().replace("&", " and ").replace("\u2019", "'")
    return " ".join(re.sub(r"[^0-9a-z']+", " ", text).split())


def _group_key(name: str) -> str:
    """An institution group's name as compared: `words`, without a plural "s" or a leading "total"."""
    key = " ".join(word.removesuffix("s") if len(word) > 3 else word for word in words(name).split())
    return key.removeprefix("total").strip()


# --- Figures as shown --------------------------------------------------------------------------


@dataclass(frozen=True)
class DfeValue:
    """One DfE figure as a percentage, or why there is none: `symbol` is the DfE's mark for a
    figure it did not publish; neither means the file has nothing there."""

    percent: float | None = None
    symbol: str = ""
    derived: bool = False  # worked out from figures the DfE published (see the module's notes)

    @property
    def published(self) -> bool:
        return self.percent is not None

    @property
    def not_published(self) -> bool:
        return self.percent is None and bool(self.symbol)

    @property
    def meaning(self) -> str:
        return SYMBOLS.get(self.symbol, "not published")

    @property
    def text(self) -> str:
        """'45%', 'not published (c)' or '–' when there is nothing (`explained` says what c means)."""
        if self.percent is not None:
            return f"{self.percent:.0f}%"
        if self.symbol:
            return f"not published ({self.symbol})"
        return "–"

    @property
    def explained(self) -> str:
        """'not published (c: small number suppressed …)'; otherwise as `text`."""
        return f"not published ({self.symbol}: {self.meaning})" if self.not_published else self.text


NOTHING = DfeValue()


def _number(raw: object) -> float | str | None:
    """A published value: a number, a DfE symbol (str), or None when there is none."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return float(raw)
    if not isinstance(raw, str):
        return None
    text = raw.strip().removesuffix("%").replace(",", "").strip()
    if text.casefold() in SYMBOLS:
        return text.casefold()
    try:
        return float(text)
    except ValueError:
        return None


def is_percentage_row(row: DfeRow) -> bool | None:
    """True for a row of percentages, False for a row of numbers, None for another kind."""
    kind = words(row.data_type)
    if not kind or "percent" in kind:
        return True
    if "number" in kind or "count" in kind:
        return False
    return None


def value_of(row: DfeRow, column: str) -> DfeValue:
    """A column of one row as a percentage (a number row's is worked out from its cohort)."""
    symbol = row.suppressed.get(column)
    if symbol:
        return DfeValue(symbol=symbol.strip().casefold())
    number = _number(row.values.get(column))
    if isinstance(number, str):
        return DfeValue(symbol=number)
    if number is None:
        return NOTHING
    if is_percentage_row(row):
        return DfeValue(number)
    if row.cohort:
        return DfeValue(100.0 * number / row.cohort)
    return NOTHING


def cell_value(rows: Sequence[DfeRow], column: str) -> DfeValue:
    """The column from the first of `rows` (percentage rows first) that has anything in it."""
    for row in sorted(rows, key=lambda r: not is_percentage_row(r)):
        found = value_of(row, column)
        if found.published or found.symbol:
            return found
    return NOTHING


def cell_cohort(rows: Sequence[DfeRow]) -> int | None:
    return next((row.cohort for row in rows if row.cohort), None)


# --- Which rows ---------------------------------------------------------------------------------

_MAINSTREAM_SCHOOLS = ("State-funded mainstream schools", "Mainstream schools")
_MAINSTREAM_COLLEGES = ("State-funded mainstream colleges", "Mainstream colleges", "State-funded colleges")
_SPECIAL = ("State-funded special schools", "Special schools", "State-funded special")
_INDEPENDENT = ("Independent schools", "Independent", "Independent mainstream schools")
_AP = ("State-funded alternative provision", "Alternative provision", "State-funded AP", "AP schools")
FALLBACK_GROUPS = (
    "Total state-funded mainstream schools and colleges",
    "State-funded mainstream",
    "Total state-funded schools",
    "State-funded",
    "Total",
    "All institutions",
    "",
)
OWN_GROUPS: dict[ProviderType, tuple[str, ...]] = {
    ProviderType.SECONDARY: _MAINSTREAM_SCHOOLS,
    ProviderType.SIXTH_FORM_COLLEGE: _MAINSTREAM_COLLEGES,
    ProviderType.FE_COLLEGE: _MAINSTREAM_COLLEGES,
    ProviderType.SPECIAL: _SPECIAL,
    ProviderType.INDEPENDENT: _INDEPENDENT,
    ProviderType.ALTERNATIVE_PROVISION: _AP,
}


def institution_groups_for(provider_type: ProviderType | str) -> list[str]:
    """The institution groups (as compared, `_group_key`) a provider's figures are compared with,
    best first."""
    try:
        kind = ProviderType(provider_type)
    except ValueError:
        kind = ProviderType.OTHER
    keys: list[str] = []
    for name in (*OWN_GROUPS.get(kind, ()), *FALLBACK_GROUPS):
        if _group_key(name) not in keys:
            keys.append(_group_key(name))
    return keys


TOTAL_LEVELS = frozenset({"", "total", "all", "all levels", "total all levels", "all qualification levels"})
TOTAL_LABELS = frozenset({"total", "all", "all pupils", "all students", "all learners", "everyone", "overall"})
_OTHERS = frozenset({"all other", "all other pupils", "all other students", "other pupils", "other students", "other"})


def breakdown_side(topic: str, label: str) -> tuple[str, bool | None] | None:
    """Where a DfE breakdown sits among ours: ("total", None) for everyone, (code, True) for a
    group of `destinations.BREAKDOWNS`, (code, False) for the others, ("sen_support", True) for
    SEN support alone (part of SEND); None for a breakdown we do not analyse (ethnicity…)."""
    b, t = words(label), words(topic)
    if b in TOTAL_LABELS:
        return ("total", None)
    # Disadvantage
    if b in {"disadvantaged all other", "not disadvantaged", "non disadvantaged", "disadvantaged other"}:
        return ("disadvantaged", False)
    if b in {"disadvantaged", "disadvantaged pupils", "disadvantaged students"}:
        return ("disadvantaged", True)
    # Looked after
    if "looked after" in b or b in {"cla", "non cla", "not cla"}:
        return ("looked_after", not ({"not", "non"} & set(b.split())))
    # Sex
    if b in {"female", "females", "girls", "girl"}:
        return ("sex", True)
    if b in {"male", "males", "boys", "boy"}:
        return ("sex", False)
    # Special educational needs
    sen_words = set(b.split())
    if b.startswith(("no identified sen", "no sen", "no special educational need", "non sen")):
        return ("send", False)
    if b.startswith(("no ehc", "no statement", "not ehc")):
        return ("ehc_plan", False)
    if "ehc" in sen_words or "ehcp" in sen_words or "statement" in sen_words or "education health and care" in b:
        return ("ehc_plan", True)
    if b in {"sen support", "sen without a statement or ehc plan", "school action or sen support"}:
        return ("sen_support", True)
    if b in {"sen", "all sen", "any sen", "identified sen", "with sen", "sen all", "special educational needs"}:
        return ("send", True)
    # "All other pupils": the others of the topic's group.
    if b in _OTHERS:
        if "disadvantage" in t:
            return ("disadvantaged", False)
        if "looked after" in t or t == "cla":
            return ("looked_after", False)
    return None


class Availability(enum.Enum):
    SHOWN = "shown"
    NOT_LOADED = "not_loaded"  # the Consortium has not loaded that year's measures
    NO_AREA = "no_area"  # the provider's local authority is not recorded
    NOT_IN_FILE = "not_in_file"  # loaded, but nothing for this area, group or level


@dataclass(frozen=True)
class DfeGroup:
    """One breakdown's sustained destinations (`overall`) in the DfE's figures."""

    inside: DfeValue
    others: DfeValue

    @property
    def gap(self) -> float | None:
        a, b = self.inside.percent, self.others.percent
        return None if a is None or b is None else a - b

    @property
    def derived(self) -> bool:
        return self.inside.derived or self.others.derived


@dataclass(frozen=True)
class DfeSide:
    """The figures of one area (the nation, or the provider's local authority) for one cohort."""

    level: str
    availability: Availability
    area_name: str = ""
    institution_group: str = ""  # as the DfE writes it
    headline: dict[str, DfeValue] = field(default_factory=dict)
    groups: dict[str, DfeGroup] = field(default_factory=dict)
    cohort: int | None = None

    @property
    def shown(self) -> bool:
        return self.availability is Availability.SHOWN

    def measure(self, key: str) -> DfeValue:
        return self.headline.get(key, NOTHING)

    def group(self, code: str) -> DfeGroup | None:
        return self.groups.get(code)

    @property
    def why_not(self) -> str:
        """Why there are no figures, for the page ("" when there are)."""
        return {
            Availability.SHOWN: "",
            Availability.NOT_LOADED: "not loaded yet",
            Availability.NO_AREA: "no local authority recorded for this provider",
            Availability.NOT_IN_FILE: "no comparable figures in the DfE file loaded",
        }[self.availability]


def _weighted(parts: Sequence[tuple[DfeValue, int | None]], *, minus: bool = False) -> DfeValue:
    """The share of a union of groups from each's percentage and cohort, not published when a
    part is not; or, with `minus`, of the first without the second (nothing when either is not
    published: what the DfE withheld is not the others' figure)."""
    for value, _ in parts:
        if not value.published:
            return DfeValue(symbol=value.symbol) if value.symbol and not minus else NOTHING
    if any(not cohort for _, cohort in parts):
        return NOTHING
    (p0, c0), *rest = [(v.percent or 0.0, c or 0) for v, c in parts]
    if minus:
        (p1, c1) = rest[0]
        if c0 <= c1:
            return NOTHING
        return DfeValue(max(0.0, min(100.0, (p0 * c0 - p1 * c1) / (c0 - c1))), derived=True)
    total = c0 + sum(c for _, c in rest)
    return DfeValue((p0 * c0 + sum(p * c for p, c in rest)) / total, derived=True)


def dfe_side(
    rows: Iterable[DfeRow],
    *,
    stage: KeyStage,
    cohort_year: int,
    provider_type: ProviderType | str,
    level: str,
    area_name: str = "",
    anything_loaded: bool | None = None,
) -> DfeSide:
    """The figures that compare with a provider's cohort, from the rows of one area (all of them:
    this chooses the stage, year, group and level). `anything_loaded` says whether the year's
    measures are loaded at all (else: whether `rows` holds any of the stage's year)."""
    period = dfe_time_period(cohort_year)
    of_year = [r for r in rows if r.stage == stage.value and r.time_period == period and r.geographic_level == level]
    loaded = bool(of_year) if anything_loaded is None else anything_loaded
    if not of_year:
        return DfeSide(level, Availability.NOT_IN_FILE if loaded else Availability.NOT_LOADED, area_name)
    at_total = [r for r in of_year if words(r.cohort_level_group) in TOTAL_LEVELS and is_percentage_row(r) is not None]
    by_group: dict[str, list[DfeRow]] = {}
    for row in at_total:
        by_group.setdefault(_group_key(row.institution_group), []).append(row)
    for key in institution_groups_for(provider_type):
        if key in by_group and any(
            breakdown_side(r.breakdown_topic, r.breakdown) == ("total", None) for r in by_group[key]
        ):
            return _side_of(by_group[key], level, area_name or of_year[0].area_name)
    return DfeSide(level, Availability.NOT_IN_FILE, area_name or of_year[0].area_name)


def _side_of(rows: list[DfeRow], level: str, area_name: str) -> DfeSide:
    cells: dict[tuple[str, bool | None], list[DfeRow]] = {}
    for row in rows:
        side = breakdown_side(row.breakdown_topic, row.breakdown)
        if side is not None:
            cells.setdefault(side, []).append(row)
    # The total: a "Total" breakdown under a "Total" topic before one under another topic.
    total_rows = sorted(cells[("total", None)], key=lambda r: words(r.breakdown_topic) not in TOTAL_LABELS | {""})
    total_rows = [r for r in total_rows if words(r.breakdown_topic) == words(total_rows[0].breakdown_topic)]
    total_cohort = cell_cohort(total_rows)

    def overall(side: tuple[str, bool | None]) -> tuple[DfeValue, int | None]:
        found = cells.get(side, [])
        return cell_value(found, "overall"), cell_cohort(found)

    groups: dict[str, DfeGroup] = {}
    total = (cell_value(total_rows, "overall"), total_cohort)
    for breakdown in BREAKDOWNS:
        inside, inside_cohort = overall((breakdown.code, True))
        if breakdown.code == "send" and (breakdown.code, True) not in cells:
            support, ehc = overall(("sen_support", True)), overall(("ehc_plan", True))
            if ("sen_support", True) in cells and ("ehc_plan", True) in cells:
                inside = _weighted([support, ehc])
                inside_cohort = (support[1] or 0) + (ehc[1] or 0) if support[1] and ehc[1] else None
        others = overall((breakdown.code, False))[0]
        if (breakdown.code, False) not in cells and (inside.published or inside.symbol):
            others = _weighted([total, (inside, inside_cohort)], minus=True)
        if inside.published or inside.symbol or others.published or others.symbol:
            groups[breakdown.code] = DfeGroup(inside, others)
    return DfeSide(
        level,
        Availability.SHOWN,
        area_name,
        institution_group=total_rows[0].institution_group,
        headline={key: cell_value(total_rows, key) for key in HEADLINE},
        groups=groups,
        cohort=total_cohort,
    )


# --- The comparison of one cohort ----------------------------------------------------------------


@dataclass(frozen=True)
class HeadlineLine:
    measure: str  # a key of `destinations.HEADLINE`
    label: str
    school: Share
    national: DfeValue
    local: DfeValue


@dataclass(frozen=True)
class GroupLine:
    row: GroupRow  # the provider's group and its others
    national: DfeGroup | None
    local: DfeGroup | None


@dataclass(frozen=True)
class CohortComparison:
    """One leaving cohort's headline measures and breakdowns beside the nation's and the local
    authority's for the same DfE year and institution group."""

    cohort: CohortAnalysis
    national: DfeSide
    local: DfeSide
    lines: tuple[HeadlineLine, ...]
    groups: tuple[GroupLine, ...]

    @property
    def year(self) -> int:
        return self.cohort.year

    @property
    def time_period(self) -> str:
        return self.cohort.dfe_time_period


def compare_cohort(cohort: CohortAnalysis, national: DfeSide, local: DfeSide) -> CohortComparison:
    headline = cohort.overall.headline
    lines = tuple(
        HeadlineLine(key, HEADLINE_LABELS[key], headline[key], national.measure(key), local.measure(key))
        for key in HEADLINE
    )
    groups = tuple(
        GroupLine(row, national.group(row.breakdown.code), local.group(row.breakdown.code)) for row in cohort.groups
    )
    return CohortComparison(cohort, national, local, lines, groups)
