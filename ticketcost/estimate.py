"""Compare the cost of one conversation profile across models."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ticketcost.conversation import (
    CacheMode,
    ConversationCost,
    ConversationProfile,
    price_conversation,
)
from ticketcost.pricing import ModelPrice

# The six models of the standard support-ticket comparison, cheapest first.
STANDARD_COMPARISON = (
    "gemini-2.5-flash-lite",
    "gpt-5.4-nano",
    "gemini-2.5-flash",
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


def estimate(
    models: Iterable[ModelPrice],
    profile: ConversationProfile | None = None,
    cache_mode: CacheMode = CacheMode.NONE,
) -> Estimate:
    profile = profile or ConversationProfile()
    results = sorted(
        (price_conversation(model, profile, cache_mode) for model in models),
        key=lambda result: (result.total_usd, result.model.id),
    )
    return Estimate(profile, cache_mode, tuple(results))
