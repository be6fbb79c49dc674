"""The ``ticketcost`` command line: parse flags, call the core, render. No arithmetic here.

Errors: the core raises :class:`~ticketcost.errors.TicketcostError`; it is caught in one place,
:meth:`_Group.main`, and printed as a single ``Error: …`` line on stderr with exit code 2.
Results go to stdout, messages to stderr.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperGroup

from ticketcost import __version__
from ticketcost.attribution.fields import LogFormat, Preset
from ticketcost.costs.conversation import CacheMode, CacheTTL
from ticketcost.errors import TicketcostError
from ticketcost.pricing.view import Variant
from ticketcost.report.formats import OutputFormat

F = TypeVar("F", bound=Callable[..., Any])


class _LazyCommands(MutableMapping[str, Any]):
    """The group's commands, each built from its function only when first looked up.

    typer inspects every parameter of every command to build its click form; building only the
    command being run keeps ``ticketcost estimate`` from paying for all the others. Help and
    "did you mean" see every name, as usual.
    """

    def __init__(self, built: dict[str, Any]) -> None:
        self._built = built

    def __getitem__(self, name: str) -> Any:
        if name not in self._built and name in _COMMANDS:
            self._built[name] = typer.main.get_command(_COMMANDS[name])
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*_COMMANDS, *self._built]))

    def __len__(self) -> int:
        return len(set(_COMMANDS) | set(self._built))


class _Group(TyperGroup):
    """Turns every bad-input error into one line on stderr and an exit code (2 for bad input)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = _LazyCommands(dict(self.commands))

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


_SETTINGS: dict[str, Any] = {
    "add_completion": False,
    "pretty_exceptions_enable": False,
    # Plain click help: rich-formatted help costs ~100 ms of imports on every --help.
    "rich_markup_mode": None,
    "context_settings": {"help_option_names": ["-h", "--help"]},
}
app = typer.Typer(cls=_Group, name="ticketcost", **_SETTINGS)
_COMMANDS: dict[str, typer.Typer] = {}  # name -> a one-command app, built on first use


def command(name: str | None = None, **kwargs: Any) -> Callable[[F], F]:
    """Register a subcommand of ``app`` (like ``app.command``), built lazily by ``_Group``."""

    def register(function: F) -> F:
        single = typer.Typer(**_SETTINGS)
        single.command(name, **kwargs)(function)
        _COMMANDS[name or function.__name__.replace("_", "-")] = single
        return function

    return register


TurnsOption = Annotated[int, typer.Option(help="Turns in the conversation.", metavar="N")]
SystemTokensOption = Annotated[int, typer.Option(help="System-prompt tokens.", metavar="N")]
UserTokensOption = Annotated[int, typer.Option(help="User tokens per turn.", metavar="N")]
AssistantTokensOption = Annotated[
    int, typer.Option(help="Assistant (output) tokens per turn.", metavar="N")
]


def _models_option(default: str) -> Any:
    return typer.Option(
        "--model", "-m", metavar="MODEL", help=f"Model id or alias. Repeatable. Default: {default}."
    )


def _config_option(help_text: str) -> Any:
    return typer.Option("--config", "-c", metavar="FILE", help=help_text, dir_okay=False)


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


VariantOption = Annotated[
    Variant | None,
    typer.Option(help="Price requests as batch, flex or priority, at that variant's own rates."),
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATE", help="Use the prices in force on DATE (2026-03-01)."),
]
DiscountOption = Annotated[
    str | None,
    typer.Option(metavar="PCT", help="Your negotiated discount off list prices, in percent."),
]
MarkupOption = Annotated[
    str | None, typer.Option(metavar="PCT", help="A reseller markup on top, in percent.")
]
CurrencyOption = Annotated[
    str | None,
    typer.Option(metavar="CODE", help="Show amounts in this currency (needs --fx), e.g. EUR."),
]
FxOption = Annotated[
    str | None,
    typer.Option(metavar="RATE", help="Units of --currency per USD; yours, never fetched."),
]


def _price_view(
    variant: Variant | None,
    as_of: str | None,
    discount: str | None,
    markup: str | None,
    currency: str | None,
    fx: str | None,
) -> Any:
    from ticketcost.pricing.view import Adjustment, PriceView, parse_date

    return PriceView(
        parse_date(as_of, "--as-of") if as_of else None,
        variant.value if variant else None,
        Adjustment.from_flags(discount, markup, currency, fx),
    )


ExportOption = Annotated[
    Path | None,
    typer.Option(
        "--export",
        metavar="FILE",
        help="Also write the view to FILE: .svg or .html (a picture of the terminal view), .txt "
        "or .md.",
        dir_okay=False,
    ),
]


def _at_least(flag: str, value: int, minimum: int) -> None:
    if value < minimum:
        raise TicketcostError(f"{flag} must be {minimum} or more (got {value})")


def _emit(report: Any, output_format: OutputFormat, export: Path | None = None) -> None:
    from ticketcost.report.formats import format_report, format_table

    if export is not None:
        _export(report, export)
    if output_format is OutputFormat.TABLE:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        sys.stdout.write(format_table(report, color=color))
    else:
        sys.stdout.write(format_report(report, output_format))


EXPORT_SUFFIXES = (".svg", ".html", ".txt", ".md")


def _export(report: Any, path: Path) -> None:
    """Write the terminal view as an SVG or HTML picture (rich records it), text or markdown."""
    from ticketcost.report.formats import format_markdown, format_table

    suffix = path.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise TicketcostError(
            f"--export {path}: unknown file type '{suffix}'; use {', '.join(EXPORT_SUFFIXES)}"
        )
    text = format_table(report, color=suffix in (".svg", ".html"))
    try:
        if suffix in (".svg", ".html"):
            import io

            from rich.console import Console
            from rich.text import Text

            width = max(len(line) for line in format_table(report).splitlines()) + 1
            console = Console(record=True, width=width, file=io.StringIO(), color_system="standard")
            console.print(Text.from_ansi(text), soft_wrap=True)
            if suffix == ".svg":
                console.save_svg(str(path), title="ticketcost")
            else:
                console.save_html(str(path))
        else:
            path.write_text(format_markdown(report) if suffix == ".md" else text)
    except OSError as exc:
        raise TicketcostError(f"--export {path}: cannot write ({exc.strerror})") from None
    sys.stderr.write(f"Wrote {path}\n")


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
  ticketcost estimate -m gpt-5.4 --variant batch --turns 40 --system-tokens 8000
  ticketcost estimate --cache system --cache-ttl 1h --discount 12 --currency EUR --fx 0.92
  ticketcost estimate -m claude-sonnet-4.6 --as-of 2026-01-15 --system-tokens 210000
"""


@command(epilog=ESTIMATE_EPILOG)
def estimate(
    model: Annotated[list[str] | None, _models_option("all models")] = None,
    provider: Annotated[
        str | None,
        typer.Option("--provider", metavar="PROVIDER", help="Only this provider's models."),
    ] = None,
    turns: TurnsOption = 5,
    system_tokens: SystemTokensOption = 500,
    user_tokens: UserTokensOption = 150,
    assistant_tokens: AssistantTokensOption = 200,
    cache: Annotated[
        CacheMode,
        typer.Option(
            help="Prompt caching: none; system (system prompt cached after turn 1); "
            "prefix (each turn reads the previous turn's prompt from cache)."
        ),
    ] = CacheMode.NONE,
    cache_ttl: Annotated[
        CacheTTL,
        typer.Option(
            "--cache-ttl",
            help="Cache retention: 5m (default) or 1h, where a provider prices 1-hour writes "
            "apart.",
        ),
    ] = CacheTTL.FIVE_MINUTES,
    variant: VariantOption = None,
    as_of: AsOfOption = None,
    discount: DiscountOption = None,
    markup: MarkupOption = None,
    currency: CurrencyOption = None,
    fx: FxOption = None,
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

    Each turn is priced at the long-context tier its input reaches; a cached prefix shorter than
    the provider's minimum cacheable prompt is priced as fresh input, with a note.
    """
    from ticketcost.costs.estimate import estimate as run_estimate
    from ticketcost.pricing.table import price_table
    from ticketcost.report.model import estimate_report

    profile = _profile(turns, system_tokens, user_tokens, assistant_tokens)

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
    view = _price_view(variant, as_of, discount, markup, currency, fx)
    result = run_estimate(models, profile, cache, cache_ttl, view, explicit=bool(model))
    _emit(estimate_report(result, per_turn=per_turn), output_format)


MODELS_EPILOG = """\
\b
Examples:
  ticketcost models
  ticketcost models --provider anthropic
  ticketcost models --format csv > prices.csv
  ticketcost models --provider openai --variant batch
  ticketcost models --discount 15 --currency GBP --fx 0.79
"""


@command(epilog=MODELS_EPILOG)
def models(
    provider: Annotated[
        str | None,
        typer.Option("--provider", metavar="PROVIDER", help="Only this provider's models."),
    ] = None,
    variant: VariantOption = None,
    as_of: AsOfOption = None,
    discount: DiscountOption = None,
    markup: MarkupOption = None,
    currency: CurrencyOption = None,
    fx: FxOption = None,
    pricing: PricingOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
) -> None:
    """List model prices (USD per 1M tokens) with their source and date verified.

    Also shown: the 1-hour cache-write price, the minimum cacheable prompt, and what else is
    priced (long-context tiers, batch/flex/priority variants, earlier prices); --format json has
    every rate.
    """
    from ticketcost.pricing.table import price_table
    from ticketcost.report.model import models_report

    table = price_table(pricing or ())
    view = _price_view(variant, as_of, discount, markup, currency, fx)
    chosen, notes = view.apply_all(table.models(provider), explicit=False)
    _emit(models_report(chosen, view.notes() + notes, view.adjustment.currency), output_format)


class ConfigFormat(StrEnum):
    YAML = "yaml"
    TOML = "toml"


ConfigOption = Annotated[
    Path | None,
    _config_option(
        "Config file. Default: ticketcost.yaml, ticketcost.yml, ticketcost.toml or "
        "[tool.ticketcost] in pyproject.toml, in the current directory."
    ),
]

INIT_EPILOG = """\
\b
Examples:
  ticketcost init                          # writes ./ticketcost.yaml, every field commented
  ticketcost init --format toml            # writes ./ticketcost.toml
  ticketcost init -o support/cost.yaml --force
"""


@command(epilog=INIT_EPILOG)
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
    from ticketcost.costs.starter import STARTER_YAML, starter_toml

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
    from ticketcost.costs.config import load_config
    from ticketcost.costs.stack import compute_stack
    from ticketcost.pricing.table import price_table

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


@command(epilog=STACK_EPILOG)
def stack(
    config: ConfigOption = None,
    pricing: PricingOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
    export: ExportOption = None,
) -> None:
    """Break a month of support down into its full cost stack, with a bar chart.

    Every component (model API, retries, embeddings and vector DB, human review and escalations,
    observability, integrations, infrastructure) per month, per ticket handled and per ticket
    resolved, its share, how it was computed, and the same per intent. CSV holds the component
    table; JSON holds everything.
    """
    from ticketcost.report.stack import stack_report

    _, result = _load_stack(config, pricing)
    _emit(stack_report(result), output_format, export)


COMPARE_EPILOG = """\
\b
Examples:
  ticketcost compare
  ticketcost compare -c ticketcost.toml --benchmarks our-history.yaml
  ticketcost compare --format markdown
"""


@command(epilog=COMPARE_EPILOG)
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

    loaded, result = _load_stack(config, pricing)
    extra = [b for path in benchmarks or () for b in load_benchmark_file(path)]
    chosen = merge_benchmarks(bundled_benchmarks(), loaded.config.benchmarks, extra)
    _emit(compare_report(run_compare(result, chosen)), output_format, export)


HumanOption = Annotated[
    str | None,
    typer.Option(
        "--human-cost-per-ticket",
        metavar="USD",
        help="Human cost of a ticket, e.g. 4 or a range 3-5. Default: the bundled outsourced-agent "
        "baseline ($3-$5).",
    ),
]
DEFAULT_HUMAN_BASELINE = "human-outsourced"


def _human_cost(text: str | None) -> tuple[tuple[Decimal, Decimal], str]:
    """(low, high) USD per ticket and where it came from."""
    from ticketcost.costs.growth import parse_usd_range

    if text is not None:
        return parse_usd_range(text, "--human-cost-per-ticket"), "--human-cost-per-ticket"
    from ticketcost.costs.benchmarks import bundled_benchmarks

    baseline = next(b for b in bundled_benchmarks() if b.id == DEFAULT_HUMAN_BASELINE)
    date = baseline.source_date.isoformat() if baseline.source_date else "undated"
    source = f"bundled baseline {baseline.id}: {baseline.name}, {baseline.source}, {date}"
    return (baseline.low, baseline.high), source


SCALE_EPILOG = """\
\b
Examples:
  ticketcost scale-table                          # the six standard models, 1K to 1M tickets
  ticketcost scale-table -m claude-haiku-4.5 --cache system --fixed-monthly 170
  ticketcost scale-table -c ticketcost.yaml --volumes 5K,50K,500K
  ticketcost scale-table --export scale.svg
"""


@command("scale-table", epilog=SCALE_EPILOG)
def scale_table(
    volumes: Annotated[
        str,
        typer.Option(help="Monthly ticket volumes, comma-separated; K and M allowed."),
    ] = "1K,10K,100K,1M",
    model: Annotated[list[str] | None, _models_option("the six-model standard comparison")] = None,
    config: Annotated[
        Path | None,
        _config_option("Use this config's intent mix and whole stack instead of single models."),
    ] = None,
    turns: TurnsOption = 5,
    system_tokens: SystemTokensOption = 500,
    user_tokens: UserTokensOption = 150,
    assistant_tokens: AssistantTokensOption = 200,
    cache: Annotated[CacheMode, typer.Option(help="Prompt caching: none, system or prefix.")] = (
        CacheMode.NONE
    ),
    fixed_monthly: Annotated[
        str,
        typer.Option(
            metavar="USD",
            help="Fixed monthly cost (hosting, vector DB, ...) amortised over the volume, "
            "without a config.",
        ),
    ] = "0",
    human_cost_per_ticket: HumanOption = None,
    pricing: PricingOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
    export: ExportOption = None,
) -> None:
    """Cost per ticket and per month from 1K to 1M tickets a month, against human handling.

    Per model: the monthly model cost (the `estimate` cost of one ticket × volume), the all-in
    monthly cost with fixed items amortised, the all-in cost per ticket, and what people would cost
    for the same volume. With -c, the config's whole stack is recomputed at each volume.
    """
    from ticketcost.costs.estimate import STANDARD_COMPARISON
    from ticketcost.costs.growth import (
        parse_usd_range,
        parse_volumes,
        scale_for_config,
        scale_for_models,
    )
    from ticketcost.pricing.table import price_table
    from ticketcost.report.growth import scale_report

    chosen_volumes = parse_volumes(volumes)
    human, human_source = _human_cost(human_cost_per_ticket)
    prices = price_table(pricing or ())
    if config is not None:
        if model:
            raise TicketcostError("use either --model or --config, not both")
        from ticketcost.costs.config import load_config

        loaded = load_config(config, prices)
        rows = scale_for_config(loaded.config, prices, chosen_volumes, human)
        basis = (
            f"Intent mix and stack of {loaded.path}, recomputed at each volume; fixed monthly "
            "items stay fixed, per-ticket items scale."
        )
    else:
        fixed = parse_usd_range(fixed_monthly, "--fixed-monthly")[0]
        profile = _profile(turns, system_tokens, user_tokens, assistant_tokens)
        models = [prices.get(name) for name in (model or STANDARD_COMPARISON)]
        rows = scale_for_models(models, profile, cache, chosen_volumes, fixed, human)
        basis = (
            f"Model / month = the estimate cost of one ticket ({profile.turns} turns, cache: "
            f"{cache}) × tickets; fixed {money_text(fixed)} a month added for all-in."
        )
    _emit(scale_report(rows, basis, human, human_source), output_format, export)


def money_text(amount: Decimal) -> str:
    from ticketcost.money import format_money

    return format_money(amount)


def _profile(turns: int, system_tokens: int, user_tokens: int, assistant_tokens: int) -> Any:
    from ticketcost.costs.conversation import ConversationProfile

    _at_least("--turns", turns, 1)
    for flag, count in (
        ("--system-tokens", system_tokens),
        ("--user-tokens", user_tokens),
        ("--assistant-tokens", assistant_tokens),
    ):
        _at_least(flag, count, 0)
    return ConversationProfile(turns, system_tokens, user_tokens, assistant_tokens)


ROI_EPILOG = """\
\b
Examples:
  ticketcost roi --volume 10000 --ai-monthly 250 --human-cost-per-ticket 4
  ticketcost roi -c ticketcost.yaml --deflection 50% --deflection 70%
"""


@command(epilog=ROI_EPILOG)
def roi(
    volume: Annotated[
        int | None, typer.Option(metavar="N", help="Tickets a month (default: the config's).")
    ] = None,
    ai_monthly: Annotated[
        str | None,
        typer.Option(metavar="USD", help="AI stack cost a month (default: the config's all-in)."),
    ] = None,
    config: Annotated[
        Path | None, _config_option("Take the volume and the all-in AI cost from this config.")
    ] = None,
    deflection: Annotated[
        list[str] | None,
        typer.Option(
            metavar="RATE",
            help="Share of tickets the AI takes off people, 0.4 or 40%. Repeatable. "
            "Default: 40%, 60%, 75%.",
        ),
    ] = None,
    human_cost_per_ticket: HumanOption = None,
    pricing: PricingOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
    export: ExportOption = None,
) -> None:
    """Deflection ROI: human cost saved against what the AI stack costs.

    For each deflection rate: tickets taken off people, human cost saved (tickets × rate × human
    cost per ticket), the AI cost, the net saving and the ROI multiple (saved ÷ AI cost). A range
    for the human cost is priced at its midpoint.
    """
    from ticketcost.costs.growth import (
        DEFAULT_DEFLECTION,
        deflection_roi,
        midpoint,
        parse_rate,
        parse_usd_range,
    )
    from ticketcost.report.growth import roi_report

    rates = [parse_rate(r, "--deflection") for r in deflection] if deflection else None
    (low, high), human_source = _human_cost(human_cost_per_ticket)
    human = midpoint(low, high)
    if low != high:
        human_source += f", midpoint of {money_text(low)}–{money_text(high)}"
    ai_source = "--ai-monthly"
    if config is not None:
        from ticketcost.costs.config import load_config
        from ticketcost.costs.stack import compute_stack
        from ticketcost.pricing.table import price_table

        prices = price_table(pricing or ())
        loaded = load_config(config, prices)
        result = compute_stack(loaded.config, prices)
        volume = volume if volume is not None else loaded.config.volume
        if ai_monthly is None:
            if volume != loaded.config.volume:
                result = compute_stack(loaded.config.model_copy(update={"volume": volume}), prices)
            ai_cost = result.total_monthly
            ai_source = f"all-in stack of {loaded.path}"
    if volume is None:
        raise TicketcostError("give --volume and --ai-monthly, or -c CONFIG")
    if volume < 1:
        raise TicketcostError(f"--volume must be 1 or more (got {volume})")
    if ai_monthly is not None:
        ai_cost = parse_usd_range(ai_monthly, "--ai-monthly")[0]
    elif config is None:
        raise TicketcostError("give --ai-monthly (the AI stack's monthly cost), or -c CONFIG")
    rows = deflection_roi(volume, ai_cost, human, rates or DEFAULT_DEFLECTION)
    _emit(roi_report(rows, volume, human, ai_source, human_source), output_format, export)


CURVE_EPILOG = """\
\b
Examples:
  ticketcost curve                                  # Haiku 4.5, 1 to 30 turns, three policies
  ticketcost curve -m gpt-5.4-mini --cache system --turns 1..50
  ticketcost curve --policy window:6 --policy summarize:4:250 --export curve.html
"""


@command(epilog=CURVE_EPILOG)
def curve(
    model: Annotated[list[str] | None, _models_option("claude-haiku-4-5")] = None,
    turns: Annotated[
        str, typer.Option(metavar="FIRST..LAST", help="Conversation lengths to price.")
    ] = "1..30",
    system_tokens: SystemTokensOption = 500,
    user_tokens: UserTokensOption = 150,
    assistant_tokens: AssistantTokensOption = 200,
    cache: Annotated[
        list[CacheMode] | None,
        typer.Option(help="Prompt caching (none, system, prefix). Repeatable. Default: none."),
    ] = None,
    policy: Annotated[
        list[str] | None,
        typer.Option(
            metavar="POLICY",
            help="History policy: full, window:N (last N exchanges) or summarize:N:S (last N "
            "exchanges plus an S-token summary). Repeatable. Default: window:4 and "
            "summarize:4:300; full is always shown.",
        ),
    ] = None,
    pricing: PricingOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
    export: ExportOption = None,
) -> None:
    """How cost per ticket grows with conversation length, and what history policies save.

    Every turn re-sends the history, so cost grows faster than the number of turns. A window or a
    running summary caps what is re-sent (a summary costs its own summarisation calls); the notes
    say from which length each policy is cheaper than the full history.
    """
    from ticketcost.costs.conversation import HistoryPolicy
    from ticketcost.costs.growth import cost_curve, parse_turn_range
    from ticketcost.pricing.table import price_table
    from ticketcost.report.growth import curve_report

    turn_counts = parse_turn_range(turns)
    profile = _profile(1, system_tokens, user_tokens, assistant_tokens)
    policies = [HistoryPolicy.parse(spec) for spec in policy or ("window:4", "summarize:4:300")]
    prices = price_table(pricing or ())
    models = [prices.get(name) for name in (model or ("claude-haiku-4-5",))]
    result = cost_curve(models, profile, cache or [CacheMode.NONE], policies, turn_counts)
    _emit(curve_report(result), output_format, export)


def _snapshot(path: Path, prices: Any) -> Any:
    """A saved JSON report, or a config priced now."""
    from ticketcost.costs.baseline import load_report, snapshot_from_payload
    from ticketcost.costs.config import load_config
    from ticketcost.costs.stack import compute_stack
    from ticketcost.report.stack import stack_payload

    if path.suffix.lower() == ".json":
        return load_report(path)
    loaded = load_config(path, prices)
    payload = {"schema_version": "1"} | stack_payload(compute_stack(loaded.config, prices))
    return snapshot_from_payload(payload, str(loaded.path))


CHECK_EPILOG = """\
\b
Examples:
  ticketcost check                                  # exit 1 if a budget is exceeded
  ticketcost check --baseline main.json --format markdown > comment.md
  ticketcost check --save-baseline main.json        # record today's figures
Exit codes: 0 every budget holds (warnings are printed), 1 a budget is exceeded,
2 the config, a flag or the baseline is invalid.
"""


@command(epilog=CHECK_EPILOG)
def check(
    config: ConfigOption = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="Compare with this: a saved report (--save-baseline, or any command's --format "
            "json with a stack) or a config. Enables the increase budgets.",
            dir_okay=False,
        ),
    ] = None,
    save_baseline: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE", help="Also write this check's JSON report to FILE.", dir_okay=False
        ),
    ] = None,
    pricing: PricingOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
) -> None:
    """Fail a build when projected cost breaks a budget or rises too far against a baseline.

    Budgets live under `budgets:` in the config: cost_per_resolved_ticket, monthly_spend,
    model_cost_per_ticket and per-intent ceilings (each a max with an optional warn level), and
    increase (max_percent and/or max_usd rise in cost per resolved ticket against --baseline).
    Under GitHub Actions the markdown summary is appended to $GITHUB_STEP_SUMMARY and each warning
    or breach is annotated on the budget's line in the config.
    """
    from ticketcost.costs.baseline import diff as run_diff
    from ticketcost.costs.baseline import snapshot_from_payload
    from ticketcost.costs.budgets import Status, evaluate, verdict
    from ticketcost.pricing.table import price_table
    from ticketcost.report.check import check_report
    from ticketcost.report.formats import format_json
    from ticketcost.report.stack import stack_payload

    prices = price_table(pricing or ())
    loaded, result = _load_stack(config, pricing)
    old = _snapshot(baseline, prices) if baseline is not None else None
    results = evaluate(result, loaded.config.budgets, old)
    overall = verdict(results)
    change = None
    if old is not None:
        payload = {"schema_version": "1"} | stack_payload(result)
        change = run_diff(old, snapshot_from_payload(payload, str(loaded.path)))
    report = check_report(results, overall, result, str(loaded.path), change)
    if save_baseline is not None:
        try:
            save_baseline.write_text(format_json(report))
        except OSError as exc:
            raise TicketcostError(f"{save_baseline}: cannot write ({exc.strerror})") from None
    if os.environ.get("GITHUB_ACTIONS") == "true":
        _github(report, results, loaded)
    _emit(report, output_format)
    if overall is Status.BREACH:
        raise typer.Exit(1)


def _github(report: Any, results: Any, loaded: Any) -> None:
    """GitHub Actions: the markdown summary for the run page, annotations on the config."""
    from ticketcost.costs.budgets import Status
    from ticketcost.report.formats import format_markdown

    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        try:
            with open(summary, "a", encoding="utf-8") as handle:
                handle.write(format_markdown(report) + "\n")
        except OSError as exc:
            raise TicketcostError(
                f"GITHUB_STEP_SUMMARY {summary}: cannot write ({exc.strerror})"
            ) from None

    def escape(text: str, prop: bool = False) -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return text.replace(":", "%3A").replace(",", "%2C") if prop else text

    for item in results:
        level = {Status.BREACH: "error", Status.WARN: "warning"}.get(item.status)
        if level is None:
            continue
        line = loaded.line_of(item.loc)
        where = f"file={escape(str(loaded.path), True)}" + (f",line={line}" if line else "")
        actual = "n/a" if item.actual is None else money_text(item.actual)
        if item.unit == "percent" and item.actual is not None:
            actual = f"{item.actual:.2f}%"
        bound = item.limit if item.status is Status.BREACH else item.warn
        word = "max" if item.status is Status.BREACH else "warning level"
        shown = f"{bound}%" if item.unit == "percent" else money_text(bound or Decimal(0))
        message = f"{item.label}: {actual} is above the {word} {shown}"
        sys.stderr.write(f"::{level} {where},title=ticketcost budget::{escape(message)}\n")


DIFF_EPILOG = """\
\b
Examples:
  ticketcost diff main.json ticketcost.yaml         # a saved report against the working config
  ticketcost diff old.yaml new.yaml --format markdown
"""


@command("diff", epilog=DIFF_EPILOG)
def diff_command(
    old: Annotated[
        Path, typer.Argument(metavar="OLD", help="Config or saved JSON report.", dir_okay=False)
    ],
    new: Annotated[
        Path, typer.Argument(metavar="NEW", help="Config or saved JSON report.", dir_okay=False)
    ],
    pricing: PricingOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
    export: ExportOption = None,
) -> None:
    """Compare two configs or saved reports: what moved, by line and by intent, and why.

    Per cost-stack line and per intent, the change in dollars and percent; per intent, the reasons
    (model or model price changed, tokens per ticket changed, share or escalation changed).
    """
    from ticketcost.costs.baseline import diff as run_diff
    from ticketcost.pricing.table import price_table
    from ticketcost.report.check import diff_report

    prices = price_table(pricing or ())
    change = run_diff(_snapshot(old, prices), _snapshot(new, prices))
    _emit(diff_report(change), output_format, export)


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
        _config_option(
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
    from ticketcost.attribution.engine import Options, find_sources
    from ticketcost.attribution.engine import attribute as run_attribute
    from ticketcost.attribution.fields import build_field_map, parse_field_flags
    from ticketcost.io.configfind import find_config
    from ticketcost.pricing.table import price_table
    from ticketcost.report.attribution import attribution_report

    _at_least("--top", top, 1)
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
    prices = price_table(pricing or ())
    result = run_attribute(sources, prices, options, progress=_progress_printer(sources))
    _emit(attribution_report(result), output_format, export)


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


pricing_app = typer.Typer(**_SETTINGS)
_COMMANDS["pricing"] = pricing_app


@pricing_app.callback(invoke_without_command=True)
def _pricing(ctx: typer.Context) -> None:
    """Price files: import from LiteLLM or genai-prices, diff two files, find stale prices."""
    if ctx.invoked_subcommand is None:
        sys.stdout.write(ctx.get_help() + "\n")
        raise typer.Exit()


class ImportFormat(StrEnum):
    LITELLM = "litellm"
    GENAI_PRICES = "genai-prices"


PRICING_IMPORT_EPILOG = """\
\b
Examples:
  ticketcost pricing import model_prices_and_context_window.json -m 'claude-*' \\
      --provider anthropic -o my-anthropic.yaml
  ticketcost pricing import data.json --provider openai -m 'gpt-5.4*'
  ticketcost estimate --pricing my-anthropic.yaml
"""


@pricing_app.command("import", epilog=PRICING_IMPORT_EPILOG)
def pricing_import(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="LiteLLM's model_prices_and_context_window.json, or genai-prices data (JSON).",
            dir_okay=False,
        ),
    ],
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model",
            "-m",
            metavar="PATTERN",
            help="Models to take (glob, repeatable). Default: all.",
        ),
    ] = None,
    provider: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="Only this provider's models (litellm_provider or id)."),
    ] = None,
    input_format: Annotated[
        ImportFormat | None, typer.Option("--from", help="The file's format. Default: detected.")
    ] = None,
    verified: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="The verified date to record. Default: today."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Write here instead of stdout.", dir_okay=False
        ),
    ] = None,
) -> None:
    """Convert another project's price data into a ticketcost price file (validated).

    LiteLLM per-token prices become per-1M prices exactly; *_above_Nk_tokens fields become
    long-context tiers, *_batches / *_flex / *_priority become variants, the 1-hour cache-write
    price and prompt_cache_min_tokens are kept. genai-prices tiered prices, batch variants and
    dated prices (start_date) become tiers, variants and history. Use the file with --pricing.
    """
    from ticketcost.io.datafiles import read_user_file
    from ticketcost.pricing.io import import_prices, read_json
    from ticketcost.pricing.view import parse_date

    data = read_json(read_user_file(file, "price data"), str(file))
    result = import_prices(
        data,
        str(file),
        model or (),
        provider,
        verified=parse_date(verified, "--verified") if verified else None,
        data_format=input_format.value if input_format else None,
    )
    if output is None:
        sys.stdout.write(result.text)
    else:
        try:
            output.write_text(result.text)
        except OSError as exc:
            raise TicketcostError(f"{output}: cannot write ({exc.strerror})") from None
    sys.stderr.write(f"Imported {result.models} models from {file} ({result.format})\n")


PRICING_DIFF_EPILOG = """\
\b
Examples:
  ticketcost pricing diff pricing/openai.yaml my-openai.yaml
  ticketcost pricing diff old.yaml new.yaml --format markdown
"""


@pricing_app.command("diff", epilog=PRICING_DIFF_EPILOG)
def pricing_diff(
    old: Annotated[Path, typer.Argument(metavar="OLD", help="A price file.", dir_okay=False)],
    new: Annotated[Path, typer.Argument(metavar="NEW", help="A price file.", dir_okay=False)],
    output_format: FormatOption = OutputFormat.TABLE,
) -> None:
    """List the price changes between two price files: models added, removed, and every rate,
    tier, variant, minimum or date that changed."""
    from ticketcost.pricing.io import diff_prices
    from ticketcost.pricing.table import load_price_file
    from ticketcost.report.pricing import diff_report

    changes = diff_prices(load_price_file(old), load_price_file(new))
    _emit(diff_report(changes, str(old), str(new)), output_format)


PRICING_CHECK_EPILOG = """\
\b
Examples:
  ticketcost pricing check                 # bundled prices verified more than 90 days ago
  ticketcost pricing check --days 30 --pricing my-prices.yaml
Exit codes: 0 nothing is stale, 1 some prices are older than --days, 2 bad input.
"""


@pricing_app.command("check", epilog=PRICING_CHECK_EPILOG)
def pricing_check(
    days: Annotated[int, typer.Option(metavar="N", help="Stale after this many days.")] = 90,
    today: Annotated[
        str | None, typer.Option(metavar="DATE", help="Check as of this date. Default: today.")
    ] = None,
    pricing: PricingOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
) -> None:
    """List models whose prices were last verified more than N days ago (exit 1 if any)."""
    import datetime as dt

    from ticketcost.pricing.io import stale_models
    from ticketcost.pricing.table import price_table
    from ticketcost.pricing.view import parse_date
    from ticketcost.report.pricing import check_report

    _at_least("--days", days, 0)
    when = parse_date(today, "--today") if today else dt.date.today()
    models = list(price_table(pricing or ()))
    stale = stale_models(models, when, days)
    _emit(check_report(stale, len(models), when, days), output_format)
    if stale:
        raise typer.Exit(1)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="ticketcost")
