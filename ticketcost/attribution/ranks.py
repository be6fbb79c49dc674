"""Nearest-rank percentiles of cost per ticket, exact, without sorting every ticket.

The p-th percentile of n ticket costs is the cost at rank ⌈p·n⌉ in ascending order (as DuckDB's
``quantile_disc``; Spark's ``percentile_disc`` answers in DOUBLE, so neither is used). Ranking
all n tickets in one ordered window is what Spark runs in a single partition; instead the tickets
are counted in bins of cost (one grouping, parallel on both engines), and only the few tickets of
the bin that holds a rank are put in order. A bin with more than :data:`SORT_LIMIT` tickets is
binned again within its own range of costs.

Exact because the bin of a cost never decreases as the cost grows (a floor of a division by a
positive step): the tickets of bins below a rank's bin are all cheaper, so the rank within its
bin is the rank minus their count, and a bin's tickets are exactly those costing between its
cheapest and its dearest.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from ticketcost.attribution.sql import MONEY_SQL, sql_text

if TYPE_CHECKING:
    from ticketcost.attribution.connection import Connection

PERCENTILES = {"p50": Decimal("0.5"), "p95": Decimal("0.95"), "p99": Decimal("0.99")}
BINS = 1024
SORT_LIMIT = 50_000  # tickets put in order at once; a bin with more is binned again
_WIDE = decimal.Context(prec=80)  # (costs have up to 38 digits; no rounding but the one asked)


def _money(value: Decimal) -> str:
    return f"CAST({sql_text(str(value))} AS {MONEY_SQL})"


def percentiles(con: Connection, table: str = "tk", portable: bool = False) -> dict[str, Decimal]:
    """p50, p95, p99 (nearest rank) and the maximum of the ``cost`` of ``table`` (not empty).

    ``portable``: the statements are kept as a script to run on other rows (``--emit-sql``), so
    they may not hold this run's counts and bounds: one query ranks every ticket instead."""
    if portable:
        return _in_one_window(con, table)
    row = con.execute(f"SELECT count(*), min(cost), max(cost) FROM {table}").fetchone()
    assert row is not None and row[0]
    n, lowest, highest = int(row[0]), Decimal(row[1]), Decimal(row[2])
    # each rank: the cheapest and dearest cost of the tickets it lies among, how many those are,
    # and its rank among them
    pending = {
        name: Span(lowest, highest, n, int((p * n).to_integral_value(decimal.ROUND_CEILING)))
        for name, p in PERCENTILES.items()
    }
    found: dict[str, Decimal] = {}
    while pending:
        ready: dict[str, Span] = {}
        for lo, hi in sorted({(s.lo, s.hi) for s in pending.values()}):
            bins = _bins(con, table, lo, hi)
            for name, span in pending.items():
                if (span.lo, span.hi) == (lo, hi):
                    ready[name] = _within(bins, span.rank)
        found |= {name: span.lo for name, span in ready.items() if span.lo == span.hi}
        small = {k: s for k, s in ready.items() if s.lo != s.hi and s.tickets <= SORT_LIMIT}
        found |= _in_order(con, table, small)
        pending = {k: s for k, s in ready.items() if s.lo != s.hi and s.tickets > SORT_LIMIT}
    return {**{name: found[name] for name in PERCENTILES}, "max": highest}


class Span(NamedTuple):
    lo: Decimal  # the cheapest ticket's cost
    hi: Decimal  # the dearest's
    tickets: int  # how many tickets cost from lo to hi
    rank: int  # the rank sought among them (1: the cheapest)


def _within(bins: list[Span], rank: int) -> Span:
    """The bin that holds ``rank`` (bins in order of cost), with the rank within it."""
    for found in bins:
        if rank <= found.tickets:
            return found._replace(rank=rank)
        rank -= found.tickets
    raise RuntimeError(f"rank {rank} past the last bin")  # (the bins count every ticket)


def _bins(con: Connection, table: str, lo: Decimal, hi: Decimal) -> list[Span]:
    """The non-empty bins of the tickets costing from ``lo`` to ``hi``, in order of cost: BINS
    bins of equal width (rounded up to the 18 decimals of the tables)."""
    step = _WIDE.divide(hi - lo, Decimal(BINS)).quantize(
        Decimal("1e-18"), rounding=decimal.ROUND_CEILING, context=_WIDE
    )
    number = "0"
    if step > 0:
        number = f"least(CAST(floor((cost - {_money(lo)}) / {_money(step)}) AS BIGINT), {BINS - 1})"
    rows = con.execute(
        f"SELECT {number} AS bin, count(*), min(cost), max(cost) FROM {table} "
        f"WHERE cost >= {_money(lo)} AND cost <= {_money(hi)} GROUP BY 1 ORDER BY 1"
    ).fetchall()
    return [Span(Decimal(low), Decimal(high), int(n), 0) for _, n, low, high in rows]


def _in_order(con: Connection, table: str, spans: dict[str, Span]) -> dict[str, Decimal]:
    """The cost at each span's rank, the spans' tickets put in order in one query."""
    if not spans:
        return {}
    ranges = sorted({(s.lo, s.hi) for s in spans.values()})
    parts = " UNION ALL ".join(
        f"SELECT {i} AS part, cost FROM {table} WHERE cost >= {_money(lo)} AND cost <= {_money(hi)}"
        for i, (lo, hi) in enumerate(ranges)
    )
    place = {name: (ranges.index((s.lo, s.hi)), s.rank) for name, s in spans.items()}
    picked = " OR ".join(f"(part = {part} AND rn = {rank})" for part, rank in set(place.values()))
    rows = con.execute(
        "SELECT part, rn, cost FROM (SELECT part, cost, row_number() OVER (PARTITION BY part "
        f"ORDER BY cost) AS rn FROM ({parts})) WHERE {picked}"
    ).fetchall()
    costs = {(int(part), int(rn)): Decimal(cost) for part, rn, cost in rows}
    return {name: costs[at] for name, at in place.items()}


def _in_one_window(con: Connection, table: str) -> dict[str, Decimal]:
    """The percentiles from every ticket ranked in one ordered window (any rows, one query)."""
    picked = ", ".join(
        f"max(CASE WHEN rn = CAST(ceil({p} * n) AS BIGINT) THEN cost END)"
        for p in PERCENTILES.values()
    )
    row = con.execute(
        f"SELECT {picked}, max(cost) FROM (SELECT cost, row_number() OVER (ORDER BY cost) AS rn, "
        f"count(*) OVER () AS n FROM {table})"
    ).fetchone()
    assert row is not None
    return dict(zip([*PERCENTILES, "max"], (Decimal(v) for v in row), strict=True))
