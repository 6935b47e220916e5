"""Geometry of the progress charts, drawn as inline SVG by the template (no JavaScript)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .selectors import ChartSeries

WIDTH = 520
HEIGHT = 230
LEFT = 46
RIGHT = 10
TOP = 12
BOTTOM = 30


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    kind: str  # "target" or "actual"
    title: str
    value: int

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class XLabel:
    x: float
    text: str


@dataclass(frozen=True)
class Chart:
    title: str
    width: int
    height: int
    baseline: float
    left: int
    right_edge: int
    bars: list[Bar]
    ticks: list[Tick]
    labels: list[XLabel]


def _nice_ceiling(value: int) -> int:
    """Return a round number at least `value` (1, 2, 5 times a power of ten)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover


def bar_chart(series: ChartSeries, *, target_label: str, actual_label: str) -> Chart:
    """Return a chart with, per year, the target bar next to the actual bar."""
    points = series.points
    top_value = _nice_ceiling(max([p.target for p in points] + [p.actual or 0 for p in points]))
    plot_height = HEIGHT - TOP - BOTTOM
    plot_width = WIDTH - LEFT - RIGHT
    slot = plot_width / max(len(points), 1)
    bar_width = min(slot * 0.36, 28)
    baseline = TOP + plot_height

    def y_of(value: int) -> float:
        return baseline - plot_height * value / top_value

    bars: list[Bar] = []
    labels: list[XLabel] = []
    for index, point in enumerate(points):
        centre = LEFT + slot * (index + 0.5)
        target_y = y_of(point.target)
        bars.append(
            Bar(
                x=round(centre - bar_width - 1, 1),
                y=round(target_y, 1),
                width=round(bar_width, 1),
                height=round(baseline - target_y, 1),
                kind="target",
                title=f"{point.year}: {target_label}: {point.target}",
                value=point.target,
            )
        )
        if point.actual is not None:
            actual_y = y_of(point.actual)
            bars.append(
                Bar(
                    x=round(centre + 1, 1),
                    y=round(actual_y, 1),
                    width=round(bar_width, 1),
                    height=round(baseline - actual_y, 1),
                    kind="actual",
                    title=f"{point.year}: {actual_label}: {point.actual}",
                    value=point.actual,
                )
            )
        labels.append(XLabel(x=round(centre, 1), text=str(point.year)))
    ticks = [
        Tick(y=round(y_of(value), 1), label=f"{value:,}".replace(",", "."))
        for value in (0, top_value // 2, top_value)
    ]
    return Chart(
        title=series.label,
        width=WIDTH,
        height=HEIGHT,
        baseline=baseline,
        left=LEFT,
        right_edge=WIDTH - RIGHT,
        bars=bars,
        ticks=ticks,
        labels=labels,
    )
