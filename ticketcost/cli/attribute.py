"""`ticketcost attribute`: real request logs attributed to tickets."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

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
from ticketcost.report.formats import OutputFormat

ATTRIBUTE_EPILOG = """\
\b
Examples:
  ticketcost attribute requests.jsonl                     # cost per resolved ticket, by intent
  ticketcost attribute logs/*.jsonl --by intent,tenant --by model --top 20
  ticketcost attribute spans.jsonl --preset otel --outcomes outcomes.csv
  ticketcost attribute spend_logs.csv --preset litellm --field ticket_id=end_user
  ticketcost attribute requests.parquet --strict --format json > attribution.json
\b
Fields (rename with --field FIELD=PATH or logs.fields in the config): ticket_id, timestamp,
tenant, intent, queue, endpoint, prompt_version, model, status (ok, error, retry, fallback),
outcome (resolved, escalated, deflected, abandoned), input_tokens (cache reads and writes
included, as OpenAI, OpenTelemetry and LiteLLM count them), output_tokens, cache_read_tokens,
cache_write_tokens, cost_usd (used as given when present).
"""


@command(epilog=ATTRIBUTE_EPILOG)
def attribute(
    logfiles: Annotated[
        list[Path],
        typer.Argument(
            metavar="LOGFILE...",
            help="Request logs: .jsonl, .csv or .parquet (.gz allowed).",
            dir_okay=False,
        ),
    ],
    by: Annotated[
        list[str] | None,
        typer.Option(
            "--by",
            metavar="DIMS",
            help="Break cost per resolved ticket down by intent, tenant, model, prompt_version, "
            "outcome, endpoint, queue or status; comma-separate to combine. Repeatable. "
            "Default: intent.",
        ),
    ] = None,
    top: Annotated[
        int, typer.Option(metavar="N", help="How many top tenants and most expensive tickets.")
    ] = 10,
    preset: Annotated[
        Preset | None,
        typer.Option(
            help="Built-in field mapping: ticketcost (the field names above), otel "
            "(OpenTelemetry GenAI span attributes), litellm (LiteLLM spend logs). Default: "
            "ticketcost, or logs.preset in the config."
        ),
    ] = None,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            metavar="FIELD=PATH",
            help="Where a field is: a column or key, outer/inner for a nested key, a,b to try "
            "a then b. Repeatable.",
        ),
    ] = None,
    includes_cache: Annotated[
        bool | None,
        typer.Option(
            "--input-includes-cache/--input-excludes-cache",
            help="Whether input_tokens counts cache reads and writes (OpenAI, OTel, LiteLLM: "
            "includes; Anthropic's own usage: excludes). Default: includes.",
        ),
    ] = None,
    outcomes: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="Ticket outcomes (columns ticket_id, outcome; CSV, JSONL or Parquet); wins over "
            "an outcome field in the logs.",
            dir_okay=False,
        ),
    ] = None,
    resolved: Annotated[
        list[str] | None,
        typer.Option(
            "--resolved",
            metavar="OUTCOME",
            help="Outcomes that count as resolved (the denominator). Repeatable. Default: "
            "resolved.",
        ),
    ] = None,
    input_format: Annotated[
        LogFormat | None,
        typer.Option("--input-format", help="Read every LOGFILE as this, whatever its name."),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 2 on the first bad line instead of skipping.")
    ] = False,
    config: Annotated[
        Path | None,
        config_option(
            "Read the logs: section (preset, fields, input_includes_cache, resolved_outcomes) "
            "from this config. Default: the config in the current directory, if any."
        ),
    ] = None,
    pricing: PricingOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
    export: ExportOption = None,
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
    from ticketcost.attribution import Options, find_sources
    from ticketcost.attribution import attribute as run_attribute
    from ticketcost.attribution.fields import build_field_map, parse_field_flags
    from ticketcost.io.configfind import find_config
    from ticketcost.report.attribution import attribution_report

    at_least("top", top, 1)
    settings = None
    if find_config(config, required=config is not None) is not None:  # pydantic only if needed
        from ticketcost.costs.config import load_logs_settings

        settings = load_logs_settings(config)
    overrides: dict[str, Sequence[str]] = dict(settings.fields.overrides()) if settings else {}
    overrides |= parse_field_flags(field or [])
    chosen_preset = preset or (settings.preset if settings else None)
    includes = includes_cache
    if includes is None and settings is not None:
        includes = settings.input_includes_cache
    fields = build_field_map(chosen_preset or Preset.TICKETCOST, overrides, includes)
    specs = tuple(tuple(p.strip() for p in spec.split(",") if p.strip()) for spec in by or [])
    outcomes_resolved = resolved or (settings.resolved_outcomes if settings else ["resolved"])
    options = Options(
        fields=fields,
        by=tuple(s for s in specs if s) or (("intent",),),
        top=top,
        resolved_outcomes=tuple(o.strip().lower() for o in outcomes_resolved),
        outcomes_file=outcomes,
        strict=strict,
    )
    sources = find_sources(logfiles, input_format.value if input_format else None)
    prices = price_table(pricing)
    result = run_attribute(sources, prices, options, progress=_progress_printer(sources))
    emit(attribution_report(result), output_format, export)


def _progress_printer(sources: Any) -> Callable[[float], None] | None:
    """A progress line on stderr for long reads (a terminal only; 50 MB of logs or more)."""
    if not sys.stderr.isatty() or os.environ.get("TICKETCOST_NO_PROGRESS"):
        return None
    size = sum(s.path.stat().st_size for s in sources)
    if size < 50_000_000:
        return None

    def show(fraction: float) -> None:
        end = "\n" if fraction >= 1 else ""
        sys.stderr.write(f"\rReading {size / 1e6:,.0f} MB of logs: {fraction * 100:3.0f}%{end}")
        sys.stderr.flush()

    return show
