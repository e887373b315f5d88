"""National reads. Analytics read only `ProviderYearFigures` and `ProviderDestinationFigures`
(per-provider aggregates) and accreditation outcomes; each table is one grouped query, so the
count of queries behind a page does not grow with the number of providers."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet, Sum

from qic.accreditation.models import Accreditation, AnnualReview, Award, CriterionRecord
from qic.domain import national as rules
from qic.domain.academic import KeyStage, year_end, year_label, year_start
from qic.domain.accreditation import OPEN_STAGES, Judgment, Stage
from qic.domain.destinations import STAGES as DESTINATION_STAGES
from qic.domain.destinations import YEARS_KEPT
from qic.domain.provider_types import ProviderType
from qic.domain.rulesets import rule_set_for_year
from qic.national.models import BENCHMARK_FIELDS, ProviderDestinationFigures, ProviderYearFigures
from qic.organisations.models import AwardingBody, Membership, Role

OUTCOME_ORDER = ("1", "2a", "2b")
JUDGMENT_ORDER = (Judgment.INSUFFICIENT, Judgment.GOOD_PROGRESS, Judgment.FULLY_MEETING)
OUTCOME_WORDS = {"2a": "Making good progress", "2b": "Fully meeting", "1": "Outcome 1 (not awarded)"}
REGISTER_FIELDS = (
    "provider__name",
    "provider__urn",
    "provider__la_name",
    "provider__region",
    "provider__postcode",
    "provider__provider_type",
    "outcome",
    "awarded_on",
    "expires_on",
    "awarding_body__name",
)


# --- The public register ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterFilters:
    q: str = ""
    la: str = ""
    region: str = ""
    provider_type: str = ""
    outcome: str = ""


def current_awards(today: dt.date) -> QuerySet[Award]:
    """Awards on the register today: not replaced, started, and not expired. An expired award
    drops off by itself on the day after its expiry date."""
    return Award.objects.filter(superseded=False, awarded_on__lte=today, expires_on__gte=today)


def register(filters: RegisterFilters, *, today: dt.date) -> Any:
    """Register rows (dicts of REGISTER_FIELDS only: no learner, judgment or report data)."""
    awards = current_awards(today)
    q = filters.q.strip()
    if q:
        awards = awards.filter(
            Q(provider__urn=int(q)) if q.isascii() and q.isdigit() else Q(provider__name__icontains=q)
        )
    if filters.la:
        awards = awards.filter(provider__la_name__iexact=filters.la.strip())
    if filters.region:
        awards = awards.filter(provider__region=filters.region)
    if filters.provider_type:
        awards = awards.filter(provider__provider_type=filters.provider_type)
    if filters.outcome in ("2a", "2b"):
        awards = awards.filter(outcome=filters.outcome)
    return awards.order_by("provider__name", "provider__urn").values(*REGISTER_FIELDS)


def register_row(row: dict[str, Any]) -> dict[str, Any]:
    """A register row in the published shape (CSV and JSON use the same keys)."""
    provider_type = row["provider__provider_type"]
    return {
        "urn": row["provider__urn"],
        "name": row["provider__name"],
        "local_authority": row["provider__la_name"],
        "region": row["provider__region"],
        "postcode": row["provider__postcode"],
        "provider_type": ProviderType(provider_type).label if provider_type else "",
        "outcome": OUTCOME_WORDS[row["outcome"]],
        "awarded_on": row["awarded_on"].isoformat(),
        "expires_on": row["expires_on"].isoformat(),
        "awarding_body": row["awarding_body__name"],
    }


def register_choices(today: dt.date) -> dict[str, list[str]]:
    """The local authorities and regions that appear on the register (one query)."""
    places = current_awards(today).values_list("provider__la_name", "provider__region").distinct()
    las, regions = set(), set()
    for la, region in places:
        if la:
            las.add(la)
        if region:
            regions.add(region)
    return {"las": sorted(las), "regions": sorted(regions)}


# --- National analytics ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    label: str
    providers: int
    average: rules.Figure  # mean number of benchmarks fully achieved
    all_eight: rules.Figure  # % achieving all eight
    key: Any = None  # the value of the dimension the row stands for (its drill-down), if any


# The dimensions national figures are cut by. A filter fixes one; a table's rows vary one.
DIMENSIONS = ("region", "provider_type", "body", "holder", "outcome")
DIMENSION_FIELDS = ("provider__region", "provider__provider_type", "awarding_body", "award_holder", "outcome")
STAT_NAMES = ("n", "achieved", "eight", *tuple(f"{b}_{s}" for b in BENCHMARK_FIELDS for s in ("n", "full")))


@dataclass(frozen=True)
class Filters:
    """What the Consortium chose to look at: None for any value of a dimension."""

    region: str | None = None
    provider_type: str | None = None
    body: int | None = None

    def key(self, **rows: Any) -> rules.Cell:
        """The cell for these filters, with the `rows` dimensions (holder, outcome…) fixed too
        (a row's value may be None: "region not recorded", "no Awarding Body")."""
        chosen = {"region": self.region, "provider_type": self.provider_type, "body": self.body}
        cell = [rules.ALL if chosen.get(d) is None else chosen[d] for d in DIMENSIONS]
        for name, value in rows.items():
            cell[DIMENSIONS.index(name)] = value
        return tuple(cell)

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.region, self.provider_type, self.body))


class Cube:
    """One academic year's figures, per atom (one value of each of DIMENSIONS) and every margin,
    with the cells whose figures are suppressed (`rules.protected_cells`). Every figure any
    national page or download shows for the year is a cell of this cube, so a suppressed cell
    stays suppressed whichever filters, tables or drill-downs a reader combines."""

    def __init__(self, atoms: dict[rules.Cell, tuple[int, ...]]) -> None:
        self.cells: dict[rules.Cell, list[int]] = {}
        for key, stats in atoms.items():
            for mask in range(2 ** len(key)):
                cell = tuple(rules.ALL if mask >> i & 1 else v for i, v in enumerate(key))
                total = self.cells.setdefault(cell, [0] * len(STAT_NAMES))
                for i, value in enumerate(stats):
                    total[i] += value
        self.hidden = rules.protected_cells({key: stats[0] for key, stats in atoms.items()})

    def stats(self, cell: rules.Cell) -> dict[str, int]:
        return dict(zip(STAT_NAMES, self.cells.get(cell, [0] * len(STAT_NAMES)), strict=True))

    def values(self, dimension: str, within: rules.Cell) -> list[Any]:
        """The values of `dimension` that have providers inside the cell `within`."""
        i = DIMENSIONS.index(dimension)
        found = {
            cell[i]
            for cell in self.cells
            if cell[i] is not rules.ALL
            and all(c == w for j, (c, w) in enumerate(zip(cell, within, strict=True)) if j != i)
        }
        return sorted(found, key=lambda v: (v is None, str(v)))

    def row(self, label: str, cell: rules.Cell, key: Any = None) -> Row:
        s = self.stats(cell)
        withheld = cell in self.hidden
        return Row(
            label,
            s["n"],
            rules.figure(s["achieved"] / s["n"] if s["n"] else None, s["n"], withheld=withheld),
            rules.share(s["eight"], s["n"], withheld=withheld),
            key,
        )

    def benchmark(self, number: int, cell: rules.Cell) -> rules.Figure:
        """The share of the cell's providers fully achieving the benchmark (of those measured on it)."""
        s = self.stats(cell)
        return rules.share(s[f"bm{number}_full"], s[f"bm{number}_n"], withheld=cell in self.hidden)


def cubes() -> dict[int, Cube]:
    """Every year's cube, from one grouped query over the per-provider aggregates."""
    aggregates: dict[str, Any] = {
        "n": Count("pk"),
        "achieved": Sum("benchmarks_achieved"),
        "eight": Count("pk", filter=Q(benchmarks_achieved=8)),
    }
    for name in BENCHMARK_FIELDS:
        aggregates[f"{name}_n"] = Count(name)
        aggregates[f"{name}_full"] = Count("pk", filter=Q(**{f"{name}__gte": 100.0}))
    atoms: dict[int, dict[rules.Cell, tuple[int, ...]]] = defaultdict(dict)
    for r in ProviderYearFigures.objects.values("academic_year", *DIMENSION_FIELDS).annotate(**aggregates).order_by():
        key = (
            r["provider__region"] or None,
            r["provider__provider_type"],
            r["awarding_body"],
            r["award_holder"],
            r["outcome"],
        )
        atoms[r["academic_year"]][key] = tuple(int(r[name] or 0) for name in STAT_NAMES)
    return {year: Cube(year_atoms) for year, year_atoms in atoms.items()}


def region_label(value: str | None) -> str:
    return value or "Region not recorded"


def type_label(value: str) -> str:
    return ProviderType(value).label


@dataclass
class Analytics:
    year: int
    years: list[int]
    by_holding: list[Row]
    trend: dict[str, list[tuple[int, rules.Figure]]]
    by_region: list[Row]
    by_type: list[Row]
    by_body: list[Row]
    per_benchmark: list[tuple[int, rules.Figure, rules.Figure]]  # (benchmark, all, holders)
    providers: int = 0
    notes: list[str] = field(default_factory=list)
    # Which years of the trend are on which benchmark definitions: (years label, title, code).
    rule_set_periods: list[tuple[str, str, str]] = field(default_factory=list)
    filters: Filters = field(default_factory=Filters)
    regions: list[str | None] = field(default_factory=list)  # every region with figures, any year


def rule_set_periods(years: list[int]) -> list[tuple[str, str, str]]:
    """Consecutive runs of the trend's years measured on the same rule set, oldest first."""
    periods: list[tuple[list[int], str, str]] = []
    for y in sorted(years):
        rule_set = rule_set_for_year(y)
        if periods and periods[-1][2] == rule_set.code:
            periods[-1][0].append(y)
        else:
            periods.append(([y], rule_set.title, rule_set.code))
    return [
        (year_label(run[0]) if len(run) == 1 else f"{year_label(run[0])} to {year_label(run[-1])}", title, code)
        for run, title, code in periods
    ]


def regions_in(all_cubes: dict[int, Cube]) -> list[str]:
    """The regions with figures in any year (a region not recorded is not a filter)."""
    return sorted({cell[0] for c in all_cubes.values() for cell in c.cells if isinstance(cell[0], str)})


def analytics(
    year: int,
    filters: Filters | None = None,
    *,
    bodies: dict[int, str] | None = None,
    all_cubes: dict[int, Cube] | None = None,
) -> Analytics:
    """The national figures for an academic year within `filters`, and the trend over all years
    (two queries: the figures, and the Awarding Bodies' names; none if both are given)."""
    filters = filters or Filters()
    if all_cubes is None:
        all_cubes = cubes()
    if bodies is None:
        bodies = dict(AwardingBody.objects.values_list("pk", "name"))
    cube = all_cubes.get(year) or Cube({})
    years = sorted(all_cubes)
    here = filters.key()
    by_holding = [
        cube.row("Award holders", filters.key(holder=True)),
        cube.row("Not holding the award", filters.key(holder=False)),
        cube.row("All providers", here),
    ]
    trend: dict[str, list[tuple[int, rules.Figure]]] = {
        "Award holders": [],
        "Not holding the award": [],
        "All providers": [],
    }
    for y in years:
        for name, cell in (
            ("Award holders", filters.key(holder=True)),
            ("Not holding the award", filters.key(holder=False)),
            ("All providers", here),
        ):
            trend[name].append((y, all_cubes[y].row(name, cell).average))
    by_region = (
        [cube.row(region_label(r), filters.key(region=r), r) for r in cube.values("region", here)]
        if filters.region is None
        else []
    )
    by_type = (
        [cube.row(type_label(t), filters.key(provider_type=t), t) for t in cube.values("provider_type", here)]
        if filters.provider_type is None
        else []
    )
    holders = filters.key(holder=True)
    by_body = sorted(
        (
            cube.row(bodies.get(b, "Awarding Body removed"), filters.key(holder=True, body=b), b)
            for b in cube.values("body", holders)
            if b is not None
        ),
        key=lambda r: r.label,
    )
    per_benchmark = [(n, cube.benchmark(n, here), cube.benchmark(n, holders)) for n in range(1, 9)]
    periods = rule_set_periods(years)
    notes = []
    if len(periods) > 1:
        notes.append(
            "The benchmark definitions changed during these years, so the trend is not like for like "
            "across the change: " + "; ".join(f"{label} on the {title}" for label, title, _ in periods) + "."
        )
    regions: list[str | None] = list(regions_in(all_cubes))
    return Analytics(
        year,
        years,
        by_holding,
        trend,
        by_region,
        by_type,
        by_body,
        per_benchmark,
        by_holding[2].providers,
        notes,
        periods,
        filters,
        regions,
    )


# --- Destinations of award holders and others ----------------------------------------------------


@dataclass(frozen=True)
class DestinationRow:
    """Award holders' (or the others') leavers of one stage and cohort, pooled over providers: the
    shares are of all their leavers together. Every figure but the count of providers is
    suppressed when drawn from fewer than MIN_PROVIDERS providers."""

    label: str
    providers: int
    learners: int | None  # None when suppressed
    sustained: rules.Figure  # % of leavers in sustained education, apprenticeship or employment
    not_sustained: rules.Figure  # % not sustained, or NEET
    unknown: rules.Figure  # % whose activity was not captured
    not_yet_known: rules.Figure  # % whose six months are not over yet

    @property
    def suppressed(self) -> bool:
        return 0 < self.providers < rules.MIN_PROVIDERS


@dataclass(frozen=True)
class DestinationCohort:
    stage: KeyStage
    cohort_year: int
    holders: DestinationRow
    others: DestinationRow

    @property
    def label(self) -> str:
        return year_label(self.cohort_year)

    @property
    def rows(self) -> tuple[DestinationRow, DestinationRow]:
        return (self.holders, self.others)


DESTINATION_SUMS = ("cohort", "sustained", "not_sustained", "unknown", "not_yet_known")


def _destination_row(label: str, found: dict[str, int] | None) -> DestinationRow:
    found = found or {"providers": 0, **dict.fromkeys(DESTINATION_SUMS, 0)}
    providers, learners = found["providers"], found["cohort"]

    def pooled(name: str) -> rules.Figure:
        return rules.figure(100.0 * found[name] / learners if learners else None, providers)

    shown = providers >= rules.MIN_PROVIDERS
    return DestinationRow(
        label,
        providers,
        learners if shown else None,
        pooled("sustained"),
        pooled("not_sustained"),
        pooled("unknown"),
        pooled("not_yet_known"),
    )


def destinations_by_holding(cohorts: int = YEARS_KEPT) -> list[DestinationCohort]:
    """For each stage, its `cohorts` latest leaving cohorts in the aggregates (newest first):
    award holders' leavers beside the other providers', pooled from the per-provider destination
    aggregates (one grouped query; no learner row is read). There is no total row: with only the
    two groups shown, a suppressed group cannot be worked out by taking the other from a total."""
    found: dict[tuple[str, int, bool], dict[str, int]] = {}
    for r in (
        ProviderDestinationFigures.objects.exclude(provider__provider_type=ProviderType.PRIMARY.value)
        .values("stage", "cohort_year", "award_holder")
        .annotate(
            providers=Count("pk"),
            sum_cohort=Sum("cohort"),
            sum_sustained=Sum("sustained"),
            sum_not_sustained=Sum("not_sustained"),
            sum_unknown=Sum("unknown"),
            sum_not_yet_known=Sum("not_yet_known"),
        )
        .order_by()
    ):
        found[(r["stage"], r["cohort_year"], r["award_holder"])] = {
            "providers": r["providers"],
            "cohort": int(r["sum_cohort"] or 0),
            "sustained": int(r["sum_sustained"] or 0),
            "not_sustained": int(r["sum_not_sustained"] or 0),
            "unknown": int(r["sum_unknown"] or 0),
            "not_yet_known": int(r["sum_not_yet_known"] or 0),
        }
    result = []
    for stage in DESTINATION_STAGES:
        years = sorted({year for (s, year, _) in found if s == stage.value}, reverse=True)[:cohorts]
        for year in years:
            result.append(
                DestinationCohort(
                    stage,
                    year,
                    _destination_row("Award holders", found.get((stage.value, year, True))),
                    _destination_row("Not holding the award", found.get((stage.value, year, False))),
                )
            )
    return result


@dataclass
class DrillDown:
    """One figure of the analytics page split into the rows behind it."""

    total: Row
    rows: list[Row]
    benchmark: int | None
    benchmark_total: rules.Figure | None
    benchmark_rows: list[rules.Figure]


def drill_down(
    year: int, filters: Filters, by: str, benchmark: int | None, *, bodies: dict[int, str], all_cubes: dict[int, Cube]
) -> DrillDown:
    """The cell chosen by `filters` split by `by` (region, provider_type, body or holder), with
    the share fully achieving `benchmark` beside each row if one is asked for (no query)."""
    cube = all_cubes.get(year) or Cube({})
    here = filters.key()
    labels: dict[str, Callable[[Any], str]] = {
        "region": region_label,
        "provider_type": type_label,
        "body": lambda b: bodies.get(b, "Awarding Body removed") if b is not None else "No Awarding Body",
        "holder": lambda h: "Award holders" if h else "Not holding the award",
    }
    rows = [cube.row(labels[by](v), filters.key(**{by: v}), v) for v in cube.values(by, here)]
    if by == "body":
        rows.sort(key=lambda r: (r.key is None, r.label))
    cells = [filters.key(**{by: r.key}) for r in rows]
    return DrillDown(
        total=cube.row("All", here),
        rows=rows,
        benchmark=benchmark,
        benchmark_total=cube.benchmark(benchmark, here) if benchmark else None,
        benchmark_rows=[cube.benchmark(benchmark, c) for c in cells] if benchmark else [],
    )


def benchmark_averages(year: int, *, rule_set: str) -> dict[int, rules.Figure]:
    """The national average percentage of each benchmark in `year`, over the providers measured on
    `rule_set` (figures on other definitions are not comparable), each suppressed under
    `rules.MIN_PROVIDERS` providers (one query). A provider's own page shows these beside its own."""
    aggregates: dict[str, Any] = {}
    for name in BENCHMARK_FIELDS:
        aggregates[f"{name}_n"] = Count(name)
        aggregates[f"{name}_avg"] = Avg(name)
    totals = ProviderYearFigures.objects.filter(academic_year=year, rule_set=rule_set).aggregate(**aggregates)
    return {n: rules.figure(totals[f"bm{n}_avg"], totals[f"bm{n}_n"]) for n in range(1, 9)}


# --- Consistency between Awarding Bodies ------------------------------------------------------------


@dataclass
class BodyConsistency:
    body: str
    outcomes: dict[str, int]  # "1", "2a", "2b" -> count of issued assessments
    judgments: dict[str, int]  # Judgment value -> count of criterion judgments
    sections_fully: list[rules.Figure]  # per section 1–8: % of criterion judgments "fully meeting"
    figures_by_outcome: dict[str, Row]  # outcome -> the providers' own benchmark figures

    @property
    def assessments(self) -> int:
        return sum(self.outcomes.values())

    def outcome_share(self, outcome: str) -> rules.Figure:
        return rules.share(self.outcomes.get(outcome, 0), self.assessments)

    def judgment_share(self, judgment: str) -> rules.Figure:
        return rules.share(self.judgments.get(judgment, 0), sum(self.judgments.values()))

    @property
    def outcome_cells(self) -> list[tuple[int, rules.Figure]]:
        return [(self.outcomes.get(o, 0), self.outcome_share(o)) for o in OUTCOME_ORDER]

    @property
    def judgment_cells(self) -> list[tuple[int, rules.Figure]]:
        return [(self.judgments.get(j.value, 0), self.judgment_share(j.value)) for j in JUDGMENT_ORDER]

    @property
    def figure_rows(self) -> list[Row]:
        return [self.figures_by_outcome[o] for o in OUTCOME_ORDER if o in self.figures_by_outcome]


def consistency(year: int) -> list[BodyConsistency]:
    """Outcomes and criterion judgments per Awarding Body side by side (all issued assessments),
    with the providers' own benchmark figures for `year` beside their outcomes (four queries)."""
    issued = Accreditation.objects.filter(stage=Stage.ISSUED)
    bodies = {b.pk: b.name for b in AwardingBody.objects.all()}
    outcomes: dict[int, dict[str, int]] = defaultdict(dict)
    for body_pk, outcome, n in issued.values_list("awarding_body", "outcome").annotate(n=Count("pk")):
        outcomes[body_pk][outcome] = n
    judgments: dict[int, dict[str, int]] = defaultdict(dict)
    section_counts: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for body, section, judgment, n in (
        CriterionRecord.objects.filter(accreditation__stage=Stage.ISSUED)
        .exclude(judgment="")
        .values_list("accreditation__awarding_body", "criterion__section__number", "judgment")
        .annotate(n=Count("pk"))
    ):
        judgments[body][judgment] = judgments[body].get(judgment, 0) + n
        cell = section_counts[body][section]
        cell[0] += n
        if judgment == Judgment.FULLY_MEETING.value:
            cell[1] += n
    # The providers' own figures come from the same cube as the analytics page, so a figure
    # suppressed there cannot be worked out from this page's rows, nor the other way round.
    cube = cubes().get(year) or Cube({})
    beside: dict[int, dict[str, Row]] = defaultdict(dict)
    for pk in bodies:
        for outcome in OUTCOME_ORDER:
            body_outcome = (rules.ALL, rules.ALL, pk, rules.ALL, outcome)
            if cube.stats(body_outcome)["n"]:
                beside[pk][outcome] = cube.row(OUTCOME_WORDS[outcome], body_outcome)
    result = []
    for pk, name in sorted(bodies.items(), key=lambda item: item[1]):
        if pk not in outcomes and pk not in beside:
            continue
        result.append(
            BodyConsistency(
                body=name,
                outcomes=outcomes.get(pk, {}),
                judgments=judgments.get(pk, {}),
                sections_fully=[rules.share(section_counts[pk][n][1], section_counts[pk][n][0]) for n in range(1, 9)],
                figures_by_outcome=beside.get(pk, {}),
            )
        )
    return result


# --- The Consortium's view of each body ---------------------------------------------------------------


@dataclass
class BodyWorkload:
    body: AwardingBody
    assessors: int
    open_assessments: int
    current_awards: int
    reviews_due: int


def workload(*, today: dt.date) -> list[BodyWorkload]:
    """Each Awarding Body's assessors, open assessments, current awards and reviews due within
    90 days (five queries)."""
    bodies = list(AwardingBody.objects.order_by("name"))
    assessors = dict(
        Membership.objects.filter(role=Role.ASSESSOR, user__is_active=True)
        .values_list("awarding_body")
        .annotate(n=Count("pk"))
    )
    open_rounds = dict(
        Accreditation.objects.filter(stage__in=OPEN_STAGES).values_list("awarding_body").annotate(n=Count("pk"))
    )
    awards = dict(current_awards(today).values_list("awarding_body").annotate(n=Count("pk")))
    reviews = dict(
        AnnualReview.objects.filter(
            held_on__isnull=True,
            due_on__lte=today + dt.timedelta(days=90),
            accreditation__awards__superseded=False,
            accreditation__awards__expires_on__gte=today,
        )
        .values_list("accreditation__awarding_body")
        .annotate(n=Count("pk", distinct=True))
    )
    return [
        BodyWorkload(b, assessors.get(b.pk, 0), open_rounds.get(b.pk, 0), awards.get(b.pk, 0), reviews.get(b.pk, 0))
        for b in bodies
    ]


def cec_return(year: int) -> Any:
    """The accredited providers for the CEC's annual return: every award in force at some point
    of the academic year and not replaced, with URN, outcome and dates."""
    return (
        Award.objects.filter(superseded=False, awarded_on__lte=year_end(year), expires_on__gte=year_start(year))
        .order_by("provider__urn")
        .values(*REGISTER_FIELDS)
    )
