"""Compare the cost of one conversation profile across models."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ticketcost.costs.conversation import (
    CacheMode,
    CacheTTL,
    ConversationCost,
    ConversationProfile,
    price_conversation,
)
from ticketcost.pricing.model import ModelPrice
from ticketcost.pricing.view import PriceView

# The six models of the standard support-ticket comparison, cheapest first: current models of
# the three big providers (Gemini 2.5 Flash-Lite, retired 2026-10-20, and 2.5 Flash, retiring
# 2026-12-01, gave way to the 3.1 and 3.5 Flash-Lite models).
STANDARD_COMPARISON = (
    "gpt-5.4-nano",
    "gemini-3.1-flash-lite",
    "gemini-3.5-flash-lite",
    "gpt-5.4-mini",
    "claude-haiku-4-5",
    "claude-sonnet-4-6",
)


@dataclass
class Estimate:
    """One profile priced on several models, cheapest first."""

    profile: ConversationProfile
    cache_mode: CacheMode
    results: tuple[ConversationCost, ...]
    cache_ttl: CacheTTL = CacheTTL.FIVE_MINUTES
    view: PriceView = field(default_factory=PriceView)  # date, variant, adjustment applied
    notes: tuple[str, ...] = ()  # about the view: models left out, adjustment, date


def estimate(
    models: Iterable[ModelPrice],
    profile: ConversationProfile | None = None,
    cache_mode: CacheMode = CacheMode.NONE,
    cache_ttl: CacheTTL = CacheTTL.FIVE_MINUTES,
    view: PriceView | None = None,
    explicit: bool = True,
) -> Estimate:
    """Price ``profile`` on each model, cheapest first, through ``view`` (a date, a variant, an
    adjustment). ``explicit``: the models were named, so each must have the prices asked for."""
    profile = profile or ConversationProfile()
    view = view or PriceView()
    chosen, notes = view.apply_all(models, explicit)
    results = sorted(
        (price_conversation(model, profile, cache_mode, cache_ttl=cache_ttl) for model in chosen),
        key=lambda result: (result.total_usd, result.model.id),
    )
    notes = view.notes() + notes
    return Estimate(profile, cache_mode, tuple(results), cache_ttl, view, tuple(notes))
