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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from ticketcost import money
from ticketcost.errors import TicketcostError
from ticketcost.pricing import ModelPrice


class CacheMode(StrEnum):
    NONE = "none"
    SYSTEM = "system"
    PREFIX = "prefix"


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


@dataclass(frozen=True)
class TokenSplit:
    """Tokens of one turn (or a whole conversation) by how they are billed."""

    fresh_input: int = 0
    cache_read: int = 0
    cache_write: int = 0
    output: int = 0

    @property
    def input(self) -> int:
        return self.fresh_input + self.cache_read + self.cache_write

    def __add__(self, other: TokenSplit) -> TokenSplit:
        return TokenSplit(
            self.fresh_input + other.fresh_input,
            self.cache_read + other.cache_read,
            self.cache_write + other.cache_write,
            self.output + other.output,
        )


@dataclass(frozen=True)
class CostSplit:
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

    def __add__(self, other: CostSplit) -> CostSplit:
        return CostSplit(
            money.add(self.fresh_input, other.fresh_input),
            money.add(self.cache_read, other.cache_read),
            money.add(self.cache_write, other.cache_write),
            money.add(self.output, other.output),
        )


@dataclass(frozen=True)
class TurnCost:
    turn: int
    tokens: TokenSplit
    cost: CostSplit


@dataclass(frozen=True)
class ConversationCost:
    """One model's cost for one conversation, turn by turn and in total."""

    model: ModelPrice
    profile: ConversationProfile
    cache_mode: CacheMode  # what was asked for
    effective_cache_mode: CacheMode  # what the model can do
    turns: tuple[TurnCost, ...]
    notes: tuple[str, ...] = field(default=())

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
            and self.model.cache_write_usd_per_mtok is None
        )


def split_turn(profile: ConversationProfile, turn: int, mode: CacheMode) -> tuple[int, int, int]:
    """(uncached, cache_read, cache_written) input tokens of ``turn`` before pricing rules apply."""
    sent = profile.input_tokens(turn)
    if mode is CacheMode.NONE:
        return sent, 0, 0
    if mode is CacheMode.SYSTEM:
        system = profile.system_tokens
        if turn == 1:
            return sent - system, 0, system
        return sent - system, system, 0
    previous = profile.input_tokens(turn - 1) if turn > 1 else 0
    return 0, previous, sent - previous


def price_conversation(
    model: ModelPrice,
    profile: ConversationProfile,
    cache_mode: CacheMode = CacheMode.NONE,
) -> ConversationCost:
    """Price every turn of ``profile`` on ``model``; totals are exact sums of the turns."""
    notes: list[str] = []
    effective = cache_mode
    if cache_mode is not CacheMode.NONE and model.cache_read_usd_per_mtok is None:
        effective = CacheMode.NONE
        notes.append(
            f"{model.id} has no cache price, so cache mode '{cache_mode}' is priced as 'none'"
        )
    write_price = model.cache_write_usd_per_mtok
    if effective is not CacheMode.NONE and write_price is None:
        notes.append(
            f"{model.id} has no separate cache-write price: tokens written to the cache are "
            "billed as fresh input"
        )

    turns = []
    for k in range(1, profile.turns + 1):
        uncached, read, written = split_turn(profile, k, effective)
        if write_price is None:
            uncached, written = uncached + written, 0
        tokens = TokenSplit(uncached, read, written, profile.assistant_tokens)
        cost = CostSplit(
            fresh_input=money.usd_for_tokens(uncached, model.input_usd_per_mtok),
            cache_read=money.usd_for_tokens(read, model.cache_read_usd_per_mtok or money.ZERO),
            cache_write=money.usd_for_tokens(written, write_price or money.ZERO),
            output=money.usd_for_tokens(tokens.output, model.output_usd_per_mtok),
        )
        turns.append(TurnCost(k, tokens, cost))
    return ConversationCost(model, profile, cache_mode, effective, tuple(turns), tuple(notes))
