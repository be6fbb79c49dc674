"""`ticketcost report`: one self-contained HTML page of charts for people who would rather look
than read a table."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ticketcost.cli.options import (
    ConfigOption,
    HumanOption,
    PricingOption,
    command,
    flag_errors,
    human_cost,
    price_table,
    write_text,
)

REPORT_EPILOG = """\
\b
Examples:
  ticketcost report -o report.html                  # the config found here
  ticketcost report -c support.yaml --logs requests.jsonl -o report.html
  ticketcost report -o report.html --png charts/    # each chart also as a PNG
Needs the report extra: pip install 'ticketcost[report]'.
"""


@command(epilog=REPORT_EPILOG)
def report(
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", metavar="FILE", help="The HTML page to write.", dir_okay=False
        ),
    ] = Path("report.html"),
    config: ConfigOption = None,
    logs: Annotated[
        list[Path] | None,
        typer.Option(
            "--logs",
            metavar="FILE",
            help="Request logs to add the real distribution of cost per ticket and cost by "
            "intent (any format `ticketcost attribute` reads). Repeatable.",
            dir_okay=False,
        ),
    ] = None,
    png: Annotated[
        Path | None,
        typer.Option(
            "--png", metavar="DIR", help="Also write each chart as DIR/NAME.png.", file_okay=False
        ),
    ] = None,
    human_cost_per_ticket: HumanOption = None,
    pricing: PricingOption = None,
) -> None:
    """One HTML page of charts: cost by component, against the benchmarks, at scale, by length.

    Cost per ticket by component (stacked), cost per resolved ticket against the benchmarks, cost
    per month from 1K to 1M tickets against people, and cost against conversation length by
    history policy; with --logs, the distribution of cost per ticket (p50/p95/p99) and cost by
    intent. The page is self-contained (inline SVG, no network) and lists the figures and sources
    beneath each chart.
    """
    from ticketcost.costs.benchmarks import bundled_benchmarks, merge_benchmarks
    from ticketcost.costs.config import load_config
    from ticketcost.costs.overview import overview
    from ticketcost.report import page, vega

    vega._converter()  # the extra is missing: say so before any work
    prices = price_table(pricing)
    loaded = load_config(config, prices)
    human, human_source = human_cost(human_cost_per_ticket)
    benchmarks = merge_benchmarks(bundled_benchmarks(), loaded.config.benchmarks, [])
    result = overview(loaded.config, prices, benchmarks, human, human_source)
    attribution = None
    if logs:  # read as `ticketcost attribute` reads them, with the config's logs: section
        from ticketcost.attribution import attribute, find_sources
        from ticketcost.attribution.sources import build_options
        from ticketcost.costs.config import load_logs_settings

        options = build_options(load_logs_settings(loaded.path, optional=True))
        attribution = attribute(find_sources(logs, None), prices, options)
    found = page.sections(result, attribution)
    text = page.render_html(
        found,
        "What a support ticket costs",
        page.headline(result),
        [f"Config: {loaded.path}."]
        + ([f"Logs: {', '.join(str(p) for p in logs)}."] if logs else []),
    )
    with flag_errors("output"):
        write_text(output, text)
    sys.stderr.write(f"Wrote {output} ({len(found)} charts)\n")
    if png is not None:
        from ticketcost.io.atomic import write_atomic

        with flag_errors("png"):
            png.mkdir(parents=True, exist_ok=True)
            for section in found:
                write_atomic(png / f"{section.key}.png", vega.to_png(section.spec))
        sys.stderr.write(f"Wrote {len(found)} charts to {png}/\n")
