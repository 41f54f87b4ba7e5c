"""Bar chart geometry for server-drawn SVG: the template only places what this computes.

Drawn in a fixed coordinate space (the viewBox) that the browser scales to the width it
has, so a chart fits a 320 px phone as well as a desktop column.
"""

import math
from dataclasses import dataclass

# GOV.UK colours, each at least 4.5:1 against white (WCAG 1.4.11 asks 3:1 of graphics).
COLOURS = ("#1d70b8", "#00703c", "#4c2c92", "#912b88", "#505a5f")
GRID = "#b1b4b6"
TEXT = "#0b0c0c"

WIDTH = 640
HEIGHT = 380
LEFT = 56  # room for the value axis
RIGHT = 8
TOP = 16
BOTTOM = 56  # room for month labels
FONT = 20


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Label:
    x: float
    text: str


@dataclass(frozen=True)
class LegendItem:
    colour: str
    label: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    plot_right: int
    baseline: float
    bars: list[Bar]
    ticks: list[Tick]
    labels: list[Label]
    legend: list[LegendItem]
    font: int = FONT
    text_colour: str = TEXT
    grid_colour: str = GRID


def nice_top(value: float) -> float:
    """A round number at or above `value`, for the top of the value axis."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 4, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _format(value: float) -> str:
    return f"{value:g}"


def bar_chart(
    month_labels: list[str], series: list[tuple[str, list]], *, stacked: bool = False
) -> BarChart:
    """Grouped (or stacked) bars, one group per month, one colour per series."""
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    months = len(month_labels)
    values = [[v or 0 for v in values] for _, values in series]
    if stacked:
        largest = max((sum(column) for column in zip(*values, strict=True)), default=0)
    else:
        largest = max((max(v, default=0) for v in values), default=0)
    top = nice_top(largest)
    scale = plot_height / top
    slot = plot_width / months
    group = slot * 0.8
    bars: list[Bar] = []
    for month in range(months):
        x0 = LEFT + month * slot + (slot - group) / 2
        height_so_far = 0.0
        for index, row in enumerate(values):
            colour = COLOURS[index % len(COLOURS)]
            height = row[month] * scale
            if stacked:
                bars.append(Bar(x0, baseline - height_so_far - height, group, height, colour))
                height_so_far += height
            else:
                width = group / len(values)
                bars.append(Bar(x0 + index * width, baseline - height, width, height, colour))
    # A middle line only where it falls on a whole number (these are mostly counts).
    shares = (0, 0.5, 1) if (top / 2).is_integer() else (0, 1)
    ticks = [Tick(baseline - top * share * scale, _format(top * share)) for share in shares]
    labels = [Label(LEFT + (m + 0.5) * slot, text) for m, text in enumerate(month_labels)]
    legend = [LegendItem(COLOURS[i % len(COLOURS)], label) for i, (label, _) in enumerate(series)]
    return BarChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        plot_right=WIDTH - RIGHT,
        baseline=baseline,
        bars=[b for b in bars if b.height > 0],
        ticks=ticks,
        labels=labels,
        legend=legend,
    )


@dataclass(frozen=True)
class FunnelRow:
    label: str
    count: int
    label_y: float
    bar_y: float
    bar_width: float
    value_x: float


@dataclass(frozen=True)
class FunnelChart:
    width: int
    height: int
    bar_height: int
    rows: list[FunnelRow]
    colour: str = COLOURS[0]
    font: int = FONT
    text_colour: str = TEXT


def funnel_chart(steps: list[tuple[str, int]]) -> FunnelChart:
    """Horizontal bars, each under its label, the widest for the largest count."""
    row_height, bar_height, value_room = 72, 30, 72
    largest = max((count for _, count in steps), default=0) or 1
    usable = WIDTH - value_room
    rows = []
    for index, (label, count) in enumerate(steps):
        y = index * row_height
        width = usable * count / largest
        rows.append(FunnelRow(label, count, y + 24, y + 34, width, width + 8))
    return FunnelChart(WIDTH, len(steps) * row_height + 8, bar_height, rows)
