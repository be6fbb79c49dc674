"""Pydantic types for numbers in files: plain (no text, no true/false) and within the bounds of
:mod:`ticketcost.io.bounds`. Imported only where a file is validated (pydantic is not on the
start-up path of ``estimate``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from ticketcost.io.bounds import (
    MAX_COUNT,
    MAX_PERCENT,
    MAX_PLACES,
    MAX_TOKENS,
    MAX_TURNS,
    MAX_USD,
)


def plain_number(value: Any) -> Any:
    """Refuse what a lax reader would turn into a number: text and booleans."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not true or false")
    if isinstance(value, str):
        raise ValueError("must be a number, not text")
    return value


PlainNumber = BeforeValidator(plain_number)

_EXACT: dict[str, Any] = {"allow_inf_nan": False, "decimal_places": MAX_PLACES}
Usd = Annotated[Decimal, PlainNumber, Field(ge=0, le=MAX_USD, **_EXACT)]
PositiveUsd = Annotated[Decimal, PlainNumber, Field(gt=0, le=MAX_USD, **_EXACT)]
Rate = Annotated[Decimal, PlainNumber, Field(ge=0, le=1, **_EXACT)]
Share = Annotated[Decimal, PlainNumber, Field(gt=0, le=1, **_EXACT)]
Amount = Annotated[Decimal, PlainNumber, Field(ge=0, le=MAX_COUNT, **_EXACT)]
PositiveAmount = Annotated[Decimal, PlainNumber, Field(gt=0, le=MAX_COUNT, **_EXACT)]
Percent = Annotated[Decimal, PlainNumber, Field(ge=0, le=MAX_PERCENT, **_EXACT)]
Tokens = Annotated[int, PlainNumber, Field(ge=0, le=MAX_TOKENS)]
PositiveTokens = Annotated[int, PlainNumber, Field(gt=0, le=MAX_TOKENS)]
Count = Annotated[int, PlainNumber, Field(ge=0, le=MAX_COUNT)]
PositiveCount = Annotated[int, PlainNumber, Field(gt=0, le=MAX_COUNT)]
Turns = Annotated[int, PlainNumber, Field(ge=1, le=MAX_TURNS)]
