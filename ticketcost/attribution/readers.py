"""Readers of the attribution tables: totals, groups, the most expensive tickets,
prices used, unpriced requests with the reason, and notes (long-context tiers, earlier prices),
each turned into plain values of :class:`~ticketcost.attribution.results.Attribution`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from ticketcost import money
from ticketcost.attribution.prices import Resolution, price_in_period, slot_minute
from ticketcost.attribution.results import (
    Bin,
    Group,
    PricedModel,
    TicketRow,
    Unpriced,
    VersionRow,
    per_resolved,
)
from ticketcost.attribution.sql import STATUS_SYNONYMS, TICKET_DIMENSIONS, USED, sql_text
from ticketcost.pricing.model import ModelPrice

if TYPE_CHECKING:
    from ticketcost.attribution.connection import Connection
    from ticketcost.attribution.tally import Sets


class Totals(NamedTuple):
    tickets: int
    resolved: int
    cost: Decimal
    requests: int
    without_outcome: int
    unpriced_tickets: int
    multi_valued: dict[str, int]  # tickets whose requests carry more than one intent, tenant, ...


def ticket_totals(con: Connection) -> Totals:
    many = ", ".join(f"count(*) FILTER (WHERE many_{d})" for d in TICKET_DIMENSIONS)
    total = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE resolved), coalesce(sum(cost), 0), "
        "coalesce(sum(requests), 0), count(*) FILTER (WHERE outcome IS NULL), "
        f"count(*) FILTER (WHERE unpriced), {many} FROM tk"
    ).fetchone()
    assert total is not None
    return Totals(
        tickets=int(total[0]),
        resolved=int(total[1]),
        cost=Decimal(total[2]),
        requests=int(total[3]),
        without_outcome=int(total[4]),
        unpriced_tickets=int(total[5]),
        multi_valued={d: int(n) for d, n in zip(TICKET_DIMENSIONS, total[6:], strict=True)},
    )


def given_totals(con: Connection) -> tuple[Decimal, int]:
    """Cost and number of the requests whose log gave their cost (``cost_usd``)."""
    row = con.execute(
        "SELECT coalesce(sum(cost) FILTER (WHERE given), 0), "
        f"coalesce(sum(requests) FILTER (WHERE given), 0) FROM tc WHERE {USED}"
    ).fetchone()
    assert row is not None
    return Decimal(row[0]), int(row[1])


# the class rows of requests used (good lines inside --since/--until) and priced from the tables
# (not given a cost by their log), with a price
PRICED = f"{USED} AND NOT given AND NOT unpriced"


_TIME_COLUMN = {"week": "day", "month": "day"}  # the requests' column a time breakdown reads


def _request_rows(view: str, columns: Sequence[str]) -> str:
    """Per-ticket rows of a breakdown set with their ticket's properties (its latest values)."""
    own = ", ".join(
        f"r.{c}"
        for c in dict.fromkeys(_TIME_COLUMN.get(c, c) for c in columns)
        if c not in TICKET_DIMENSIONS
    )
    ticket_columns = ", ".join(f"tk.{d}" for d in TICKET_DIMENSIONS)
    return (
        f"(SELECT r.ticket_id, {own}, r.requests, r.cost, r.unpriced_requests, "
        f"{ticket_columns}, tk.resolved FROM {view} r JOIN tk ON tk.ticket_id = r.ticket_id)"
    )


_TIME_SQL = {
    "day": "day",
    "week": "strftime(date_trunc('week', day::DATE), '%Y-%m-%d') AS week",
    "month": "strftime(day::DATE, '%Y-%m') AS month",
}


def groups(
    con: Connection,
    columns: Sequence[str],
    total_cost: Decimal,
    sets: Sets,
    limit: int | None = None,
) -> list[Group]:
    """Cost by ``columns``: from tickets when all are ticket-level, else from the per-ticket
    rows of the tally's set for them. Groups by time (day, week starting Monday, month) come in
    time order, the others by cost."""
    select = ", ".join(_TIME_SQL.get(c, c) for c in columns)
    timed = any(c in _TIME_SQL for c in columns)
    if all(c in TICKET_DIMENSIONS for c in columns):
        counts = "count(*), count(*) FILTER (WHERE resolved)"
        table = "tk"
    elif list(columns) == ["status"]:
        return statuses(con, total_cost)
    else:
        counts = "count(DISTINCT ticket_id), count(DISTINCT ticket_id) FILTER (WHERE resolved)"
        table = _request_rows(sets.view_for(columns), columns)
    query = (
        f"SELECT {select}, sum(requests), {counts}, sum(cost) AS cost, "
        f"sum(unpriced_requests) FROM {table} "
        "GROUP BY ALL ORDER BY "
        + (", ".join(f"{c} NULLS LAST" for c in columns) if timed else f"cost DESC, {select}")
        + (f" LIMIT {limit}" if limit else "")
    )
    n = len(columns)
    found = []
    for row in con.execute(query).fetchall():
        requests, tickets, resolved, cost, unpriced = row[n:]
        values = tuple(None if v is None else str(v) for v in row[:n])
        found.append(_group(values, requests, tickets, resolved, cost, unpriced, total_cost))
    return found


def _group(
    values: tuple[str | None, ...],
    requests: Any,
    tickets: Any,
    resolved: Any,
    cost: Any,
    unpriced: Any,
    total_cost: Decimal,
) -> Group:
    """A row of a breakdown, from the engine's values (its share of ``total_cost``)."""
    group_cost = Decimal(cost)
    return Group(
        values=values,
        requests=int(requests),
        tickets=int(tickets),
        resolved=int(resolved),
        cost_usd=group_cost,
        cost_per_resolved_usd=per_resolved(group_cost, int(resolved)),
        share=money.divide(group_cost, total_cost) if total_cost else Decimal(0),
        unpriced=int(unpriced),
    )


def statuses(con: Connection, total_cost: Decimal) -> list[Group]:
    """Cost by request status, dearest first: requests, cost and unpriced requests from the class
    rows; the tickets with such a request (resolution is not asked for) from the flags of ``tk``
    for ok, error, retry and fallback, else from the rows of ``tt``, where a ticket may have a
    few. (Three small queries: on Spark, one joining them costs seconds.)"""
    flags = con.execute(
        "SELECT "
        + ", ".join(f"count(*) FILTER (WHERE has_{s})" for s in STATUS_SYNONYMS)
        + " FROM tk"
    ).fetchone()
    tickets = dict(zip(STATUS_SYNONYMS, flags or (), strict=True))
    names = ", ".join(sql_text(s) for s in STATUS_SYNONYMS)
    tickets |= dict(
        con.execute(
            "SELECT other_status, count(DISTINCT ticket_id) FROM tt "
            f"WHERE other_status NOT IN ({names}) GROUP BY other_status"
        ).fetchall()
    )
    rows = con.execute(
        "SELECT status, sum(requests), sum(cost), sum(unpriced_requests) FROM tc "
        f"WHERE {USED} GROUP BY status"
    ).fetchall()
    found = [
        _group((str(status),), requests, tickets.get(status, 0), 0, cost, unpriced, total_cost)
        for status, requests, cost, unpriced in rows
    ]
    return sorted(found, key=lambda g: (-g.cost_usd, g.values))


HISTOGRAM_BINS = 24


def histogram(con: Connection, bins: int = HISTOGRAM_BINS) -> list[Bin]:
    """Tickets by cost per ticket in ``bins`` equal bins from $0 to the dearest ticket (the last
    bin holds the maximum). Bin edges are rounded up to 18 decimals, the tables' scale."""
    row = con.execute("SELECT max(cost) FROM tk").fetchone()
    largest = Decimal(row[0]) if row and row[0] is not None else Decimal(0)
    if largest <= 0:
        count = con.execute("SELECT count(*) FROM tk").fetchone()
        return [Bin(Decimal(0), Decimal(0), int(count[0]) if count else 0)]
    step = (largest / bins).quantize(Decimal("1e-18"), rounding="ROUND_CEILING")
    counts = dict(
        con.execute(
            f"SELECT least(CAST(floor(cost / {step}) AS BIGINT), {bins - 1}), count(*) "
            "FROM tk GROUP BY 1"
        ).fetchall()
    )
    return [Bin(step * i, step * (i + 1), int(counts.get(i, 0))) for i in range(bins)]


def top_tickets(con: Connection, top: int) -> list[TicketRow]:
    return [
        TicketRow(str(r[0]), r[1], r[2], r[3], int(r[4]), Decimal(r[5]))
        for r in con.execute(
            "SELECT ticket_id, tenant, intent, outcome, requests, cost FROM tk "
            f"ORDER BY cost DESC, ticket_id LIMIT {int(top)}"
        ).fetchall()
    ]


def versions(by_version: Sequence[Group]) -> list[VersionRow]:
    """Prompt versions in natural order, each against the previous one that resolved tickets."""
    rows = []
    previous: Decimal | None = None
    for group in sorted(by_version, key=lambda g: natural_key(g.values[0])):
        current = group.cost_per_resolved_usd
        change = ratio = None
        if previous is not None and current is not None:
            change = money.subtract(current, previous)
            ratio = money.divide(change, previous) if previous else None
        rows.append(VersionRow(group, change, ratio))
        if current is not None:
            previous = current
    return rows


def unpriced(con: Connection, resolved: dict[str, Resolution]) -> list[Unpriced]:
    """Requests with tokens and no price, by model and variant, with the reason."""
    found = []
    for model, variant, hour, requests, inp, out in con.execute(
        "SELECT model, variant, bool_or(has_1h AND rated), sum(requests), sum(unpriced_input), "
        "sum(unpriced_output) FROM tc "
        "WHERE unpriced GROUP BY model, variant ORDER BY 4 DESC, 1, 2"
    ).fetchall():
        found.append(
            Unpriced(
                model,
                int(requests),
                int(inp),
                int(out),
                _why(model, variant, hour, resolved),
                variant,
            )
        )
    return found


def _why(
    model: str | None, variant: str | None, hour: bool, resolved: dict[str, Resolution]
) -> str:
    if model is None:
        return "no model named"
    resolution = resolved.get(model)
    if resolution is None or resolution.price is None:
        return (resolution.reason if resolution else None) or "no price for this model in the data"
    price = resolution.price
    if hour:
        return f"no 1-hour cache-write price for {price.id}{f' ({variant})' if variant else ''}"
    offered = dict(price.variants)
    if variant is not None and variant not in offered:
        known = ", ".join(offered) or "none"
        return f"no {variant} price for {price.id} (variants in the data: {known})"
    return "no price for this model in the data"


def unpriced_only_tickets(con: Connection, top: int) -> tuple[int, list[str]]:
    """Tickets none of whose requests could be priced (left out of the resolved count)."""
    row = con.execute("SELECT count(*) FROM tk WHERE only_unpriced").fetchone()
    names = [
        str(r[0])
        for r in con.execute(
            f"SELECT ticket_id FROM tk WHERE only_unpriced ORDER BY ticket_id LIMIT {int(top)}"
        ).fetchall()
    ]
    return (int(row[0]) if row else 0), names


def undated(con: Connection) -> int:
    """Requests priced from the tables with no readable date (priced at today's prices); 0 when
    no date was needed (no recorded price change, no time breakdown)."""
    row = con.execute(
        f"SELECT coalesce(sum(requests), 0) FROM tc WHERE {USED} AND undated AND NOT given"
    ).fetchone()
    return int(row[0]) if row else 0


def g_columns(con: Connection) -> set[str]:
    """The columns the scan made (the optional ones only when some file maps them)."""
    return set(columns(con, "g"))


def columns(con: Connection, table: str) -> list[str]:
    """The columns of ``table``, in order."""
    return [str(r[0]) for r in con.execute(f"DESCRIBE {table}").fetchall()]


def priced_models(con: Connection, resolved: dict[str, ModelPrice | None]) -> list[PricedModel]:
    """Every model name priced from the tables, with the price used (its service tier or Batch
    rates when the requests asked for one), the requests, and whether 1-hour writes were priced."""
    found = []
    for model, variant, count, hour in con.execute(
        f"SELECT model, variant, sum(requests), bool_or(has_1h) FROM tc WHERE {PRICED} "
        "GROUP BY model, variant HAVING sum(requests) > 0 ORDER BY 1, 2 NULLS FIRST"
    ).fetchall():
        price = resolved.get(str(model))
        if price is not None:
            found.append(
                PricedModel(str(model), price.with_variant(variant), int(count), bool(hour))
            )
    return found


def long_context(
    con: Connection, resolved: dict[str, ModelPrice | None], thresholds: list[int]
) -> list[tuple[str, int, int]]:
    """(model, its tier threshold passed, requests) for requests priced at a long-context tier."""
    reached: dict[tuple[str, int], int] = {}
    for model, number, count in con.execute(
        f"SELECT model, band, sum(requests) FROM tc WHERE band > 0 AND {PRICED} GROUP BY 1, 2 "
        "HAVING sum(requests) > 0"
    ).fetchall():
        found = resolved.get(str(model))
        tier = found.level().for_input(thresholds[int(number) - 1] + 1)[1] if found else None
        if tier is not None:  # the band passes one of this model's own thresholds
            key = (str(model), tier.above_input_tokens)
            reached[key] = reached.get(key, 0) + int(count)
    return [(m, t, n) for (m, t), n in sorted(reached.items())]


def earlier_prices(
    con: Connection, resolved: dict[str, ModelPrice | None], changes: list[dt.date]
) -> list[tuple[str, str | None, int]]:
    """(model, in force from, requests) for requests dated before a recorded price change."""
    earlier: list[tuple[str, str | None, int]] = []
    for model, when, count in con.execute(
        f"SELECT model, period, sum(requests) FROM tc WHERE period < {len(changes)} AND {PRICED} "
        "GROUP BY 1, 2 HAVING sum(requests) > 0 ORDER BY 1, 2"
    ).fetchall():
        latest = resolved.get(str(model))
        if latest is None:
            continue
        past = price_in_period(latest, changes, int(when))
        if past is not latest:  # this model's price did change since then
            since = past.effective_from.isoformat() if past.effective_from else None
            earlier.append((str(model), since, int(count)))
    return earlier


def natural_key(text: str | None) -> tuple[int, list[tuple[int, int | str]]]:
    """Sort key: numbers inside names compare as numbers (v9 < v10); None sorts last."""
    if text is None:
        return (1, [])
    parts = re.findall(r"\d+|\D+", text)
    return (0, [(0, int(p)) if p.isdigit() else (1, p) for p in parts])


def time_of_day(
    con: Connection,
    resolved: dict[str, ModelPrice | None],
    minutes: Sequence[int],
    changes: Sequence[dt.date],
    thresholds: Sequence[int] = (),
) -> list[tuple[str, str, int]]:
    """(model, window, requests) for requests priced at a time-of-day window's rates (standard
    service, on a date the model's prices had the window, below its own long-context tiers)."""
    if not minutes:
        return []
    counted: dict[tuple[str, str], int] = {}
    for model, slot, band, period, count in con.execute(
        f"SELECT model, slot, band, period, sum(requests) FROM tc WHERE slot >= 0 "
        f"AND variant IS NULL AND {PRICED} GROUP BY 1, 2, 3, 4 HAVING sum(requests) > 0"
    ).fetchall():
        current = resolved.get(str(model))
        minute = slot_minute(minutes, int(slot))
        if current is None or minute is None:
            continue
        found = price_in_period(current, changes, int(period))
        # band n: more input than thresholds[n - 1] (of any model); past one of this model's
        # own tiers, the tier's rates apply, not the window's
        passed = thresholds[int(band) - 1] if int(band) else 0
        if any(t.above_input_tokens < passed + 1 for t in found.tiers):
            continue
        window = next((w for w in found.time_of_day if w.covers(minute)), None)
        if window is not None:
            key = (str(model), window.label)
            counted[key] = counted.get(key, 0) + int(count)
    return [(m, w, n) for (m, w), n in sorted(counted.items())]
