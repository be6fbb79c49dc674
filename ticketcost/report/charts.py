"""Chart data for reports: horizontal bars and sparklines.

Drawn by :mod:`ticketcost.report.texttable`.

Kept apart from :mod:`ticketcost.report.model` so that commands without charts do not define them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple


class Bar(NamedTuple):
    label: str
    value: Decimal  # bar length; negative values draw as empty
    text: str  # the figure printed after the bar


@dataclass
class BarChart:
    title: str
    bars: tuple[Bar, ...]


class Spark(NamedTuple):
    label: str
    values: tuple[Decimal, ...]
    text: str


@dataclass
class SparkChart:
    """One sparkline per series on a shared scale: shape at a glance (growth, a cap, a knee)."""

    title: str
    lines: tuple[Spark, ...]
    x_title: str | None = None  # what the points stand for (e.g. turns), for a drawn chart
    xs: tuple[int, ...] = ()  # the x value of each point (default 1, 2, 3, …)
