"""The ``ticketcost`` command line: parse flags, call the core, render. No arithmetic here.

Errors: the core raises :class:`~ticketcost.errors.TicketcostError`; it is caught in one place,
:meth:`_Group.main`, and printed as a single ``Error: …`` line on stderr with exit code 2.
Results go to stdout, messages to stderr.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from ticketcost import __version__
from ticketcost.conversation import CacheMode
from ticketcost.errors import TicketcostError
from ticketcost.formats import OutputFormat


class _Group(TyperGroup):
    """Turns every bad-input error into one line on stderr and an exit code (2 for bad input)."""

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            code = result if isinstance(result, int) else 0
        except TicketcostError as exc:
            code = _fail(str(exc), exc.exit_code)
        except typer.Abort:
            code = _fail("aborted", 1)
        except typer.TyperException as exc:  # click's usage errors: bad flag, bad value
            message = exc.format_message()
            context = getattr(exc, "ctx", None)
            if context is not None:
                message += f" (see '{context.command_path} --help')"
            code = _fail(message, exc.exit_code)
        if standalone_mode:
            sys.exit(code)
        return code


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"Error: {' '.join(message.split())}\n")
    return code


app = typer.Typer(
    cls=_Group,
    name="ticketcost",
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: rich-formatted help costs ~100 ms of imports on every --help.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="Output: a table for people, or json, csv, markdown."),
]
PricingOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--pricing",
        metavar="FILE",
        help="Your own price file (same schema as the bundled ones); adds or overrides models. "
        "Repeatable.",
        dir_okay=False,
    ),
]


def _at_least(flag: str, value: int, minimum: int) -> None:
    if value < minimum:
        raise TicketcostError(f"{flag} must be {minimum} or more (got {value})")


def _emit(report: Any, output_format: OutputFormat) -> None:
    from ticketcost.formats import format_report, format_table

    if output_format is OutputFormat.TABLE:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        sys.stdout.write(format_table(report, color=color))
    else:
        sys.stdout.write(format_report(report, output_format))


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    """What one AI-handled customer-support ticket really costs, exactly.

    Prices are exact (decimal arithmetic), per 1M tokens, from bundled tables that say where each
    price came from and when it was verified. Nothing is fetched from the network.
    """
    if version:
        sys.stdout.write(f"ticketcost {__version__}\n")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        sys.stdout.write(ctx.get_help() + "\n")
        raise typer.Exit()


ESTIMATE_EPILOG = """\
\b
Examples:
  ticketcost estimate                       # the standard ticket on every model
  ticketcost estimate -m claude-haiku-4.5 -m gpt-5.4-mini --cache system
  ticketcost estimate -m gemini-2.5-flash --turns 12 --per-turn
  ticketcost estimate --pricing my-prices.yaml --format json > estimate.json
"""


@app.command(epilog=ESTIMATE_EPILOG)
def estimate(
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model",
            "-m",
            metavar="MODEL",
            help="Model id or alias. Repeatable. Default: all models.",
        ),
    ] = None,
    provider: Annotated[
        str | None,
        typer.Option("--provider", metavar="PROVIDER", help="Only this provider's models."),
    ] = None,
    turns: Annotated[int, typer.Option(help="Turns in the conversation.", metavar="N")] = 5,
    system_tokens: Annotated[int, typer.Option(help="System-prompt tokens.", metavar="N")] = 500,
    user_tokens: Annotated[int, typer.Option(help="User tokens per turn.", metavar="N")] = 150,
    assistant_tokens: Annotated[
        int, typer.Option(help="Assistant (output) tokens per turn.", metavar="N")
    ] = 200,
    cache: Annotated[
        CacheMode,
        typer.Option(
            help="Prompt caching: none; system (system prompt cached after turn 1); "
            "prefix (each turn reads the previous turn's prompt from cache)."
        ),
    ] = CacheMode.NONE,
    per_turn: Annotated[
        bool, typer.Option("--per-turn", help="Show the turn-by-turn breakdown.")
    ] = False,
    pricing: PricingOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
) -> None:
    """Price one support conversation on every model, cheapest first.

    Each turn re-sends the whole history: turn k sends system + k*user + (k-1)*assistant input
    tokens and gets one assistant reply. The default is the standard 5-turn ticket (500-token system
    prompt, 150 user and 200 assistant tokens a turn: 6,750 input + 1,000 output tokens).
    """
    from ticketcost.conversation import ConversationProfile
    from ticketcost.estimate import estimate as run_estimate
    from ticketcost.pricing import price_table
    from ticketcost.report import estimate_report

    _at_least("--turns", turns, 1)
    for flag, count in (
        ("--system-tokens", system_tokens),
        ("--user-tokens", user_tokens),
        ("--assistant-tokens", assistant_tokens),
    ):
        _at_least(flag, count, 0)
    profile = ConversationProfile(turns, system_tokens, user_tokens, assistant_tokens)

    table = price_table(pricing or ())
    if model:
        chosen = {m.id: m for m in (table.get(name) for name in model)}  # a model once, in order
        models = list(chosen.values())
        if provider:
            models = [m for m in models if m.provider == provider.lower()]
            if not models:
                raise TicketcostError(f"none of the models given with --model is from '{provider}'")
    else:
        models = table.models(provider)
    result = run_estimate(models, profile, cache)
    _emit(estimate_report(result, per_turn=per_turn), output_format)


MODELS_EPILOG = """\
\b
Examples:
  ticketcost models
  ticketcost models --provider anthropic
  ticketcost models --format csv > prices.csv
"""


@app.command(epilog=MODELS_EPILOG)
def models(
    provider: Annotated[
        str | None,
        typer.Option("--provider", metavar="PROVIDER", help="Only this provider's models."),
    ] = None,
    pricing: PricingOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
) -> None:
    """List model prices (USD per 1M tokens) with their source and date verified."""
    from ticketcost.pricing import price_table
    from ticketcost.report import models_report

    table = price_table(pricing or ())
    _emit(models_report(table.models(provider)), output_format)


class ConfigFormat(StrEnum):
    YAML = "yaml"
    TOML = "toml"


ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        metavar="FILE",
        help="Config file. Default: ticketcost.yaml, ticketcost.yml, ticketcost.toml or "
        "[tool.ticketcost] in pyproject.toml, in the current directory.",
        dir_okay=False,
    ),
]

INIT_EPILOG = """\
\b
Examples:
  ticketcost init                          # writes ./ticketcost.yaml, every field commented
  ticketcost init --format toml            # writes ./ticketcost.toml
  ticketcost init -o support/cost.yaml --force
"""


@app.command(epilog=INIT_EPILOG)
def init(
    config_format: Annotated[
        ConfigFormat, typer.Option("--format", "-f", help="File format of the starter.")
    ] = ConfigFormat.YAML,
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
    from ticketcost.starter import STARTER_YAML, starter_toml

    target = output or Path(f"ticketcost.{config_format.value}")
    if target.exists() and not force:
        raise TicketcostError(f"{target} already exists; pass --force to overwrite it")
    text = STARTER_YAML if config_format is ConfigFormat.YAML else starter_toml()
    try:
        target.write_text(text)
    except OSError as exc:
        raise TicketcostError(f"{target}: cannot write ({exc.strerror})") from None
    flag = f" -c {target}" if output is not None else ""
    sys.stderr.write(
        f"Wrote {target}. Next: ticketcost stack{flag}, then ticketcost compare{flag}\n"
    )


def _load_stack(config: Path | None, pricing: list[Path] | None) -> Any:
    from ticketcost.config import load_config
    from ticketcost.pricing import price_table
    from ticketcost.stack import compute_stack

    prices = price_table(pricing or ())
    loaded = load_config(config, prices)
    return loaded, compute_stack(loaded.config, prices)


STACK_EPILOG = """\
\b
Examples:
  ticketcost stack                         # uses ./ticketcost.yaml (see ticketcost init)
  ticketcost stack -c support.toml --format json > stack.json
  ticketcost stack --format markdown       # for a pull request or a wiki page
"""


@app.command(epilog=STACK_EPILOG)
def stack(
    config: ConfigOption = None,
    pricing: PricingOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
) -> None:
    """Break a month of support down into its full cost stack, with a bar chart.

    Every component (model API, retries, embeddings and vector DB, human review and escalations,
    observability, integrations, infrastructure) per month, per ticket handled and per ticket
    resolved, its share, how it was computed, and the same per intent. CSV holds the component
    table; JSON holds everything.
    """
    from ticketcost.stack_report import stack_report

    _, result = _load_stack(config, pricing)
    _emit(stack_report(result), output_format)


COMPARE_EPILOG = """\
\b
Examples:
  ticketcost compare
  ticketcost compare -c ticketcost.toml --benchmarks our-history.yaml
  ticketcost compare --format markdown
"""


@app.command(epilog=COMPARE_EPILOG)
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
) -> None:
    """Set your all-in cost per resolved ticket beside public benchmarks.

    Klarna, Intercom Fin, Sierra, human baselines and task-priced agents (bundled, each with its
    source, date, range and what it includes), plus the config's own benchmarks and --benchmarks
    files. Rows whose unit or inclusions differ from yours say so. Savings are computed against the
    human baselines.
    """
    from ticketcost.benchmarks import bundled_benchmarks, load_benchmark_file, merge_benchmarks
    from ticketcost.compare import compare as run_compare
    from ticketcost.stack_report import compare_report

    loaded, result = _load_stack(config, pricing)
    extra = [b for path in benchmarks or () for b in load_benchmark_file(path)]
    chosen = merge_benchmarks(bundled_benchmarks(), loaded.config.benchmarks, extra)
    _emit(compare_report(run_compare(result, chosen)), output_format)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="ticketcost")
