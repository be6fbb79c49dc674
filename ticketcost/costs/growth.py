"""How cost grows: with volume (scale table), against human handling (deflection ROI), and with
conversation length under different history policies (cost curve)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from ticketcost import money
from ticketcost.costs.config import Config
from ticketcost.costs.conversation import (
    FULL_HISTORY,
    CacheMode,
    ConversationProfile,
    HistoryPolicy,
    PolicyKind,
    price_conversation,
)
from ticketcost.errors import TicketcostError
from ticketcost.io.bounds import MAX_COUNT, MAX_USD, check_decimal
from ticketcost.pricing.model import ModelPrice
from ticketcost.pricing.table import PriceTable

DEFAULT_DEFLECTION = (Decimal("0.40"), Decimal("0.60"), Decimal("0.75"))
MAX_TURNS = 500

# ------------------------------------------------------------------------------------ parsing

_SUFFIX = {"": 1, "k": 1_000, "m": 1_000_000}


def parse_volumes(text: str, param: str = "volumes") -> tuple[int, ...]:
    """``1000,10K,1M`` -> (1000, 10000, 1000000). Each must be a whole number of tickets > 0."""
    volumes = []
    for item in text.split(","):
        match = re.fullmatch(r"\s*([0-9][0-9_]*(?:\.[0-9]+)?)\s*([kKmM]?)\s*", item)
        if not match:
            raise TicketcostError(
                f"{param}: '{item.strip()}' is not a ticket count; use numbers such as "
                "1000,10K,1M separated by commas",
                param=param,
            )
        value = Decimal(match.group(1).replace("_", "")) * _SUFFIX[match.group(2).lower()]
        if value != value.to_integral_value() or not 0 < value <= MAX_COUNT:
            raise TicketcostError(
                f"{param}: '{item.strip()}' must be a whole number of tickets above 0, at most "
                f"{MAX_COUNT:,}",
                param=param,
            )
        volumes.append(int(value))
    return tuple(volumes)


def parse_rate(text: str, param: str) -> Decimal:
    """``0.4`` or ``40%`` -> Decimal('0.4'); must lie in [0, 1]."""
    raw = text.strip()
    try:
        value = Decimal(raw[:-1]) / 100 if raw.endswith("%") else Decimal(raw)
    except InvalidOperation:
        raise TicketcostError(
            f"{param}: '{text}' is not a rate; use 0.4 or 40%", param=param
        ) from None
    if not value.is_finite() or not 0 <= value <= 1:
        raise TicketcostError(f"{param}: {text} is outside 0 to 1 (0% to 100%)", param=param)
    return value


def parse_usd_range(text: str, param: str) -> tuple[Decimal, Decimal]:
    """``4`` -> (4, 4); ``3-5`` -> (3, 5). Non-negative, low <= high."""
    parts = text.replace("$", "").split("-")
    try:
        low, high = (Decimal(parts[0]), Decimal(parts[-1])) if len(parts) <= 2 else (None, None)
    except InvalidOperation:
        low = high = None
    if low is None or high is None or not (low.is_finite() and high.is_finite()):
        raise TicketcostError(
            f"{param}: '{text}' is not an amount; use 4 or a range such as 3-5", param=param
        )
    if low < 0 or high < low:
        raise TicketcostError(f"{param}: '{text}' must be 0 or more, low end first", param=param)
    for end in (low, high):
        check_decimal(end, param, Decimal(0), MAX_USD)
    return low, high


def parse_turn_range(text: str, param: str = "turns") -> tuple[int, ...]:
    """``1..30`` -> (1, ..., 30); a single number means 1..N."""
    match = re.fullmatch(r"\s*(?:(\d+)\s*\.\.\s*)?(\d+)\s*", text)
    if not match:
        raise TicketcostError(
            f"{param}: '{text}' is not a range; use FIRST..LAST such as 1..30", param=param
        )
    first, last = int(match.group(1) or 1), int(match.group(2))
    if first < 1 or last < first:
        raise TicketcostError(
            f"{param}: {text} is an empty range; use FIRST..LAST with 1 <= FIRST <= LAST",
            param=param,
        )
    if last > MAX_TURNS:
        raise TicketcostError(
            f"{param}: {last} turns is more than the {MAX_TURNS} supported", param=param
        )
    return tuple(range(first, last + 1))


# ------------------------------------------------------------------------------------- scale


@dataclass(frozen=True)
class ScaleRow:
    volume: int
    label: str  # a model id, or "intent mix" for a config
    model_monthly: Decimal
    all_in_monthly: Decimal
    human_monthly: tuple[Decimal, Decimal]  # low, high

    @property
    def all_in_per_ticket(self) -> Decimal:
        return money.divide(self.all_in_monthly, self.volume)

    @property
    def other_monthly(self) -> Decimal:
        """Everything but the model API: fixed items, or the rest of a config's stack."""
        return money.subtract(self.all_in_monthly, self.model_monthly)


def all_in_monthly(config: Config, prices: PriceTable, volume: int | None = None) -> Decimal:
    """The config's whole stack a month, at its own volume or at ``volume`` tickets."""
    from ticketcost.costs.stack import compute_stack

    if volume is not None and volume != config.volume:
        config = config.model_copy(update={"volume": volume})
    return compute_stack(config, prices).total_monthly


def midpoint(low: Decimal, high: Decimal) -> Decimal:
    return money.divide(money.add(low, high), 2)


def _human(volume: int, human_per_ticket: tuple[Decimal, Decimal]) -> tuple[Decimal, Decimal]:
    low, high = human_per_ticket
    return money.multiply(low, volume), money.multiply(high, volume)


def scale_for_models(
    models: Sequence[ModelPrice],
    profile: ConversationProfile,
    cache: CacheMode,
    volumes: Sequence[int],
    fixed_monthly: Decimal,
    human_per_ticket: tuple[Decimal, Decimal],
) -> tuple[ScaleRow, ...]:
    """Model cost = the ``estimate`` cost of one ticket × volume; all-in adds ``fixed_monthly``."""
    per_ticket = {m.id: price_conversation(m, profile, cache).total_usd for m in models}
    rows = []
    for volume in volumes:
        for model in models:
            model_monthly = money.multiply(per_ticket[model.id], volume)
            rows.append(
                ScaleRow(
                    volume,
                    model.id,
                    model_monthly,
                    money.add(model_monthly, fixed_monthly),
                    _human(volume, human_per_ticket),
                )
            )
    return tuple(rows)


def scale_for_config(
    config: Config,
    prices: PriceTable,
    volumes: Sequence[int],
    human_per_ticket: tuple[Decimal, Decimal],
) -> tuple[ScaleRow, ...]:
    """The config's whole stack recomputed at each volume (fixed items stay fixed)."""
    from ticketcost.costs.stack import compute_stack

    rows = []
    for volume in volumes:
        result = compute_stack(config.model_copy(update={"volume": volume}), prices)
        rows.append(
            ScaleRow(
                volume,
                "intent mix",
                result.visible_monthly,
                result.total_monthly,
                _human(volume, human_per_ticket),
            )
        )
    return tuple(rows)


# --------------------------------------------------------------------------------------- ROI


@dataclass(frozen=True)
class RoiRow:
    deflection: Decimal
    deflected_tickets: Decimal
    human_saved_monthly: Decimal
    ai_monthly: Decimal
    # people's time on the tickets the AI hands over: spent with or without the AI, so neither
    # AI cost nor a saving; shown apart (a config's stack, at its own resolution rate)
    escalation_monthly: Decimal = money.ZERO

    @property
    def net_monthly(self) -> Decimal:
        return money.subtract(self.human_saved_monthly, self.ai_monthly)

    @property
    def multiple(self) -> Decimal | None:
        """Human cost saved per dollar of AI cost; None when the AI costs nothing."""
        return money.divide(self.human_saved_monthly, self.ai_monthly) if self.ai_monthly else None


def deflection_roi(
    volume: int,
    ai_monthly: Decimal,
    human_per_ticket: Decimal,
    rates: Sequence[Decimal],
    escalation_monthly: Decimal = money.ZERO,
) -> tuple[RoiRow, ...]:
    """Human cost saved = volume × deflection rate × human cost per ticket; ROI = saved / AI."""
    rows = []
    for rate in rates:
        deflected = money.multiply(Decimal(volume), rate)
        saved = money.multiply(deflected, human_per_ticket)
        rows.append(RoiRow(rate, deflected, saved, ai_monthly, escalation_monthly))
    return tuple(rows)


class StackRoi(NamedTuple):
    """What a config's stack gives ROI: its volume, the AI's cost without people's time on
    escalations, that time apart, and the share of tickets the AI resolves."""

    volume: int
    ai_monthly: Decimal
    escalation_monthly: Decimal
    resolution_rate: Decimal


def stack_roi(config: Config, prices: PriceTable, volume: int | None = None) -> StackRoi:
    from ticketcost.costs.stack import compute_stack

    if volume is not None and volume != config.volume:
        config = config.model_copy(update={"volume": volume})
    stack = compute_stack(config, prices)
    escalations = money.add(
        *(line.monthly_usd for line in stack.lines if line.key == "escalations")
    )
    return StackRoi(
        stack.volume,
        money.subtract(stack.total_monthly, escalations),
        escalations,
        money.divide(stack.resolved, Decimal(stack.volume)),
    )


# ------------------------------------------------------------------------------------- curve


@dataclass(frozen=True)
class CurveSeries:
    model: ModelPrice
    cache: CacheMode
    policy: HistoryPolicy
    costs: tuple[Decimal, ...]  # one whole ticket at each turn count of the curve
    pays_off_from: int | None  # first turn count from which it stays cheaper than full history

    @property
    def label(self) -> str:
        cache = "" if self.cache is CacheMode.NONE else f" cache:{self.cache}"
        return f"{self.model.id} {self.policy.label}{cache}"


@dataclass(frozen=True)
class Curve:
    profile: ConversationProfile  # its turns are replaced by each turn count
    turn_counts: tuple[int, ...]
    series: tuple[CurveSeries, ...]


def cost_curve(
    models: Sequence[ModelPrice],
    profile: ConversationProfile,
    caches: Sequence[CacheMode],
    policies: Sequence[HistoryPolicy],
    turn_counts: Sequence[int],
) -> Curve:
    """Cost per ticket at each turn count, for every model × cache mode × policy.

    Full history is always computed as the baseline a policy must beat.
    """
    wanted = list(dict.fromkeys([FULL_HISTORY, *policies]))
    series = []
    for model in models:
        for cache in caches:
            costs = {
                policy: tuple(
                    price_conversation(
                        model, replace(profile, turns=turns), cache, policy
                    ).total_usd
                    for turns in turn_counts
                )
                for policy in wanted
            }
            full = costs[FULL_HISTORY]
            for policy in wanted:
                payoff = None
                if policy.kind is not PolicyKind.FULL:
                    payoff = _pays_off_from(costs[policy], full, turn_counts)
                series.append(CurveSeries(model, cache, policy, costs[policy], payoff))
    return Curve(profile, tuple(turn_counts), tuple(series))


def _pays_off_from(
    costs: Sequence[Decimal], baseline: Sequence[Decimal], turn_counts: Sequence[int]
) -> int | None:
    """The first turn count from which ``costs`` stays below ``baseline`` to the end."""
    found = None
    for turns, cost, base in zip(turn_counts, costs, baseline, strict=True):
        if cost >= base:
            found = None
        elif found is None:
            found = turns
    return found
