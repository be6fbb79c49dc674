"""Reports of ``ticketcost estimate`` and ``ticketcost models``, and how prices are shown in any
report: their full record for JSON, what else a model prices, and where each price came from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from ticketcost import money
from ticketcost.costs.conversation import (
    CacheMode,
    CacheTTL,
    ConversationCost,
    CostSplit,
    TokenSplit,
    write_price,
)
from ticketcost.costs.estimate import Estimate
from ticketcost.money import Phrase
from ticketcost.pricing.model import ModelPrice, Rates, Tier
from ticketcost.pricing.view import today as current_day
from ticketcost.report.model import (
    Cell,
    Column,
    Field,
    Kind,
    Report,
    Table,
    payload_header,
    table_of,
)


def _iso(date: dt.date | None) -> str | None:
    return None if date is None else date.isoformat()


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
        "time_of_day": [
            {"from_utc": w.from_utc, "until_utc": w.until_utc} | w.rates._asdict()
            for w in model.time_of_day
        ],
        "retires": model.retires,
        "retires_source": model.retires_source,
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
    parts += [
        f"{w.label}: {money.format_usd(w.rates.input_usd_per_mtok)}/"
        f"{money.format_usd(w.rates.output_usd_per_mtok)}"
        for w in model.time_of_day
    ]
    return ", ".join(parts) or None


SOON_DAYS = 30  # a model retiring within this many days is noted wherever it is priced


def lifecycle_notes(models: Sequence[ModelPrice], today: dt.date) -> list[str]:
    """A line for each model retired on ``today`` or retiring within :data:`SOON_DAYS`, and for
    each priced by time of day (the base rates are shown; the windows say when others apply)."""
    notes = []
    for model in models:
        source = f" ({model.retires_source})" if model.retires_source else ""
        if model.retires is not None and model.retired_on(today):
            notes.append(
                f"{model.id}: retired on {model.retires.isoformat()}{source}; the provider no "
                "longer serves it, its price is kept for older logs"
            )
        elif model.retires is not None and (model.retires - today).days <= SOON_DAYS:
            notes.append(f"{model.id}: retires on {model.retires.isoformat()}{source}")
        if model.time_of_day:
            windows = "; ".join(
                f"{w.label} in {money.format_usd(w.rates.input_usd_per_mtok)} out "
                f"{money.format_usd(w.rates.output_usd_per_mtok)}"
                for w in model.time_of_day
            )
            notes.append(
                f"{model.id}: priced at its rates outside {windows} (per 1M tokens); "
                "`attribute` prices each request at its own time"
            )
    return notes


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


class _Split(NamedTuple):
    """One row of the per-turn table: a turn, or a conversation's total."""

    model: str
    turn: str
    tokens: TokenSplit
    cost: CostSplit


_TOKEN_FIELDS: tuple[tuple[Column, Callable[[TokenSplit], Cell]], ...] = (
    (Column("input_tokens", "Input tok", Kind.COUNT), lambda t: t.input),
    (Column("fresh_input_tokens", "Fresh tok", Kind.COUNT), lambda t: t.fresh_input),
    (Column("cache_read_tokens", "Read tok", Kind.COUNT), lambda t: t.cache_read),
    (Column("cache_write_tokens", "Write tok", Kind.COUNT), lambda t: t.cache_write),
    (Column("output_tokens", "Output tok", Kind.COUNT), lambda t: t.output),
)
_COST_FIELDS: tuple[tuple[Column, Callable[[CostSplit], Cell]], ...] = (
    (
        Column("fresh_input_usd", Phrase.signed("Input $"), Kind.USD, priority=0),
        lambda c: c.fresh_input,
    ),
    (
        Column("cache_read_usd", Phrase.signed("Cache read $"), Kind.USD, priority=0),
        lambda c: c.cache_read,
    ),
    (
        Column("cache_write_usd", Phrase.signed("Cache write $"), Kind.USD, priority=0),
        lambda c: c.cache_write,
    ),
    (Column("output_usd", Phrase.signed("Output $"), Kind.USD, priority=0), lambda c: c.output),
)
_RATE_FIELDS: tuple[tuple[Column, Callable[[ModelPrice], Cell]], ...] = (
    (
        Column("input_usd_per_mtok", Phrase.signed("In $/M"), Kind.RATE),
        lambda m: m.input_usd_per_mtok,
    ),
    (
        Column("output_usd_per_mtok", Phrase.signed("Out $/M"), Kind.RATE),
        lambda m: m.output_usd_per_mtok,
    ),
    (
        Column("cache_read_usd_per_mtok", Phrase.signed("Read $/M"), Kind.RATE),
        lambda m: m.cache_read_usd_per_mtok,
    ),
    (
        Column("cache_write_usd_per_mtok", Phrase.signed("Write $/M"), Kind.RATE),
        lambda m: m.cache_write_usd_per_mtok,
    ),
)


def _shown(column: Column, cached: bool, hide_tokens: bool) -> Column:
    """Hide cache columns when nothing is cached, and token columns from the terminal view."""
    terminal = column.terminal
    if not cached and ("cache" in column.key or column.key.startswith(("fresh_input_t",))):
        terminal = False
    if hide_tokens and column.kind is Kind.COUNT:
        terminal = False
    return column._replace(terminal=terminal)


def _via(
    fields: Sequence[tuple[Column, Callable[[Any], Cell]]],
    part: Callable[[Any], Any],
    cached: bool,
    hide_tokens: bool,
) -> list[Field[Any]]:
    """``fields`` of a part of an item (its tokens, its cost, its model), read from the item."""

    def reader(get: Callable[[Any], Cell]) -> Callable[[Any], Cell]:
        return lambda item: get(part(item))

    return [(_shown(column, cached, hide_tokens), reader(get)) for column, get in fields]


def _estimate_title(result: Estimate) -> str:
    profile = result.profile
    return (
        f"Cost per ticket: {profile.turns} turns, {profile.system_tokens:,} system + "
        f"{profile.user_tokens:,} user + {profile.assistant_tokens:,} assistant tokens per turn "
        f"= {profile.total_input_tokens:,} input + {profile.total_output_tokens:,} output tokens "
        f"(cache: {result.cache_mode}"
        + (f", {result.cache_ttl} writes" if result.cache_ttl != "5m" else "")
        + (f"; {result.view.variant} requests" if result.view.variant else "")
        + (f"; prices of {result.view.as_of.isoformat()}" if result.view.as_of else "")
        + ")"
    )


def _estimate_notes(result: Estimate) -> list[str]:
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
    today = result.view.as_of or current_day()
    notes.extend(lifecycle_notes([c.model for c in result.results], today))
    notes.extend(sources_notes([c.model for c in result.results]))
    return notes


def estimate_report(result: Estimate, per_turn: bool = False) -> Report:
    notes = _estimate_notes(result)
    view = result.view
    profile = result.profile

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

    table = _per_turn_table(result) if per_turn else _model_table(result)
    return Report((table,), payload, tuple(notes), currency=view.adjustment.currency)


def _per_turn_table(result: Estimate) -> Table:
    cached = result.cache_mode is not CacheMode.NONE
    fields: list[Field[_Split]] = [
        (Column("model", "Model"), lambda s: s.model),
        (Column("turn", "Turn", Kind.TEXT), lambda s: s.turn),
        *_via(_TOKEN_FIELDS, lambda s: s.tokens, cached, hide_tokens=False),
        *_via(_COST_FIELDS, lambda s: s.cost, cached, hide_tokens=False),
        (Column("total_usd", "Turn total", Kind.USD), lambda s: s.cost.total),
    ]
    splits: list[_Split] = []
    breaks: list[int] = []
    for conversation in result.results:
        breaks.append(len(splits))
        for turn in conversation.turns:
            label = conversation.model.id if turn.turn == 1 else ""
            splits.append(_Split(label, str(turn.turn), turn.tokens, turn.cost))
        splits.append(_Split("", "total", conversation.tokens, conversation.cost))
    return table_of(_estimate_title(result), fields, splits, tuple(breaks))


def _model_table(result: Estimate) -> Table:
    cached = result.cache_mode is not CacheMode.NONE
    ttl = result.cache_ttl
    rate_fields = list(_RATE_FIELDS[:3])
    if ttl is CacheTTL.ONE_HOUR:  # the price the writes paid
        write_column = Column(
            "cache_write_1h_usd_per_mtok", Phrase.signed("1h write $/M"), Kind.RATE
        )
    else:
        write_column = _RATE_FIELDS[3][0]
    rate_fields.append((write_column, lambda m: write_price(m.rates, ttl)))
    adjustment = result.view.adjustment
    fields: list[Field[ConversationCost]] = [
        (Column("model", "Model"), lambda c: c.model.id),
        (Column("name", "Name", terminal=False), lambda c: c.model.name),
        (Column("provider", "Provider", terminal=False), lambda c: c.model.provider),
        *_via(rate_fields, lambda c: c.model, cached, hide_tokens=True),
        *_via(_TOKEN_FIELDS, lambda c: c.tokens, cached, hide_tokens=True),
        *_via(_COST_FIELDS, lambda c: c.cost, cached, hide_tokens=True),
        (Column("total_usd", "Per ticket", Kind.USD, priority=2), lambda c: c.cost.total),
        (
            Column("per_1k_tickets_usd", "Per 1K tickets", Kind.USD),
            lambda c: money.multiply(c.cost.total, 1000),
        ),
        (Column("verified", "Verified", terminal=False), lambda c: c.model.verified.isoformat()),
        (Column("source", "Source", terminal=False), lambda c: c.model.source),
    ]
    if not adjustment.is_identity:  # so that a CSV says what its amounts are, like the notes
        fields += [
            (Column("currency", "Currency", terminal=False), lambda c: adjustment.currency),
            (
                Column("price_factor", "Factor on list prices", Kind.AMOUNT, terminal=False),
                lambda c: adjustment.factor,
            ),
        ]
    return table_of(_estimate_title(result), fields, result.results)


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
    fields: list[Field[ModelPrice]] = [
        (Column("model", "Model"), lambda m: m.id),
        (Column("name", "Name"), lambda m: m.name),
        (Column("provider", "Provider"), lambda m: m.provider),
        (Column("aliases", "Aliases", terminal=False), lambda m: " ".join(m.aliases)),
        *_RATE_FIELDS,
        (
            Column("cache_write_1h_usd_per_mtok", Phrase.signed("1h write $/M"), Kind.RATE),
            lambda m: m.cache_write_1h_usd_per_mtok,
        ),
        (Column("cache_min_tokens", "Min cache", Kind.COUNT), lambda m: m.cache_min_tokens),
        (Column("also", "Also priced"), price_extras),
        (Column("retires", "Retires", priority=0), lambda m: _iso(m.retires)),
        (Column("verified", "Verified"), lambda m: m.verified.isoformat()),
        (Column("source", "Source", terminal=False), lambda m: m.source),
        (Column("notes", "Notes", terminal=False), lambda m: m.notes),
    ]

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
        (table_of(f"{len(models)} models", fields, models),),
        payload,
        tuple(notes),
        currency=currency,
    )
