"""Everything the one-page report shows about a config: its stack, the benchmarks, the cost at
1K to 1M tickets a month against people, and cost against conversation length by history policy.

Pure: computed from a config and prices; drawn by :mod:`ticketcost.report.page`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from ticketcost.costs.compare import Comparison, compare
from ticketcost.costs.growth import Curve, ScaleRow, cost_curve, scale_for_config
from ticketcost.costs.stack import IntentCost, StackResult, compute_stack

if TYPE_CHECKING:
    from ticketcost.costs.benchmarks import Benchmark
    from ticketcost.costs.config import Config
    from ticketcost.pricing.table import PriceTable

VOLUMES = (1_000, 3_000, 10_000, 30_000, 100_000, 300_000, 1_000_000)
TURNS = tuple(range(1, 31))
POLICIES = ("window:4", "summarize:4:300")


@dataclass(frozen=True)
class Overview:
    stack: StackResult
    comparison: Comparison
    scale: tuple[ScaleRow, ...]
    human_per_ticket: tuple[Decimal, Decimal]  # low, high USD, the baseline people cost
    human_source: str
    curve: Curve
    curve_intent: IntentCost  # whose model and conversation the curve follows


def largest_intent(stack: StackResult) -> IntentCost:
    """The intent with the most tickets (the first of equals): the conversation most paid for."""
    return max(stack.intents, key=lambda i: (i.tickets, -stack.intents.index(i)))


def overview(
    config: Config,
    prices: PriceTable,
    benchmarks: Sequence[Benchmark],
    human_per_ticket: tuple[Decimal, Decimal],
    human_source: str,
    volumes: Sequence[int] = VOLUMES,
    turns: Sequence[int] = TURNS,
) -> Overview:
    from ticketcost.costs.conversation import HistoryPolicy

    stack = compute_stack(config, prices)
    biggest = largest_intent(stack)
    profile = replace(biggest.intent.conversation.profile(), turns=1)
    curve = cost_curve(
        [biggest.model],
        profile,
        [biggest.intent.conversation.cache],
        [HistoryPolicy.parse(spec) for spec in POLICIES],
        turns,
    )
    return Overview(
        stack=stack,
        comparison=compare(stack, benchmarks),
        scale=scale_for_config(config, prices, volumes, human_per_ticket),
        human_per_ticket=human_per_ticket,
        human_source=human_source,
        curve=curve,
        curve_intent=biggest,
    )
