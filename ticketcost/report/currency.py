"""A report shown in another currency, at the user's rate: every amount times ``fx``.

Reports are computed in USD; costs are linear in prices and rates, so converting the finished
amounts equals converting every input. What is converted: money cells (``Kind.MONEY``, ``USD``,
``RATE``), the amounts inside Phrases (headlines, notes, text cells, chart figures), chart values,
and in the JSON payload every number under a key that names USD (``cost_usd``, ``max_usd``,
``input_usd_per_mtok``, ...) or in a record whose ``unit`` is ``usd`` (a budget's limit, warn,
actual and headroom; its unit then names the currency). Counts, shares, ratios and other text
are left as they are; the renderers then print the currency's sign and rename ``usd`` keys (see
:mod:`.formats`).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from ticketcost import money
from ticketcost.money import Amount, Phrase
from ticketcost.report.charts import Bar, BarChart, Spark, SparkChart
from ticketcost.report.model import Cell, Kind, Report, Table

_MONEY_KINDS = (Kind.MONEY, Kind.USD, Kind.RATE)


def in_currency(report: Report, currency: str, fx: Decimal) -> Report:
    """``report`` with every amount in ``currency`` at ``fx`` units per USD."""
    if currency == "USD":
        return report
    from ticketcost.pricing.view import currency_symbol

    symbol = currency_symbol(currency)
    build = report.build_payload
    return replace(
        report,
        tables=tuple(_table(t, fx) for t in report.tables),
        build_payload=lambda: _payload(build(), fx, currency=currency) | {"currency": currency},
        notes=tuple(_text(n, fx) for n in report.notes),
        charts=tuple(_chart(c, fx, symbol) for c in report.charts),
        headline=tuple(_text(h, fx) for h in report.headline),
        currency=currency,
    )


def phrase_in(phrase: Phrase, fx: Decimal) -> Phrase:
    return Phrase(
        *(
            part._replace(usd=money.multiply(part.usd, fx)) if isinstance(part, Amount) else part
            for part in phrase.parts
        )
    )


def _text(text: str, fx: Decimal) -> str:
    return phrase_in(text, fx) if isinstance(text, Phrase) else text


def _cell(value: Cell, kind: Kind, fx: Decimal) -> Cell:
    if isinstance(value, Decimal) and kind in _MONEY_KINDS:
        return money.multiply(value, fx)
    if isinstance(value, Phrase):
        return phrase_in(value, fx)
    return value


def _table(table: Table, fx: Decimal) -> Table:
    kinds = [c.kind for c in table.columns]
    rows = tuple(
        tuple(_cell(value, kind, fx) for value, kind in zip(row, kinds, strict=True))
        for row in table.rows
    )
    return replace(table, title=_text(table.title, fx), rows=rows)


def _chart(chart: BarChart | SparkChart, fx: Decimal, symbol: str) -> BarChart | SparkChart:
    def shown(text: str) -> str:
        return phrase_in(text, fx).render(symbol) if isinstance(text, Phrase) else text

    if isinstance(chart, BarChart):
        bars = tuple(Bar(b.label, money.multiply(b.value, fx), shown(b.text)) for b in chart.bars)
        return replace(chart, bars=bars)
    lines = tuple(
        Spark(s.label, tuple(money.multiply(v, fx) for v in s.values), shown(s.text))
        for s in chart.lines
    )
    return replace(chart, lines=lines)


def _payload(value: Any, fx: Decimal, money_key: bool = False, currency: str = "USD") -> Any:
    if isinstance(value, dict):
        # a record that states its unit (a budget: limit, warn, actual, headroom) is all money
        money_here = money_key or value.get("unit") == "usd"
        return {
            k: currency.lower()
            if k == "unit" and v == "usd"
            else _payload(v, fx, money_here or "usd" in str(k), currency)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_payload(v, fx, money_key, currency) for v in value]
    if isinstance(value, Phrase):
        return phrase_in(value, fx)
    if money_key and isinstance(value, Decimal | int) and not isinstance(value, bool):
        return money.multiply(Decimal(value), fx)
    return value
