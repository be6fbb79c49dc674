"""Escalation as request logs show it: per intent and model, the share of tickets escalated."""

from __future__ import annotations

import os
from collections.abc import Sequence
from decimal import Decimal

from ticketcost import money
from ticketcost.pricing.table import PriceTable

ESCALATED = "escalated"


def measured_escalation(
    paths: Sequence[str | os.PathLike[str]], prices: PriceTable
) -> dict[tuple[str, str], Decimal]:
    """(intent, priced model id) -> escalated tickets ÷ tickets, from the logs at ``paths``.

    A ticket counts for every model it used (a fallback's ticket counts for both models); model
    names resolve as ``attribute`` resolves them, and unpriced names are left out.
    """
    from ticketcost.attribution.engine import attribute_logs
    from ticketcost.attribution.prices import resolve_log_model

    result = attribute_logs(paths, prices=prices, by=["intent,model,outcome"])
    tickets: dict[tuple[str, str], int] = {}
    escalated: dict[tuple[str, str], int] = {}
    for group in result.groups[("intent", "model", "outcome")]:
        intent, name, outcome = group.values
        price = resolve_log_model(prices, name) if name else None
        if intent is None or price is None:
            continue
        key = (intent, price.id)
        tickets[key] = tickets.get(key, 0) + group.tickets
        if outcome == ESCALATED:
            escalated[key] = escalated.get(key, 0) + group.tickets
    return {
        key: money.divide(Decimal(escalated.get(key, 0)), Decimal(count))
        for key, count in tickets.items()
        if count
    }
