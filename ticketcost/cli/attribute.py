"""`ticketcost attribute`: real request logs attributed to tickets."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from ticketcost.attribution.dialect import SqlDialect
from ticketcost.attribution.fields import LogFormat, Preset
from ticketcost.cli.options import (
    ExportOption,
    FormatOption,
    PricingOption,
    at_least,
    command,
    config_option,
    emit,
    price_table,
)
from ticketcost.errors import TicketcostError
from ticketcost.io.bounds import MAX_TOP
from ticketcost.report.formats import OutputFormat

if TYPE_CHECKING:
    from ticketcost.attribution.sources import LogSource

ATTRIBUTE_EPILOG = """\
\b
Examples:
  ticketcost attribute requests.jsonl                     # cost per resolved ticket, by intent
  ticketcost attribute logs/*.jsonl --by intent,tenant --by model --top 20
  ticketcost attribute otlp-traces.jsonl --outcomes outcomes.csv
  ticketcost attribute spend_logs.csv --field ticket_id=end_user
  ticketcost attribute observations.jsonl traces.jsonl --by day --since 2026-11-01
  ticketcost attribute requests.parquet --strict --format json > attribution.json
  ticketcost attribute 's3a://logs/*.parquet' --engine spark --spark-remote sc://spark:15002
  ticketcost attribute --engine spark --table support.requests --by intent
  ticketcost attribute requests.parquet --emit-sql spark > attribution.sql
\b
Formats, recognised from each file's content (force one with --preset): ticketcost (the fields
below), otlp (OTLP/JSON), otel (span lines: GenAI, OpenLLMetry, OpenInference), clickhouse
(otel_traces rows), litellm (spend logs), helicone (exports), langfuse (observations, joined with
a traces export given beside them), responses (OpenAI, Anthropic and Gemini responses and Batch
results). Each line is billed by its own rules: cache semantics, 1-hour cache writes, service
tier and Batch. See docs/log-formats.md.
\b
Fields (rename with --field FIELD=PATH or logs.fields in the config): ticket_id, timestamp,
tenant, intent, queue, endpoint, prompt_version, model, status (ok, error, retry, fallback),
outcome (resolved, escalated, deflected, abandoned), provider, service_tier, request_id,
input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens,
cost_usd (used as given when present).
"""


LogfilesArgument = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="LOGFILE...",
        help="Request logs: .jsonl, .csv or .parquet (.gz allowed). With --engine spark: "
        "files, globs or URIs (s3a://, abfss://, gs://) as Spark reads them.",
        show_default=False,
    ),
]


class Engine(StrEnum):
    DUCKDB = "duckdb"
    SPARK = "spark"


EngineOption = Annotated[
    Engine,
    typer.Option(
        "--engine",
        help="duckdb: embedded, one machine (millions of lines). spark: a Spark session, "
        "local[*] or Spark Connect (billions of rows where they are; pip install "
        "'ticketcost[spark]'). Both run the same query and give the same figures.",
    ),
]
SparkRemoteOption = Annotated[
    str | None,
    typer.Option(
        "--spark-remote",
        metavar="sc://HOST:PORT",
        help="Spark Connect server for --engine spark (default: $SPARK_REMOTE, else local).",
        show_default=False,
    ),
]
TableOption = Annotated[
    list[str] | None,
    typer.Option(
        "--table",
        metavar="NAME",
        help="Read the requests from this table of the Spark catalog (--engine spark; repeatable).",
        show_default=False,
    ),
]
EmitSqlOption = Annotated[
    SqlDialect | None,
    typer.Option(
        "--emit-sql",
        help="Print the SQL this attribution runs, as a script for duckdb or spark (run it in "
        "your own warehouse), instead of the report.",
        show_default=False,
    ),
]
ByOption = Annotated[
    list[str] | None,
    typer.Option(
        "--by",
        metavar="DIMS",
        help="Break cost per resolved ticket down by intent, tenant, model, prompt_version, "
        "outcome, endpoint, queue, status, day, week or month; comma-separate to combine. "
        "Repeatable. Default: intent.",
    ),
]
TopOption = Annotated[
    int, typer.Option(metavar="N", help="How many top tenants and most expensive tickets.")
]
PresetOption = Annotated[
    Preset | None,
    typer.Option(
        help="Read every file as this format (see below). Default: recognised from each "
        "file's content, or logs.preset in the config."
    ),
]
FieldOption = Annotated[
    list[str] | None,
    typer.Option(
        "--field",
        metavar="FIELD=PATH",
        help="Where a field is: a column or key, outer/inner for a nested key, a,b to try "
        "a then b, a+b to sum. Repeatable.",
    ),
]
IncludesCacheOption = Annotated[
    bool | None,
    typer.Option(
        "--input-includes-cache/--input-excludes-cache",
        help="Override: whether input_tokens counts cache reads and writes, for every line. "
        "Default: each format's and provider's own rule.",
    ),
]
OutcomesOption = Annotated[
    Path | None,
    typer.Option(
        metavar="FILE",
        help="Ticket outcomes (columns ticket_id, outcome; CSV, JSONL or Parquet); wins over "
        "an outcome field in the logs.",
        dir_okay=False,
    ),
]
ResolvedOption = Annotated[
    list[str] | None,
    typer.Option(
        "--resolved",
        metavar="OUTCOME",
        help="Outcomes that count as resolved (the denominator). Repeatable. Default: resolved.",
    ),
]
InputFormatOption = Annotated[
    LogFormat | None,
    typer.Option("--input-format", help="Read every LOGFILE as this, whatever its name."),
]
GlobOption = Annotated[
    bool,
    typer.Option(
        "--glob",
        help="Read each LOGFILE as a pattern ('logs/*.jsonl', 'logs/**/*.csv'; quote it) and "
        "every file it matches. Without it a name is literal, even with * or [ in it.",
    ),
]
SinceOption = Annotated[
    str | None,
    typer.Option(
        metavar="WHEN",
        help="Only requests at or after this date or date-time (ISO 8601; no offset: UTC).",
    ),
]
UntilOption = Annotated[
    str | None,
    typer.Option(metavar="WHEN", help="Only requests before this date or date-time."),
]
StrictOption = Annotated[
    bool, typer.Option("--strict", help="Exit 2 on the first bad line instead of skipping.")
]
LogsConfigOption = Annotated[
    Path | None,
    config_option(
        "Read the logs: section (preset, fields, input_includes_cache, resolved_outcomes) "
        "from this config. Default: the config in the current directory, if any."
    ),
]


@command(epilog=ATTRIBUTE_EPILOG)
def attribute(
    logfiles: LogfilesArgument = None,
    by: ByOption = None,
    top: TopOption = 10,
    preset: PresetOption = None,
    field: FieldOption = None,
    includes_cache: IncludesCacheOption = None,
    outcomes: OutcomesOption = None,
    resolved: ResolvedOption = None,
    input_format: InputFormatOption = None,
    glob: GlobOption = False,
    since: SinceOption = None,
    until: UntilOption = None,
    strict: StrictOption = False,
    config: LogsConfigOption = None,
    pricing: PricingOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
    export: ExportOption = None,
    engine: EngineOption = Engine.DUCKDB,
    spark_remote: SparkRemoteOption = None,
    table: TableOption = None,
    emit_sql: EmitSqlOption = None,
) -> None:
    """Attribute real request logs to tickets: what a resolved ticket really cost.

    Every request of a ticket counts (retries, fallbacks, summaries, handoff drafts), priced from
    cost_usd when the log has it and from the price tables otherwise, and the cost of every
    ticket, escalated and abandoned ones included, is divided by the resolved tickets. Shows
    p50/p95/p99 cost per ticket, the most expensive tickets, the cost of failed attempts and
    retries, the top tenants, prompt versions side by side, and every price used. Bad lines are
    skipped, counted and shown with their line numbers; requests on models without a price are
    listed, never priced as zero.
    """
    from ticketcost.attribution import attribute as run_attribute
    from ticketcost.attribution import find_sources
    from ticketcost.attribution.fields import parse_field_flags
    from ticketcost.attribution.sources import build_options
    from ticketcost.io.configfind import find_config
    from ticketcost.report.attribution import attribution_report

    at_least("top", top, 1, MAX_TOP)
    settings = None
    if find_config(config, required=config is not None) is not None:  # pydantic only if needed
        from ticketcost.costs.config import load_logs_settings

        settings = load_logs_settings(config)
    options = build_options(
        settings,
        preset=preset,
        field_overrides=parse_field_flags(field or []),
        input_includes_cache=includes_cache,
        by=by or (),
        top=top,
        resolved_outcomes=resolved or (),
        outcomes_file=outcomes,
        strict=strict,
        since=since,
        until=until,
    )
    kind = input_format.value if input_format else None
    if engine is Engine.SPARK:
        from ticketcost.attribution.spark import attribute_spark, spark_sources

        if glob or emit_sql:
            flag = "--glob (Spark reads patterns itself)" if glob else "--emit-sql"
            raise TicketcostError(f"{flag} is not used with --engine spark", param="engine")
        found = spark_sources(logfiles or [], table or [], kind)
        result = attribute_spark(found, price_table(pricing), options, spark_remote)
        emit(attribution_report(result), output_format, export)
        return
    if table or spark_remote:
        flag = "--table" if table else "--spark-remote"
        raise TicketcostError(f"{flag} needs --engine spark", param="engine")
    sources = find_sources(logfiles or [], kind, glob)
    if emit_sql is not None:
        from ticketcost.attribution.emit import attribution_sql
        from ticketcost.cli.options import write_stdout

        script = attribution_sql(sources, price_table(pricing), options, emit_sql.value)
        write_stdout(script, data=True)
        return
    result = run_attribute(
        sources, price_table(pricing), options, progress=_progress_printer(sources)
    )
    emit(attribution_report(result), output_format, export)


def _progress_printer(sources: Sequence[LogSource]) -> Callable[[float], None] | None:
    """A progress line on stderr for long reads (a terminal only; 50 MB of logs or more)."""
    if not sys.stderr.isatty() or os.environ.get("TICKETCOST_NO_PROGRESS"):
        return None
    size = sum(s.path.stat().st_size for s in sources)
    if size < 50_000_000:
        return None
    return progress_line(size, sys.stderr)


def progress_line(size: int, stream: TextIO) -> Callable[[float], None]:
    """A line that shows the fraction of each pass over ``size`` bytes of logs; a pass that
    starts after one has finished (log names the price table spells another way are priced in
    a second pass) gets a line of its own that says so."""
    state = {"finished": 0, "last": 0.0}  # passes finished; the fraction shown last

    def show(fraction: float) -> None:
        if fraction >= 1 and state["last"] >= 1:
            return  # (this pass's end is shown already)
        again = " again (model names spelled another way)"
        line = f"Reading {size / 1e6:,.0f} MB of logs{again if state['finished'] else ''}"
        state["last"] = fraction
        if fraction >= 1:
            state["finished"] += 1
        end = "\n" if fraction >= 1 else ""
        stream.write(f"\r{line}: {fraction * 100:3.0f}%{end}")
        stream.flush()

    return show
