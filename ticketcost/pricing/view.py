"""Which prices a calculation uses: a date, a request variant, and the buyer's own adjustments.

List prices are rarely the bill. :class:`Adjustment` applies a negotiated discount, a reseller
markup and a currency (at a rate the user gives; nothing is fetched) to every price alike,
cached-token and long-context rates included, as one exact factor. :class:`PriceView` chains
``model.on(date)``, ``.with_variant(name)`` and ``.scaled(factor)``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from ticketcost import money
from ticketcost.errors import TicketcostError
from ticketcost.io.bounds import MAX_FX, MAX_PERCENT, MAX_PLACES, too_many_places
from ticketcost.pricing.model import ModelPrice


class Variant(StrEnum):
    BATCH = "batch"
    FLEX = "flex"
    PRIORITY = "priority"


HUNDRED = Decimal(100)
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}


def parse_decimal(text: str, param: str) -> Decimal:
    """A number given as text for parameter ``param`` (a trailing % is allowed)."""
    try:
        value = Decimal(text.strip().rstrip("%"))
    except InvalidOperation:
        raise TicketcostError(f"{param} {text}: not a number", param=param) from None
    if not value.is_finite():
        raise TicketcostError(f"{param} {text}: not a number", param=param)
    if too_many_places(value):
        raise TicketcostError(f"{param} {text}: more than {MAX_PLACES} decimal places", param=param)
    return value


def parse_date(text: str, param: str) -> dt.date:
    """An ISO date given as text for parameter ``param``."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise TicketcostError(f"{param} {text}: use a date like 2026-03-01", param=param) from None


def today() -> dt.date:
    """The date a report takes as today (retirements, `pricing check`): the system's, or
    ``TICKETCOST_TODAY`` (an ISO date) so that a saved report or a docs example reads the same
    on any day."""
    import os

    fixed = os.environ.get("TICKETCOST_TODAY")
    if not fixed:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(fixed.strip())
    except ValueError:
        raise TicketcostError(
            f"environment variable TICKETCOST_TODAY={fixed}: use a date like 2026-03-01"
        ) from None


def currency_symbol(code: str) -> str:
    return SYMBOLS.get(code, f"{code} ")


@dataclass(frozen=True)
class Adjustment:
    """``price × (1 − discount%) × (1 + markup%) × fx``; fx is units of ``currency`` per USD."""

    discount_pct: Decimal = Decimal(0)
    markup_pct: Decimal = Decimal(0)
    currency: str = "USD"
    fx: Decimal = Decimal(1)

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.discount_pct < HUNDRED:
            raise TicketcostError(
                f"discount must be at least 0 and below 100 percent (got {self.discount_pct})",
                param="discount",
            )
        if not 0 <= self.markup_pct <= MAX_PERCENT:
            raise TicketcostError(
                f"markup must be from 0 to {MAX_PERCENT:,} percent (got {self.markup_pct})",
                param="markup",
            )
        if not re.fullmatch(r"[A-Z]{3}", self.currency):
            raise TicketcostError(
                f"currency {self.currency}: use a three-letter ISO 4217 code such as EUR or GBP",
                param="currency",
            )
        if not 0 < self.fx <= MAX_FX:
            raise TicketcostError(
                f"fx must be above 0 and at most {MAX_FX:,} (got {self.fx})", param="fx"
            )
        if self.currency == "USD" and self.fx != 1:
            raise TicketcostError(
                "fx converts from USD: give the target with --currency", param="fx"
            )

    @classmethod
    def from_flags(
        cls,
        discount: str | None = None,
        markup: str | None = None,
        currency: str | None = None,
        fx: str | None = None,
    ) -> Adjustment:
        code = (currency or "USD").strip().upper()
        if code != "USD" and fx is None:
            raise TicketcostError(
                f"currency {code} needs --fx RATE ({code} per USD); rates are never fetched",
                param="currency",
            )
        return cls(
            parse_decimal(discount, "discount") if discount is not None else Decimal(0),
            parse_decimal(markup, "markup") if markup is not None else Decimal(0),
            code,
            parse_decimal(fx, "fx") if fx is not None else Decimal(1),
        )

    @property
    def factor(self) -> Decimal:
        keep = money.subtract(Decimal(1), money.divide(self.discount_pct, HUNDRED))
        add = money.add(Decimal(1), money.divide(self.markup_pct, HUNDRED))
        return money.multiply(money.multiply(keep, add), self.fx)

    @property
    def is_identity(self) -> bool:
        return not self.discount_pct and not self.markup_pct and self.currency == "USD"

    def describe(self) -> str:
        parts = ["List prices"]
        if self.discount_pct:
            parts.append(f"less a {self.discount_pct.normalize():f}% discount")
        if self.markup_pct:
            parts.append(f"plus a {self.markup_pct.normalize():f}% markup")
        if self.currency != "USD":
            parts.append(f"in {self.currency} at {self.fx.normalize():f} per USD (your rate)")
        return (
            ", ".join(parts)
            + f": every price, cached and long-context ones included, × {self.factor.normalize():f}"
        )

    def record(self) -> dict[str, object]:
        return {
            "discount_pct": self.discount_pct,
            "markup_pct": self.markup_pct,
            "currency": self.currency,
            "fx_per_usd": self.fx,
            "factor": self.factor,
        }


@dataclass(frozen=True)
class PriceView:
    as_of: dt.date | None = None
    variant: str | None = None
    adjustment: Adjustment = Adjustment()

    def apply(self, model: ModelPrice) -> ModelPrice:
        if self.as_of is not None:
            model = model.on(self.as_of)
        model = model.with_variant(self.variant)
        return model if self.adjustment.is_identity else model.scaled(self.adjustment.factor)

    def apply_all(
        self, models: Iterable[ModelPrice], explicit: bool
    ) -> tuple[list[ModelPrice], list[str]]:
        """Each model in this view. Models chosen by name must all have the prices asked for;
        from a whole table, the ones without them are left out and named in a note."""
        kept: list[ModelPrice] = []
        left_out: list[str] = []
        undated: list[str] = []  # no recorded price dates at all: today's prices stand in
        for model in models:
            try:
                kept.append(self.apply(model))
            except TicketcostError:
                if explicit:
                    raise
                left_out.append(model.id)
                continue
            if self.as_of is not None and model.effective_from is None and not model.history:
                undated.append(model.id)
        notes = []
        if left_out:
            wanted = " or ".join(
                part
                for part in (
                    f"{self.variant} price" if self.variant else "",
                    f"price on {self.as_of.isoformat()}" if self.as_of else "",
                )
                if part
            )
            notes.append(f"Left out (no {wanted} in the data): {', '.join(left_out)}")
        if undated and self.as_of is not None:
            notes.append(
                f"No recorded price dates, so today's prices are used for "
                f"{self.as_of.isoformat()}: {', '.join(undated)}"
            )
        return kept, notes

    def notes(self) -> list[str]:
        """What this view changes about the prices, for the notes under a table."""
        notes = []
        if self.variant:
            notes.append(f"Request variant: {self.variant} (its own rates and tiers)")
        if self.as_of is not None:
            notes.append(f"Prices in force on {self.as_of.isoformat()}")
        if not self.adjustment.is_identity:
            notes.append(self.adjustment.describe())
        return notes
