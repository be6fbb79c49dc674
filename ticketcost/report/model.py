"""One presentation-neutral view of a result, rendered by every output format.

A :class:`Report` holds tables (columns and rows of raw values: ``Decimal``, ``int``, ``str``,
``None``), bar charts, notes, and a structured JSON payload. The terminal view, CSV and markdown are
drawn from the same rows; JSON is the payload. Builders (one module per command family beside
this one) turn core results into reports and never print.

A table's columns are declared beside the value each shows (:func:`table_of`), never lined up with
a row tuple by position.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import ticketcost
from ticketcost import money

if TYPE_CHECKING:
    from ticketcost.report.charts import BarChart, SparkChart

SCHEMA_VERSION = "1"
Cell = Decimal | int | str | None
T = TypeVar("T")


class Kind(StrEnum):
    TEXT = "text"
    COUNT = "count"  # token counts, turn numbers
    USD = "usd"  # an exact cost, shown exactly (up to 8 decimals)
    MONEY = "money"  # a derived cost (divided, averaged), shown to 4 significant figures
    RATE = "rate"  # a price in USD per 1M tokens
    PERCENT = "percent"  # a fraction shown as a percentage
    RATIO = "ratio"  # a multiple, shown as 0.53×
    AMOUNT = "amount"  # a plain decimal quantity (tickets, shares)


class Column(NamedTuple):
    key: str
    header: str
    kind: Kind = Kind.TEXT
    terminal: bool = True  # False: only in CSV (machine detail that would crowd a terminal)
    csv: bool = True  # False: a display-only column whose exact values are in other columns
    # In a narrow terminal the lowest-priority columns are left out first (the rightmost of equals;
    # the first column always stays): 0 = detail, 1 = the default, 2 = the figure the table is for.
    priority: int = 1


@dataclass
class Table:
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    group_breaks: tuple[int, ...] = field(default=())  # row indexes that start a new group

    def terminal_columns(self) -> list[int]:
        return [i for i, column in enumerate(self.columns) if column.terminal]

    def displayed(self, symbol: str = "$") -> list[list[str]]:
        """The terminal columns of every row, as they read on screen, money with ``symbol``.

        One rounding per row: in a table that holds derived costs (:attr:`Kind.MONEY`, 4
        significant figures), exact costs are shown the same way, so that one amount never reads
        as $478.125 in one column and $478.13 in the next. CSV and JSON keep every digit."""
        shown = self.terminal_columns()
        derived = any(column.kind is Kind.MONEY for column in self.columns)
        kinds = [
            Kind.MONEY if derived and self.columns[i].kind is Kind.USD else self.columns[i].kind
            for i in shown
        ]
        return [
            [display(row[i], kind, symbol) for i, kind in zip(shown, kinds, strict=True)]
            for row in self.rows
        ]


@dataclass
class Report:
    tables: tuple[Table, ...]
    build_payload: Callable[[], dict[str, Any]]  # built only when JSON is asked for
    notes: tuple[str, ...] = ()
    charts: tuple[BarChart | SparkChart, ...] = ()  # see ticketcost.report.charts
    headline: tuple[str, ...] = ()  # summary lines shown before the tables
    # Every amount is in this currency (see ticketcost.pricing.view.Adjustment). Renderers format
    # money cells and Phrases (text with amounts or signs in it) with its symbol, and JSON/CSV keys
    # say e.g. cost_eur instead of cost_usd; other text is shown as written.
    currency: str = "USD"

    @property
    def payload(self) -> dict[str, Any]:
        return self.build_payload()


def display(value: Cell, kind: Kind, symbol: str = "$") -> str:
    """How a cell reads in a terminal or a markdown table: rounding, if any, and the currency
    sign (``symbol``) happen only here."""
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        if kind in (Kind.USD, Kind.RATE):
            return money.format_usd(value, symbol=symbol)
        if kind is Kind.MONEY:
            return money.format_money(value, symbol=symbol)
        if kind is Kind.PERCENT:
            return f"{value * 100:.1f}%"
        if kind is Kind.RATIO:
            return f"{value:.2f}×"
        return money.format_amount(value)
    if isinstance(value, int):
        return f"{value:,}"
    return value.render(symbol) if isinstance(value, money.Phrase) else value


def payload_header(command: str) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_by": f"ticketcost {ticketcost.__version__}",
        "command": command,
        "currency": "USD",
    }


Field = tuple["Column", Callable[[T], Cell]]  # a column and how it reads its value from an item


def table_of(
    title: str,
    fields: Sequence[tuple[Column, Callable[[T], Cell]]],
    items: Iterable[T],
    group_breaks: tuple[int, ...] = (),
) -> Table:
    """A table whose every column is declared beside the value it shows."""
    columns = tuple(column for column, _ in fields)
    rows = tuple(tuple(value(item) for _, value in fields) for item in items)
    return Table(title, columns, rows, group_breaks)
