"""National reads. Analytics read only `ProviderYearFigures` (per-provider aggregates) and
accreditation outcomes; each table is one grouped query, so the count of queries behind a page
does not grow with the number of providers."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Case, Count, IntegerField, Q, QuerySet, Sum, When

from qic.accreditation.models import Accreditation, AnnualReview, Award, CriterionRecord
from qic.domain import national as rules
from qic.domain.academic import year_end, year_label, year_start
from qic.domain.accreditation import Judgment, Stage
from qic.domain.provider_types import ProviderType
from qic.domain.rulesets import rule_set_for_year
from qic.national.models import BENCHMARK_FIELDS, ProviderYearFigures
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


def _row(label: str, providers: int, average: float | None, all_eight: int | None) -> Row:
    return Row(label, providers, rules.figure(average, providers), rules.share(all_eight or 0, providers))


def _grouped(rows: QuerySet[ProviderYearFigures], key: str) -> list[dict[str, Any]]:
    all_eight = Sum(Case(When(benchmarks_achieved=8, then=1), default=0, output_field=IntegerField()))
    return list(
        rows.values(key).annotate(n=Count("pk"), average=Avg("benchmarks_achieved"), eight=all_eight).order_by(key)
    )


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


def analytics(year: int) -> Analytics:
    """The national figures for an academic year, and the trend over all years (seven queries)."""
    rows = ProviderYearFigures.objects.filter(academic_year=year)
    holding = {r["award_holder"]: r for r in _grouped(rows, "award_holder")}
    total_n = sum(r["n"] for r in holding.values())
    total_avg = sum(r["average"] * r["n"] for r in holding.values()) / total_n if total_n else None
    by_holding = [
        _row(
            "Award holders",
            holding.get(True, {}).get("n", 0),
            holding.get(True, {}).get("average"),
            holding.get(True, {}).get("eight"),
        ),
        _row(
            "Not holding the award",
            holding.get(False, {}).get("n", 0),
            holding.get(False, {}).get("average"),
            holding.get(False, {}).get("eight"),
        ),
        _row("All providers", total_n, total_avg, sum(r["eight"] or 0 for r in holding.values())),
    ]
    # Trend: every year at once.
    trend_rows = list(
        ProviderYearFigures.objects.values("academic_year", "award_holder")
        .annotate(n=Count("pk"), average=Avg("benchmarks_achieved"))
        .order_by("academic_year")
    )
    years = sorted({r["academic_year"] for r in trend_rows})
    per_year: dict[int, dict[bool, tuple[int, float]]] = defaultdict(dict)
    for r in trend_rows:
        per_year[r["academic_year"]][r["award_holder"]] = (r["n"], r["average"])
    trend: dict[str, list[tuple[int, rules.Figure]]] = {
        "Award holders": [],
        "Not holding the award": [],
        "All providers": [],
    }
    for y in years:
        held, not_held = per_year[y].get(True, (0, 0.0)), per_year[y].get(False, (0, 0.0))
        n = held[0] + not_held[0]
        trend["Award holders"].append((y, rules.figure(held[1] if held[0] else None, held[0])))
        trend["Not holding the award"].append((y, rules.figure(not_held[1] if not_held[0] else None, not_held[0])))
        trend["All providers"].append(
            (y, rules.figure((held[0] * held[1] + not_held[0] * not_held[1]) / n if n else None, n))
        )
    by_region = [
        _row(r["provider__region"] or "Region not recorded", r["n"], r["average"], r["eight"])
        for r in _grouped(rows, "provider__region")
    ]
    by_type = [
        _row(ProviderType(r["provider__provider_type"]).label, r["n"], r["average"], r["eight"])
        for r in _grouped(rows, "provider__provider_type")
    ]
    by_body = [
        _row(r["awarding_body__name"], r["n"], r["average"], r["eight"])
        for r in _grouped(rows.filter(award_holder=True), "awarding_body__name")
    ]
    aggregates: dict[str, Any] = {}
    for name in BENCHMARK_FIELDS:
        aggregates[f"{name}_n"] = Count(name)
        aggregates[f"{name}_full"] = Count("pk", filter=Q(**{f"{name}__gte": 100.0}))
        aggregates[f"{name}_hn"] = Count(name, filter=Q(award_holder=True))
        aggregates[f"{name}_hfull"] = Count("pk", filter=Q(award_holder=True, **{f"{name}__gte": 100.0}))
    totals = rows.aggregate(**aggregates)
    per_benchmark = [
        (
            n,
            rules.share(totals[f"bm{n}_full"], totals[f"bm{n}_n"]),
            rules.share(totals[f"bm{n}_hfull"], totals[f"bm{n}_hn"]),
        )
        for n in range(1, 9)
    ]
    periods = rule_set_periods(years)
    notes = []
    if len(periods) > 1:
        notes.append(
            "The benchmark definitions changed during these years, so the trend is not like for like "
            "across the change: " + "; ".join(f"{label} on the {title}" for label, title, _ in periods) + "."
        )
    return Analytics(
        year, years, by_holding, trend, by_region, by_type, by_body, per_benchmark, total_n, notes, periods
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
    beside: dict[int, dict[str, Row]] = defaultdict(dict)
    for r in (
        ProviderYearFigures.objects.filter(academic_year=year)
        .exclude(outcome="")
        .values("awarding_body", "outcome")
        .annotate(
            n=Count("pk"),
            average=Avg("benchmarks_achieved"),
            eight=Sum(Case(When(benchmarks_achieved=8, then=1), default=0, output_field=IntegerField())),
        )
    ):
        beside[r["awarding_body"]][r["outcome"]] = _row(OUTCOME_WORDS[r["outcome"]], r["n"], r["average"], r["eight"])
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
        Accreditation.objects.exclude(stage=Stage.ISSUED).values_list("awarding_body").annotate(n=Count("pk"))
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
