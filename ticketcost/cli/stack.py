"""`ticketcost init`, `stack` and `compare`: a config's full cost stack, and beside benchmarks."""

# No `from __future__ import annotations` here: typer would have to evaluate every parameter's
# annotation from text on each run (compile and eval, ~1 ms of start-up).

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ticketcost.cli.options import (
    ConfigOption,
    ExportOption,
    FormatOption,
    PricingOption,
    command,
    emit,
    price_table,
    write_text,
)
from ticketcost.cli.whatif import WHAT_IF_NONE, WhatIf, load_stack, takes_what_ifs
from ticketcost.errors import TicketcostError
from ticketcost.report.formats import OutputFormat


class ConfigFormat(StrEnum):
    YAML = "yaml"
    TOML = "toml"


INIT_EPILOG = """\
\b
Examples:
  ticketcost init                          # writes ./ticketcost.yaml, every field commented
  ticketcost init --format toml            # writes ./ticketcost.toml
  ticketcost init -o support/cost.yaml --force
"""


def _format_of(path: Path) -> ConfigFormat:
    """The config format a file name says (a config is read by its extension)."""
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return ConfigFormat.YAML
    if suffix == ".toml":
        return ConfigFormat.TOML
    raise TicketcostError(
        f"{path}: a config is read by its extension; name it .yaml, .yml or .toml"
    )


@command(epilog=INIT_EPILOG)
def init(
    config_format: Annotated[
        ConfigFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="File format of the starter. Default: from the -o name's extension, else yaml.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Where to write it. Default: ticketcost.yaml or ticketcost.toml here.",
            dir_okay=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a starter config: a realistic month of support to edit into yours.

    10,000 tickets a month over four intents (password resets, general questions, billing,
    complaints), each on a model tier that suits it, with embeddings, retries, human review and
    escalations, observability, integrations and fixed infrastructure. `ticketcost stack` and
    `ticketcost compare` work on it straight away.
    """
    from ticketcost.costs.starter import STARTER_YAML, starter_toml

    named = _format_of(output) if output is not None else None
    if config_format is not None and named is not None and config_format is not named:
        raise TicketcostError(
            f"{output}: the name says {named.value} but --format {config_format.value} was asked; "
            f"name the file .{config_format.value} or drop --format"
        )
    chosen = config_format or named or ConfigFormat.YAML
    target = output or Path(f"ticketcost.{chosen.value}")
    if target.exists() and not force:
        raise TicketcostError(f"{target} already exists; pass --force to overwrite it")
    text = STARTER_YAML if chosen is ConfigFormat.YAML else starter_toml()
    write_text(target, text)
    flag = f" -c {target}" if output is not None else ""
    sys.stderr.write(
        f"Wrote {target}. Next: ticketcost stack{flag}, then ticketcost compare{flag}\n"
    )


STACK_EPILOG = """\
\b
Examples:
  ticketcost stack                         # uses ./ticketcost.yaml (see ticketcost init)
  ticketcost stack -c support.toml --format json > stack.json
  ticketcost stack --format markdown       # for a pull request or a wiki page
"""


@command(epilog=STACK_EPILOG)
@takes_what_ifs
def stack(
    config: ConfigOption = None,
    pricing: PricingOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
    export: ExportOption = None,
    what: WhatIf = WHAT_IF_NONE,
) -> None:
    """Break a month of support down into its full cost stack, with a bar chart.

    Every component (model API, retries, embeddings and vector DB, human review and escalations,
    observability, integrations, infrastructure) per month, per ticket handled and per ticket
    resolved, its share, how it was computed, and the same per intent. CSV holds the component
    table; JSON holds everything.
    """
    from ticketcost.report.stack import stack_report

    _, result = load_stack(config, price_table(pricing), what)
    emit(what.shown(stack_report(result)), output_format, export)


COMPARE_EPILOG = """\
\b
Examples:
  ticketcost compare
  ticketcost compare -c ticketcost.toml --benchmarks our-history.yaml
  ticketcost compare --format markdown
"""


@command(epilog=COMPARE_EPILOG)
@takes_what_ifs
def compare(
    config: ConfigOption = None,
    benchmarks: Annotated[
        list[Path] | None,
        typer.Option(
            "--benchmarks",
            metavar="FILE",
            help="More reference points (same schema as benchmarks/*.yaml). Repeatable.",
            dir_okay=False,
        ),
    ] = None,
    pricing: PricingOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
    export: ExportOption = None,
    what: WhatIf = WHAT_IF_NONE,
) -> None:
    """Set your all-in cost per resolved ticket beside public benchmarks.

    Klarna, Intercom Fin, Sierra, human baselines and task-priced agents (bundled, each with its
    source, date, range and what it includes), plus the config's own benchmarks and --benchmarks
    files. Rows whose unit or inclusions differ from yours say so. Savings are computed against the
    human baselines.
    """
    from ticketcost.costs.benchmarks import (
        bundled_benchmarks,
        load_benchmark_file,
        merge_benchmarks,
    )
    from ticketcost.costs.compare import compare as run_compare
    from ticketcost.report.stack import compare_report

    loaded, result = load_stack(config, price_table(pricing), what)
    extra = [b for path in benchmarks or () for b in load_benchmark_file(path)]
    chosen = merge_benchmarks(bundled_benchmarks(), loaded.config.benchmarks, extra)
    report = compare_report(run_compare(result, chosen))
    emit(what.shown(report), output_format, export)
