"""Attribute request logs to tickets: what a resolved ticket really cost, and where it went.

The engine is DuckDB (imported only here, only when logs are attributed). One pass over the logs
validates every line and prices each request as it is read: a join against per-token prices by
model, "band" (which long-context thresholds its input passes), "period" (which recorded price
changes its date is past), time-of-day slot and service tier, in ``DECIMAL(38,18)`` arithmetic.
The same pass sums the costs per ticket and per class of request (:mod:`.tally`); everything else
runs on those much smaller rows. A token count times a per-token price is exact (every bundled
price is a whole number of 10^-18 dollars a token), so a sum over millions of requests matches
Python's ``decimal`` to the last digit. Given costs (``cost_usd``) are read to 12 decimal places.

Line numbers of bad lines come from a second, ordered pass over the raw lines that applies the
same checks and stops at the first few bad ones (it runs only when something was skipped).

The same statements run on Apache Spark (:mod:`.spark`, ``engine="spark"``), rendered by
:mod:`.dialect`; :mod:`.emit` prints them as a script.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ticketcost.attribution.connection import DuckDb, connect
from ticketcost.attribution.fields import DIMENSIONS
from ticketcost.attribution.query import run
from ticketcost.attribution.results import Attribution
from ticketcost.attribution.scans import LINE_BYTES, plan_source
from ticketcost.attribution.sources import (
    LogSource,
    Options,
    build_options,
    csv_line_end,
    find_sources,
    literal_path,
    long_line,
)
from ticketcost.errors import TicketcostError
from ticketcost.pricing.table import PriceTable


def attribute(
    sources: Sequence[LogSource],
    prices: PriceTable,
    options: Options,
    progress: Callable[[float], None] | None = None,
) -> Attribution:
    """Attribute the request logs in ``sources`` to tickets, priced from ``prices``.

    ``progress``, if given, is called with the fraction of each pass over the logs done (0..1):
    from 0 when it starts to 1 when it ends; a second pass (log names the price table spells
    another way) starts from 0 again.
    """
    con, folder = connect()
    return attribute_on(con, folder, sources, prices, options, progress)


def attribute_on(
    con: DuckDb,
    folder: Path,
    sources: Sequence[LogSource],
    prices: PriceTable,
    options: Options,
    progress: Callable[[float], None] | None = None,
) -> Attribution:
    """:func:`attribute` on the connection ``con`` (closed, and ``folder`` removed, after)."""
    import duckdb

    try:
        for spec in options.by:
            for name in spec:
                if name not in DIMENSIONS:
                    raise TicketcostError(
                        f"by {','.join(spec)}: unknown dimension '{name}'; use "
                        f"{', '.join(DIMENSIONS)} (comma-separated to combine)",
                        param="by",
                    )
        literal = [
            replace(s, scan=literal_path(s.path, folder, i, s.format))
            for i, s in enumerate(sources)
        ]
        outcomes = options.outcomes_file
        outcomes_link = literal_path(outcomes, folder, -1, "csv") if outcomes else None
        plans = [plan_source(con, s, options.fields) for s in literal]
        traces = [p.source for p in plans if p.found.shape == "langfuse-traces"]
        requests = [p for p in plans if p.found.shape != "langfuse-traces"]
        if not requests:
            names = ", ".join(str(s.path) for s in traces)
            raise TicketcostError(
                f"{names}: Langfuse traces only; pass the observations export too (the requests "
                "and their usage are there; the traces give each its session)"
            )
        return run(con, requests, traces, prices, options, progress, outcomes_link)
    except duckdb.InterruptException:
        raise KeyboardInterrupt from None  # Ctrl-C during a query: the CLI says "interrupted"
    except RuntimeError as exc:  # DuckDB's Python client reports Ctrl-C as "Query interrupted"
        if "interrupted" in str(exc).lower():
            raise KeyboardInterrupt from None
        raise
    except duckdb.Error as exc:
        message = str(exc).splitlines()[0]
        if "state machine" in message:  # (DuckDB's CSV reader on how lines end)
            for source in sources:
                found = csv_line_end(source.path) if source.format == "csv" else None
                if found is not None:
                    raise TicketcostError(f"{source.path}:{found[0]}: {found[1]}") from None
        if "maximum_object_size" in message:  # (DuckDB's JSON reader on a record over 32 MiB)
            raise _too_long(sources) from None
        names = ", ".join(str(s.path) for s in sources)
        raise TicketcostError(f"{names}: reading the logs failed: {message}") from None
    finally:
        con.close()
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


def _too_long(sources: Sequence[LogSource]) -> TicketcostError:
    """The error for a JSON record longer than the embedded engine reads: where, and what to do."""
    advice = (
        "the embedded engine reads a JSON record of up to 32 MiB: leave the large fields "
        "(message bodies, images) out of the export, or run with --engine spark"
    )
    for source in sources:
        found = long_line(source.path, LINE_BYTES) if source.format == "jsonl" else None
        if found is not None:
            return TicketcostError(
                f"{source.path}:{found[0]}: this line is {found[1]:,} bytes; {advice}"
            )
    names = ", ".join(str(s.path) for s in sources)
    return TicketcostError(f"{names}: a JSON record is longer than 32 MiB; {advice}")


def attribute_logs(
    paths: Sequence[str | os.PathLike[str]],
    *,
    prices: PriceTable | None = None,
    input_format: str | None = None,
    progress: Callable[[float], None] | None = None,
    engine: str = "duckdb",
    spark_remote: str | None = None,
    tables: Sequence[str] = (),
    **options: Any,
) -> Attribution:
    """Attribute the request logs at ``paths`` (JSONL, CSV/TSV or Parquet, by extension or
    ``input_format``), priced from ``prices`` (default: the bundled tables).

    ``engine`` is ``duckdb`` (embedded, the default) or ``spark`` (extra ``ticketcost[spark]``:
    ``paths`` may then be globs or cloud URIs, ``tables`` names tables of the session's
    catalog, and ``spark_remote`` a Spark Connect address, ``sc://HOST:PORT``). ``options`` are
    those of :func:`~ticketcost.attribution.sources.build_options`: ``preset``,
    ``field_overrides``, ``input_includes_cache``, ``by``, ``top``, ``resolved_outcomes``,
    ``outcomes_file``, ``strict``, ``since``, ``until``. Each file's format is recognised from
    its content unless ``preset`` names one.
    """
    from ticketcost.pricing.table import price_table

    chosen = prices if prices is not None else price_table()
    built = build_options(None, **options)
    if engine == "spark":
        from ticketcost.attribution.spark import attribute_spark, spark_sources

        found = spark_sources([str(p) for p in paths], tables, input_format)
        return attribute_spark(found, chosen, built, spark_remote)
    if engine != "duckdb":
        raise TicketcostError(f"engine {engine!r}: use duckdb or spark", param="engine")
    if tables:
        raise TicketcostError("a table is read on Spark only (`engine` spark)", param="table")
    return attribute(find_sources(paths, input_format), chosen, built, progress)
