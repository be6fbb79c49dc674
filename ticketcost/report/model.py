"""One presentation-neutral view of a result, rendered by every output format.

A :class:`Report` holds tables (columns and rows of raw values: ``Decimal``, ``int``, ``str``,
``None``), bar charts, notes, and a structured JSON payload. The terminal view, CSV and markdown are
drawn from the same rows; JSON is the payload. Builders turn core results into reports and never
print; this module has the ones for ``estimate`` and ``models``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple

from ticketcost import __version__, money
from ticketcost.costs.conversation import (
    CacheMode,
    CacheTTL,
    ConversationCost,
    CostSplit,
    TokenSplit,
    write_price,
)
from ticketcost.costs.estimate import Estimate
from ticketcost.pricing.table import ModelPrice, Rates, Tier

if TYPE_CHECKING:
    from ticketcost.report.charts import BarChart, SparkChart

SCHEMA_VERSION = "1"
Cell = Decimal | int | str | None


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


@dataclass
class Table:
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    group_breaks: tuple[int, ...] = field(default=())  # row indexes that start a new group

    def terminal_columns(self) -> list[int]:
        return [i for i, column in enumerate(self.columns) if column.terminal]

    def displayed(self) -> list[list[str]]:
        """The terminal columns of every row, as they read on screen."""
        shown = self.terminal_columns()
        return [[display(row[i], self.columns[i].kind) for i in shown] for row in self.rows]


@dataclass
class Report:
    tables: tuple[Table, ...]
    build_payload: Callable[[], dict[str, Any]]  # built only when JSON is asked for
    notes: tuple[str, ...] = ()
    charts: tuple[BarChart | SparkChart, ...] = ()  # see ticketcost.report.charts
    headline: tuple[str, ...] = ()  # summary lines shown before the tables
    # Every amount is in this currency (see ticketcost.pricing.view.Adjustment); renderers show its
    # symbol instead of "$" and JSON/CSV keys say e.g. cost_eur instead of cost_usd.
    currency: str = "USD"

    @property
    def payload(self) -> dict[str, Any]:
        return self.build_payload()


def display(value: Cell, kind: Kind) -> str:
    """How a cell reads in a terminal or a markdown table (rounding, if any, happens only here)."""
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        if kind in (Kind.USD, Kind.RATE):
            return money.format_usd(value)
        if kind is Kind.MONEY:
            return money.format_money(value)
        if kind is Kind.PERCENT:
            return f"{value * 100:.1f}%"
        if kind is Kind.RATIO:
            return f"{value:.2f}×"
        return money.format_amount(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def payload_header(command: str) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_by": f"ticketcost {__version__}",
        "command": command,
        "currency": "USD",
    }


def price_record(model: ModelPrice) -> dict[str, Any]:
    def level(rates: Rates, tiers: Sequence[Tier]) -> dict[str, Any]:
        return rates._asdict() | {
            "tiers": [
                {"above_input_tokens": t.above_input_tokens} | t.rates._asdict() for t in tiers
            ]
        }

    return level(model.rates, model.tiers) | {
        "cache_min_tokens": model.cache_min_tokens,
        "variant": model.variant,
        "variants": {name: level(lv.rates, lv.tiers) for name, lv in model.variants},
        "effective_from": model.effective_from,
        "earlier_prices": [
            {"effective_from": h.effective_from} | level(h.standard.rates, h.standard.tiers)
            for h in model.history
        ],
        "source": model.source,
        "verified": model.verified,
        "origin": model.origin,
    }


def price_extras(model: ModelPrice) -> str | None:
    """What a model's base rates do not show, in a few words: tiers, variants, history."""
    parts = [f"above {t.above_input_tokens // 1000:,}K tokens" for t in model.tiers]
    parts += [name for name, _ in model.variants]
    if model.history:
        parts.append(
            f"prices since {model.effective_from.isoformat()}"
            if model.effective_from
            else "earlier prices"
        )
    return ", ".join(parts) or None


def _tokens_record(tokens: TokenSplit) -> dict[str, int]:
    return {"input": tokens.input} | tokens._asdict()


def _cost_record(cost: CostSplit) -> dict[str, Decimal]:
    return cost._asdict() | {"total": cost.total}


def sources_notes(models: Sequence[ModelPrice]) -> list[str]:
    """One line per distinct (source, verified date), naming the models it covers when not all."""
    groups: dict[tuple[str, str, str], list[ModelPrice]] = {}
    for model in models:
        key = (model.provider, model.source, model.verified.isoformat())
        groups.setdefault(key, []).append(model)
    per_provider: dict[str, int] = {}
    for provider, _, _ in groups:
        per_provider[provider] = per_provider.get(provider, 0) + 1
    lines = []
    for (provider, source, verified), members in sorted(groups.items()):
        which = provider
        if per_provider[provider] > 1:
            which += " " + ", ".join(m.id for m in members)
        lines.append(f"Price source ({which}): {source}; verified {verified}")
    return lines


# ------------------------------------------------------------------------------------- estimate

_RATE_COLUMNS = (
    Column("input_usd_per_mtok", "In $/M", Kind.RATE),
    Column("output_usd_per_mtok", "Out $/M", Kind.RATE),
    Column("cache_read_usd_per_mtok", "Read $/M", Kind.RATE),
    Column("cache_write_usd_per_mtok", "Write $/M", Kind.RATE),
)
_TOKEN_COLUMNS = (
    Column("input_tokens", "Input tok", Kind.COUNT),
    Column("fresh_input_tokens", "Fresh tok", Kind.COUNT),
    Column("cache_read_tokens", "Read tok", Kind.COUNT),
    Column("cache_write_tokens", "Write tok", Kind.COUNT),
    Column("output_tokens", "Output tok", Kind.COUNT),
)
_COST_COLUMNS = (
    Column("fresh_input_usd", "Input $", Kind.USD),
    Column("cache_read_usd", "Cache read $", Kind.USD),
    Column("cache_write_usd", "Cache write $", Kind.USD),
    Column("output_usd", "Output $", Kind.USD),
)


def _visible(columns: Sequence[Column], cached: bool, hide_tokens: bool) -> list[Column]:
    """Hide cache columns when nothing is cached, and token columns from the terminal view."""
    shown = []
    for column in columns:
        terminal = column.terminal
        if not cached and ("cache" in column.key or column.key.startswith(("fresh_input_t",))):
            terminal = False
        if hide_tokens and column.kind is Kind.COUNT:
            terminal = False
        shown.append(Column(column.key, column.header, column.kind, terminal))
    return shown


def estimate_report(result: Estimate, per_turn: bool = False) -> Report:
    cached = result.cache_mode is not CacheMode.NONE
    profile = result.profile
    title = (
        f"Cost per ticket: {profile.turns} turns, {profile.system_tokens:,} system + "
        f"{profile.user_tokens:,} user + {profile.assistant_tokens:,} assistant tokens per turn "
        f"= {profile.total_input_tokens:,} input + {profile.total_output_tokens:,} output tokens "
        f"(cache: {result.cache_mode}"
        + (f", {result.cache_ttl} writes" if result.cache_ttl != "5m" else "")
        + (f"; {result.view.variant} requests" if result.view.variant else "")
        + (f"; prices of {result.view.as_of.isoformat()}" if result.view.as_of else "")
        + ")"
    )
    notes: list[str] = []
    no_cache = [c.model.id for c in result.results if c.cache_unavailable]
    if no_cache:
        notes.append(f"No cache price, priced without caching: {', '.join(no_cache)}")
    # (a model that lacks only a 1-hour price says so in its own pricing note)
    as_input = [
        c.model.id
        for c in result.results
        if c.writes_billed_as_input and c.model.cache_write_usd_per_mtok is None
    ]
    if as_input:
        notes.append(
            "No separate cache-write price (the provider bills the first pass as ordinary input), "
            f"so cache writes count as fresh input: {', '.join(as_input)}"
        )
    for conversation in result.results:
        notes.extend(conversation.pricing_notes)
    notes.extend(result.notes)
    notes.extend(sources_notes([c.model for c in result.results]))
    view = result.view

    def payload() -> dict[str, Any]:
        return payload_header("estimate") | {
            "profile": {
                "turns": profile.turns,
                "system_tokens": profile.system_tokens,
                "user_tokens": profile.user_tokens,
                "assistant_tokens": profile.assistant_tokens,
            },
            "cache_mode": result.cache_mode,
            "cache_ttl": result.cache_ttl,
            "variant": view.variant,
            "as_of": view.as_of,
            "price_adjustment": view.adjustment.record(),
            "models": [_conversation_record(c) for c in result.results],
            "notes": notes,
        }

    if per_turn:
        columns = [
            Column("model", "Model"),
            Column("turn", "Turn", Kind.TEXT),
            *_visible(_TOKEN_COLUMNS, cached, hide_tokens=False),
            *_visible(_COST_COLUMNS, cached, hide_tokens=False),
            Column("total_usd", "Turn total", Kind.USD),
        ]
        rows: list[tuple[Cell, ...]] = []
        breaks: list[int] = []
        for conversation in result.results:
            breaks.append(len(rows))
            for turn in conversation.turns:
                label = conversation.model.id if turn.turn == 1 else ""
                rows.append(_split_cells(label, str(turn.turn), turn.tokens, turn.cost))
            rows.append(_split_cells("", "total", conversation.tokens, conversation.cost))
        table = Table(title, tuple(columns), tuple(rows), tuple(breaks))
        return Report((table,), payload, tuple(notes), currency=view.adjustment.currency)

    rate_columns = list(_RATE_COLUMNS)
    if result.cache_ttl is CacheTTL.ONE_HOUR:
        rate_columns[3] = Column("cache_write_1h_usd_per_mtok", "1h write $/M", Kind.RATE)
    columns = [
        Column("model", "Model"),
        Column("name", "Name", terminal=False),
        Column("provider", "Provider", terminal=False),
        *_visible(rate_columns, cached, hide_tokens=True),
        *_visible(_TOKEN_COLUMNS, cached, hide_tokens=True),
        *_visible(_COST_COLUMNS, cached, hide_tokens=True),
        Column("total_usd", "Per ticket", Kind.USD),
        Column("per_1k_tickets_usd", "Per 1K tickets", Kind.USD),
        Column("verified", "Verified", terminal=False),
        Column("source", "Source", terminal=False),
    ]
    adjusted = not view.adjustment.is_identity
    if adjusted:  # so that a CSV says what its amounts are, like the notes under the table
        columns += [
            Column("currency", "Currency", terminal=False),
            Column("price_factor", "Factor on list prices", Kind.AMOUNT, terminal=False),
        ]
    rows = []
    for conversation in result.results:
        model, tokens, cost = conversation.model, conversation.tokens, conversation.cost
        rows.append(
            (
                model.id,
                model.name,
                model.provider,
                model.input_usd_per_mtok,
                model.output_usd_per_mtok,
                model.cache_read_usd_per_mtok,
                write_price(model.rates, result.cache_ttl),  # the price the writes paid
                tokens.input,
                tokens.fresh_input,
                tokens.cache_read,
                tokens.cache_write,
                tokens.output,
                cost.fresh_input,
                cost.cache_read,
                cost.cache_write,
                cost.output,
                cost.total,
                money.multiply(cost.total, 1000),
                model.verified.isoformat(),
                model.source,
                *((view.adjustment.currency, view.adjustment.factor) if adjusted else ()),
            )
        )
    return Report(
        (Table(title, tuple(columns), tuple(rows)),),
        payload,
        tuple(notes),
        currency=view.adjustment.currency,
    )


def _split_cells(model: str, turn: str, tokens: TokenSplit, cost: CostSplit) -> tuple[Cell, ...]:
    return (
        model,
        turn,
        tokens.input,
        tokens.fresh_input,
        tokens.cache_read,
        tokens.cache_write,
        tokens.output,
        cost.fresh_input,
        cost.cache_read,
        cost.cache_write,
        cost.output,
        cost.total,
    )


def _conversation_record(conversation: ConversationCost) -> dict[str, Any]:
    model = conversation.model
    return {
        "id": model.id,
        "name": model.name,
        "provider": model.provider,
        "price": price_record(model),
        "cache_mode": conversation.effective_cache_mode,
        "tokens": _tokens_record(conversation.tokens),
        "cost_usd": _cost_record(conversation.cost),
        "cost_usd_per_1k_tickets": money.multiply(conversation.total_usd, 1000),
        "turns": [
            {
                "turn": turn.turn,
                "tokens": _tokens_record(turn.tokens),
                "cost_usd": _cost_record(turn.cost),
            }
            for turn in conversation.turns
        ],
        "notes": list(conversation.notes),
    }


# --------------------------------------------------------------------------------------- models


def models_report(
    models: Sequence[ModelPrice], view_notes: Sequence[str] = (), currency: str = "USD"
) -> Report:
    columns = (
        Column("model", "Model"),
        Column("name", "Name"),
        Column("provider", "Provider"),
        Column("aliases", "Aliases", terminal=False),
        *_RATE_COLUMNS,
        Column("cache_write_1h_usd_per_mtok", "1h write $/M", Kind.RATE),
        Column("cache_min_tokens", "Min cache", Kind.COUNT),
        Column("also", "Also priced"),
        Column("verified", "Verified"),
        Column("source", "Source", terminal=False),
        Column("notes", "Notes", terminal=False),
    )
    rows = tuple(
        (
            m.id,
            m.name,
            m.provider,
            " ".join(m.aliases),
            m.input_usd_per_mtok,
            m.output_usd_per_mtok,
            m.cache_read_usd_per_mtok,
            m.cache_write_usd_per_mtok,
            m.cache_write_1h_usd_per_mtok,
            m.cache_min_tokens,
            price_extras(m),
            m.verified.isoformat(),
            m.source,
            m.notes,
        )
        for m in models
    )

    def payload() -> dict[str, Any]:
        return payload_header("models") | {
            "models": [
                {"id": m.id, "name": m.name, "provider": m.provider, "aliases": list(m.aliases)}
                | price_record(m)
                | {"notes": m.notes}
                for m in models
            ]
        }

    notes = [f"Prices in {currency} per 1M tokens; — means the provider has no such price."]
    notes += view_notes
    notes += [f"{m.id}: {m.notes}" for m in models if m.notes]
    notes += sources_notes(models)
    return Report(
        (Table(f"{len(rows)} models", columns, rows),), payload, tuple(notes), currency=currency
    )
