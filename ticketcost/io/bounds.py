"""The documented bounds of every number ticketcost reads (schemas enforce them with the types in
:mod:`ticketcost.io.bounded_types`; flags with :func:`check_decimal` and the CLI's own checks).

A number in a config, a price file, a benchmark file or a saved report must be a plain number:
not text (``"10000"``), not ``true``/``false``, and within its bounds. Nothing is converted in
silence: a value outside them is refused with its file, line and field (or its flag).

| what | bounds |
|---|---|
| money: a price per 1M tokens, a monthly cost, a budget, an hourly rate | 0 to 10^12 USD |
| tokens (per message, prompt or request) | 0 to 10^9 |
| tickets a month, calls or lookups per ticket, other counts | up to 10^9 |
| turns in a conversation | 1 to 10,000 |
| rates (escalation, review, deflection) | 0 to 1 |
| percentages (markup, increase budgets) | 0 to 10^6 |
| decimal places of any amount, rate or share | at most 18 |
| `--top` | 1 to 10,000 |
| `--days` (pricing check) | 0 to 36,500 |
| `--fx` | above 0, at most 10^6 |
"""

from __future__ import annotations

from decimal import Decimal

MAX_USD = Decimal(10) ** 12
MAX_TOKENS = 10**9
MAX_COUNT = 10**9
MAX_TURNS = 10_000
MAX_PERCENT = Decimal(10) ** 6
MAX_TOP = 10_000  # rows in a "top N" list
MAX_DAYS = 36_500
MAX_FX = Decimal(10) ** 6  # units of another currency per USD
MAX_PLACES = 18  # decimal places of any amount, rate or share: sums and products stay exact


def too_many_places(value: Decimal) -> bool:
    """More than MAX_PLACES digits after the decimal point (written 0.1234…, or 1E-19)."""
    exponent = value.as_tuple().exponent
    return isinstance(exponent, int) and -exponent > MAX_PLACES


def check_decimal(value: Decimal, param: str, low: Decimal, high: Decimal) -> Decimal:
    """A number given for ``param`` (a flag's value): finite, within [low, high], and with at most
    MAX_PLACES decimal places; else a one-line error naming the parameter."""
    from ticketcost.errors import TicketcostError

    if not value.is_finite() or not low <= value <= high:
        raise TicketcostError(
            f"{param} must be from {low:,} to {high:,} (got {value})", param=param
        )
    if too_many_places(value):
        raise TicketcostError(
            f"{param} has more than {MAX_PLACES} decimal places (got {value})", param=param
        )
    return value
