"""The prices phase of the attribution: which price axes a request is grouped by (long-context
band, price period, time-of-day slot), and table ``prices``: each log model's exact per-token
rates in every (band, period, slot, variant) the logs use. See :mod:`ticketcost.attribution.query`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from ticketcost.attribution import readers
from ticketcost.attribution.prices import (
    Resolution,
    per_token_usd,
    price_in_period,
    resolve,
    slot_minute,
)
from ticketcost.attribution.sql import MONEY_SQL, sql_text
from ticketcost.pricing.model import VARIANTS, ModelPrice, PriceLevel
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


PRICE_COLUMNS = (
    ("log_model", "VARCHAR"), ("band", "INTEGER"), ("period", "INTEGER"), ("slot", "INTEGER"),
    ("variant", "VARCHAR"), ("inp", MONEY_SQL), ("outp", MONEY_SQL), ("readp", MONEY_SQL),
    ("writep", MONEY_SQL), ("write1hp", MONEY_SQL),
)  # fmt: skip


def load_prices(con: Connection, prices: PriceTable, axes: PriceAxes) -> dict[str, Resolution]:
    """Table ``prices``: per-token rates of each model name the logs use, per band, period and
    variant (batch, flex, priority; NULL for standard service).

    Each distinct name is resolved once, in Python; the result maps it to its price (None: no
    price known, so its requests are reported as unpriced, never priced as zero) and why.
    """
    names = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT model FROM gv WHERE problem IS NULL AND inside AND NOT given "
            "AND model IS NOT NULL ORDER BY 1"
        ).fetchall()
    ]
    resolved = {name: resolve(prices, name) for name in names}
    for name, found in resolved.items():  # the scan gave time slots only to matching names
        timed = found.price is not None and bool(found.price.time_of_day)
        if timed and not re.search(axes.timed_names, name):
            raise RuntimeError(f"{name} resolves to a time-priced model the scan missed")
    # the price periods the logs' dates fall in (a month of logs: one or two of them)
    periods = [int(r[0]) for r in con.execute("SELECT DISTINCT period FROM g").fetchall()]
    variants: set[str | None] = {None}
    if "variant" in readers.g_columns(con):
        variants = {
            r[0] for r in con.execute("SELECT DISTINCT variant FROM g WHERE NOT given").fetchall()
        }
    rows = [
        row
        for name, found in resolved.items()
        if found.price is not None
        for row in _price_rows(name, found, axes, variants, periods)
    ]
    # one statement from a VALUES list, every column cast (a column of NULLs has a type too): no
    # INSERT, so that the same SQL runs on Spark
    empty = "(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"
    typed = ", ".join(f"CAST({name} AS {kind}) AS {name}" for name, kind in PRICE_COLUMNS)
    con.execute(
        f"CREATE TEMP TABLE prices AS SELECT {typed} FROM (VALUES {', '.join(rows) or empty}) "
        f"AS v({', '.join(name for name, _ in PRICE_COLUMNS)})" + ("" if rows else " WHERE false")
    )
    return resolved


def _price_rows(
    name: str,
    found: Resolution,
    axes: PriceAxes,
    variants: set[str | None],
    periods: Sequence[int],
) -> list[str]:
    """SQL value rows of one model's rates in every (band, period, slot, variant) it has, of
    the periods and variants the logs use (None: standard service). A time-of-day window's rates
    replace the standard base rates of the current prices in its slots; tiers and variants keep
    theirs."""
    assert found.price is not None
    rows = []
    # only a model with time-of-day prices has lines in slots other than -1 (see the scan)
    timed = bool(found.price.time_of_day)
    slots = range(-1, len(axes.minutes) + 1) if timed else (-1,)
    for when, slot, variant in itertools.product(periods, slots, (None, *VARIANTS)):
        then = price_in_period(found.price, axes.changes, when)
        if variant not in variants or (variant is not None and variant not in dict(then.variants)):
            continue
        level = then.level(variant)
        minute = slot_minute(axes.minutes, slot)
        for number in range(len(axes.thresholds) + 1):
            # band n: more input than thresholds[n - 1] and no more than the next threshold
            rates, tier = level.for_input(axes.thresholds[number - 1] + 1 if number else 0)
            if variant is None and tier is None and minute is not None:
                rates = then.at_minute(minute)
            read = rates.cache_read_usd_per_mtok or rates.input_usd_per_mtok
            write = rates.cache_write_usd_per_mtok or rates.input_usd_per_mtok
            hour = rates.cache_write_1h_usd_per_mtok
            rows.append(
                f"({sql_text(name)}, {number}, {when}, {slot}, "
                f"{'NULL' if variant is None else sql_text(variant)}, "
                f"{per_token_usd(rates.input_usd_per_mtok)}, "
                f"{per_token_usd(rates.output_usd_per_mtok)}, {per_token_usd(read)}, "
                f"{per_token_usd(write)}, "
                f"{'NULL' if hour is None else per_token_usd(hour)})"
            )
    return rows
