"""The attribution query, one named phase per function, in the order :func:`run` calls them.

Every statement is DuckDB SQL that also runs on Spark once rendered (:mod:`.dialect`): tables are
made from SELECTs, never updated in place, and a name keeps one meaning.

1. :func:`scan` reads every log once into table ``g_scan`` (read through view ``g``): tokens and
   given costs summed per (file, problem, ticket, tenant, intent, queue, endpoint, prompt
   version, model, status, outcome, request id, variant, given, band, period, time-of-day
   slot). Bad lines keep their reason in ``problem`` and are counted, never priced. Each line's
   tokens are read by its own rules (whether its input counts cache reads and writes; 1-hour
   cache writes; its service tier or Batch).
2. :func:`deduplicate` keeps one copy of each request id seen more than once (the same export
   given twice, or as CSV and JSONL), counts the copies, and points ``g`` at the result.
3. :func:`~ticketcost.attribution.rates.load_prices` resolves each distinct model name once, in
   Python, into table ``prices`` (exact per-token rates per band, period, slot and variant).
4. :func:`cost_requests` joins the two into view ``gc`` (one cost per group, statuses normalised).
5. :func:`ticket_table` sums ``gc`` per ticket into ``tk`` with the ticket's latest properties and
   whether it was resolved (outcome field or the outcomes file; never a ticket none of whose
   requests could be priced).
6. The readers (:mod:`.readers`) turn those tables into the values of
   :class:`~ticketcost.attribution.results.Attribution`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ticketcost.attribution import readers
from ticketcost.attribution.connection import progress_polling
from ticketcost.attribution.fields import TIME_DIMENSIONS, CacheRule, Preset
from ticketcost.attribution.lines import csv_rejects
from ticketcost.attribution.rates import PriceAxes, load_prices, price_axes
from ticketcost.attribution.results import Attribution, Duplicates, Window
from ticketcost.attribution.scans import Plan, SourceSql, source_sql
from ticketcost.attribution.skipped import refuse_unusable, skipped_lines
from ticketcost.attribution.sources import LogSource, Options, load_outcomes
from ticketcost.attribution.sql import (
    MONEY_SQL,
    TICKET_DIMENSIONS,
    day_sql,
    normal_status,
    sql_text,
    time_of_day_sql,
    timestamp_sql,
)
from ticketcost.pricing.table import PriceTable

if TYPE_CHECKING:
    from ticketcost.attribution.connection import Connection

_GROUP_KEYS = (
    "__file", "problem", "ticket_id", "tenant", "intent", "queue", "endpoint",
    "prompt_version", "model", "status", "outcome",
)  # fmt: skip
LANGFUSE_HINT = (
    "Langfuse observations name a trace, not a session: give the traces export beside them "
    "(its sessionId is the ticket), or `field` ticket_id=traceId"
)
# Service tiers billed at the standard rates (OpenAI's default and scale, Anthropic's standard)
STANDARD_TIERS = ("default", "standard", "auto", "scale", "on_demand", "standard_only")


def run(
    con: Connection,
    plans: Sequence[Plan],
    traces: Sequence[LogSource],
    prices: PriceTable,
    options: Options,
    progress: Callable[[float], None] | None,
    outcomes_read_path: Path | None = None,
) -> Attribution:
    """Attribute the logs of ``plans`` (phases in order; see the module docstring)."""
    built = [
        source_sql(con, p.source, p.fields, i, p.layout, p.found, traces, p.names)
        for i, p in enumerate(plans)
    ]
    sources = [p.source for p in plans]
    axes = price_axes(prices)
    window = scan(con, built, options, axes, progress)
    duplicates = deduplicate(con)
    rejects = csv_rejects(con, sources)
    resolved_prices = load_prices(con, prices, axes)
    cost_requests(con)
    outcome_source, orphan_outcomes = ticket_table(con, options, outcomes_read_path)
    totals = readers.ticket_totals(con)
    skipped = skipped_lines(con, built, rejects, options.examples, duplicates, plans)
    lone = any(p.found.preset is Preset.LANGFUSE for p in plans) and not traces
    hint = LANGFUSE_HINT if lone else None
    refuse_unusable(options, sources, totals.requests, skipped, window, hint)
    given_cost, given_requests = readers.given_totals(con)
    by = {spec: readers.groups(con, list(spec), totals.cost) for spec in options.by}
    priced = {name: r.price for name, r in resolved_prices.items()}
    return Attribution(
        files=skipped.files,
        requests=totals.requests,
        tickets=totals.tickets,
        resolved=totals.resolved,
        cost_usd=totals.cost,
        given_cost_usd=given_cost,
        given_requests=given_requests,
        resolved_outcomes=options.resolved_outcomes,
        percentiles=readers.percentiles(con) if totals.tickets else {},
        outcomes=readers.groups(con, ["outcome"], totals.cost),
        statuses=readers.groups(con, ["status"], totals.cost),
        top_tickets=readers.top_tickets(con, options.top),
        top_tenants=readers.groups(con, ["tenant"], totals.cost, limit=options.top),
        versions=readers.versions(readers.groups(con, ["prompt_version"], totals.cost)),
        groups=by,
        unpriced=readers.unpriced(con, resolved_prices),
        unpriced_tickets=totals.unpriced_tickets,
        unpriced_only_tickets=readers.unpriced_only_tickets(con, options.top),
        priced_models=readers.priced_models(con, priced),
        skipped=skipped.lines,
        skipped_reasons=skipped.reasons,
        bad_lines=skipped.bad_lines,
        multi_valued=totals.multi_valued,
        long_context=readers.long_context(con, priced, axes.thresholds),
        earlier_prices=readers.earlier_prices(con, priced, axes.changes),
        time_of_day=readers.time_of_day(con, priced, axes.minutes, axes.changes, axes.thresholds),
        outcome_source=outcome_source,
        tickets_without_outcome=totals.without_outcome,
        outcomes_without_requests=orphan_outcomes,
        fields=[b.fields for b in built],
        duplicates=duplicates,
        window=window,
        undated=readers.undated(con),
        other_records=skipped.other,
        histogram=readers.histogram(con) if totals.tickets else [],
    )


# ------------------------------------------------------------------------------ 1. the scan


def scan(
    con: Connection,
    built: Sequence[SourceSql],
    options: Options,
    axes: PriceAxes,
    progress: Callable[[float], None] | None,
) -> Window:
    """Table ``g``: every source read once, validated, and summed per group key."""
    union = " UNION ALL ".join(f"SELECT * FROM ({b.select})" for b in built)
    # A group is either all given-cost requests or all to-be-priced ones (``given`` is a key), so
    # every aggregate is a plain sum: FILTER clauses on a million rows cost a third of the scan.
    # Endpoint and queue split groups (or widen them) and are only kept when --by asks for them:
    # without endpoint a million-line log makes a quarter fewer groups and runs a fifth faster.
    wanted = {name for spec in options.by for name in spec}
    optional = [d for d in ("endpoint", "queue") if d not in wanted]
    fresh, all_input = _input_sql({b.fields.cache_rule for b in built})
    # Long-context tiers bill a whole request by its own input size, so requests are grouped by
    # which tier thresholds (of any model in the price table) they pass: a small "band" number.
    band = " + ".join(f"(__all_in > {t})::INTEGER" for t in axes.thresholds) or "0"
    # Recorded price changes: a request is priced at the prices in force on its date. "period" n
    # counts the change dates on or before the request's day (no readable date: today's prices).
    windowed = options.since is not None or options.until is not None
    by_time = bool(wanted & set(TIME_DIMENSIONS))
    dated = bool(axes.changes) or by_time or windowed or bool(axes.minutes)
    day = "__day"
    passed = " + ".join(f"({day} >= DATE {sql_text(d.isoformat())})::INTEGER" for d in axes.changes)
    period = f"coalesce({passed}, {len(axes.changes)})" if axes.changes else "0"
    mapped = {name for b in built for name, paths in b.fields.paths.items() if paths}
    if "request_id" in mapped and not _repeats(con, built, union):
        mapped.discard("request_id")  # no id seen twice: no group per request needed
    keys = [k for k in _GROUP_KEYS if k not in optional]
    keys += ["cost_usd IS NOT NULL AS given", f"{band} AS band", f"{period} AS period"]
    if axes.minutes:  # prices by time of day: which window edges the request's time passes,
        # worked out only for the lines of a model with such prices (-1: the base rates)
        passed_edges = " + ".join(f"(__tod >= {m})::INTEGER" for m in axes.minutes)
        keys.append(
            f"CASE WHEN __tod IS NULL THEN -1 ELSE {passed_edges} END AS slot"
        )  # __tod is NULL on the lines of other models
    sums = [
        "count(*) AS requests", "max(timestamp) AS last_ts", "sum(__fresh) AS fresh_tokens",
        "sum(cache_read_tokens) AS read_tokens", "sum(output_tokens) AS out_tokens",
        f"coalesce(sum(cost_usd), 0)::{MONEY_SQL} AS given_cost",
    ]  # fmt: skip
    # Columns most logs do not need are made only when a file maps them (or a flag asks); the
    # view gv gives the others as constants: narrower groups keep every later phase fast.
    _optional_columns(mapped, keys, sums)
    if dated:
        keys.append("(__day IS NULL) AS undated")
    if by_time:
        keys.append(f"strftime({day}, '%Y-%m-%d') AS day")
    inside, outside = _window(options)
    if outside:
        keys.append(f"{inside} AS inside")
    stamp = timestamp_sql("timestamp") if windowed else "NULL::TIMESTAMP"
    if windowed:
        dated_day = "CAST(__ts AS DATE)"
    else:
        dated_day = day_sql("timestamp") if dated else "NULL::DATE"
    tod = "NULL::INTEGER"
    if axes.minutes:
        timed = f"regexp_matches(model, {sql_text(axes.timed_names)})"
        tod = f"CASE WHEN {timed} THEN {time_of_day_sql('timestamp')} END"
    lines = (
        f"SELECT *, {dated_day} AS __day, {tod} AS __tod, {all_input} AS __all_in, "
        f"{fresh} AS __fresh FROM (SELECT *, {stamp} AS __ts FROM ({union}))"
    )
    # OTLP batches are read as nested lists of spans: a thread's share of them takes more than
    # half the memory limit, so they are read on one thread
    nested = any(b.fields.preset is Preset.OTLP for b in built)
    if nested:
        con.execute("SET threads = 1")
    with progress_polling(con, progress):
        con.execute(
            f"CREATE TEMP TABLE g_scan AS SELECT {', '.join(keys)}, {', '.join(sums)} "
            f"FROM ({lines}) GROUP BY ALL"
        )
    # g is a view: the duplicates phase points it at a copy without repeats (no DROP, no
    # rename: a name keeps one meaning, as a Spark script resolves views by name)
    con.execute("CREATE OR REPLACE TEMP VIEW g AS SELECT * FROM g_scan")
    if nested:
        con.execute("RESET threads")
    group_view(con)
    if progress is not None:
        progress(1.0)
    found = Window(options.since, options.until, 0, 0)
    if outside:
        row = con.execute(
            "SELECT coalesce(sum(requests) FILTER (WHERE NOT inside AND NOT undated), 0), "
            "coalesce(sum(requests) FILTER (WHERE NOT inside AND undated), 0) FROM gv "
            "WHERE problem IS NULL"
        ).fetchone()
        assert row is not None
        found = Window(options.since, options.until, int(row[0]), int(row[1]))
    return found


# The columns of g that the scan makes only when needed, and what the view gv shows without them
OPTIONAL_COLUMNS = {
    "endpoint": "NULL::VARCHAR", "queue": "NULL::VARCHAR", "variant": "NULL::VARCHAR",
    "request_id": "NULL::VARCHAR", "usage_key": "NULL::UBIGINT", "write_1h_tokens": "0::HUGEINT",
    "undated": "false", "day": "NULL::VARCHAR", "inside": "true", "slot": "-1",
}  # fmt: skip


def group_view(con: Connection) -> None:
    """View gv: table g with the optional columns it lacks as constants."""
    present = readers.g_columns(con)
    extra = "".join(f", {v} AS {k}" for k, v in OPTIONAL_COLUMNS.items() if k not in present)
    # a request's whole input is its fresh input, cache reads and writes, whichever way its log
    # counts them (see _input_sql): derived here rather than summed in the scan
    hour = "write_1h_tokens" if "write_1h_tokens" in present else "0"
    extra += f", fresh_tokens + read_tokens + write_tokens + {hour} AS all_input_tokens"
    con.execute(f"CREATE OR REPLACE TEMP VIEW gv AS SELECT *{extra} FROM g")


def _optional_columns(mapped: set[str], keys: list[str], sums: list[str]) -> None:
    """Group keys and sums for the fields some file maps (service tier, request id, 1-hour cache
    writes); :func:`group_view` stands in for the others."""
    if "service_tier" in mapped:
        low = "lower(service_tier)"
        standard = ", ".join(sql_text(t) for t in STANDARD_TIERS)
        keys.append(
            f"CASE WHEN service_tier IS NULL OR {low} IN ({standard}) THEN NULL ELSE {low} END "
            "AS variant"
        )
    if "request_id" in mapped:  # identical copies of one request group together
        keys += [
            "request_id",
            "CASE WHEN request_id IS NOT NULL THEN hash(input_tokens, output_tokens, "
            "cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, cost_usd) END "
            "AS usage_key",
        ]
        # one copy's given cost, for a group of identical copies reduced to one request (an
        # exact value: DuckDB divides a DECIMAL in DOUBLE)
        sums.append("max(cost_usd) AS copy_cost")
    if "cache_write_1h_tokens" in mapped:
        sums += [
            "sum(cache_write_tokens - cache_write_1h_tokens) AS write_tokens",
            "sum(cache_write_1h_tokens) AS write_1h_tokens",
        ]
    else:
        sums.append("sum(cache_write_tokens) AS write_tokens")


def _input_sql(rules: set[CacheRule]) -> tuple[str, str]:
    """SQL for a line's fresh (uncached) input and its whole input, by the files' cache rules:
    plain arithmetic when every file reads alike (no per-line CASE), else by ``__incl``."""
    with_cache = "input_tokens + cache_read_tokens + cache_write_tokens"
    without_cache = "input_tokens - cache_read_tokens - cache_write_tokens"
    if rules == {CacheRule.INCLUDES}:
        return without_cache, "input_tokens"
    if rules == {CacheRule.EXCLUDES}:
        return "input_tokens", with_cache
    return (
        f"CASE WHEN __incl THEN {without_cache} ELSE input_tokens END",
        f"CASE WHEN __incl THEN input_tokens ELSE {with_cache} END",
    )


def _repeats(con: Connection, built: Sequence[SourceSql], union: str) -> bool:
    """Whether some request id may occur more than once: one quick pass that reads only the ids
    (a fifth of a full scan), so that logs without repeats are not grouped per request. OTLP
    batches cost as much to read for their ids as in full: they are grouped per span."""
    if any(b.fields.preset is Preset.OTLP for b in built):
        return True
    row = con.execute(
        f"SELECT count(*) FROM (SELECT request_id FROM ({union}) WHERE request_id IS NOT NULL "
        "GROUP BY 1 HAVING count(*) > 1)"
    ).fetchone()
    return bool(row and row[0])


def _utc(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")


def _window(options: Options) -> tuple[str, bool]:
    """SQL telling whether a request is inside --since/--until, and whether a window is set."""
    tests = []
    if options.since is not None:
        tests.append(f"__ts >= TIMESTAMP {sql_text(_utc(options.since))}")
    if options.until is not None:
        tests.append(f"__ts < TIMESTAMP {sql_text(_utc(options.until))}")
    if not tests:
        return "true", False
    return f"coalesce({' AND '.join(tests)}, false)", True


# ------------------------------------------------------------------------ 2. duplicates

_TOKEN_SUMS = (
    "fresh_tokens", "read_tokens", "write_tokens", "write_1h_tokens", "out_tokens",
)  # fmt: skip


def deduplicate(con: Connection) -> Duplicates:
    """Keep one copy of each request id: the first file's (files in the order given); copies
    within one file are one group already (``usage_key``), reduced to one request."""
    if "request_id" not in readers.g_columns(con):
        return Duplicates(0, 0, {})
    # the ids seen more than once (one pass; usually none, and then nothing more to do)
    con.execute(
        "CREATE TEMP TABLE seen_twice AS SELECT request_id FROM g_scan WHERE problem IS NULL AND "
        "request_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1 OR sum(requests) > 1"
    )
    found = con.execute("SELECT count(*) FROM seen_twice").fetchone()
    if not found or not found[0]:
        return Duplicates(0, 0, {})
    con.execute(
        "CREATE TEMP TABLE dup AS SELECT request_id, __file, requests, usage_key, row_number() "
        "OVER (PARTITION BY request_id ORDER BY __file::INTEGER, fresh_tokens, read_tokens, "
        "write_tokens, out_tokens, given_cost, usage_key) AS copy FROM g_scan "
        "WHERE problem IS NULL AND request_id IN (SELECT request_id FROM seen_twice)"
    )
    per_file = {
        int(f): int(n)
        for f, n in con.execute(
            "SELECT __file, sum(CASE WHEN copy = 1 THEN requests - 1 ELSE requests END) FROM dup "
            "GROUP BY 1 HAVING sum(CASE WHEN copy = 1 THEN requests - 1 ELSE requests END) > 0"
        ).fetchall()
    }
    differing = con.execute(
        "SELECT count(*) FROM (SELECT request_id FROM dup GROUP BY 1 "
        "HAVING count(DISTINCT usage_key) > 1)"
    ).fetchone()
    if not per_file:
        return Duplicates(0, 0, {})
    # g again without the extra copies and with repeated groups reduced to one request: a new
    # table, not DELETE and UPDATE, so that the same SQL runs on Spark
    one = "g.problem IS NULL AND g.request_id IS NOT NULL AND g.requests > 1"
    kept = []
    for c in readers.columns(con, "g"):
        if c in _TOKEN_SUMS:
            kept.append(f"CASE WHEN {one} THEN g.{c} // g.requests ELSE g.{c} END AS {c}")
        elif c == "given_cost":
            kept.append(
                f"CASE WHEN {one} THEN coalesce(g.copy_cost, 0)::{MONEY_SQL} "
                f"ELSE g.given_cost END AS given_cost"
            )
        elif c == "requests":
            kept.append(f"CASE WHEN {one} THEN 1 ELSE g.requests END AS requests")
        else:
            kept.append(f"g.{c}")
    con.execute(
        f"CREATE TEMP TABLE g_once AS SELECT {', '.join(kept)} FROM g_scan g LEFT JOIN "
        "(SELECT request_id, __file, usage_key FROM dup WHERE copy > 1) d ON g.problem IS NULL "
        "AND g.request_id = d.request_id AND g.__file = d.__file AND g.usage_key = d.usage_key "
        "WHERE d.request_id IS NULL"
    )
    con.execute("CREATE OR REPLACE TEMP VIEW g AS SELECT * FROM g_once")
    group_view(con)
    return Duplicates(sum(per_file.values()), int(differing[0]) if differing else 0, per_file)


# ------------------------------------------------------------------------ 4. cost per group


def cost_requests(con: Connection) -> None:
    """View ``gc``: the good groups of ``g`` with their cost (given, or tokens × prices).

    A group is unpriced when its model, variant or 1-hour write price is unknown and it has
    tokens to price; a failed request with no usage costs $0 whatever its model. Statuses are
    normalised once per distinct value (the view is read many times).
    """
    columns = readers.g_columns(con)
    hour = "write_1h_tokens" in columns
    no_rate = (
        "(inp IS NULL OR (write_1h_tokens > 0 AND write1hp IS NULL))" if hour else "inp IS NULL"
    )
    missing = f"(NOT given AND (all_input_tokens + out_tokens) > 0 AND {no_rate})"
    hour_cost = "+ coalesce(write_1h_tokens * write1hp, 0) " if hour else ""
    variant = "AND g.variant IS NOT DISTINCT FROM prices.variant" if "variant" in columns else ""
    statuses = con.execute(
        f"SELECT status, {normal_status('status')} FROM (SELECT DISTINCT status FROM g "
        "WHERE status IS NOT NULL)"
    ).fetchall()
    status = (
        "CASE g.status "
        + " ".join(f"WHEN {sql_text(raw)} THEN {sql_text(norm)}" for raw, norm in statuses)
        + " ELSE 'ok' END"
        if statuses
        else "'ok'"
    )
    kept = ", ".join(f"g.{c}" for c in readers.columns(con, "gv") if c not in ("status", "outcome"))
    con.execute(
        f"CREATE TEMP VIEW gc AS SELECT {kept}, "
        f"{status} AS status, "
        "lower(g.outcome) AS outcome, coalesce(last_ts, '') AS last_seen, "
        "CASE WHEN given THEN 0 ELSE requests END AS priced_requests, "
        "CASE WHEN given THEN requests ELSE 0 END AS given_requests, "
        f"CASE WHEN given THEN given_cost WHEN {missing} THEN 0 ELSE coalesce(fresh_tokens * inp "
        f"+ read_tokens * readp + write_tokens * writep {hour_cost}"
        f"+ out_tokens * outp, 0) END::{MONEY_SQL} AS cost, "
        f"{missing} AS unpriced, out_tokens AS all_output_tokens, inp AS inp_rate, "
        "write1hp AS write1h_rate, "
        f"CASE WHEN {missing} THEN requests ELSE 0 END AS unpriced_requests "
        "FROM gv g LEFT JOIN prices ON g.model = prices.log_model AND g.band = prices.band "
        f"AND g.period = prices.period AND g.slot = prices.slot {variant} "
        "WHERE problem IS NULL AND inside"
    )


# ------------------------------------------------------------------------------ 5. tickets


def ticket_table(
    con: Connection, options: Options, outcomes_read_path: Path | None = None
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
        "CREATE TEMP TABLE tk0 AS SELECT ticket_id, sum(cost) AS cost, sum(requests) AS requests, "
        f"{attrs}, bool_or(unpriced) AS unpriced, sum(unpriced_requests) AS unpriced_requests, "
        "bool_and(unpriced) AS only_unpriced FROM gc GROUP BY ticket_id"
    )
    many = con.execute(
        "SELECT "
        + ", ".join(f"count(*) FILTER (WHERE many_{d})" for d in TICKET_DIMENSIONS)
        + " FROM tk0"
    ).fetchone()
    joins = []
    value = {d: f"t.{d}" for d in TICKET_DIMENSIONS}
    for d, count in zip(TICKET_DIMENSIONS, many or (), strict=True):
        if not count:  # no ticket with two values: nothing to look up
            continue
        # latest first; on a tie (or no timestamps) the alphabetically last value, so that the
        # answer never depends on the order the engine happened to read the rows in
        joins.append(
            f"LEFT JOIN (SELECT ticket_id, arg_max({d}, coalesce(last_ts, '') || chr(1) || {d}) "
            f"AS value FROM gv WHERE problem IS NULL AND inside AND {d} IS NOT NULL AND "
            f"ticket_id IN (SELECT ticket_id FROM tk0 WHERE many_{d}) GROUP BY ticket_id) l_{d} "
            f"ON l_{d}.ticket_id = t.ticket_id"
        )
        value[d] = f"coalesce(l_{d}.value, t.{d})"
    if options.outcomes_file is not None:
        joins.append("LEFT JOIN outcomes o ON o.ticket_id = t.ticket_id")
        value["outcome"] = f"coalesce(o.outcome, {value['outcome']})"
    resolved_list = ", ".join(sql_text(o) for o in options.resolved_outcomes)
    dimensions = ", ".join(f"{v} AS {d}, t.many_{d}" for d, v in value.items())
    # a ticket none of whose requests has a price cost an unknown amount: it is not counted as
    # resolved at $0 (it would lower the cost per resolved ticket), and is named in the report
    # (a table when values were looked up, else a view: a copy of tk0 costs a tenth of the run)
    kind = "TABLE" if joins else "VIEW"
    con.execute(
        f"CREATE TEMP {kind} tk AS SELECT *, coalesce(outcome IN ("
        f"{resolved_list}) AND NOT only_unpriced, false) AS resolved FROM (SELECT t.ticket_id, "
        f"t.cost, t.requests, {dimensions}, t.unpriced, t.unpriced_requests, t.only_unpriced "
        f"FROM tk0 t {' '.join(joins)})"
    )
    return outcome_source, orphans
