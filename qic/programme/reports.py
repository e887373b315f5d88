"""Turning benchmark figures into the dashboard's tables, charts and CSV exports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from qic.domain import benchmarks as bm
from qic.domain.academic import KeyStage, year_end, year_label
from qic.frameworks.models import Edition
from qic.learners.models import Learner
from qic.organisations.models import Provider

BENCHMARK_TITLES = {
    1: "A stable careers programme",
    2: "Learning from career and labour market information",
    3: "Addressing the needs of each learner",
    4: "Linking curriculum learning to careers",
    5: "Encounters with employers and employees",
    6: "Experiences of workplaces",
    7: "Encounters with further and higher education",
    8: "Personal guidance",
}


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"


def change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    previous: float | None
    y: int
    width: float
    previous_width: float
    text: str


CHART_WIDTH = 420  # pixels for 100%


@dataclass(frozen=True)
class MeasureRow:
    result: bm.MeasureResult
    text: str
    missing: int
    change: float | None
    previous_text: str
    comparable: bool = True
    criterion_label: str = ""  # "Quality in Careers criterion 8.2" for a criterion measure


@dataclass(frozen=True)
class EquityRow:
    code: str
    group: str
    gap: bm.GroupGap
    value: float | None
    small: bool = False  # fewer learners in the group than the headline minimum


# --- Comparing a year with the year before -----------------------------------------------------


def not_comparable_text(figures: bm.ProviderFigures) -> str:
    """What the change column says where last year was measured on other definitions."""
    return f"Definition changed in {year_label(figures.rule_set.first_year)} — not comparable"


def measure_comparable(figures: bm.ProviderFigures, previous: bm.ProviderFigures, code: str) -> bool:
    """Last year's figure is comparable only when last year's rule set has a measure with the same
    code and the same definition."""
    now = figures.rule_set.measure(figures.phase, code)
    before = previous.rule_set.measure(previous.phase, code)
    return now is not None and before is not None and now.definition == before.definition


def _required_definitions(rule_set: bm.RuleSet, phase: bm.Phase, benchmark: int) -> set[tuple[str, str]]:
    return {(m.code, m.definition) for m in rule_set.measures_for(phase) if m.benchmark == benchmark and m.required}


def benchmark_comparable(figures: bm.ProviderFigures, previous: bm.ProviderFigures, benchmark: int) -> bool:
    """A benchmark's percentage is comparable when its required measures are the same (code and
    definition) in both years. Benchmarks 1 and 3 are answered by the provider: always comparable."""
    if figures.phase != previous.phase:
        return False
    if benchmark in (1, 3):
        return True
    return _required_definitions(figures.rule_set, figures.phase, benchmark) == _required_definitions(
        previous.rule_set, previous.phase, benchmark
    )


def criterion_label(measure: bm.Measure) -> str:
    return f"Quality in Careers criterion {measure.criterion}" if measure.criterion else ""


def min_group_size() -> int:
    return int(settings.QIC_EQUITY_MIN_GROUP_SIZE)


def small_group(gap: bm.GroupGap, minimum: int) -> bool:
    """A group too small to headline: shown, marked, never among the widest gaps."""
    return 0 < gap.in_group.eligible < minimum


def benchmark_chart(figures: bm.ProviderFigures, previous: bm.ProviderFigures) -> list[Bar]:
    bars = []
    for index, result in enumerate(figures.benchmarks):
        before = (
            previous.benchmark(result.benchmark).percent
            if benchmark_comparable(figures, previous, result.benchmark)
            else None
        )
        bars.append(
            Bar(
                label=f"BM{result.benchmark}",
                value=result.percent,
                previous=before,
                y=index * 34,
                width=CHART_WIDTH * (result.percent or 0) / 100,
                previous_width=CHART_WIDTH * (before or 0) / 100,
                text=pct(result.percent),
            )
        )
    return bars


def previous_label_for(previous: bm.ProviderFigures) -> str:
    return year_label(previous.year)


def dashboard(
    provider: Provider, figures: bm.ProviderFigures, previous: bm.ProviderFigures, edition: Edition | None
) -> dict[str, Any]:
    minimum = min_group_size()
    changed_text = not_comparable_text(figures)
    benchmarks = []
    for result in figures.benchmarks:
        before = previous.benchmark(result.benchmark)
        comparable = benchmark_comparable(figures, previous, result.benchmark)
        applying = [m for m in result.measures if m.applies]
        benchmarks.append(
            {
                "number": result.benchmark,
                "title": BENCHMARK_TITLES[result.benchmark],
                "percent": result.percent,
                "text": pct(result.percent),
                "fully": result.fully_achieved,
                "previous_text": pct(before.percent),
                "change": change(result.percent, before.percent) if comparable else None,
                "comparable": comparable,
                "programme": result.benchmark in (1, 3),
                "answered": result.answered,
                "indicators": result.indicators,
                # Measures counted in the percentage, and those reported beside it for a QiC
                # criterion (e.g. 8.2's interviews in KS3 and KS4) but not part of it.
                "measures": [m for m in applying if m.measure.required or not m.measure.criterion],
                "criterion_measures": [m for m in applying if m.measure.criterion and not m.measure.required],
            }
        )
    measures: list[MeasureRow] = []
    year_groups: set[int] = set()
    for result in figures.benchmarks:
        for measured in result.measures:
            year_groups.update(measured.by_year_group)
            comparable = measure_comparable(figures, previous, measured.measure.code)
            last_year = previous.measure(measured.measure.code).total if comparable else None
            measures.append(
                MeasureRow(
                    result=measured,
                    text=pct(measured.total.percent),
                    missing=measured.total.eligible - measured.total.met,
                    change=change(measured.total.percent, last_year.percent) if last_year else None,
                    previous_text=pct(last_year.percent) if last_year else "–",
                    comparable=comparable,
                    criterion_label=criterion_label(measured.measure) if not measured.measure.required else "",
                )
            )
    college = figures.phase == bm.Phase.COLLEGE
    columns = sorted(year_groups)
    by_year = [
        {
            "code": row.result.measure.code,
            "title": row.result.measure.title,
            "cells": [row.result.by_year_group.get(y) for y in columns],
        }
        for row in measures
        if row.result.applies
    ]
    equity: list[EquityRow] = []
    equity_matrix = []
    for row in measures:
        if not row.result.applies:
            continue
        cells = []
        for group, gap in row.result.by_group.items():
            small = small_group(gap, minimum)
            cells.append({"gap": gap, "small": small})
            if gap.in_group.eligible:
                equity.append(EquityRow(row.result.measure.code, group.label, gap, gap.gap, small))
        equity_matrix.append({"code": row.result.measure.code, "cells": cells})
    widest = sorted(
        (e for e in equity if e.value is not None and e.value > 0 and not e.small), key=lambda e: -(e.value or 0)
    )
    same_rules = figures.rule_set.code == previous.rule_set.code
    so_far = previous.measure_date if previous.measure_date != year_end(previous.year) else None
    return {
        "figures": figures,
        "previous": previous,
        "rule_set": figures.rule_set,
        "rule_set_first_label": year_label(figures.rule_set.first_year),
        "rule_set_measures": figures.rule_set.measures_for(figures.phase),
        "previous_rule_set": previous.rule_set,
        "same_rules": same_rules,
        "not_comparable_text": changed_text,
        "fully_count": figures.fully_achieved_count,
        "fully_change": figures.fully_achieved_count - previous.fully_achieved_count if same_rules else None,
        "previous_label": previous_label_for(previous),
        "previous_so_far": so_far,
        "benchmarks": benchmarks,
        "measures": measures,
        "year_columns": columns,
        "by_year": [] if college else by_year,
        "college": college,
        "college_tables": college_tables(figures) if college else [],
        "equity": equity,
        "equity_matrix": equity_matrix,
        "equity_min_group": minimum,
        "groups": list(bm.Group),
        "widest_gaps": widest[:5],
        "chart": benchmark_chart(figures, previous),
        "chart_height": 34 * len(figures.benchmarks),
        "edition": edition,
    }


def college_tables(figures: bm.ProviderFigures) -> list[dict[str, Any]]:
    """For colleges: each measure broken down by curriculum area and by study programme."""
    tables = []
    for title, slug, attribute in (
        ("By curriculum area", "curriculum-areas", "by_curriculum_area"),
        ("By study programme", "study-programmes", "by_study_programme"),
    ):
        results = [m for b in figures.benchmarks for m in b.measures if m.applies]
        columns = sorted({key for m in results for key in getattr(m, attribute)})
        rows = [{"code": m.measure.code, "cells": [getattr(m, attribute).get(key) for key in columns]} for m in results]
        tables.append({"title": title, "slug": slug, "columns": [c or "Not recorded" for c in columns], "rows": rows})
    return tables


def measure_tables(result: bm.MeasureResult) -> dict[str, list[tuple[str, bm.Count]]]:
    return {
        "year_groups": [(f"Year {y}", c) for y, c in result.by_year_group.items()],
        "key_stages": [(KeyStage(s).label, c) for s, c in result.by_key_stage.items()],
        "curriculum_areas": [(a or "Not recorded", c) for a, c in result.by_curriculum_area.items()],
        "study_programmes": [(p or "Not recorded", c) for p, c in result.by_study_programme.items()],
    }


def _count_cells(count: bm.Count) -> list[str]:
    return [str(count.eligible), str(count.met), "" if count.percent is None else f"{count.percent:.1f}"]


EXPORT_TABLES = (
    "benchmarks",
    "measures",
    "year-groups",
    "key-stages",
    "curriculum-areas",
    "study-programmes",
    "equity",
)


def export_rows(
    table: str,
    figures: bm.ProviderFigures,
    previous: bm.ProviderFigures,
    learners: dict[int, Learner] | None,
    year: int,
) -> list[list[str]] | None:
    """The rows of one exportable table, header first; None for an unknown table name.

    Every table ends with the code of the rule set its figures were measured on, so a file
    read years later still says which definitions it used.
    """
    rows = _export_rows(table, figures, previous, learners, year)
    if rows is None:
        return None
    code = figures.rule_set.code
    return [[*rows[0], "rule_set"], *([*row, code] for row in rows[1:])]


def _measured(figures: bm.ProviderFigures) -> list[bm.MeasureResult]:
    return [m for result in figures.benchmarks for m in result.measures]


def _export_rows(
    table: str,
    figures: bm.ProviderFigures,
    previous: bm.ProviderFigures,
    learners: dict[int, Learner] | None,
    year: int,
) -> list[list[str]] | None:
    if table == "benchmarks":
        rows = [["benchmark", "title", "percent", "fully_achieved", "previous_percent", "comparable_with_previous"]]
        for result in figures.benchmarks:
            comparable = benchmark_comparable(figures, previous, result.benchmark)
            before = previous.benchmark(result.benchmark).percent if comparable else None
            rows.append(
                [
                    str(result.benchmark),
                    BENCHMARK_TITLES[result.benchmark],
                    "" if result.percent is None else f"{result.percent:.1f}",
                    "yes" if result.fully_achieved else "no",
                    "" if before is None else f"{before:.1f}",
                    "yes" if comparable else "no",
                ]
            )
        return rows
    if table == "measures":
        rows = [["measure", "benchmark", "title", "eligible", "met", "percent", "required", "definition", "criterion"]]
        for m in _measured(figures):
            rows.append(
                [
                    m.measure.code,
                    str(m.measure.benchmark),
                    m.measure.title,
                    *_count_cells(m.total),
                    "yes" if m.measure.required else "no",
                    m.measure.definition,
                    m.measure.criterion,
                ]
            )
        return rows
    if table == "year-groups":
        rows = [["measure", "year_group", "eligible", "met", "percent"]]
        for m in _measured(figures):
            for y, c in m.by_year_group.items():
                rows.append([m.measure.code, str(y), *_count_cells(c)])
        return rows
    if table == "key-stages":
        rows = [["measure", "key_stage", "eligible", "met", "percent"]]
        for m in _measured(figures):
            for s, c in m.by_key_stage.items():
                rows.append([m.measure.code, KeyStage(s).label, *_count_cells(c)])
        return rows
    if table in ("curriculum-areas", "study-programmes"):
        column = "curriculum_area" if table == "curriculum-areas" else "study_programme"
        rows = [["measure", column, "eligible", "met", "percent"]]
        for m in _measured(figures):
            breakdown = m.by_curriculum_area if table == "curriculum-areas" else m.by_study_programme
            for key, c in breakdown.items():
                rows.append([m.measure.code, key, *_count_cells(c)])
        return rows
    if table == "equity":
        minimum = min_group_size()
        rows = [
            [
                "measure",
                "group",
                "group_eligible",
                "group_met",
                "group_percent",
                "others_eligible",
                "others_met",
                "others_percent",
                "gap_points",
                f"fewer_than_{minimum}_learners",
            ]
        ]
        for m in _measured(figures):
            for group, gap in m.by_group.items():
                rows.append(
                    [
                        m.measure.code,
                        group.label,
                        *_count_cells(gap.in_group),
                        *_count_cells(gap.others),
                        "" if gap.gap is None else f"{gap.gap:.1f}",
                        "yes" if small_group(gap, minimum) else "no",
                    ]
                )
        return rows
    if table.startswith("missing-") and learners is not None:
        code = table.removeprefix("missing-")
        try:
            measured = figures.measure(code)
        except StopIteration:
            return None
        rows = [["upn", "uln", "forename", "surname", "year_group", "registration_group"]]
        for learner_id in measured.not_met:
            learner = learners[learner_id]
            year_group = learner.year_group_in(year)
            rows.append(
                [
                    learner.upn,
                    learner.uln,
                    learner.forename,
                    learner.surname,
                    "" if year_group is None else str(year_group),
                    learner.registration_group,
                ]
            )
        return rows
    return None
