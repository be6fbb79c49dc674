"""Prices for the attribution: a log's model name resolved to a price, each price as an exact
per-token SQL literal, and the price a request pays in its long-context band and dated period."""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from ticketcost import money
from ticketcost.attribution.sql import TOKEN_SCALE
from ticketcost.errors import TicketcostError
from ticketcost.pricing.model import ModelPrice
from ticketcost.pricing.table import PriceTable

_DATE_SUFFIX = re.compile(r"([-@]\d{4}-?\d{2}-?\d{2}|-v\d+(:\d+)?|-latest|-\d{3})$")
# Gateway and SDK routes in front of a model name (LiteLLM, OpenRouter, Vercel AI, ...)
_ROUTES = (
    "openrouter/", "openai/", "azure/", "azure_ai/", "anthropic/", "gemini/", "google/",
    "vertex_ai/", "vertex_ai_beta/", "vertex/", "models/", "bedrock/", "converse/", "invoke/",
    "groq/", "mistral/", "mistralai/", "deepseek/", "fireworks_ai/", "together_ai/",
)  # fmt: skip
_VERTEX = re.compile(
    r"^(?:projects/[^/]+/locations/[^/]+/)?publishers/(?P<publisher>[^/]+)/models/(?P<model>.+)$"
)
# Bedrock model ids: an optional inference-profile geography, the vendor, the model, a version
_BEDROCK = re.compile(
    r"^(?:(?P<geo>us|eu|apac|jp|au|ca|us-gov|global)\.)?"
    r"(?P<vendor>anthropic|amazon|meta|mistral|cohere|ai21|deepseek|openai|qwen)\."
    r"(?P<model>.+?)(?:-v\d+(?::\d+)?)?$"
)


# Anthropic models billed alike on every Bedrock endpoint (regional endpoints cost 10% more from
# Claude Sonnet 4.5 and Haiku 4.5 on; those prices are rows of pricing/bedrock.yaml)
SAME_ON_BEDROCK = ("claude-3", "claude-sonnet-4-2025", "claude-opus-4-2025", "claude-opus-4-1")


class Resolution(NamedTuple):
    """A log's model name resolved: its price, or None and why there is none."""

    price: ModelPrice | None
    reason: str | None = None


def resolve_log_model(table: PriceTable, name: str) -> ModelPrice | None:
    """The price for a model name as logs write it, or None (see :func:`resolve`)."""
    return resolve(table, name).price


def resolve(table: PriceTable, name: str) -> Resolution:
    """The price for a model name as logs write it: an id or alias, behind a gateway route
    (``openai/gpt-4o``, ``openrouter/anthropic/claude-haiku-4.5``, ``vertex_ai/...``,
    ``publishers/google/models/...``), or a Bedrock id (``us.anthropic.claude-...-v1:0``).

    A dated snapshot is priced only when the data lists it (as a model or an alias): its price
    can differ from its base model's (gpt-4o-2024-05-13 lists at twice gpt-4o's input price).
    A Bedrock regional id (in-region, or a us./eu./jp./au./apac. profile) of a model billed
    above the provider's price there is priced only from a Bedrock row of the data; the global
    profile bills the provider's own price.
    """
    rest = name.strip()
    while True:
        found = table.find(rest) or (table.find(rest.replace("@", "-")) if "@" in rest else None)
        if found is not None:
            return Resolution(found)
        vertex = _VERTEX.match(rest)
        if vertex:
            rest = vertex.group("model")
            continue
        route = next((r for r in _ROUTES if rest.lower().startswith(r)), None)
        if route is None:
            break
        rest = rest[len(route) :]
    bedrock = _BEDROCK.match(rest)
    if bedrock:
        base = bedrock.group("model")
        model = table.find(base)
        if model is not None:
            geo = bedrock.group("geo")
            if geo == "global" or base.lower().startswith(SAME_ON_BEDROCK):
                return Resolution(model)
            where = f"the {geo}. cross-region profile" if geo else "an in-region endpoint"
            return Resolution(
                None,
                f"Bedrock bills {model.id} through {where} 10% above {model.provider_name}'s "
                "price, and that price is not in the data (pricing/bedrock.yaml)",
            )
    stripped = _DATE_SUFFIX.sub("", rest.replace("@", "-"))
    base_model = table.find(stripped) if stripped != rest else None
    if base_model is not None:
        return Resolution(
            None,
            f"snapshot of {base_model.id} not in the price data (a snapshot's price can differ "
            "from its base model's)",
        )
    return Resolution(None, "no price for this model in the data")


def per_token_text(usd_per_mtok: Decimal) -> str:
    """The exact per-token price as a plain decimal number (refuses a price finer than 10^-18 a
    token)."""
    per_token = usd_per_mtok.scaleb(-6)
    try:  # (the exact context raises on a digit lost)
        exact = per_token.quantize(Decimal(1).scaleb(-TOKEN_SCALE), context=money.MONEY_CONTEXT)
    except decimal.Inexact:
        exact = None
    if exact != per_token:
        raise TicketcostError(
            f"a price of {usd_per_mtok} USD per 1M tokens has more than 12 decimal places; "
            "it cannot be summed exactly"
        )
    return f"{per_token:f}"


def price_in_period(current: ModelPrice, changes: Sequence[dt.date], period: int) -> ModelPrice:
    """The model's prices for requests dated in ``period`` (see ``_run``): those in force on the
    period's first day, or before the first change; today's when nothing earlier is recorded."""
    if period >= len(changes):
        return current
    day = changes[period] - dt.timedelta(days=1)
    try:
        return current.on(day)
    except TicketcostError:  # no price recorded that far back: the earliest known
        return (
            current.on(current.history[0].effective_from)
            if current.history and (current.history[0].effective_from)
            else current
        )


def slot_minute(minutes: Sequence[int], slot: int) -> int | None:
    """A time of day (minutes after midnight UTC) inside time slot ``slot`` of the window edges
    ``minutes``; None for slot -1 (a request with no readable time)."""
    if slot < 0:
        return None
    return minutes[slot - 1] if slot else 0
