"""The attribution query, one named phase per function, in the order :func:`run` calls them.

Every statement is DuckDB SQL that also runs on Spark once rendered (:mod:`.dialect`): tables are
made from SELECTs, never updated in place, and a name keeps one meaning.

1. :func:`scan` writes the SQL of the requests: every line of every log read once, validated
   (bad lines keep their reason in ``problem`` and are counted, never priced), its tokens read
   by its own rules (whether its input counts cache reads and writes; 1-hour cache writes; its
   service tier or Batch), with the long-context band, price period and time-of-day slot it is
   priced in. When some request id occurs twice, the lines are first summed per request into
   table ``g_scan`` and :func:`deduplicate` keeps one copy of each (view ``g``).
2. :func:`~ticketcost.attribution.rates.load_prices` resolves model names once, in Python, into
   table ``prices``: the names of the price table (most logs write those), or the exact names of
   the requests when they were summed first.
3. :func:`~ticketcost.attribution.tally.tally` prices each request as it is read and sums them
   per ticket and per class (model, tier, date, ...) in one grouping: the pass over the logs.
   A log name that is not in the price table as written but resolves to a price (a gateway
   route, a Bedrock id) is found in the class rows, and the tally runs again with it.
4. :func:`~ticketcost.attribution.tally.ticket_table` makes ``tk``: per ticket, its latest
   properties and whether it was resolved (outcome field or the outcomes file; never a ticket
   none of whose requests could be priced).
5. The readers (:mod:`.readers`) turn those tables into the values of
   :class:`~ticketcost.attribution.results.Attribution`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ticketcost.attribution import readers
from ticketcost.attribution.connection import DuckDb, progress_polling
from ticketcost.attribution.fields import TIME_DIMENSIONS, CacheRule, Preset
from ticketcost.attribution.lines import csv_rejects
from ticketcost.attribution.prices import Resolution, resolve
from ticketcost.attribution.ranks import percentiles
from ticketcost.attribution.rates import (
    Loaded,
    PriceAxes,
    candidate_names,
    load_prices,
    price_axes,
)
from ticketcost.attribution.results import Attribution, Duplicates, Window
from ticketcost.attribution.scans import Plan, SourceSql, source_sql
from ticketcost.attribution.skipped import refuse_unusable, skipped_lines
from ticketcost.attribution.sources import LogSource, Options
from ticketcost.attribution.sql import (
    MONEY_SQL,
    edges_passed,
    sql_text,
    timestamp_sql,
)
from ticketcost.attribution.tally import (
    Sets,
    plan_sets,
    tally,
    tally_views,
    ticket_table,
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
    # --emit-sql: the statements are a script that may run on other rows than these, so none may
    # hold what was found in these (whether an id repeats, which statuses occur, whether a
    # ticket's values differ, the range of its costs)
    portable = isinstance(con, DuckDb) and con.statements is not None
    scanned = scan(con, built, options, axes, progress, portable)
    duplicates = deduplicate(con, portable) if scanned.grouped else Duplicates(0, 0, {})
    sets = plan_sets(options.by, scanned.present)
    resolved, table = price_and_tally(con, scanned, sets, prices, axes, progress)
    rejects = csv_rejects(con, sources)  # (after the pass over the logs, which records them)
    tally_views(con, sets, table, portable)
    window = find_window(con, options)
    outcome_source, orphan_outcomes = ticket_table(con, sets, options, outcomes_read_path, portable)
    totals = readers.ticket_totals(con)
    skipped = skipped_lines(con, built, rejects, options.examples, duplicates, plans)
    lone = any(p.found.preset is Preset.LANGFUSE for p in plans) and not traces
    hint = LANGFUSE_HINT if lone else None
    refuse_unusable(options, sources, totals.requests, skipped, window, hint)
    given_cost, given_requests = readers.given_totals(con)
    by = {spec: readers.groups(con, list(spec), totals.cost, sets) for spec in options.by}
    priced = {name: r.price for name, r in resolved.items()}
    return Attribution(
        files=skipped.files,
        requests=totals.requests,
        tickets=totals.tickets,
        resolved=totals.resolved,
        cost_usd=totals.cost,
        given_cost_usd=given_cost,
        given_requests=given_requests,
        resolved_outcomes=options.resolved_outcomes,
        percentiles=percentiles(con, portable=portable) if totals.tickets else {},
        outcomes=readers.groups(con, ["outcome"], totals.cost, sets),
        statuses=readers.groups(con, ["status"], totals.cost, sets),
        top_tickets=readers.top_tickets(con, options.top),
        top_tenants=readers.groups(con, ["tenant"], totals.cost, sets, limit=options.top),
        versions=readers.versions(readers.groups(con, ["prompt_version"], totals.cost, sets)),
        groups=by,
        unpriced=readers.unpriced(con, resolved),
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


def price_and_tally(
    con: Connection,
    scanned: Scanned,
    sets: Sets,
    prices: PriceTable,
    axes: PriceAxes,
    progress: Callable[[float], None] | None,
) -> tuple[dict[str, Resolution], str]:
    """Tables ``prices`` and ``tally`` (see the module docstring); returns each model name of the
    priced requests resolved, and the name of the tally's table. Prices are loaded for the names
    of the price table, and for the requests' own names too when the scan summed them first (they
    are known then); a name the tally finds that is neither, and that resolves to a price, is
    loaded and the tally runs again."""
    names = candidate_names(prices)
    if scanned.grouped:  # (their own names are known then: no second pass)
        names += [
            str(r[0])
            for r in con.execute(
                "SELECT DISTINCT model FROM gv WHERE problem IS NULL AND inside AND NOT given "
                "AND model IS NOT NULL"
            ).fetchall()
        ]
        names = sorted(set(names))
    loaded = load_prices(con, prices, axes, names)
    _tally(con, scanned, loaded, sets, progress, "prices", "tally")
    inside = sets.class_column("inside")
    used = [
        str(r[0])
        for r in con.execute(
            f"SELECT DISTINCT model FROM tally WHERE grouping_set = {sets.mask(sets.classes)} AND "
            f"problem IS NULL AND {inside} AND NOT given AND model IS NOT NULL ORDER BY 1"
        ).fetchall()
    ]
    resolved = {name: loaded.resolved.get(name) or resolve(prices, name) for name in used}
    missed = [n for n in used if n not in loaded.resolved and resolved[n].price is not None]
    table = "tally"
    if missed:  # names written another way than the price table's: priced in a second pass
        loaded = load_prices(con, prices, axes, [*names, *missed], "prices_named")
        table = "tally_named"
        _tally(con, scanned, loaded, sets, progress, "prices_named", table)
    for name, found in resolved.items():
        if found.price is not None and found.price.id in loaded.inexact:
            raise loaded.inexact[found.price.id]
        # summed first, the scan gave time slots only to the names matching axes.timed_names
        timed = found.price is not None and bool(found.price.time_of_day)
        if timed and scanned.grouped and not re.search(axes.timed_names, name):
            raise RuntimeError(f"{name} resolves to a time-priced model the scan missed")
    return resolved, table


def _tally(
    con: Connection,
    scanned: Scanned,
    loaded: Loaded,
    sets: Sets,
    progress: Callable[[float], None] | None,
    prices: str,
    name: str,
) -> None:
    """The tally over the requests; when it reads the logs themselves, with progress, and (on
    DuckDB) with the join's sides kept as written: the logs' size is unknown to the planner,
    which would otherwise build its hash table from the logs instead of the prices."""
    native = con if isinstance(con, DuckDb) and not scanned.grouped else None
    if progress is not None and not scanned.grouped:
        progress(0.0)  # a pass starts: a second one starts from 0 again
    if native is not None:
        native.execute_native("SET disabled_optimizers = 'build_side_probe_side'")
    try:
        with progress_polling(con, None if scanned.grouped else progress):
            tally(
                con,
                scanned.requests(loaded.timed),
                sets,
                variant=scanned.variant,
                hour=scanned.hour,
                prices=prices,
                name=name,
                # (a script for --emit-sql keeps the form Spark also runs in one pass)
                split=isinstance(con, DuckDb) and con.statements is None,
            )
    finally:
        if native is not None:
            native.execute_native("RESET disabled_optimizers")
    if progress is not None:
        progress(1.0)


def find_window(con: Connection, options: Options) -> Window:
    """How many requests --since/--until left out: dated outside the window, or undated."""
    found = Window(options.since, options.until, 0, 0)
    if options.since is None and options.until is None:
        return found
    row = con.execute(
        "SELECT coalesce(sum(requests) FILTER (WHERE NOT inside AND NOT undated), 0), "
        "coalesce(sum(requests) FILTER (WHERE NOT inside AND undated), 0) FROM tc "
        "WHERE problem IS NULL"
    ).fetchone()
    assert row is not None
    return Window(options.since, options.until, int(row[0]), int(row[1]))


# ------------------------------------------------------------------------------ 1. the scan


class Scanned(NamedTuple):
    """The requests, as SQL of a relation with the columns of view ``gv``."""

    # SQL of the requests, given the log names of time-priced models (their lines are given a
    # time of day; any name like theirs when the scan summed the requests first)
    requests: Callable[[Sequence[str]], str]
    grouped: bool  # summed per request first (repeated request ids): table g_scan, view gv
    present: set[str]  # the optional columns that are not constants (see OPTIONAL_COLUMNS)
    variant: bool  # some file maps a service tier
    hour: bool  # some file maps 1-hour cache writes


def scan(
    con: Connection,
    built: Sequence[SourceSql],
    options: Options,
    axes: PriceAxes,
    progress: Callable[[float], None] | None,
    portable: bool = False,
) -> Scanned:
    """The requests of every source, validated, each with its price band, period and slot
    (``portable``: summed per request whenever a file maps request ids, repeated here or not)."""
    union = " UNION ALL ".join(f"SELECT * FROM ({b.select})" for b in built)
    # Endpoint and queue are only kept when --by asks for them (fewer groups in the tally).
    wanted = {name for spec in options.by for name in spec}
    optional = [d for d in ("endpoint", "queue") if d not in wanted]
    fresh, all_input = _input_sql({b.fields.cache_rule for b in built})
    windowed = options.since is not None or options.until is not None
    by_time = bool(wanted & set(TIME_DIMENSIONS))
    dated = bool(axes.changes) or by_time or windowed or bool(axes.minutes)
    mapped = {name for b in built for name, paths in b.fields.paths.items() if paths}
    if "request_id" in mapped and not portable and not _repeats(con, built, union):
        mapped.discard("request_id")  # no id seen twice: no group per request needed
    keys = [k for k in _GROUP_KEYS if k not in optional]
    keys += ["cost_usd IS NOT NULL AS given", *_axes_keys(axes)]
    # each sum: as summed per request (repeated ids), and as one line's own value
    sums = [
        ("count(*)", "1", "requests"), ("max(__ts)", "__ts", "last_ts"),
        ("sum(__fresh)", "__fresh", "fresh_tokens"),
        ("sum(cache_read_tokens)", "cache_read_tokens", "read_tokens"),
        ("sum(output_tokens)", "output_tokens", "out_tokens"),
        (f"coalesce(sum(cost_usd), 0)::{MONEY_SQL}", "coalesce(cost_usd, 0)", "given_cost"),
    ]  # fmt: skip
    # Columns most logs do not need are made only when a file maps them (or a flag asks); the
    # view gv gives the others as constants
    _optional_columns(mapped, keys, sums)
    if dated:
        keys.append("(__day IS NULL) AS undated")
    if by_time:
        keys.append("strftime(__day, '%Y-%m-%d') AS day")
    inside, outside = _window(options)
    if outside:
        keys.append(f"{inside} AS inside")
    # each line's instant, read once: its day, the window and which request of a ticket is its
    # latest all follow from it (the text itself would compare "…:18Z" after "…:18.5Z", and a
    # local time with an offset by its clock)
    stamp = timestamp_sql("timestamp")
    dated_day = "CAST(__ts AS DATE)" if dated else "NULL::DATE"

    def lines(timed: str) -> str:
        """The lines, those of the models ``timed`` (an SQL test) with their time of day."""
        tod = "NULL::INTEGER"
        if axes.minutes:
            tod = f"CASE WHEN {timed} THEN hour(__ts) * 60 + minute(__ts) END"
        return (
            f"SELECT *, {dated_day} AS __day, {tod} AS __tod, {all_input} AS __all_in, "
            f"{fresh} AS __fresh FROM (SELECT *, {stamp} AS __ts FROM ({union}))"
        )

    names = {k.rsplit(" AS ", 1)[-1] for k in keys} | {name for _, _, name in sums}
    variant, hour = "variant" in names, "write_1h_tokens" in names
    if "request_id" not in mapped:  # each line a request: the tally reads the logs themselves
        per_line = [*keys, *(f"{line} AS {name}" for _, line, name in sums)]

        def requests(timed: Sequence[str]) -> str:
            # (the names the prices are loaded for: a list, not a pattern matched on every line)
            test = f"model IN ({', '.join(sql_text(n) for n in timed)})" if timed else "false"
            return with_defaults(names, f"SELECT {', '.join(per_line)} FROM ({lines(test)})")

        return Scanned(requests, False, names, variant, hour)
    # OTLP batches are read as nested lists of spans: a thread's share of them takes more than
    # half the memory limit, so they are read on one thread
    nested = any(b.fields.preset is Preset.OTLP for b in built)
    if nested:
        con.execute("SET threads = 1")
    summed = ", ".join(f"{agg} AS {name}" for agg, _, name in sums)
    # (the names are known only after this pass: every name like one of a time-priced model's)
    timed = f"regexp_matches(model, {sql_text(axes.timed_names)})"
    with progress_polling(con, progress):
        con.execute(
            f"CREATE TEMP TABLE g_scan AS SELECT {', '.join(keys)}, {summed} "
            f"FROM ({lines(timed)}) GROUP BY ALL"
        )
    # g is a view: the duplicates phase points it at a copy without repeats (no DROP, no
    # rename: a name keeps one meaning, as a Spark script resolves views by name)
    con.execute("CREATE OR REPLACE TEMP VIEW g AS SELECT * FROM g_scan")
    if nested:
        con.execute("RESET threads")
    group_view(con)
    return Scanned(lambda _: "SELECT * FROM gv", True, names, variant, hour)


def _axes_keys(axes: PriceAxes) -> list[str]:
    """The scan's keys for the price axes: a request's long-context band, price period and (with
    prices by time of day) time-of-day slot."""
    # Long-context tiers bill a whole request by its own input size, so requests are grouped by
    # which tier thresholds (of any model in the price table) they pass: a small "band" number.
    band = edges_passed("__all_in", [str(t) for t in axes.thresholds], ">")
    # Recorded price changes: a request is priced at the prices in force on its date. "period" n
    # counts the change dates on or before the request's day (no readable date: today's prices).
    period = "0"
    if axes.changes:
        passed = edges_passed("__day", [f"DATE {sql_text(d.isoformat())}" for d in axes.changes])
        period = f"CASE WHEN __day IS NULL THEN {len(axes.changes)} ELSE {passed} END"
    keys = [f"{band} AS band", f"{period} AS period"]
    if axes.minutes:  # prices by time of day: which window edges the request's time passes,
        # worked out only for the lines of a model with such prices (-1: the base rates; __tod
        # is NULL on the lines of other models)
        edges = edges_passed("__tod", [str(m) for m in axes.minutes])
        keys.append(f"CASE WHEN __tod IS NULL THEN -1 ELSE {edges} END AS slot")
    return keys


# The columns of g that the scan makes only when needed, and what the view gv shows without them
OPTIONAL_COLUMNS = {
    "endpoint": "NULL::VARCHAR", "queue": "NULL::VARCHAR", "variant": "NULL::VARCHAR",
    "request_id": "NULL::VARCHAR", "usage_key": "NULL::UBIGINT", "write_1h_tokens": "0::HUGEINT",
    "undated": "false", "day": "NULL::VARCHAR", "inside": "true", "slot": "-1",
}  # fmt: skip


def with_defaults(present: set[str], relation: str) -> str:
    """SQL of ``relation`` with the optional columns it lacks as constants."""
    extra = "".join(f", {v} AS {k}" for k, v in OPTIONAL_COLUMNS.items() if k not in present)
    return f"SELECT *{extra} FROM ({relation})"


def group_view(con: Connection) -> None:
    """View gv: table g with the optional columns it lacks as constants."""
    present = readers.g_columns(con)
    con.execute(f"CREATE OR REPLACE TEMP VIEW gv AS {with_defaults(present, 'SELECT * FROM g')}")


def _optional_columns(mapped: set[str], keys: list[str], sums: list[tuple[str, str, str]]) -> None:
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
        sums.append(("max(cost_usd)", "cost_usd", "copy_cost"))
    if "cache_write_1h_tokens" in mapped:
        five_minutes = "cache_write_tokens - cache_write_1h_tokens"
        sums += [
            (f"sum({five_minutes})", five_minutes, "write_tokens"),
            ("sum(cache_write_1h_tokens)", "cache_write_1h_tokens", "write_1h_tokens"),
        ]
    else:
        sums.append(("sum(cache_write_tokens)", "cache_write_tokens", "write_tokens"))


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


def deduplicate(con: Connection, portable: bool = False) -> Duplicates:
    """Keep one copy of each request id: the first file's (files in the order given); copies
    within one file are one group already (``usage_key``), reduced to one request. ``portable``:
    every statement runs, repeats found or not."""
    if "request_id" not in readers.g_columns(con):
        return Duplicates(0, 0, {})
    # the ids seen more than once (one pass; usually none, and then nothing more to do)
    con.execute(
        "CREATE TEMP TABLE seen_twice AS SELECT request_id FROM g_scan WHERE problem IS NULL AND "
        "request_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1 OR sum(requests) > 1"
    )
    found = con.execute("SELECT count(*) FROM seen_twice").fetchone()
    if (not found or not found[0]) and not portable:
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
    if not per_file and not portable:
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
