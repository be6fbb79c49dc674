"""Prices for the attribution: a log's model name resolved to a price, each price as an exact
per-token SQL literal, and the price a request pays in its long-context band and dated period."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal

from ticketcost import money
from ticketcost.attribution.sql import MONEY_SQL, TOKEN_SCALE
from ticketcost.errors import TicketcostError
from ticketcost.pricing.model import ModelPrice
from ticketcost.pricing.table import PriceTable

_DATE_SUFFIX = re.compile(r"([-@]\d{4}-?\d{2}-?\d{2}|-v\d+(:\d+)?|-latest)$")


def resolve_log_model(table: PriceTable, name: str) -> ModelPrice | None:
    """The price for a model name as logs write it: an id or alias, with a provider prefix
    (``openai/gpt-4o``, ``azure/gpt-4o``) or a dated snapshot suffix (``-2024-07-18``) allowed."""
    candidates = [name]
    if "/" in name:
        candidates.append(name.split("/", 1)[1])
    for candidate in list(candidates):
        stripped = _DATE_SUFFIX.sub("", candidate)
        if stripped != candidate:
            candidates.append(stripped)
    for candidate in candidates:
        try:
            return table.get(candidate)
        except TicketcostError:
            continue
    return None


def per_token_usd(usd_per_mtok: Decimal) -> str:
    """The exact per-token price as SQL text (refuses a price finer than 10^-18 a token)."""
    per_token = usd_per_mtok.scaleb(-6)
    if per_token != per_token.quantize(
        Decimal(1).scaleb(-TOKEN_SCALE), context=money.MONEY_CONTEXT
    ):
        raise TicketcostError(
            f"a price of {usd_per_mtok} USD per 1M tokens has more than 12 decimal places; "
            "it cannot be summed exactly"
        )
    return f"{per_token:f}::{MONEY_SQL}"


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
