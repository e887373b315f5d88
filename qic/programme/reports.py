"""Turning benchmark figures into the dashboard's tables, charts and CSV exports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qic.domain import benchmarks as bm
from qic.domain.academic import KeyStage, year_label
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


@dataclass(frozen=True)
class EquityRow:
    code: str
    group: str
    gap: bm.GroupGap
    value: float | None


def benchmark_chart(figures: bm.ProviderFigures, previous: bm.ProviderFigures) -> list[Bar]:
    bars = []
    for index, result in enumerate(figures.benchmarks):
        before = previous.benchmark(result.benchmark).percent
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


def dashboard(
    provider: Provider, figures: bm.ProviderFigures, previous: bm.ProviderFigures, edition: Edition | None
) -> dict[str, Any]:
    benchmarks = []
    for result in figures.benchmarks:
        before = previous.benchmark(result.benchmark)
        benchmarks.append(
            {
                "number": result.benchmark,
                "title": BENCHMARK_TITLES[result.benchmark],
                "percent": result.percent,
                "text": pct(result.percent),
                "fully": result.fully_achieved,
                "previous_text": pct(before.percent),
                "change": change(result.percent, before.percent),
                "programme": result.benchmark in (1, 3),
                "answered": result.answered,
                "indicators": result.indicators,
                "measures": [m for m in result.measures if m.applies],
            }
        )
    measures: list[MeasureRow] = []
    year_groups: set[int] = set()
    for result in figures.benchmarks:
        for measured in result.measures:
            year_groups.update(measured.by_year_group)
            last_year = previous.measure(measured.measure.code).total
            measures.append(
                MeasureRow(
                    result=measured,
                    text=pct(measured.total.percent),
                    missing=measured.total.eligible - measured.total.met,
                    change=change(measured.total.percent, last_year.percent),
                    previous_text=pct(last_year.percent),
                )
            )
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
            cells.append(gap)
            if gap.in_group.eligible:
                equity.append(EquityRow(row.result.measure.code, group.label, gap, gap.gap))
        equity_matrix.append({"code": row.result.measure.code, "cells": cells})
    widest = sorted((e for e in equity if e.value is not None and e.value > 0), key=lambda e: -(e.value or 0))
    return {
        "figures": figures,
        "previous": previous,
        "fully_count": figures.fully_achieved_count,
        "fully_change": figures.fully_achieved_count - previous.fully_achieved_count,
        "previous_label": year_label(previous.year),
        "benchmarks": benchmarks,
        "measures": measures,
        "year_columns": columns,
        "by_year": by_year,
        "equity": equity,
        "equity_matrix": equity_matrix,
        "groups": list(bm.Group),
        "widest_gaps": widest[:5],
        "chart": benchmark_chart(figures, previous),
        "chart_height": 34 * len(figures.benchmarks),
        "edition": edition,
    }


def measure_tables(result: bm.MeasureResult) -> dict[str, list[tuple[str, bm.Count]]]:
    return {
        "year_groups": [(f"Year {y}", c) for y, c in result.by_year_group.items()],
        "key_stages": [(KeyStage(s).label, c) for s, c in result.by_key_stage.items()],
    }


def _count_cells(count: bm.Count) -> list[str]:
    return [str(count.eligible), str(count.met), "" if count.percent is None else f"{count.percent:.1f}"]


def export_rows(
    table: str,
    figures: bm.ProviderFigures,
    previous: bm.ProviderFigures,
    learners: dict[int, Learner] | None,
    year: int,
) -> list[list[str]] | None:
    """The rows of one exportable table, header first; None for an unknown table name."""
    if table == "benchmarks":
        rows = [["benchmark", "title", "percent", "fully_achieved", "previous_percent"]]
        for result in figures.benchmarks:
            before = previous.benchmark(result.benchmark).percent
            rows.append(
                [
                    str(result.benchmark),
                    BENCHMARK_TITLES[result.benchmark],
                    "" if result.percent is None else f"{result.percent:.1f}",
                    "yes" if result.fully_achieved else "no",
                    "" if before is None else f"{before:.1f}",
                ]
            )
        return rows
    if table == "measures":
        rows = [["measure", "benchmark", "title", "eligible", "met", "percent", "required"]]
        for result in figures.benchmarks:
            for m in result.measures:
                rows.append(
                    [
                        m.measure.code,
                        str(m.measure.benchmark),
                        m.measure.title,
                        *_count_cells(m.total),
                        "yes" if m.measure.required else "no",
                    ]
                )
        return rows
    if table == "year-groups":
        rows = [["measure", "year_group", "eligible", "met", "percent"]]
        for result in figures.benchmarks:
            for m in result.measures:
                for y, c in m.by_year_group.items():
                    rows.append([m.measure.code, str(y), *_count_cells(c)])
        return rows
    if table == "key-stages":
        rows = [["measure", "key_stage", "eligible", "met", "percent"]]
        for result in figures.benchmarks:
            for m in result.measures:
                for s, c in m.by_key_stage.items():
                    rows.append([m.measure.code, KeyStage(s).label, *_count_cells(c)])
        return rows
    if table == "equity":
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
            ]
        ]
        for result in figures.benchmarks:
            for m in result.measures:
                for group, gap in m.by_group.items():
                    rows.append(
                        [
                            m.measure.code,
                            group.label,
                            *_count_cells(gap.in_group),
                            *_count_cells(gap.others),
                            "" if gap.gap is None else f"{gap.gap:.1f}",
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
