"""A small server-rendered SVG line chart for the national trend (no JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass

from qic.domain import national as rules
from qic.domain.academic import year_label

# The right margin leaves room for half of the last year's label ("2026/27" is centred on its
# point, so a narrower margin clipped it).
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 520, 220, 40, 44, 10, 30


@dataclass(frozen=True)
class Series:
    name: str
    css: str
    segments: list[str]  # SVG polyline points, one string per unbroken run of shown values
    dots: list[tuple[float, float, str]]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    series: list[Series]
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, int]]
    left: int = LEFT
    right: int = WIDTH - RIGHT


def trend_chart(trend: dict[str, list[tuple[int, rules.Figure]]], years: list[int]) -> Chart:
    """Average benchmarks achieved (0–8) per year; a suppressed year breaks the line."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(years) - 1, 1)
    x_of = {y: LEFT + i * step for i, y in enumerate(years)}

    def y_of(value: float) -> float:
        return TOP + plot_h * (1 - value / 8)

    series = []
    for (name, points), css in zip(trend.items(), ("holders", "others", "all"), strict=False):
        segments: list[list[str]] = [[]]
        dots = []
        for year, fig in points:
            if fig.value is None:
                segments.append([])
                continue
            x, y = x_of[year], y_of(fig.value)
            segments[-1].append(f"{x:.1f},{y:.1f}")
            dots.append((round(x, 1), round(y, 1), f"{name}, {year_label(year)}: {fig.value:.1f}"))
        series.append(Series(name, css, [" ".join(s) for s in segments if len(s) > 1], dots))
    return Chart(
        WIDTH,
        HEIGHT,
        series,
        [(round(x_of[y], 1), year_label(y)) for y in years],
        [(round(y_of(v), 1), v) for v in (0, 2, 4, 6, 8)],
    )
