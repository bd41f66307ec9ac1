"""The one chart of the staff reports: a bar per day, drawn on the server as SVG (no script).

`bar_chart` lays the bars out (viewBox units) and labels the scale in the unit
the bars count: `count_label` ("1,250") or `money_label(currency)` ("$10,000",
through `donations.money.format_money`, the project's one money format). The
scale's left margin fits its widest label, so "$10,000" is never clipped to
"10,000" beside "$5,000". Templates draw it with `{% bar_chart %}`
(`northstar_tags`): an SVG with a title and a description for screen readers,
and the table of every day's figure below it.

Days are the organisation's (`northstar.days`); a chart's first day is the
caller's (`northstar.days.last_days`), no earlier than what it charts began.
"""

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.formats import number_format

from donations.money import format_money, minor_units

from .days import every_day

# The scale's labels are 11px text: about 6.5 units a character, and a gap before the plot.
LABEL_CHAR_WIDTH = 6.5
LABEL_GAP = 10
MIN_PLOT_LEFT = 44


@dataclass(frozen=True)
class DayFigure:
    """One day's figure: signatures confirmed, cents raised, pages opened (`count`)."""

    day: date
    count: int


def per_day(first: date, last: date, figures: dict) -> list[DayFigure]:
    """A `DayFigure` for each day from `first` to `last` (both inclusive), oldest first, from
    `figures` ({day: count}); a day missing from `figures` counts 0."""
    return [DayFigure(day, figures.get(day, 0)) for day in every_day(first, last)]


def count_label(value: int) -> str:
    """A count as the scale reads it: "1,250"."""
    return number_format(value, force_grouping=True)


def money_label(currency: str) -> Callable[[int], str]:
    """A label for cents in `currency`: 1000000 -> "$10,000" (`format_money`)."""

    def label(cents: int) -> str:
        return format_money(cents, currency)

    return label


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... that is at least `value`: the chart's top."""
    step = 1
    while True:
        for multiple in (1, 2, 5):
            if value <= step * multiple:
                return step * multiple
        step *= 10


@dataclass(frozen=True)
class Bar:
    day: date
    count: int
    label: str
    x: float
    y: float
    width: float
    height: float
    label_x: float
    labelled: bool


@dataclass(frozen=True)
class Gridline:
    value: int
    label: str
    y: float


@dataclass(frozen=True)
class BarChart:
    """The geometry of a server-drawn SVG bar chart, in viewBox units, with its labels."""

    bars: list[Bar]
    gridlines: list[Gridline]
    width: int
    height: int
    top: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    total: int
    total_label: str

    @property
    def first_day(self):
        return self.bars[0].day if self.bars else None

    @property
    def last_day(self):
        return self.bars[-1].day if self.bars else None


def bar_chart(
    figures: Iterable[DayFigure],
    *,
    label: Callable[[int], str] = count_label,
    min_top: int = 1,
    width: int = 720,
    height: int = 220,
    label_every: int = 14,
    max_bar_width: float = 40,
) -> BarChart:
    """Lay out one bar per day of `figures` (oldest first), labelling every `label_every`th
    day counting back from the last. The scale runs from 0 to the smallest 1, 2 or 5 times a
    power of ten at least the busiest day (and at least `min_top`), with a line at the top,
    at the middle when it is whole, and at 0; `label` writes its values and the bars'."""
    figures = list(figures)
    top = nice_ceiling(max([min_top, *(figure.count for figure in figures)]))
    values = [top, top // 2, 0] if top % 2 == 0 else [top, 0]
    labels = [label(value) for value in values]
    widest = max(len(text) for text in labels)
    plot_left = max(MIN_PLOT_LEFT, math.ceil(widest * LABEL_CHAR_WIDTH + LABEL_GAP))
    plot_right, plot_top, plot_bottom = width - 24, 12, height - 28
    scale = (plot_bottom - plot_top) / top
    slot = (plot_right - plot_left) / max(len(figures), 1)
    bar_width = round(min(slot * 0.75, max_bar_width), 2)
    last = len(figures) - 1
    bars = []
    for index, figure in enumerate(figures):
        bar_height = round(max(figure.count, 0) * scale, 2)  # a day of refunds: no bar
        x = round(plot_left + index * slot + (slot - bar_width) / 2, 2)
        bars.append(
            Bar(
                day=figure.day,
                count=figure.count,
                label=label(figure.count),
                x=x,
                y=round(plot_bottom - bar_height, 2),
                width=bar_width,
                height=bar_height,
                label_x=round(x + bar_width / 2, 2),
                labelled=(last - index) % label_every == 0,
            )
        )
    total = sum(figure.count for figure in figures)
    return BarChart(
        bars=bars,
        gridlines=[
            Gridline(value, text, round(plot_bottom - value * scale, 2))
            for value, text in zip(values, labels, strict=True)
        ],
        width=width,
        height=height,
        top=top,
        plot_left=plot_left,
        plot_right=plot_right,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        total=total,
        total_label=label(total),
    )


def money_chart(figures: Iterable[DayFigure], currency: str) -> BarChart:
    """`bar_chart` of cents per day in `currency`, its scale in money ("$10,000"); with
    nothing raised it reads $0 to $1, not 0 to 1¢."""
    return bar_chart(figures, label=money_label(currency), min_top=minor_units(currency))
