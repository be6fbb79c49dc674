"""Exact money arithmetic. Prices are USD per 1M tokens; costs are ``Decimal`` end to end.

Sums and products run in :data:`MONEY_CONTEXT`, which traps ``Inexact``: if one ever needed
rounding, we would rather fail loudly than be off by a fraction of a cent. Quotients (a monthly cost
spread over tickets, an hourly rate from an annual cost) often do not terminate; :func:`divide`
carries them to 40 significant digits, some thirty places below a cent. Rounding for people happens
only in :func:`format_usd`.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from typing import NamedTuple

MONEY_CONTEXT = decimal.Context(
    prec=100,
    rounding=decimal.ROUND_HALF_EVEN,
    traps=[decimal.Inexact, decimal.InvalidOperation, decimal.Overflow, decimal.DivisionByZero],
)
DIVISION_CONTEXT = decimal.Context(
    prec=40,
    rounding=decimal.ROUND_HALF_EVEN,
    traps=[decimal.InvalidOperation, decimal.Overflow, decimal.DivisionByZero],
)
DISPLAY_CONTEXT = decimal.Context(prec=200, rounding=decimal.ROUND_HALF_UP)  # rounding to show
ZERO = Decimal(0)
TOKENS_PER_MTOK = 1_000_000


def usd_for_tokens(tokens: int, usd_per_mtok: Decimal) -> Decimal:
    """Exact cost of ``tokens`` at a price quoted in USD per 1M tokens."""
    return MONEY_CONTEXT.multiply(Decimal(tokens), usd_per_mtok).scaleb(-6, MONEY_CONTEXT)


def add(*amounts: Decimal) -> Decimal:
    """Exact sum (``sum()`` would use the thread's default context)."""
    total = ZERO
    for amount in amounts:
        total = MONEY_CONTEXT.add(total, amount)
    return total


def subtract(amount: Decimal, other: Decimal) -> Decimal:
    return MONEY_CONTEXT.subtract(amount, other)


def multiply(amount: Decimal, factor: Decimal | int) -> Decimal:
    return MONEY_CONTEXT.multiply(amount, Decimal(factor))


def divide(numerator: Decimal | int, denominator: Decimal | int) -> Decimal:
    """``numerator / denominator`` to 40 significant digits (exact when the quotient terminates)."""
    return DIVISION_CONTEXT.divide(Decimal(numerator), Decimal(denominator))


def format_money(amount: Decimal, significant: int = 4, symbol: str = "$") -> str:
    """Display form for derived amounts: ``significant`` figures, never less than whole cents.

    ``$9,407.04``, ``$0.9407``, ``$0.01047``, ``$0.000024``. Exact values live in JSON and CSV.
    """
    if not amount:
        return f"{symbol}0.00"
    magnitude = amount.copy_abs().adjusted()  # position of the first significant digit
    places = min(max(2, significant - 1 - magnitude), 10)
    rounded = amount.quantize(Decimal(1).scaleb(-places), context=DISPLAY_CONTEXT)
    shown = rounded.normalize() if places > 2 else rounded
    exponent = shown.as_tuple().exponent
    places = max(2, -exponent if isinstance(exponent, int) else 2)
    sign = "-" if rounded < 0 else ""
    return f"{sign}{symbol}{rounded.copy_abs():,.{places}f}"


def format_amount(amount: Decimal) -> str:
    """A quantity for people: thousands separators, exact decimals (3,000 or 1,950.5)."""
    whole, _, fraction = plain(amount).partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}" + (f".{fraction}" if fraction else "")


def plain(amount: Decimal) -> str:
    """The exact value as a plain decimal string, no exponent, trailing zeros trimmed."""
    text = format(amount.normalize(MONEY_CONTEXT), "f") if amount else "0"
    return text


def format_usd(amount: Decimal, max_places: int = 8, symbol: str = "$") -> str:
    """Display form, e.g. ``$0.001075``: exact up to ``max_places`` decimals, else rounded (``≈``).

    At least two decimals are shown so that whole dollars read as money (``$12.50``).
    """
    exact = amount.normalize(MONEY_CONTEXT) if amount else Decimal("0")
    exponent = exact.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    prefix = ""
    if places > max_places:
        exact = amount.quantize(
            Decimal(1).scaleb(-max_places),
            rounding=decimal.ROUND_HALF_EVEN,
            context=DISPLAY_CONTEXT,
        )
        places = max_places
        prefix = "≈"
    places = max(places, 2)
    sign = "-" if exact < 0 else ""
    return f"{prefix}{sign}{symbol}{exact.copy_abs():,.{places}f}"


class Amount(NamedTuple):
    """An amount of money inside a sentence, kept exact until it is shown."""

    usd: Decimal
    exact: bool = False  # every digit (format_usd), else ``significant`` figures (format_money)
    significant: int = 4

    def render(self, symbol: str = "$") -> str:
        if self.exact:
            return format_usd(self.usd, symbol=symbol)
        return format_money(self.usd, self.significant, symbol=symbol)


class Sign(NamedTuple):
    """Where a currency sign stands in a phrase ("In $/M"), without an amount beside it."""

    def render(self, symbol: str = "$") -> str:
        return symbol


SIGN = Sign()


class Phrase(str):
    """Text with amounts of money in it, as the core explains a figure ("$100.00 a month").

    It reads as its USD rendering wherever text is expected, and keeps its parts, so the amounts
    stay exact values (``amounts``) and a report can show them in another currency
    (``render(symbol)``) without editing finished text.
    """

    parts: tuple[str | Amount | Sign, ...]

    def __new__(cls, *parts: str | Amount | Sign) -> Phrase:
        text = "".join(p if isinstance(p, str) else p.render() for p in parts)
        phrase = super().__new__(cls, text)
        phrase.parts = parts
        return phrase

    def render(self, symbol: str = "$") -> str:
        return "".join(p if isinstance(p, str) else p.render(symbol) for p in self.parts)

    @classmethod
    def of(cls, *items: str | Amount | Sign) -> Phrase:
        """A Phrase of text, amounts and other Phrases (whose parts it takes over)."""
        parts: list[str | Amount | Sign] = []
        for item in items:
            parts += item.parts if isinstance(item, Phrase) else (item,)
        return cls(*parts)

    @classmethod
    def signed(cls, template: str) -> Phrase:
        """A label whose every "$" is the currency sign: ``Phrase.signed("In $/M")``."""
        pieces = template.split("$")
        parts: list[str | Amount | Sign] = [pieces[0]]
        for piece in pieces[1:]:
            parts += [SIGN, piece]
        return cls(*parts)

    @property
    def amounts(self) -> tuple[Decimal, ...]:
        return tuple(p.usd for p in self.parts if isinstance(p, Amount))
