"""Token accumulation: what a multi-turn support conversation costs on one model.

A chat API is stateless, so every turn re-sends the whole history. With a system prompt of S tokens,
U user tokens and A assistant tokens per turn, turn k (1-based) sends

    input_k = S + k·U + (k-1)·A tokens      and produces A output tokens.

Caching modes split each turn's input into fresh, cache-read and cache-write tokens:

* ``none``   — every input token is fresh.
* ``system`` — turn 1 writes the system prompt to the cache; turns 2.. read it from the cache.
* ``prefix`` — turn k reads everything turn k-1 sent from the cache; only the new part
  (turn 1: S + U; later turns: U + A) is fresh.

"Writing to the cache" costs the model's cache-write price where it has one. Where a provider has
no write price (it caches automatically and bills the first pass as ordinary input), written tokens
are counted and priced as fresh input. A model with no cache-read price cannot cache at all: the
conversation is priced as ``none`` and a note says so.

History policies cap what is re-sent (:class:`HistoryPolicy`):

* ``full`` — the whole history, as above.
* ``window:N`` — only the last N exchanges (user + assistant) are re-sent; older ones are dropped.
* ``summarize:N:S`` — the last N exchanges are re-sent verbatim and older ones are replaced by a
  running summary of S tokens. Each time an exchange leaves the window a summarisation call on the
  same model folds it into the summary: it reads the previous summary (if any) plus that exchange,
  and writes S new tokens. Those calls are billed as fresh input and output of the turn they
  happen on.

A window or summary rewrites the history, so ``prefix`` caching (which re-reads the previous
turn's prompt) only goes with ``full``; ``system`` caching works with every policy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import NamedTuple

from ticketcost import money
from ticketcost.errors import TicketcostError
from ticketcost.money import Amount, Phrase
from ticketcost.pricing.model import ModelPrice, PriceLevel, Rates, Tier


class CacheMode(StrEnum):
    NONE = "none"
    SYSTEM = "system"
    PREFIX = "prefix"


class CacheTTL(StrEnum):
    """How long written cache entries live: priced differently where a provider offers both."""

    FIVE_MINUTES = "5m"
    ONE_HOUR = "1h"


@dataclass(frozen=True)
class ConversationProfile:
    """The shape of one ticket's conversation. Defaults are the standard 5-turn support ticket."""

    turns: int = 5
    system_tokens: int = 500
    user_tokens: int = 150
    assistant_tokens: int = 200

    def __post_init__(self) -> None:
        for name in ("turns", "system_tokens", "user_tokens", "assistant_tokens"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TicketcostError(f"{name} must be a whole number (got {value!r})")
            if value < 0:
                raise TicketcostError(f"{name} must be 0 or more (got {value})")
        if self.turns < 1:
            raise TicketcostError(f"turns must be at least 1 (got {self.turns})")

    def input_tokens(self, turn: int) -> int:
        """Tokens sent on ``turn`` (1-based): S + k·U + (k-1)·A."""
        return self.system_tokens + turn * self.user_tokens + (turn - 1) * self.assistant_tokens

    @property
    def total_input_tokens(self) -> int:
        return sum(self.input_tokens(k) for k in range(1, self.turns + 1))

    @property
    def total_output_tokens(self) -> int:
        return self.turns * self.assistant_tokens


class PolicyKind(StrEnum):
    FULL = "full"
    WINDOW = "window"
    SUMMARIZE = "summarize"


@dataclass(frozen=True)
class HistoryPolicy:
    """What each turn re-sends of the conversation so far."""

    kind: PolicyKind = PolicyKind.FULL
    keep_exchanges: int = 0  # window / summarize: past exchanges re-sent verbatim
    summary_tokens: int = 0  # summarize: size of the running summary

    def __post_init__(self) -> None:
        if self.kind is PolicyKind.FULL and (self.keep_exchanges or self.summary_tokens):
            raise TicketcostError("the full policy takes no window or summary size")
        if self.keep_exchanges < 0:
            raise TicketcostError(
                f"a window must be 0 or more exchanges (got {self.keep_exchanges})"
            )
        if self.kind is PolicyKind.SUMMARIZE and self.summary_tokens < 1:
            raise TicketcostError(f"a summary must be at least 1 token (got {self.summary_tokens})")

    @classmethod
    def parse(cls, spec: str) -> HistoryPolicy:
        """``full``, ``window:N`` or ``summarize:N:S`` (N exchanges kept, S summary tokens)."""
        parts = spec.strip().lower().split(":")
        shapes = {"full": 1, "window": 2, "summarize": 3}
        if parts[0] not in shapes or len(parts) != shapes[parts[0]]:
            raise TicketcostError(
                f"unknown history policy '{spec}'; use full, window:N or summarize:N:S "
                "(N exchanges kept verbatim, S summary tokens)"
            )
        try:
            numbers = [int(part) for part in parts[1:]]
        except ValueError:
            raise TicketcostError(
                f"history policy '{spec}': N and S must be whole numbers"
            ) from None
        return cls(PolicyKind(parts[0]), *numbers)

    @property
    def label(self) -> str:
        if self.kind is PolicyKind.FULL:
            return "full"
        if self.kind is PolicyKind.WINDOW:
            return f"window:{self.keep_exchanges}"
        return f"summarize:{self.keep_exchanges}:{self.summary_tokens}"

    def kept_exchanges(self, turn: int) -> int:
        """Past exchanges re-sent verbatim on ``turn``."""
        past = turn - 1
        return past if self.kind is PolicyKind.FULL else min(past, self.keep_exchanges)

    def has_summary(self, turn: int) -> bool:
        return self.kind is PolicyKind.SUMMARIZE and turn - 1 > self.keep_exchanges

    def prompt_tokens(self, profile: ConversationProfile, turn: int) -> int:
        """Tokens sent on ``turn``: system + summary + kept exchanges + the new user message."""
        exchange = profile.user_tokens + profile.assistant_tokens
        summary = self.summary_tokens if self.has_summary(turn) else 0
        return (
            profile.system_tokens
            + summary
            + self.kept_exchanges(turn) * exchange
            + (profile.user_tokens)
        )

    def summary_call(self, profile: ConversationProfile, turn: int) -> tuple[int, int]:
        """(input, output) tokens of the summarisation call made on ``turn``; (0, 0) if none."""
        if not self.has_summary(turn):
            return 0, 0
        folded = turn - 1 - self.keep_exchanges  # the exchange leaving the window now
        previous = self.summary_tokens if folded > 1 else 0
        exchange = profile.user_tokens + profile.assistant_tokens
        return previous + exchange, self.summary_tokens


FULL_HISTORY = HistoryPolicy()


class TokenSplit(NamedTuple):
    """Tokens of one turn (or a whole conversation) by how they are billed."""

    fresh_input: int = 0
    cache_read: int = 0
    cache_write: int = 0
    output: int = 0

    @property
    def input(self) -> int:
        return self.fresh_input + self.cache_read + self.cache_write

    def __add__(self, other: TokenSplit) -> TokenSplit:  # type: ignore[override]
        """Category by category (not tuple concatenation)."""
        return TokenSplit(
            self.fresh_input + other.fresh_input,
            self.cache_read + other.cache_read,
            self.cache_write + other.cache_write,
            self.output + other.output,
        )


class CostSplit(NamedTuple):
    """Exact USD cost by category. ``total`` is their exact sum."""

    fresh_input: Decimal = money.ZERO
    cache_read: Decimal = money.ZERO
    cache_write: Decimal = money.ZERO
    output: Decimal = money.ZERO

    @property
    def input(self) -> Decimal:
        return money.add(self.fresh_input, self.cache_read, self.cache_write)

    @property
    def total(self) -> Decimal:
        return money.add(self.input, self.output)

    def __add__(self, other: CostSplit) -> CostSplit:  # type: ignore[override]
        """Category by category, exactly (not tuple concatenation)."""
        return CostSplit(
            money.add(self.fresh_input, other.fresh_input),
            money.add(self.cache_read, other.cache_read),
            money.add(self.cache_write, other.cache_write),
            money.add(self.output, other.output),
        )


class TurnCost(NamedTuple):
    turn: int
    tokens: TokenSplit  # everything billed on this turn, summarisation call included
    cost: CostSplit
    summary_input_tokens: int = 0  # of which: the summarisation call (summarize policy)
    summary_output_tokens: int = 0


@dataclass
class ConversationCost:
    """One model's cost for one conversation, turn by turn and in total."""

    model: ModelPrice
    profile: ConversationProfile
    cache_mode: CacheMode  # what was asked for
    effective_cache_mode: CacheMode  # what the model can do
    turns: tuple[TurnCost, ...]
    notes: tuple[str, ...] = field(default=())
    policy: HistoryPolicy = FULL_HISTORY
    cache_ttl: CacheTTL = CacheTTL.FIVE_MINUTES
    # Notes particular to this model and profile: long-context tiers hit, a cached prefix below
    # the provider's minimum, a missing 1-hour write price.
    pricing_notes: tuple[str, ...] = field(default=())

    @cached_property
    def tokens(self) -> TokenSplit:
        return sum((turn.tokens for turn in self.turns), TokenSplit())

    @cached_property
    def cost(self) -> CostSplit:
        return sum((turn.cost for turn in self.turns), CostSplit())

    @property
    def total_usd(self) -> Decimal:
        return self.cost.total

    @property
    def cache_unavailable(self) -> bool:
        """Caching was asked for but the model has no cache price."""
        return self.cache_mode is not self.effective_cache_mode

    @property
    def writes_billed_as_input(self) -> bool:
        """Caching applies but the model has no write price: written tokens are fresh input."""
        return (
            self.effective_cache_mode is not CacheMode.NONE
            and write_price(self.model.rates, self.cache_ttl) is None
        )


def split_turn(
    profile: ConversationProfile,
    turn: int,
    mode: CacheMode,
    policy: HistoryPolicy = FULL_HISTORY,
    minimum: int = 0,
) -> tuple[int, int, int]:
    """(uncached, cache_read, cache_written) input tokens of ``turn`` before pricing rules apply.

    A prefix shorter than ``minimum`` (the provider's minimum cacheable prompt) is not cached: it
    is neither written nor read, so it is sent, and billed, as fresh input.
    """
    sent = policy.prompt_tokens(profile, turn)
    if mode is CacheMode.NONE:
        return sent, 0, 0
    if mode is CacheMode.SYSTEM:
        system = profile.system_tokens
        if system < minimum:
            return sent, 0, 0
        if turn == 1:
            return sent - system, 0, system
        return sent - system, system, 0
    if sent < minimum:
        return sent, 0, 0
    previous = profile.input_tokens(turn - 1) if turn > 1 else 0
    cached = previous if previous >= minimum else 0  # a shorter prefix was never written
    return 0, cached, sent - cached


def write_price(rates: Rates, ttl: CacheTTL) -> Decimal | None:
    """The cache-write price for ``ttl``; a model without a separate 1-hour price has none."""
    if ttl is CacheTTL.ONE_HOUR:
        return rates.cache_write_1h_usd_per_mtok
    return rates.cache_write_usd_per_mtok


def _turn_ranges(turns: list[int]) -> str:
    """``[1, 2, 3, 5]`` -> ``1-3, 5``."""
    spans: list[list[int]] = []
    for turn in turns:
        if spans and turn == spans[-1][1] + 1:
            spans[-1][1] = turn
        else:
            spans.append([turn, turn])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def price_conversation(
    model: ModelPrice,
    profile: ConversationProfile,
    cache_mode: CacheMode = CacheMode.NONE,
    policy: HistoryPolicy = FULL_HISTORY,
    cache_ttl: CacheTTL = CacheTTL.FIVE_MINUTES,
) -> ConversationCost:
    """Price every turn of ``profile`` on ``model``; totals are exact sums of the turns.

    Each request is priced at the rates of the long-context tier its own input size reaches (the
    turn's prompt; a summarisation call by its own input). For a request variant or a past date,
    pass ``model.on(date).with_variant(name)``.
    """
    if cache_mode is CacheMode.PREFIX and policy.kind is not PolicyKind.FULL:
        raise TicketcostError(
            f"prefix caching re-reads the previous turn's prompt, which the {policy.label} "
            "policy rewrites; use `cache` system or none with it",
            hints=("cache",),
        )
    notes: list[str] = []
    pricing_notes: list[str] = []
    effective = cache_mode
    if cache_mode is not CacheMode.NONE and model.cache_read_usd_per_mtok is None:
        effective = CacheMode.NONE
        notes.append(
            f"{model.id} has no cache price, so cache mode '{cache_mode}' is priced as 'none'"
        )
    if effective is not CacheMode.NONE and write_price(model.rates, cache_ttl) is None:
        notes.append(
            f"{model.id} has no separate {'1-hour ' if cache_ttl is CacheTTL.ONE_HOUR else ''}"
            "cache-write price: tokens written to the cache are billed as fresh input"
        )
        if cache_ttl is CacheTTL.ONE_HOUR and model.cache_write_usd_per_mtok is not None:
            pricing_notes.append(
                f"{model.id} has no 1-hour cache-write price in the data: 1-hour writes are "
                "billed as fresh input (the 5-minute price is not assumed)"
            )
    minimum = model.cache_min_tokens or 0

    level = model.level()
    turns = []
    below: list[int] = []
    tiered: dict[int, list[int]] = {}
    for k in range(1, profile.turns + 1):
        turn, uncacheable, tier = _price_turn(
            model, level, profile, k, effective, policy, cache_ttl
        )
        turns.append(turn)
        if uncacheable:
            below.append(k)
        if tier is not None:
            tiered.setdefault(tier.above_input_tokens, []).append(k)
    if below:
        pricing_notes.append(
            f"{model.id}: the cached prefix is below the provider's minimum cacheable prompt of "
            f"{minimum:,} tokens on turn{'s' if len(below) > 1 else ''} {_turn_ranges(below)}, "
            "so it is not cached there and is priced as fresh input"
        )
    pricing_notes += [_tier_note(model, threshold, hit) for threshold, hit in tiered.items()]
    return ConversationCost(
        model,
        profile,
        cache_mode,
        effective,
        tuple(turns),
        tuple(notes),
        policy,
        cache_ttl,
        tuple(pricing_notes),
    )


def _price_turn(
    model: ModelPrice,
    level: PriceLevel,
    profile: ConversationProfile,
    k: int,
    cache_mode: CacheMode,
    policy: HistoryPolicy,
    cache_ttl: CacheTTL,
) -> tuple[TurnCost, bool, Tier | None]:
    """Turn ``k`` priced at ``level`` (the model's, computed once per conversation); whether the
    cache minimum kept its prefix uncached; the tier it reached."""
    minimum = model.cache_min_tokens or 0
    uncached, read, written = split_turn(profile, k, cache_mode, policy, minimum)
    # without caching the minimum changes nothing: skip the comparison (most estimates)
    uncacheable = (
        bool(minimum)
        and cache_mode is not CacheMode.NONE
        and (uncached, read, written) != split_turn(profile, k, cache_mode, policy)
    )
    rates, tier = level.for_input(policy.prompt_tokens(profile, k))
    if rates.cache_read_usd_per_mtok is None:  # a tier without cache prices
        uncached, read, written = uncached + read + written, 0, 0
    written_price = write_price(rates, cache_ttl)
    if written_price is None:
        uncached, written = uncached + written, 0
    summary_in, summary_out = policy.summary_call(profile, k)
    tokens = TokenSplit(
        uncached + summary_in, read, written, profile.assistant_tokens + summary_out
    )
    cost = CostSplit(
        fresh_input=money.usd_for_tokens(uncached, rates.input_usd_per_mtok),
        cache_read=money.usd_for_tokens(read, rates.cache_read_usd_per_mtok or money.ZERO),
        cache_write=money.usd_for_tokens(written, written_price or money.ZERO),
        output=money.usd_for_tokens(profile.assistant_tokens, rates.output_usd_per_mtok),
    )
    if summary_in or summary_out:  # its own request, at the tier of its own size
        summary_rates, _ = level.for_input(summary_in)
        cost = cost + CostSplit(
            fresh_input=money.usd_for_tokens(summary_in, summary_rates.input_usd_per_mtok),
            output=money.usd_for_tokens(summary_out, summary_rates.output_usd_per_mtok),
        )
    return TurnCost(k, tokens, cost, summary_in, summary_out), uncacheable, tier


def _tier_note(model: ModelPrice, threshold: int, hit: list[int]) -> Phrase:
    rates, _ = model.level().for_input(threshold + 1)
    many = len(hit) > 1
    return Phrase(
        f"{model.id}: turn{'s' if many else ''} {_turn_ranges(hit)} "
        f"{'send' if many else 'sends'} more than {threshold:,} input tokens and "
        f"{'are' if many else 'is'} billed at the long-context tier (",
        Amount(rates.input_usd_per_mtok, exact=True),
        " in / ",
        Amount(rates.output_usd_per_mtok, exact=True),
        " out per 1M)",
    )
