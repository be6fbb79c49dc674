"""The attribution query, one named phase per function, in the order :func:`run` calls them.

1. :func:`scan` reads every log once into table ``g``: tokens and given costs summed per (file,
   problem, ticket, tenant, intent, queue, endpoint, prompt version, model, status, outcome, given,
   band, period). Bad lines keep their reason in ``problem`` and are counted, never priced.
2. :func:`load_prices` resolves each distinct model name once, in Python, into table ``prices``
   (exact per-token rates per band and period).
3. :func:`cost_requests` joins the two into view ``gc`` (one cost per group, statuses normalised).
4. :func:`ticket_table` sums ``gc`` per ticket into ``tk`` with the ticket's latest properties and
   whether it was resolved (outcome field or the outcomes file).
5. The readers (:func:`ticket_totals`, :func:`groups`, :func:`percentiles`, …) turn those tables
   into the values of :class:`~ticketcost.attribution.results.Attribution`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ticketcost import money
from ticketcost.attribution.connection import progress_polling
from ticketcost.attribution.prices import per_token_usd, price_in_period, resolve_log_model
from ticketcost.attribution.results import (
    Attribution,
    Group,
    PricedModel,
    TicketRow,
    Unpriced,
    VersionRow,
    per_resolved,
)
from ticketcost.attribution.skipped import refuse_unusable, skipped_lines
from ticketcost.attribution.sources import (
    LogSource,
    Options,
    SourceSql,
    csv_rejects,
    load_outcomes,
    source_sql,
)
from ticketcost.attribution.sql import MONEY_SQL, STATUS_SYNONYMS, TICKET_DIMENSIONS, sql_text
from ticketcost.pricing.model import ModelPrice
from ticketcost.pricing.table import PriceTable

if TYPE_CHECKING:
    import duckdb

_GROUP_KEYS = (
    "__file", "problem", "ticket_id", "tenant", "intent", "queue", "endpoint",
    "prompt_version", "model", "status", "outcome",
)  # fmt: skip


class PriceAxes(NamedTuple):
    """What of the price table the scan must know to price each request at its own tier and date."""

    thresholds: list[int]  # every long-context tier threshold, ascending: a request's "band"
    changes: list[dt.date]  # every recorded price change date, ascending: a request's "period"


def price_axes(prices: PriceTable) -> PriceAxes:
    thresholds = sorted({t.above_input_tokens for m in prices for t in m.tiers})
    changes = sorted(
        {h.effective_from for m in prices for h in m.history if h.effective_from}
        | {m.effective_from for m in prices if m.history and m.effective_from}
    )
    return PriceAxes(thresholds, changes)


def run(
    con: duckdb.DuckDBPyConnection,
    sources: Sequence[LogSource],
    prices: PriceTable,
    options: Options,
    progress: Callable[[float], None] | None,
    outcomes_read_path: Path | None = None,
) -> Attribution:
    """Attribute the logs in ``sources`` (phases in order; see the module docstring)."""
    built = [source_sql(con, src, options.fields, i) for i, src in enumerate(sources)]
    axes = price_axes(prices)
    scan(con, built, options, axes, progress)
    rejects = csv_rejects(con, sources)
    resolved_prices = load_prices(con, prices, axes)
    cost_requests(con)
    outcome_source, orphan_outcomes = ticket_table(con, options, outcomes_read_path)
    totals = ticket_totals(con)
    skipped = skipped_lines(con, built, rejects, options.examples)
    refuse_unusable(options, sources, totals.requests, skipped)
    given_cost, given_requests = given_totals(con)
    by = {spec: groups(con, list(spec), totals.cost) for spec in options.by}
    return Attribution(
        files=skipped.files,
        requests=totals.requests,
        tickets=totals.tickets,
        resolved=totals.resolved,
        cost_usd=totals.cost,
        given_cost_usd=given_cost,
        given_requests=given_requests,
        resolved_outcomes=options.resolved_outcomes,
        percentiles=percentiles(con) if totals.tickets else {},
        outcomes=groups(con, ["outcome"], totals.cost),
        statuses=groups(con, ["status"], totals.cost),
        top_tickets=top_tickets(con, options.top),
        top_tenants=groups(con, ["tenant"], totals.cost, limit=options.top),
        versions=versions(groups(con, ["prompt_version"], totals.cost)),
        groups=by,
        unpriced=unpriced(con),
        unpriced_tickets=totals.unpriced_tickets,
        priced_models=priced_models(con, resolved_prices),
        skipped=skipped.lines,
        skipped_reasons=skipped.reasons,
        bad_lines=skipped.bad_lines,
        multi_valued=totals.multi_valued,
        long_context=long_context(con, resolved_prices, axes),
        earlier_prices=earlier_prices(con, resolved_prices, axes),
        outcome_source=outcome_source,
        tickets_without_outcome=totals.without_outcome,
        outcomes_without_requests=orphan_outcomes,
        fields=options.fields,
    )


# ------------------------------------------------------------------------------ 1. the scan


def scan(
    con: duckdb.DuckDBPyConnection,
    built: Sequence[SourceSql],
    options: Options,
    axes: PriceAxes,
    progress: Callable[[float], None] | None,
) -> None:
    """Table ``g``: every source read once, validated, and summed per group key."""
    fields = options.fields
    union = " UNION ALL ".join(f"SELECT * FROM ({b.select})" for b in built)
    fresh = (
        "input_tokens - cache_read_tokens - cache_write_tokens"
        if fields.input_includes_cache
        else "input_tokens"
    )
    all_input = (
        "input_tokens"
        if fields.input_includes_cache
        else "input_tokens + cache_read_tokens + cache_write_tokens"
    )
    # A group is either all given-cost requests or all to-be-priced ones (``given`` is a key), so
    # every aggregate is a plain sum: FILTER clauses on a million rows cost a third of the scan.
    # Endpoint and queue split groups (or widen them) and are only kept when --by asks for them:
    # without endpoint a million-line log makes a quarter fewer groups and runs a fifth faster.
    wanted = {name for spec in options.by for name in spec}
    optional = [d for d in ("endpoint", "queue") if d not in wanted]
    # Long-context tiers bill a whole request by its own input size, so requests are grouped by
    # which tier thresholds (of any model in the price table) they pass: a small "band" number.
    band = " + ".join(f"({all_input} > {t})::INTEGER" for t in axes.thresholds) or "0"
    # Recorded price changes: a request is priced at the prices in force on its date. "period" n
    # counts the change dates on or before the request's day (no readable date: today's prices).
    day = "TRY_CAST(left(timestamp, 10) AS DATE)"
    passed = " + ".join(f"({day} >= DATE {sql_text(d.isoformat())})::INTEGER" for d in axes.changes)
    period = f"coalesce({passed}, {len(axes.changes)})" if axes.changes else "0"
    dims = ", ".join(k for k in _GROUP_KEYS if k not in optional)
    dims += f", cost_usd IS NOT NULL AS given, {band} AS band, {period} AS period"
    absent = "".join(f", NULL::VARCHAR AS {d}" for d in optional)
    with progress_polling(con, progress):
        con.execute(
            f"CREATE TEMP TABLE g AS SELECT *{absent} FROM (SELECT {dims}, count(*) AS requests, "
            "max(timestamp) AS last_ts, "
            f"sum({fresh}) AS fresh_tokens, sum(cache_read_tokens) AS read_tokens, "
            "sum(cache_write_tokens) AS write_tokens, sum(output_tokens) AS out_tokens, "
            f"sum({all_input}) AS all_input_tokens, "
            f"coalesce(sum(cost_usd), 0)::{MONEY_SQL} AS given_cost "
            f"FROM ({union}) GROUP BY ALL)"
        )
    if progress is not None:
        progress(1.0)


# ---------------------------------------------------------------------------- 2. the prices


def load_prices(
    con: duckdb.DuckDBPyConnection, prices: PriceTable, axes: PriceAxes
) -> dict[str, ModelPrice | None]:
    """Table ``prices``: per-token rates of each model name the logs use, per band and period.

    Each distinct name is resolved once, in Python; the result maps it to its price (None: no
    price known, so its requests are reported as unpriced, never priced as zero).
    """
    names = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT model FROM g WHERE problem IS NULL AND NOT given "
            "AND model IS NOT NULL ORDER BY 1"
        ).fetchall()
    ]
    resolved = {name: resolve_log_model(prices, name) for name in names}
    con.execute(
        f"CREATE TEMP TABLE prices (log_model VARCHAR, band INTEGER, period INTEGER, "
        f"inp {MONEY_SQL}, outp {MONEY_SQL}, readp {MONEY_SQL}, writep {MONEY_SQL})"
    )
    rows = [
        row
        for name, now in resolved.items()
        if now is not None
        for row in _price_rows(name, now, axes)
    ]
    if rows:
        con.execute(f"INSERT INTO prices VALUES {', '.join(rows)}")
    return resolved


def _price_rows(name: str, now: ModelPrice, axes: PriceAxes) -> list[str]:
    """SQL value rows of one model's rates in every (band, period)."""
    rows = []
    for when in range(len(axes.changes) + 1):
        then = price_in_period(now, axes.changes, when)
        for number in range(len(axes.thresholds) + 1):
            # band n: more input than thresholds[n - 1] and no more than the next threshold
            rates, _ = then.level().for_input(axes.thresholds[number - 1] + 1 if number else 0)
            read = rates.cache_read_usd_per_mtok or rates.input_usd_per_mtok
            write = rates.cache_write_usd_per_mtok or rates.input_usd_per_mtok
            rows.append(
                f"({sql_text(name)}, {number}, {when}, "
                f"{per_token_usd(rates.input_usd_per_mtok)}, "
                f"{per_token_usd(rates.output_usd_per_mtok)}, {per_token_usd(read)}, "
                f"{per_token_usd(write)})"
            )
    return rows


# ------------------------------------------------------------------------ 3. cost per group


def cost_requests(con: duckdb.DuckDBPyConnection) -> None:
    """View ``gc``: the good groups of ``g`` with their cost (given, or tokens × prices)."""
    status_cases = " ".join(
        f"WHEN lower(g.status) IN ({', '.join(sql_text(v) for v in values)}) THEN {sql_text(name)}"
        for name, values in STATUS_SYNONYMS.items()
    )
    con.execute(
        "CREATE TEMP VIEW gc AS SELECT g.* EXCLUDE (status, outcome), "
        f"CASE WHEN g.status IS NULL THEN 'ok' {status_cases} ELSE lower(g.status) END AS status, "
        "lower(g.outcome) AS outcome, coalesce(last_ts, '') AS last_seen, "
        "CASE WHEN given THEN 0 ELSE requests END AS priced_requests, "
        "CASE WHEN given THEN requests ELSE 0 END AS given_requests, "
        "CASE WHEN given THEN given_cost ELSE coalesce(fresh_tokens * inp + read_tokens * readp "
        f"+ write_tokens * writep + out_tokens * outp, 0) END::{MONEY_SQL} AS cost, "
        "(NOT given AND log_model IS NULL) AS unpriced, out_tokens AS all_output_tokens, "
        "CASE WHEN NOT given AND log_model IS NULL THEN requests ELSE 0 END AS unpriced_requests "
        "FROM g LEFT JOIN prices ON g.model = prices.log_model AND g.band = prices.band "
        "AND g.period = prices.period "
        "WHERE problem IS NULL"
    )


# ------------------------------------------------------------------------------ 4. tickets


def ticket_table(
    con: duckdb.DuckDBPyConnection, options: Options, outcomes_read_path: Path | None = None
) -> tuple[str, int]:
    """Table ``tk``: cost, requests and properties per ticket, and whether it was resolved.

    Returns where outcomes came from and how many outcomes name no ticket in the logs.
    """
    outcome_source = "the outcome field of the requests"
    orphans = 0
    if options.outcomes_file is not None:
        outcome_source, orphans = load_outcomes(con, options.outcomes_file, outcomes_read_path)

    # A ticket's tenant, intent, queue, prompt version and outcome are those of its latest request
    # that has one. Most tickets have one value, so take any and find the tickets with several by
    # comparing hashes (string min/max cost three times as much); only those look for the latest.
    def nonnull_hash(d: str, agg: str) -> str:
        return f"{agg}(hash({d})) FILTER (WHERE {d} IS NOT NULL)"

    attrs = ", ".join(
        f"any_value({d}) AS {d}, {nonnull_hash(d, 'min')} <> {nonnull_hash(d, 'max')} AS many_{d}"
        for d in TICKET_DIMENSIONS
    )
    con.execute(
        "CREATE TEMP TABLE tk AS SELECT ticket_id, sum(cost) AS cost, sum(requests) AS requests, "
        f"{attrs}, bool_or(unpriced) AS unpriced, sum(unpriced_requests) AS unpriced_requests, "
        "false AS resolved FROM gc GROUP BY ticket_id"
    )
    for d in TICKET_DIMENSIONS:
        con.execute(
            # latest first; on a tie (or no timestamps) the alphabetically last value, so that
            # the answer never depends on the order DuckDB happened to read the rows in
            f"UPDATE tk SET {d} = latest.value FROM (SELECT ticket_id, "
            f"arg_max({d}, last_seen || chr(1) || {d}) "
            f"AS value FROM gc WHERE {d} IS NOT NULL AND ticket_id IN (SELECT ticket_id FROM tk "
            f"WHERE many_{d}) GROUP BY ticket_id) latest WHERE tk.ticket_id = latest.ticket_id"
        )
    if options.outcomes_file is not None:
        con.execute(
            "UPDATE tk SET outcome = o.outcome FROM outcomes o WHERE tk.ticket_id = o.ticket_id"
        )
    resolved_list = ", ".join(sql_text(o) for o in options.resolved_outcomes)
    con.execute(f"UPDATE tk SET resolved = coalesce(outcome IN ({resolved_list}), false)")
    return outcome_source, orphans


# ------------------------------------------------------------------------------ 5. readers


class Totals(NamedTuple):
    tickets: int
    resolved: int
    cost: Decimal
    requests: int
    without_outcome: int
    unpriced_tickets: int
    multi_valued: dict[str, int]  # tickets whose requests carry more than one intent, tenant, ...


def ticket_totals(con: duckdb.DuckDBPyConnection) -> Totals:
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


def given_totals(con: duckdb.DuckDBPyConnection) -> tuple[Decimal, int]:
    """Cost and number of the requests whose log gave their cost (``cost_usd``)."""
    row = con.execute(
        "SELECT coalesce(sum(cost) FILTER (WHERE given), 0), coalesce(sum(given_requests), 0) "
        "FROM gc"
    ).fetchone()
    assert row is not None
    return Decimal(row[0]), int(row[1])


def _request_table(con: duckdb.DuckDBPyConnection) -> str:
    """Requests with their ticket's properties: built only for per-request breakdowns."""
    ticket_columns = ", ".join(f"tk.{d}" for d in TICKET_DIMENSIONS)
    con.execute(
        "CREATE TEMP TABLE IF NOT EXISTS gx AS SELECT gc.ticket_id, gc.model, gc.endpoint, "
        f"gc.status, gc.requests, gc.cost, gc.unpriced_requests, {ticket_columns}, "
        "tk.resolved FROM gc "
        "JOIN tk USING (ticket_id)"
    )
    return "gx"


def groups(
    con: duckdb.DuckDBPyConnection,
    columns: Sequence[str],
    total_cost: Decimal,
    limit: int | None = None,
) -> list[Group]:
    """Cost by ``columns``: from tickets when all are ticket-level, else from requests."""
    select = ", ".join(columns)
    if all(c in TICKET_DIMENSIONS for c in columns):
        counts = "count(*), count(*) FILTER (WHERE resolved)"
        table = "tk"
    elif list(columns) == ["status"]:  # tickets with such a request; resolution is not asked for
        counts = "count(DISTINCT ticket_id), 0"
        table = "gc"
    else:
        counts = "count(DISTINCT ticket_id), count(DISTINCT ticket_id) FILTER (WHERE resolved)"
        table = _request_table(con)
    query = (
        f"SELECT {select}, sum(requests), {counts}, sum(cost) AS cost, "
        f"sum(unpriced_requests) FROM {table} "
        f"GROUP BY ALL ORDER BY cost DESC, {select}" + (f" LIMIT {limit}" if limit else "")
    )
    found = []
    n = len(columns)
    for row in con.execute(query).fetchall():
        group_cost = Decimal(row[n + 3])
        found.append(
            Group(
                values=tuple(None if v is None else str(v) for v in row[:n]),
                requests=int(row[n]),
                tickets=int(row[n + 1]),
                resolved=int(row[n + 2]),
                cost_usd=group_cost,
                cost_per_resolved_usd=per_resolved(group_cost, int(row[n + 2])),
                share=money.divide(group_cost, total_cost) if total_cost else Decimal(0),
                unpriced=int(row[n + 4]),
            )
        )
    return found


def percentiles(con: duckdb.DuckDBPyConnection) -> dict[str, Decimal]:
    """Nearest-rank p50, p95, p99 and the maximum of cost per ticket."""
    row = con.execute("SELECT quantile_disc(cost, [0.5, 0.95, 0.99]), max(cost) FROM tk").fetchone()
    assert row is not None
    p50, p95, p99 = row[0]
    return {"p50": Decimal(p50), "p95": Decimal(p95), "p99": Decimal(p99), "max": Decimal(row[1])}


def top_tickets(con: duckdb.DuckDBPyConnection, top: int) -> list[TicketRow]:
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


def unpriced(con: duckdb.DuckDBPyConnection) -> list[Unpriced]:
    return [
        Unpriced(r[0], int(r[1]), int(r[2]), int(r[3]))
        for r in con.execute(
            "SELECT model, sum(priced_requests), sum(all_input_tokens), sum(all_output_tokens) "
            "FROM gc WHERE unpriced GROUP BY model ORDER BY 2 DESC, 1"
        ).fetchall()
    ]


def priced_models(
    con: duckdb.DuckDBPyConnection, resolved: dict[str, ModelPrice | None]
) -> list[PricedModel]:
    """Every model name priced from the tables, with the price used and its request count."""
    used = dict(
        con.execute(
            "SELECT model, sum(priced_requests) FROM gc WHERE NOT unpriced AND priced_requests > 0 "
            "GROUP BY model"
        ).fetchall()
    )
    return [
        PricedModel(name, price, int(used[name]))
        for name, price in resolved.items()
        if price is not None and name in used
    ]


def long_context(
    con: duckdb.DuckDBPyConnection, resolved: dict[str, ModelPrice | None], axes: PriceAxes
) -> list[tuple[str, int, int]]:
    """(model, its tier threshold passed, requests) for requests priced at a long-context tier."""
    reached: dict[tuple[str, int], int] = {}
    for model, number, count in con.execute(
        "SELECT model, band, sum(priced_requests) FROM gc WHERE band > 0 AND NOT unpriced "
        "AND priced_requests > 0 GROUP BY 1, 2"
    ).fetchall():
        found = resolved.get(str(model))
        tier = found.level().for_input(axes.thresholds[int(number) - 1] + 1)[1] if found else None
        if tier is not None:  # the band passes one of this model's own thresholds
            key = (str(model), tier.above_input_tokens)
            reached[key] = reached.get(key, 0) + int(count)
    return [(m, t, n) for (m, t), n in sorted(reached.items())]


def earlier_prices(
    con: duckdb.DuckDBPyConnection, resolved: dict[str, ModelPrice | None], axes: PriceAxes
) -> list[tuple[str, str | None, int]]:
    """(model, in force from, requests) for requests dated before a recorded price change."""
    earlier: list[tuple[str, str | None, int]] = []
    for model, when, count in con.execute(
        f"SELECT model, period, sum(priced_requests) FROM gc WHERE period < {len(axes.changes)} "
        "AND NOT unpriced AND priced_requests > 0 GROUP BY 1, 2 ORDER BY 1, 2"
    ).fetchall():
        latest = resolved.get(str(model))
        if latest is None:
            continue
        past = price_in_period(latest, axes.changes, int(when))
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
