"""The prices phase of the attribution: which price axes a request is grouped by (long-context
band, price period, time-of-day slot), and table ``prices``: each log model's exact per-token
rates in every (band, period, slot, variant) the logs use. See :mod:`ticketcost.attribution.query`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from ticketcost.attribution.prices import (
    Resolution,
    per_token_text,
    price_in_period,
    resolve,
    slot_minute,
)
from ticketcost.attribution.sql import MONEY_SQL, sql_text
from ticketcost.errors import TicketcostError
from ticketcost.pricing.model import ModelPrice, PriceLevel, Rates, Tier
from ticketcost.pricing.table import PriceTable

if TYPE_CHECKING:
    from ticketcost.attribution.connection import Connection


class PriceAxes(NamedTuple):
    """What of the price table the scan must know to price each request at its own tier and date."""

    thresholds: list[int]  # every long-context tier threshold, ascending: a request's "band"
    changes: list[dt.date]  # every recorded price change date, ascending: a request's "period"
    # every time-of-day window edge (minutes after midnight UTC), ascending: a request's "slot"
    # counts the edges at or before its time (-1: no readable time, priced at the base rates)
    minutes: tuple[int, ...] = ()
    # a regular expression every log name of a model with time-of-day prices matches (its id or
    # an alias, case-insensitive, "-" or "@"): other lines skip the time-of-day work
    timed_names: str = ""


def price_axes(prices: PriceTable) -> PriceAxes:
    levels = [level for m in prices for level in _levels(m)]
    thresholds = sorted({t.above_input_tokens for level in levels for t in level.tiers})
    changes = sorted(
        {h.effective_from for m in prices for h in m.history if h.effective_from}
        | {m.effective_from for m in prices if m.history and m.effective_from}
    )
    minutes = tuple(
        sorted(
            {edge for m in prices for w in m.time_of_day for edge in (w.start_minute, w.end_minute)}
        )
    )
    timed = sorted({n for m in prices if m.time_of_day for n in (m.id, *m.aliases)})
    pattern = "|".join(re.escape(n).replace("\\-", "[-@]") for n in timed)
    return PriceAxes(thresholds, changes, minutes, f"(?i)({pattern})" if timed else "")


def _levels(model: ModelPrice) -> list[PriceLevel]:
    """Every price level a request to ``model`` can pay: standard and variants, now and in each
    recorded earlier period (a tier may exist only in the past)."""
    found = [model.level(), *(level for _, level in model.variants)]
    for past in model.history:
        found += [past.standard, *(level for _, level in past.variants)]
    return found


class Loaded(NamedTuple):
    """What :func:`load_prices` put in table ``prices``: each name resolved (None: no price), and
    the models whose prices cannot be written exactly (raised only if a log uses them)."""

    resolved: dict[str, Resolution]
    inexact: dict[str, TicketcostError]

    @property
    def timed(self) -> list[str]:
        """The names of models with time-of-day prices in the table: the lines given a time."""
        return [
            name
            for name, found in self.resolved.items()
            if found.price is not None
            and found.price.time_of_day
            and found.price.id not in self.inexact
        ]


def candidate_names(prices: PriceTable) -> list[str]:
    """Every id and alias of the price table, as written and in lower case: the names most logs
    use, priced in the scan itself (a log's other names are resolved after it; see the query)."""
    return sorted({n for m in prices for raw in (m.id, *m.aliases) for n in (raw, raw.lower())})


LEVEL_COLUMNS = (
    ("model_no", "INTEGER"), ("band_lo", "INTEGER"), ("band_hi", "INTEGER"),
    ("period_lo", "INTEGER"), ("period_hi", "INTEGER"), ("slot", "INTEGER"), ("variant", "VARCHAR"),
    ("inp", MONEY_SQL), ("outp", MONEY_SQL), ("readp", MONEY_SQL), ("writep", MONEY_SQL),
    ("write1hp", MONEY_SQL),
)  # fmt: skip


def load_prices(
    con: Connection,
    prices: PriceTable,
    axes: PriceAxes,
    names: Iterable[str],
    table: str = "prices",
) -> Loaded:
    """Table ``table``: the exact per-token rates of each of ``names`` (a log's model names) in
    every long-context band, price period, time-of-day slot and variant (batch, flex, priority;
    NULL for standard service) of the model it resolves to.

    Each name is resolved once, in Python. Python writes each model's distinct rates once, with
    the band and period ranges they hold for (a few hundred rows for the whole table); the
    engine spreads them over every (band, period) and every name of the model.
    """
    resolved = {name: resolve(prices, name) for name in names}
    models: dict[str, int] = {}
    for found in resolved.values():
        if found.price is not None:
            models.setdefault(found.price.id, len(models))
    levels: list[tuple[str | None, ...]] = []
    inexact: dict[str, TicketcostError] = {}
    for model_id, number in models.items():
        try:
            levels += _level_rows(number, prices.get(model_id), axes)
        except TicketcostError as exc:  # refused only if a log uses the model (see the query)
            inexact[model_id] = TicketcostError(f"{model_id}: {exc.message}")
    named = [
        (name, str(models[found.price.id]))
        for name, found in resolved.items()
        if found.price is not None and found.price.id not in inexact
    ]
    bands = rows_sql((("band", "INTEGER"),), [(str(n),) for n in range(len(axes.thresholds) + 1)])
    periods = rows_sql((("period", "INTEGER"),), [(str(n),) for n in range(len(axes.changes) + 1)])
    con.execute(
        f"CREATE TEMP TABLE {table} AS SELECT n.log_model, b.band, p.period, l.slot, l.variant, "
        "l.inp, l.outp, l.readp, l.writep, l.write1hp "
        f"FROM ({rows_sql(LEVEL_COLUMNS, levels)}) l "
        f"JOIN ({rows_sql(NAME_COLUMNS, named)}) n ON n.model_no = l.model_no "
        f"JOIN ({bands}) b ON b.band BETWEEN l.band_lo AND l.band_hi "
        f"JOIN ({periods}) p ON p.period BETWEEN l.period_lo AND l.period_hi"
    )
    return Loaded(resolved, inexact)


NAME_COLUMNS = (("log_model", "VARCHAR"), ("model_no", "INTEGER"))
_SEPARATORS = (",", ";")


def rows_sql(columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[str | None]]) -> str:
    """SQL of a small table of typed ``columns`` from rows of text values (None: NULL).

    The rows travel as one string literal that the engine splits (by ";" into rows and "," into
    values): a VALUES list of a few hundred rows takes DuckDB tens of milliseconds to bind. A
    row with a separator or an empty text in a value (a log's odd model name) is a VALUES row.
    No INSERT: the same SQL runs on Spark.
    """

    def plain(value: str | None) -> bool:
        return value is None or (value != "" and not any(c in value for c in _SEPARATORS))

    split = [r for r in rows if all(plain(v) for v in r)]
    listed = [r for r in rows if not all(plain(v) for v in r)]
    parts = []
    if split:
        text = ";".join(",".join("" if v is None else v for v in r) for r in split)
        typed = ", ".join(
            f"CAST(nullif(f[{i}], '') AS {kind}) AS {name}"
            for i, (name, kind) in enumerate(columns, start=1)
        )
        parts.append(
            f"SELECT {typed} FROM (SELECT string_split(r, ',') AS f FROM "
            f"(SELECT unnest(string_split({sql_text(text)}, ';')) AS r))"
        )
    if listed or not split:
        values = (
            ", ".join(
                "(" + ", ".join("NULL" if v is None else sql_text(v) for v in r) + ")"
                for r in listed
            )
            or "(" + ", ".join("NULL" for _ in columns) + ")"
        )
        typed = ", ".join(f"CAST({name} AS {kind}) AS {name}" for name, kind in columns)
        names = ", ".join(name for name, _ in columns)
        parts.append(
            f"SELECT {typed} FROM (VALUES {values}) AS v({names})"
            + ("" if listed else " WHERE false")
        )
    return " UNION ALL ".join(parts)


def _level_rows(number: int, model: ModelPrice, axes: PriceAxes) -> list[tuple[str | None, ...]]:
    """Rows (text values) of one model's distinct rates: per run of price periods with the same
    prices, variant, run of bands with the same tier, and time-of-day slot. A time-of-day
    window's rates replace the standard base rates of the current prices in its slots; tiers and
    variants keep theirs. Only a model with time-of-day prices has lines in slots other than -1
    (see the scan)."""
    last = len(axes.changes)
    spans: list[tuple[int, int, ModelPrice]] = []  # periods lo..hi priced as ``then``
    for period in range(last + 1) if model.history else (last,):
        then = price_in_period(model, axes.changes, period)
        if spans and spans[-1][2].effective_from == then.effective_from:
            spans[-1] = (spans[-1][0], period, spans[-1][2])
        else:
            spans.append((period if model.history else 0, period, then))
    slots = range(-1, len(axes.minutes) + 1) if model.time_of_day else (-1,)
    rows = []
    for (low, high, then), slot in itertools.product(spans, slots):
        minute = slot_minute(axes.minutes, slot)
        for variant in (None, *(name for name, _ in then.variants)):
            level = then.level(variant)
            for band_lo, band_hi, rates, tier in _band_runs(level, axes.thresholds):
                if variant is None and tier is None and minute is not None:
                    rates = then.at_minute(minute)
                read = rates.cache_read_usd_per_mtok or rates.input_usd_per_mtok
                write = rates.cache_write_usd_per_mtok or rates.input_usd_per_mtok
                hour = rates.cache_write_1h_usd_per_mtok
                numbers = (number, band_lo, band_hi, low, high, slot)
                rows.append(
                    (
                        *(str(n) for n in numbers),
                        variant,
                        per_token_text(rates.input_usd_per_mtok),
                        per_token_text(rates.output_usd_per_mtok),
                        per_token_text(read),
                        per_token_text(write),
                        None if hour is None else per_token_text(hour),
                    )
                )
    return rows


def _band_runs(
    level: PriceLevel, thresholds: Sequence[int]
) -> list[tuple[int, int, Rates, Tier | None]]:
    """Runs of consecutive bands (band n: more input than thresholds[n - 1] and no more than the
    next threshold) priced at the same tier of ``level``: (first, last, rates, tier)."""
    runs: list[tuple[int, int, Rates, Tier | None]] = []
    for band in range(len(thresholds) + 1):
        rates, tier = level.for_input(thresholds[band - 1] + 1 if band else 0)
        if runs and runs[-1][3] is tier:
            runs[-1] = (runs[-1][0], band, runs[-1][2], tier)
        else:
            runs.append((band, band, rates, tier))
    return runs
