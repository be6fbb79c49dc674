"""The documented bounds of every number ticketcost reads, and the types that enforce them.

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
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

MAX_USD = Decimal(10) ** 12
MAX_TOKENS = 10**9
MAX_COUNT = 10**9
MAX_TURNS = 10_000
MAX_PERCENT = Decimal(10) ** 6
MAX_TOP = 10_000  # rows in a "top N" list


def plain_number(value: Any) -> Any:
    """Refuse what a lax reader would turn into a number: text and booleans."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not true or false")
    if isinstance(value, str):
        raise ValueError("must be a number, not text")
    return value


PlainNumber = BeforeValidator(plain_number)

Usd = Annotated[Decimal, PlainNumber, Field(ge=0, le=MAX_USD, allow_inf_nan=False)]
PositiveUsd = Annotated[Decimal, PlainNumber, Field(gt=0, le=MAX_USD, allow_inf_nan=False)]
Rate = Annotated[Decimal, PlainNumber, Field(ge=0, le=1, allow_inf_nan=False)]
Share = Annotated[Decimal, PlainNumber, Field(gt=0, le=1, allow_inf_nan=False)]
Amount = Annotated[Decimal, PlainNumber, Field(ge=0, le=MAX_COUNT, allow_inf_nan=False)]
PositiveAmount = Annotated[Decimal, PlainNumber, Field(gt=0, le=MAX_COUNT, allow_inf_nan=False)]
Percent = Annotated[Decimal, PlainNumber, Field(ge=0, le=MAX_PERCENT, allow_inf_nan=False)]
Tokens = Annotated[int, PlainNumber, Field(ge=0, le=MAX_TOKENS)]
PositiveTokens = Annotated[int, PlainNumber, Field(gt=0, le=MAX_TOKENS)]
Count = Annotated[int, PlainNumber, Field(ge=0, le=MAX_COUNT)]
PositiveCount = Annotated[int, PlainNumber, Field(gt=0, le=MAX_COUNT)]
Turns = Annotated[int, PlainNumber, Field(ge=1, le=MAX_TURNS)]
