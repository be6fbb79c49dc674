"""Attribute request logs to tickets: what a resolved ticket really cost, and where it went.

The engine is DuckDB (imported only here, only when logs are attributed). One scan of the logs
validates every line and sums tokens and given costs per (ticket, model, status, tenant, intent,
prompt version, outcome; endpoint and queue too when a breakdown asks for them), and per "band"
(which long-context thresholds the request's input passes) and "period" (which recorded price
changes its date is past), so that each request can be priced at its own tier and date. Everything
else runs on that much smaller table: pricing is a join against per-token prices by model, band and
period, each distinct model name resolved once in Python, in ``DECIMAL(38,18)`` arithmetic. A
token count times a per-token price is exact (every bundled price is a whole number of 10^-18
dollars a token) and cost is linear in tokens, so pricing a group's summed tokens equals summing
per-request costs, and a sum over millions of requests matches Python's ``decimal`` to the last
digit. Given costs (``cost_usd``) are read to 12 decimal places.

Line numbers of bad lines come from a second, ordered pass over the raw lines that applies the
same checks and stops at the first few bad ones (it runs only when something was skipped).
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ticketcost import money
from ticketcost.attribution.fields import (
    DIMENSIONS,
    TEXT_FIELDS,
    TOKEN_FIELDS,
    FieldMap,
    log_format_of,
)
from ticketcost.errors import TicketcostError
from ticketcost.pricing.table import ModelPrice, PriceTable

if TYPE_CHECKING:
    import duckdb

TOKEN_SCALE = 18  # decimal places of a per-token price and of every cost in SQL
MONEY_SQL = "DECIMAL(38,18)"
GIVEN_SQL = "DECIMAL(18,12)"  # cost_usd as read: 12 decimal places, below 1,000,000
FAILED_STATUSES = ("error", "retry", "fallback")
# Properties of a ticket (its latest request's value); the other dimensions are per request.
TICKET_DIMENSIONS = ("tenant", "intent", "queue", "prompt_version", "outcome")
_STATUS_SYNONYMS = {
    "ok": (
        "ok",
        "success",
        "succeeded",
        "completed",
        "status_code_ok",
        "status_code_unset",
        "unset",
    ),
    "error": ("error", "failure", "failed", "status_code_error"),
    "retry": ("retry", "retried"),
    "fallback": ("fallback",),
}
MALFORMED = "malformed line (not a JSON object, or none of the mapped fields)"


@dataclass(frozen=True)
class LogSource:
    path: Path
    format: str  # jsonl, csv or parquet


def find_sources(
    paths: Sequence[str | os.PathLike[str]], input_format: str | None
) -> list[LogSource]:
    """Each path checked to exist and have a known format (by extension or ``input_format``)."""
    if not paths:
        raise TicketcostError("no log file given; pass one or more LOGFILE arguments")
    sources = []
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            why = "is a directory" if path.is_dir() else "no such file"
            raise TicketcostError(f"{path}: {why}")
        kind = input_format or log_format_of(path.name)
        if kind is None:
            raise TicketcostError(
                f"{path}: cannot tell the format from the extension; name it .jsonl, .csv or "
                ".parquet, or pass --input-format jsonl|csv|parquet"
            )
        sources.append(LogSource(path, kind))
    return sources


@dataclass(frozen=True)
class Options:
    fields: FieldMap
    by: tuple[tuple[str, ...], ...] = ()
    top: int = 10
    resolved_outcomes: tuple[str, ...] = ("resolved",)
    outcomes_file: Path | None = None
    strict: bool = False
    examples: int = 5


# ------------------------------------------------------------------------------------- results


class Group(NamedTuple):
    values: tuple[str | None, ...]
    requests: int
    tickets: int
    resolved: int
    cost_usd: Decimal
    cost_per_resolved_usd: Decimal | None  # None: no resolved ticket in the group
    share: Decimal  # of all cost
    unpriced: int = 0  # requests in the group whose model has no price (not in cost_usd)


class TicketRow(NamedTuple):
    ticket_id: str
    tenant: str | None
    intent: str | None
    outcome: str | None
    requests: int
    cost_usd: Decimal


class VersionRow(NamedTuple):
    group: Group  # in natural order of the version names (v9 before v10), no version last
    change_usd: Decimal | None  # cost per resolved ticket against the previous version
    change_ratio: Decimal | None


class Unpriced(NamedTuple):
    model: str | None
    requests: int
    input_tokens: int
    output_tokens: int


class PricedModel(NamedTuple):
    log_name: str
    price: ModelPrice
    requests: int


class BadLine(NamedTuple):
    file: str
    line: int | None
    reason: str
    unit: str = "line"  # "row" for Parquet


class FileStat(NamedTuple):
    path: str
    format: str
    requests: int
    skipped: int


@dataclass
class Attribution:
    files: list[FileStat]
    requests: int
    tickets: int
    resolved: int
    cost_usd: Decimal
    given_cost_usd: Decimal
    given_requests: int
    resolved_outcomes: tuple[str, ...]
    percentiles: dict[str, Decimal]  # p50, p95, p99, max of cost per ticket
    outcomes: list[Group]
    statuses: list[Group]
    top_tickets: list[TicketRow]
    top_tenants: list[Group]
    versions: list[VersionRow]
    groups: dict[tuple[str, ...], list[Group]]
    unpriced: list[Unpriced]
    unpriced_tickets: int
    priced_models: list[PricedModel]
    skipped: int
    skipped_reasons: list[tuple[str, int]]
    bad_lines: list[BadLine]
    multi_valued: dict[str, int]  # tickets whose requests carry more than one intent, tenant, ...
    long_context: list[tuple[str, int, int]]  # (model, band threshold passed, requests)
    earlier_prices: list[tuple[str, str | None, int]]  # (model, in force from, requests)
    outcome_source: str
    tickets_without_outcome: int
    outcomes_without_requests: int
    fields: FieldMap

    @property
    def cost_per_resolved_usd(self) -> Decimal | None:
        return per_resolved(self.cost_usd, self.resolved)

    @property
    def mean_ticket_usd(self) -> Decimal | None:
        return money.divide(self.cost_usd, Decimal(self.tickets)) if self.tickets else None

    @property
    def failed_cost_usd(self) -> Decimal:
        return money.add(*(g.cost_usd for g in self.statuses if g.values[0] in FAILED_STATUSES))

    @property
    def unpriced_requests(self) -> int:
        return sum(u.requests for u in self.unpriced)


def per_resolved(cost: Decimal, resolved: int) -> Decimal | None:
    return money.divide(cost, Decimal(resolved)) if resolved else None


# ----------------------------------------------------------------------------------- SQL pieces


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _json_path(keys: Sequence[str]) -> str:
    return _text("$" + "".join("." + '"' + k.replace('"', '\\"') + '"' for k in keys))


class _Columns:
    """How each field reads from one source: SQL text giving the field as VARCHAR (or NULL)."""

    def __init__(self, fields: FieldMap, column_sql: Callable[[str], str | None]) -> None:
        # column_sql(top-level name) -> an expression, or None when the source has no such column
        self.sql: dict[str, str] = {}
        for name, paths in fields.paths.items():
            options = []
            for path in paths:
                column = column_sql(path[0])
                if column is None:
                    continue
                if len(path) == 1:
                    options.append(column)
                else:
                    options.append(f"try(json_extract_string({column}, {_json_path(path[1:])}))")
            self.sql[name] = (
                "NULL::VARCHAR"
                if not options
                else options[0]
                if len(options) == 1
                else f"coalesce({', '.join(options)})"
            )


def _typed_select(
    columns: _Columns,
    fields: FieldMap,
    line: str,
    file: str,
    source: str,
    valid: str = "true",
    values: bool = False,
) -> str:
    """Per-request typed values plus ``problem`` (NULL for a good line, else why it is skipped).

    ``line`` and ``file`` are SQL for the line number (or NULL) and the file name; ``source`` is
    what follows FROM; ``valid`` is false for a line that is not JSON at all; with ``values`` the
    reason quotes the offending value (for the examples; counts group by the bare reason).

    Kept lean, as it runs on every line: values are not trimmed, status and outcome are
    normalised later on the grouped table, given costs are parsed as DECIMAL(18,12) (a 64-bit
    decimal: parsing text into a 128-bit one costs twice the whole scan), and the reason for a
    bad line is worked out only for lines that fail one cheap combined test.
    """
    raw = columns.sql
    inner = [f"{line} AS __line", f"{file} AS __file", f"{valid} AS __valid"]
    for name in TEXT_FIELDS:
        inner.append(f"nullif({raw[name]}, '') AS {name}")
    for name in (*TOKEN_FIELDS, "cost_usd"):
        inner.append(f"{raw[name]} AS raw_{name}")
    cast = [f"TRY_CAST(raw_{n} AS UBIGINT) AS u_{n}" for n in TOKEN_FIELDS]
    cast.append(f"TRY_CAST(raw_cost_usd AS {GIVEN_SQL}) AS cost_usd")

    def number(name: str) -> str:
        return f"TRY_CAST(raw_{name} AS DOUBLE)"

    all_missing = " AND ".join(
        [f"{n} IS NULL" for n in TEXT_FIELDS]
        + [f"raw_{n} IS NULL" for n in (*TOKEN_FIELDS, "cost_usd")]
    )
    cheap = ["ticket_id IS NULL"]
    detail: list[tuple[str, ...]] = [
        ("NOT __valid", "malformed JSON"),
        (all_missing, MALFORMED),
        ("ticket_id IS NULL", "no ticket_id"),
    ]
    for name in TOKEN_FIELDS:
        # UBIGINT refuses text and negatives but rounds 12.5, hence the test for a decimal point.
        cheap.append(
            f"(raw_{name} IS NOT NULL AND (u_{name} IS NULL OR (contains(raw_{name}, '.') AND "
            f"{number(name)} <> u_{name})))"
        )
        detail += [
            (f"{number(name)} < 0", f"{name} is negative", f"raw_{name}"),
            (
                f"raw_{name} IS NOT NULL AND u_{name} IS NULL OR {number(name)} <> u_{name}",
                f"{name} is not a whole number",
                f"raw_{name}",
            ),
        ]
    cheap.append("(raw_cost_usd IS NOT NULL AND (cost_usd IS NULL OR cost_usd < 0))")
    detail += [
        (
            "cost_usd < 0 OR TRY_CAST(raw_cost_usd AS DOUBLE) < 0",
            "cost_usd is negative",
            "raw_cost_usd",
        ),
        (
            "raw_cost_usd IS NOT NULL AND cost_usd IS NULL AND TRY_CAST(raw_cost_usd AS DOUBLE) "
            "IS NOT NULL",
            "cost_usd is 1,000,000 or more",
            "raw_cost_usd",
        ),
        (
            "raw_cost_usd IS NOT NULL AND cost_usd IS NULL",
            "cost_usd is not a number",
            "raw_cost_usd",
        ),
    ]
    neither = "raw_input_tokens IS NULL AND raw_output_tokens IS NULL AND raw_cost_usd IS NULL"
    cheap.append(f"({neither})")
    detail.append((neither, "no input_tokens, output_tokens or cost_usd"))
    if fields.input_includes_cache:
        over = (
            "coalesce(u_cache_read_tokens, 0) + coalesce(u_cache_write_tokens, 0) > "
            "coalesce(u_input_tokens, 0)"
        )
        cheap.append(f"({over})")
        detail.append((over, "cache_read_tokens + cache_write_tokens exceed input_tokens"))

    def said(entry: tuple[str, ...]) -> str:
        if values and len(entry) == 3:  # the offending value, cut short, for the examples
            return f"{_text(entry[1] + ' (got ')} || left({entry[2]}, 40) || ')'"
        return _text(entry[1])

    reason = "CASE " + " ".join(f"WHEN {e[0]} THEN {said(e)}" for e in detail) + " END"
    tokens = ", ".join(f"coalesce(u_{n}, 0)::BIGINT AS {n}" for n in TOKEN_FIELDS)
    return (
        f"SELECT __line, __file, __valid, {', '.join(TEXT_FIELDS)}, {tokens}, cost_usd, "
        f"CASE WHEN {' OR '.join(cheap)} THEN {reason} END AS problem FROM "
        f"(SELECT *, {', '.join(cast)} FROM (SELECT {', '.join(inner)} FROM {source}))"
    )


# ------------------------------------------------------------------------------------ sources


class _Source(NamedTuple):
    source: LogSource
    select: str  # typed rows of this file (columns as _typed_select)
    locate: str | None  # the same rows in file order with their line number, for bad lines
    unit: str


def _is_tsv(path: Path) -> bool:
    return path.name.lower().removesuffix(".gz").endswith(".tsv")


def _read_header(path: Path) -> list[str]:
    opener: Any = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", newline="", encoding="utf-8-sig") as handle:
            line = handle.readline()
        delimiter = "\t" if _is_tsv(path) else ","
        header = next(csv.reader(io.StringIO(line), delimiter=delimiter), [])
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise TicketcostError(f"{path}: cannot read the CSV header ({exc})") from None
    if not header:
        raise TicketcostError(
            f"{path}: the CSV file is empty; its first line must name the columns"
        )
    return [h.strip() for h in header]


def _source_sql(
    con: duckdb.DuckDBPyConnection, src: LogSource, fields: FieldMap, index: int
) -> _Source:
    """SQL for one log file; ``index`` tags its rows (cheaper to group by than the file name)."""
    path = _text(str(src.path))
    tag = str(index)
    tops = list(dict.fromkeys(p[0] for paths in fields.paths.values() for p in paths))
    if src.format == "jsonl":
        declared = ", ".join(f"{_text(t)}: 'VARCHAR'" for t in tops)
        scan = (
            f"read_json({path}, format='newline_delimited', columns={{{declared}}}, "
            "ignore_errors=true)"
        )
        columns = _Columns(fields, _ident)
        select = _typed_select(columns, fields, "NULL::BIGINT", tag, scan)
        raw_lines = (
            f"read_csv({path}, columns={{'raw': 'VARCHAR'}}, header=false, delim='\\x01', "
            "quote='', escape='', auto_detect=false)"
        )
        # One parse of each line for all the top-level keys (a list), then index into it.
        paths = ", ".join(_json_path([top]) for top in tops)
        raw_columns = _Columns(fields, lambda top: f"__v[{tops.index(top) + 1}]")
        # A blank line has no verdict (NULL) but keeps its place in the numbering.
        valid = "CASE WHEN coalesce(trim(raw), '') <> '' THEN json_valid(raw) END"
        checked = _typed_select(
            raw_columns,
            fields,
            "NULL::BIGINT",
            tag,
            f"(SELECT *, CASE WHEN __valid THEN json_extract_string(raw, [{paths}]) END AS __v "
            f"FROM (SELECT raw, {valid} AS __valid FROM {raw_lines}))",
            "__valid",
            values=True,
        )
        locate = _numbered(checked)
        return _Source(src, select, locate, "line")
    if src.format == "csv":
        header = _read_header(src.path)
        present = set(header)
        declared = ", ".join(f"{_text(h)}: 'VARCHAR'" for h in header)
        delim = "\\t" if _is_tsv(src.path) else ","
        scan = (
            f"read_csv({path}, header=true, auto_detect=false, columns={{{declared}}}, "
            f"delim='{delim}', quote='\"', escape='\"', store_rejects=true)"
        )
        columns = _Columns(fields, lambda top: _ident(top) if top in present else None)
        _require_ticket_id(columns, src, header)
        select = _typed_select(columns, fields, "NULL::BIGINT", tag, scan)
        plain_scan = scan.replace(", store_rejects=true", ", ignore_errors=true")
        locate = _numbered(
            _typed_select(columns, fields, "NULL::BIGINT", tag, plain_scan, values=True)
        )
        return _Source(src, select, locate, "row")
    # parquet
    described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({path})").fetchall()
    types = {str(row[0]): str(row[1]) for row in described}

    def parquet_column(top: str) -> str | None:
        kind = types.get(top)
        if kind is None:
            return None
        if kind.startswith(("STRUCT", "MAP")) or kind.endswith("[]"):
            return f"to_json({_ident(top)})::VARCHAR"
        return f"CAST({_ident(top)} AS VARCHAR)"

    columns = _Columns(fields, parquet_column)
    _require_ticket_id(columns, src, list(types))
    scan = f"read_parquet({path}, file_row_number=true)"
    select = _typed_select(columns, fields, "file_row_number + 1", tag, scan)
    with_values = _typed_select(columns, fields, "file_row_number + 1", tag, scan, values=True)
    locate = (
        f"SELECT __line, problem FROM ({with_values}) WHERE problem IS NOT NULL ORDER BY __line"
    )
    return _Source(src, select, locate, "row")


def _numbered(checked: str) -> str:
    """Bad lines of ``checked`` with their ordinal; only the verdict passes through the window,
    so the ordered pass holds no line text and stops as soon as LIMIT is met."""
    return (
        "SELECT rn AS __line, problem FROM (SELECT row_number() OVER () AS rn, problem FROM "
        f"(SELECT CASE WHEN __valid IS NOT NULL THEN problem END AS problem FROM ({checked}))) "
        "WHERE problem IS NOT NULL"
    )


def _require_ticket_id(columns: _Columns, src: LogSource, names: Sequence[str]) -> None:
    if columns.sql["ticket_id"] == "NULL::VARCHAR":
        shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
        raise TicketcostError(
            f"{src.path}: no column for ticket_id (columns: {shown}); map yours with "
            "--field ticket_id=COLUMN or a logs.fields entry in the config"
        )


# ------------------------------------------------------------------------------------- pricing

_DATE_SUFFIX = re.compile(r"([-@]\d{4}-?\d{2}-?\d{2}|-v\d+(:\d+)?|-latest)$")


def resolve_log_model(table: PriceTable, name: str) -> ModelPrice | None:
    """The price for a model name as logs write it: an id or alias, with a provider prefix
    (``openai/gpt-4o``, ``azure/gpt-4o``) or a dated snapshot suffix (``-2024-07-18``) allowed."""
    candidates = [name]
    if "/" in name:
        candidates.append(name.split("/", 1)[1])
    for candidate in list(candidates):
        stripped = _DATE_SUFFIX.sub("", candidate)
        if stripped != candidate:
            candidates.append(stripped)
    for candidate in candidates:
        try:
            return table.get(candidate)
        except TicketcostError:
            continue
    return None


def per_token_usd(usd_per_mtok: Decimal) -> str:
    """The exact per-token price as SQL text (refuses a price finer than 10^-18 a token)."""
    per_token = usd_per_mtok.scaleb(-6)
    if per_token != per_token.quantize(
        Decimal(1).scaleb(-TOKEN_SCALE), context=money.MONEY_CONTEXT
    ):
        raise TicketcostError(
            f"a price of {usd_per_mtok} USD per 1M tokens has more than 12 decimal places; "
            "it cannot be summed exactly"
        )
    return f"{per_token:f}::{MONEY_SQL}"


# ---------------------------------------------------------------------------------- the engine


@contextmanager
def _progress(
    con: duckdb.DuckDBPyConnection, report: Callable[[float], None] | None
) -> Iterator[None]:
    """Poll DuckDB's progress of the running query and pass it on (a fraction 0..1)."""
    if report is None:
        yield
        return
    # DuckDB tracks progress only with its progress bar on; keep it from printing its own.
    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    done = threading.Event()
    callback = report

    def poll() -> None:
        while not done.wait(0.25):
            try:
                value = float(con.query_progress())
            except Exception:
                return
            if value >= 0:
                callback(min(value, 100.0) / 100)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def _connect() -> duckdb.DuckDBPyConnection:
    import duckdb

    con = duckdb.connect(":memory:")
    memory = os.environ.get("TICKETCOST_MEMORY_LIMIT", "320MB")
    con.execute(f"SET memory_limit = {_text(memory)}")
    con.execute(f"SET temp_directory = {_text(tempfile.mkdtemp(prefix='ticketcost-'))}")
    con.execute("SET preserve_insertion_order = false")
    return con


def attribute(
    sources: Sequence[LogSource],
    prices: PriceTable,
    options: Options,
    progress: Callable[[float], None] | None = None,
) -> Attribution:
    import duckdb

    for spec in options.by:
        for name in spec:
            if name not in DIMENSIONS:
                raise TicketcostError(
                    f"--by {','.join(spec)}: unknown dimension '{name}'; use "
                    f"{', '.join(DIMENSIONS)} (comma-separated to combine)"
                )
    con = _connect()
    try:
        return _run(con, sources, prices, options, progress)
    except duckdb.Error as exc:
        message = str(exc).splitlines()[0]
        raise TicketcostError(f"reading the logs failed: {message}") from None
    finally:
        temp = con.execute("SELECT current_setting('temp_directory')").fetchone()
        con.close()
        if temp and temp[0]:
            import shutil

            shutil.rmtree(str(temp[0]), ignore_errors=True)


def _run(
    con: duckdb.DuckDBPyConnection,
    sources: Sequence[LogSource],
    prices: PriceTable,
    options: Options,
    progress: Callable[[float], None] | None,
) -> Attribution:
    fields = options.fields
    built = [_source_sql(con, src, fields, i) for i, src in enumerate(sources)]
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
    keys = [
        "__file", "problem", "ticket_id", "tenant", "intent", "queue", "endpoint",
        "prompt_version", "model", "status", "outcome",
    ]  # fmt: skip
    # Long-context tiers bill a whole request by its own input size, so requests are grouped by
    # which tier thresholds (of any model in the price table) they pass: a small "band" number.
    thresholds = sorted({t.above_input_tokens for m in prices for t in m.tiers})
    band = " + ".join(f"({all_input} > {t})::INTEGER" for t in thresholds) or "0"
    # Recorded price changes: a request is priced at the prices in force on its date. "period" n
    # counts the change dates on or before the request's day (no readable date: today's prices).
    changes = sorted(
        {h.effective_from for m in prices for h in m.history if h.effective_from}
        | {m.effective_from for m in prices if m.history and m.effective_from}
    )
    day = "TRY_CAST(left(timestamp, 10) AS DATE)"
    passed = " + ".join(f"({day} >= DATE {_text(d.isoformat())})::INTEGER" for d in changes)
    period = f"coalesce({passed}, {len(changes)})" if changes else "0"
    dims = ", ".join(k for k in keys if k not in optional)
    dims += f", cost_usd IS NOT NULL AS given, {band} AS band, {period} AS period"
    absent = "".join(f", NULL::VARCHAR AS {d}" for d in optional)
    with _progress(con, progress):
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
    rejects = _csv_rejects(con, sources)

    # Price each distinct model name once, in Python, then join.
    names = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT model FROM g WHERE problem IS NULL AND NOT given "
            "AND model IS NOT NULL ORDER BY 1"
        ).fetchall()
    ]
    resolved_prices = {name: resolve_log_model(prices, name) for name in names}
    con.execute(
        f"CREATE TEMP TABLE prices (log_model VARCHAR, band INTEGER, period INTEGER, "
        f"inp {MONEY_SQL}, outp {MONEY_SQL}, readp {MONEY_SQL}, writep {MONEY_SQL})"
    )
    rows = []
    for name, now in resolved_prices.items():
        if now is None:
            continue
        for when in range(len(changes) + 1):
            then = _price_in_period(now, changes, when)
            for number in range(len(thresholds) + 1):
                # band n: more input than thresholds[n - 1] and no more than the next threshold
                rates, _ = then.level().for_input(thresholds[number - 1] + 1 if number else 0)
                read = rates.cache_read_usd_per_mtok or rates.input_usd_per_mtok
                write = rates.cache_write_usd_per_mtok or rates.input_usd_per_mtok
                rows.append(
                    f"({_text(name)}, {number}, {when}, {per_token_usd(rates.input_usd_per_mtok)}, "
                    f"{per_token_usd(rates.output_usd_per_mtok)}, {per_token_usd(read)}, "
                    f"{per_token_usd(write)})"
                )
    if rows:
        con.execute(f"INSERT INTO prices VALUES {', '.join(rows)}")
    status_cases = " ".join(
        f"WHEN lower(g.status) IN ({', '.join(_text(v) for v in values)}) THEN {_text(name)}"
        for name, values in _STATUS_SYNONYMS.items()
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

    outcome_source = "the outcome field of the requests"
    outcomes_without_requests = 0
    if options.outcomes_file is not None:
        outcome_source, outcomes_without_requests = _load_outcomes(con, options.outcomes_file)
    resolved_list = ", ".join(_text(o) for o in options.resolved_outcomes)

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
    con.execute(f"UPDATE tk SET resolved = coalesce(outcome IN ({resolved_list}), false)")

    def request_table() -> str:
        """Requests with their ticket's properties: built only for per-request breakdowns."""
        ticket_columns = ", ".join(f"tk.{d}" for d in TICKET_DIMENSIONS)
        con.execute(
            "CREATE TEMP TABLE IF NOT EXISTS gx AS SELECT gc.ticket_id, gc.model, gc.endpoint, "
            f"gc.status, gc.requests, gc.cost, gc.unpriced_requests, {ticket_columns}, "
            "tk.resolved FROM gc "
            "JOIN tk USING (ticket_id)"
        )
        return "gx"

    many = ", ".join(f"count(*) FILTER (WHERE many_{d})" for d in TICKET_DIMENSIONS)
    total = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE resolved), coalesce(sum(cost), 0), "
        "coalesce(sum(requests), 0), count(*) FILTER (WHERE outcome IS NULL), "
        f"count(*) FILTER (WHERE unpriced), {many} FROM tk"
    ).fetchone()
    assert total is not None
    tickets, resolved, cost, requests, no_outcome, unpriced_tickets = (
        int(total[0]),
        int(total[1]),
        Decimal(total[2]),
        int(total[3]),
        int(total[4]),
        int(total[5]),
    )
    multi = {d: int(n) for d, n in zip(TICKET_DIMENSIONS, total[6:], strict=True)}
    given = con.execute(
        "SELECT coalesce(sum(cost) FILTER (WHERE given), 0), coalesce(sum(given_requests), 0) "
        "FROM gc"
    )
    given_row = given.fetchone()
    assert given_row is not None

    def groups(columns: Sequence[str], limit: int | None = None) -> list[Group]:
        """Cost by ``columns``: from tickets when all are ticket-level, else from requests."""
        select = ", ".join(columns)
        if all(c in TICKET_DIMENSIONS for c in columns):
            counts = "count(*), count(*) FILTER (WHERE resolved)"
            table = "tk"
        elif columns == ["status"]:  # tickets with such a request; resolution is not asked for
            counts = "count(DISTINCT ticket_id), 0"
            table = "gc"
        else:
            counts = "count(DISTINCT ticket_id), count(DISTINCT ticket_id) FILTER (WHERE resolved)"
            table = request_table()
        query = (
            f"SELECT {select}, sum(requests), {counts}, sum(cost) AS cost, "
            f"sum(unpriced_requests) FROM {table} "
            f"GROUP BY ALL ORDER BY cost DESC, {select}" + (f" LIMIT {limit}" if limit else "")
        )
        found = []
        for row in con.execute(query).fetchall():
            n = len(columns)
            group_cost = Decimal(row[n + 3])
            found.append(
                Group(
                    tuple(None if v is None else str(v) for v in row[:n]),
                    int(row[n]),
                    int(row[n + 1]),
                    int(row[n + 2]),
                    group_cost,
                    per_resolved(group_cost, int(row[n + 2])),
                    money.divide(group_cost, cost) if cost else Decimal(0),
                    int(row[n + 4]),
                )
            )
        return found

    percentiles: dict[str, Decimal] = {}
    if tickets:
        quantiles = con.execute(
            "SELECT quantile_disc(cost, [0.5, 0.95, 0.99]), max(cost) FROM tk"
        ).fetchone()
        assert quantiles is not None
        p50, p95, p99 = quantiles[0]
        percentiles = {
            "p50": Decimal(p50),
            "p95": Decimal(p95),
            "p99": Decimal(p99),
            "max": Decimal(quantiles[1]),
        }
    top = [
        TicketRow(str(r[0]), r[1], r[2], r[3], int(r[4]), Decimal(r[5]))
        for r in con.execute(
            "SELECT ticket_id, tenant, intent, outcome, requests, cost FROM tk "
            f"ORDER BY cost DESC, ticket_id LIMIT {int(options.top)}"
        ).fetchall()
    ]
    versions = []
    previous: Decimal | None = None
    for group in sorted(groups(["prompt_version"]), key=lambda g: _natural(g.values[0])):
        current = group.cost_per_resolved_usd
        change = ratio = None
        if previous is not None and current is not None:
            change = money.subtract(current, previous)
            ratio = money.divide(change, previous) if previous else None
        versions.append(VersionRow(group, change, ratio))
        if current is not None:
            previous = current

    unpriced = [
        Unpriced(r[0], int(r[1]), int(r[2]), int(r[3]))
        for r in con.execute(
            "SELECT model, sum(priced_requests), sum(all_input_tokens), sum(all_output_tokens) "
            "FROM gc WHERE unpriced GROUP BY model ORDER BY 2 DESC, 1"
        ).fetchall()
    ]
    used = dict(
        con.execute(
            "SELECT model, sum(priced_requests) FROM gc WHERE NOT unpriced AND priced_requests > 0 "
            "GROUP BY model"
        ).fetchall()
    )
    reached: dict[tuple[str, int], int] = {}
    for model, number, count in con.execute(
        "SELECT model, band, sum(priced_requests) FROM gc WHERE band > 0 AND NOT unpriced "
        "AND priced_requests > 0 GROUP BY 1, 2"
    ).fetchall():
        found = resolved_prices.get(str(model))
        tier = found.level().for_input(thresholds[int(number) - 1] + 1)[1] if found else None
        if tier is not None:  # the band passes one of this model's own thresholds
            key = (str(model), tier.above_input_tokens)
            reached[key] = reached.get(key, 0) + int(count)
    long_context = [(m, t, n) for (m, t), n in sorted(reached.items())]
    earlier: list[tuple[str, str | None, int]] = []
    for model, when, count in con.execute(
        f"SELECT model, period, sum(priced_requests) FROM gc WHERE period < {len(changes)} "
        "AND NOT unpriced AND priced_requests > 0 GROUP BY 1, 2 ORDER BY 1, 2"
    ).fetchall():
        latest = resolved_prices.get(str(model))
        if latest is None:
            continue
        past = _price_in_period(latest, changes, int(when))
        if past is not latest:  # this model's price did change since then
            since = past.effective_from.isoformat() if past.effective_from else None
            earlier.append((str(model), since, int(count)))
    priced_models = [
        PricedModel(name, price, int(used[name]))
        for name, price in resolved_prices.items()
        if price is not None and name in used
    ]

    reasons = [
        (str(r[0]), int(r[1]))
        for r in con.execute(
            "SELECT problem, sum(requests) FROM g WHERE problem IS NOT NULL GROUP BY 1 "
            "ORDER BY 2 DESC, 1"
        ).fetchall()
    ]
    per_file = {
        int(r[0]): (int(r[1]), int(r[2]))
        for r in con.execute(
            "SELECT __file, coalesce(sum(requests) FILTER (WHERE problem IS NULL), 0), "
            "coalesce(sum(requests) FILTER (WHERE problem IS NOT NULL), 0) FROM g GROUP BY 1"
        ).fetchall()
    }
    for reject in rejects:
        reasons.append((reject.reason, 1))
    reasons = _merge_counts(reasons)
    skipped = sum(n for _, n in reasons)
    bad_lines = _locate(con, built, rejects, options.examples) if skipped else []
    files = []
    for index, b in enumerate(built):
        good, bad = per_file.get(index, (0, 0))
        bad += sum(1 for r in rejects if r.file == str(b.source.path))
        files.append(FileStat(str(b.source.path), b.source.format, good, bad))

    if options.strict and skipped:
        first = bad_lines[0] if bad_lines else None
        where = f"{first.file}:{first.line}: {first.reason}" if first else reasons[0][0]
        raise TicketcostError(
            f"{skipped:,} bad line{'s' if skipped != 1 else ''} in the logs (--strict); first: "
            f"{where}"
        )
    if requests == 0:
        hint = f"; {skipped:,} lines skipped, first: {reasons[0][0]}" if reasons else ""
        names_of = ", ".join(str(s.path) for s in sources)
        raise TicketcostError(
            f"{names_of}: no usable request{hint} (check the field mapping: --preset, --field)"
        )

    return Attribution(
        files=files,
        requests=requests,
        tickets=tickets,
        resolved=resolved,
        cost_usd=cost,
        given_cost_usd=Decimal(given_row[0]),
        given_requests=int(given_row[1]),
        resolved_outcomes=options.resolved_outcomes,
        percentiles=percentiles,
        outcomes=groups(["outcome"]),
        statuses=groups(["status"]),
        top_tickets=top,
        top_tenants=groups(["tenant"], limit=options.top),
        versions=versions,
        groups={spec: groups(list(spec)) for spec in options.by},
        unpriced=unpriced,
        unpriced_tickets=unpriced_tickets,
        priced_models=priced_models,
        skipped=skipped,
        skipped_reasons=reasons,
        bad_lines=bad_lines,
        multi_valued=multi,
        long_context=long_context,
        earlier_prices=earlier,
        outcome_source=outcome_source,
        tickets_without_outcome=no_outcome,
        outcomes_without_requests=outcomes_without_requests,
        fields=fields,
    )


def _price_in_period(current: ModelPrice, changes: Sequence[dt.date], period: int) -> ModelPrice:
    """The model's prices for requests dated in ``period`` (see ``_run``): those in force on the
    period's first day, or before the first change; today's when nothing earlier is recorded."""
    if period >= len(changes):
        return current
    day = changes[period] - dt.timedelta(days=1)
    try:
        return current.on(day)
    except TicketcostError:  # no price recorded that far back: the earliest known
        return (
            current.on(current.history[0].effective_from)
            if current.history and (current.history[0].effective_from)
            else current
        )


def _natural(text: str | None) -> tuple[int, list[tuple[int, int | str]]]:
    """Sort key: numbers inside names compare as numbers (v9 < v10); None sorts last."""
    if text is None:
        return (1, [])
    parts = re.findall(r"\d+|\D+", text)
    return (0, [(0, int(p)) if p.isdigit() else (1, p) for p in parts])


def _merge_counts(pairs: list[tuple[str, int]]) -> list[tuple[str, int]]:
    merged: dict[str, int] = {}
    for reason, count in pairs:
        merged[reason] = merged.get(reason, 0) + count
    return sorted(merged.items(), key=lambda item: (-item[1], item[0]))


def _csv_rejects(con: duckdb.DuckDBPyConnection, sources: Sequence[LogSource]) -> list[BadLine]:
    if not any(s.format == "csv" for s in sources):
        return []
    try:
        rows = con.execute(
            "SELECT DISTINCT s.file_path, e.line, e.error_type FROM reject_errors e JOIN "
            "reject_scans s USING (scan_id, file_id) ORDER BY s.file_path, e.line"
        ).fetchall()
    except Exception:
        return []
    return [BadLine(str(path), int(line), f"CSV: {str(kind).lower()}") for path, line, kind in rows]


def _locate(
    con: duckdb.DuckDBPyConnection,
    built: Sequence[_Source],
    rejects: Sequence[BadLine],
    limit: int,
) -> list[BadLine]:
    """The first ``limit`` bad lines with their line numbers: files in the order given, lines in
    file order within each."""
    con.execute("SET preserve_insertion_order = true")
    found: list[BadLine] = []
    for b in built:
        wanted = limit - len(found)
        if wanted <= 0:
            break
        path = str(b.source.path)
        file_rejects = [r for r in rejects if r.file == path]
        rejected_lines = sorted(r.line or 0 for r in file_rejects)
        in_file = list(file_rejects)
        for number, reason in con.execute(f"{b.locate} LIMIT {wanted}").fetchall():
            line = int(number)
            unit = b.unit
            if b.source.format == "csv":
                # data row N is line N + 1 (the header), shifted by rejected lines before it
                line += 1
                for rejected in rejected_lines:
                    if rejected <= line:
                        line += 1
                unit = "line"
            in_file.append(BadLine(path, line, str(reason), unit))
        found += sorted(in_file, key=lambda r: r.line or 0)[:wanted]
    return found


def _load_outcomes(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[str, int]:
    """The outcomes file (ticket_id, outcome) as table ``outcomes``; a ticket's last row wins."""
    sources = find_sources([path], None)
    src = sources[0]
    if src.format == "csv":
        header = _read_header(path)
        declared = ", ".join(f"{_text(h)}: 'VARCHAR'" for h in header)
        scan = (
            f"read_csv({_text(str(path))}, header=true, auto_detect=false, "
            f"columns={{{declared}}}, delim=',', quote='\"', escape='\"')"
        )
        names = header
    elif src.format == "jsonl":
        scan = (
            f"read_json({_text(str(path))}, format='newline_delimited', "
            "columns={'ticket_id': 'VARCHAR', 'outcome': 'VARCHAR'})"
        )
        names = ["ticket_id", "outcome"]
    else:
        scan = f"read_parquet({_text(str(path))})"
        names = [str(r[0]) for r in con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()]
    for needed in ("ticket_id", "outcome"):
        if needed not in names:
            raise TicketcostError(
                f"{path}: the outcomes file needs a '{needed}' column (it has {', '.join(names)})"
            )
    con.execute("SET preserve_insertion_order = true")
    con.execute(
        "CREATE TEMP TABLE outcomes AS SELECT ticket_id, arg_max(outcome, rn) AS outcome FROM "
        "(SELECT row_number() OVER () AS rn, nullif(trim(CAST(ticket_id AS VARCHAR)), '') AS "
        "ticket_id, lower(nullif(trim(CAST(outcome AS VARCHAR)), '')) AS outcome "
        f"FROM {scan}) WHERE ticket_id IS NOT NULL AND outcome IS NOT NULL GROUP BY ticket_id"
    )
    con.execute("SET preserve_insertion_order = false")
    orphan = con.execute(
        "SELECT count(*) FROM outcomes WHERE ticket_id NOT IN (SELECT ticket_id FROM gc)"
    ).fetchone()
    return str(path), int(orphan[0]) if orphan else 0
