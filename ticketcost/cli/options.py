"""What the commands share: typer settings, the command decorator, option declarations, and the
few steps every command takes (build a price view, check a count, render a report)."""

from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from ticketcost.errors import TicketcostError
from ticketcost.io.bounds import MAX_TOKENS, MAX_TURNS
from ticketcost.pricing.view import Variant
from ticketcost.report.formats import OutputFormat

if TYPE_CHECKING:
    from ticketcost.costs.conversation import ConversationProfile
    from ticketcost.pricing.table import PriceTable
    from ticketcost.pricing.view import PriceView
    from ticketcost.report.model import Report

F = TypeVar("F", bound=Callable[..., Any])

SETTINGS: dict[str, Any] = {
    "add_completion": False,
    "pretty_exceptions_enable": False,
    # Plain click help: rich-formatted help costs ~100 ms of imports on every --help.
    "rich_markup_mode": None,
    "context_settings": {"help_option_names": ["-h", "--help"]},
}


def command(name: str | None = None, **kwargs: Any) -> Callable[[F], F]:
    """Declare a subcommand (like ``app.command``); :mod:`ticketcost.cli` builds it on first use.

    The function is returned unchanged, carrying a one-command app as ``typer_app``; the name it
    is listed under is the registry's (:data:`ticketcost.cli.COMMANDS`).
    """

    def register(function: F) -> F:
        single = typer.Typer(**SETTINGS)
        single.command(name, **kwargs)(takes_wide(function))
        function.typer_app = single  # type: ignore[attr-defined]
        return function

    return register


TurnsOption = Annotated[int, typer.Option(help="Turns in the conversation.", metavar="N")]
SystemTokensOption = Annotated[int, typer.Option(help="System-prompt tokens.", metavar="N")]
UserTokensOption = Annotated[int, typer.Option(help="User tokens per turn.", metavar="N")]
AssistantTokensOption = Annotated[
    int, typer.Option(help="Assistant (output) tokens per turn.", metavar="N")
]


def models_option(default: str) -> Any:
    return typer.Option(
        "--model", "-m", metavar="MODEL", help=f"Model id or alias. Repeatable. Default: {default}."
    )


def config_option(help_text: str) -> Any:
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
ConfigOption = Annotated[
    Path | None,
    config_option(
        "Config file. Default: ticketcost.yaml, ticketcost.yml, ticketcost.toml or "
        "[tool.ticketcost] in pyproject.toml, in the current directory."
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
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="KEY=VALUE",
        help="Change a config value for this run, as if the file said it: volume=50000, "
        "intents.billing.model=gpt-5.4-mini, human.hourly_usd=30. Repeatable.",
    ),
]
ExportOption = Annotated[
    Path | None,
    typer.Option(
        "--export",
        metavar="FILE",
        help="Also write the view to FILE: .svg or .html (a picture of the terminal view), .txt, "
        ".md, or .png (the view's chart drawn; needs the report extra).",
        dir_okay=False,
    ),
]
HumanOption = Annotated[
    str | None,
    typer.Option(
        "--human-cost-per-ticket",
        metavar="USD",
        help="Human cost of a ticket, e.g. 4 or a range 3-5. Default: the bundled outsourced-agent "
        "baseline ($3-$5).",
    ),
]


def price_view(
    variant: Variant | None,
    as_of: str | None,
    discount: str | None,
    markup: str | None,
    currency: str | None,
    fx: str | None,
) -> PriceView:
    from ticketcost.pricing.view import Adjustment, PriceView, parse_date

    return PriceView(
        parse_date(as_of, "as_of") if as_of else None,
        variant.value if variant else None,
        Adjustment.from_flags(discount, markup, currency, fx),
    )


def at_least(param: str, value: int, minimum: int, maximum: int | None = None) -> None:
    """A count given on the command line is ``minimum`` or more (and ``maximum`` or less)."""
    if value < minimum:
        raise TicketcostError(f"{param} must be {minimum} or more (got {value})", param=param)
    if maximum is not None and value > maximum:
        raise TicketcostError(f"{param} must be {maximum:,} or less (got {value})", param=param)


def conversation_profile(
    turns: int, system_tokens: int, user_tokens: int, assistant_tokens: int
) -> ConversationProfile:
    from ticketcost.costs.conversation import ConversationProfile

    at_least("turns", turns, 1, MAX_TURNS)
    for param, count in (
        ("system_tokens", system_tokens),
        ("user_tokens", user_tokens),
        ("assistant_tokens", assistant_tokens),
    ):
        at_least(param, count, 0, MAX_TOKENS)
    return ConversationProfile(turns, system_tokens, user_tokens, assistant_tokens)


def price_table(pricing: list[Path] | None) -> PriceTable:
    """The bundled prices with the ``--pricing`` files layered on top."""
    from ticketcost.pricing.table import price_table as layered

    table = layered(pricing or ())
    replaced: dict[tuple[str, str], list[str]] = {}  # what each --pricing file took over
    for origin, model_id, before in table.replaced:
        replaced.setdefault((origin, before), []).append(model_id)
    for (origin, before), ids in replaced.items():
        sys.stderr.write(f"Note: {origin} replaces {len(ids)} of {before}: {', '.join(ids)}\n")
    for note in table.notes:
        sys.stderr.write(f"Note: {note}\n")
    return table


DEFAULT_HUMAN_BASELINE = "human-outsourced"


def human_cost(text: str | None) -> tuple[tuple[Decimal, Decimal], str]:
    """(low, high) USD per ticket and where it came from."""
    if text is not None:
        from ticketcost.costs.growth import parse_usd_range

        return parse_usd_range(text, "human_cost_per_ticket"), "--human-cost-per-ticket"
    from ticketcost.costs.benchmarks import bundled_benchmarks

    baseline = next(b for b in bundled_benchmarks() if b.id == DEFAULT_HUMAN_BASELINE)
    date = baseline.source_date.isoformat() if baseline.source_date else "undated"
    source = f"bundled baseline {baseline.id}: {baseline.name}, {baseline.source}, {date}"
    return (baseline.low, baseline.high), source


def emit(report: Report, output_format: OutputFormat, export: Path | None = None) -> None:
    """Write the report to stdout in the chosen format (and to ``export`` as well, if given)."""
    from ticketcost.report.formats import format_report, format_table

    if export is not None:
        from ticketcost.report.export import write_export

        with flag_errors("export"):
            write_export(report, export)
        sys.stderr.write(f"Wrote {export}\n")
    if output_format is OutputFormat.TABLE:
        ascii = not _can_take("─│€→", sys.stdout.encoding)
        text = format_table(report, color=use_color(), ascii=ascii, max_width=terminal_width())
    else:
        text = format_report(report, output_format)
    write_stdout(text, json=output_format is OutputFormat.JSON)


def use_color() -> bool:
    """Bold and dim only on a terminal that shows them: not when piped, not with ``NO_COLOR``
    set (no-color.org), not on ``TERM=dumb``."""
    return (
        sys.stdout.isatty()
        and not os.environ.get("NO_COLOR")
        and os.environ.get("TERM", "") != "dumb"
    )


MIN_WIDTH = 40  # narrower than this, a table is drawn for 40 columns and wraps in the terminal

wide_output = False  # set by --wide (see :func:`command`) for the command being run


def terminal_width() -> int | None:
    """How wide the terminal view may be: ``None`` (as wide as it needs) with ``--wide`` or when
    stdout is not a terminal and ``COLUMNS`` is not set; else ``COLUMNS`` or the terminal's
    width."""
    if wide_output:
        return None
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return max(MIN_WIDTH, int(columns))
    if not sys.stdout.isatty():
        return None
    import shutil

    return max(MIN_WIDTH, shutil.get_terminal_size().columns)


WideOption = Annotated[
    bool,
    typer.Option(
        "--wide",
        help="Show every column, however wide (by default a table fits $COLUMNS or the "
        "terminal: text wraps and the least important columns are left out, and named).",
    ),
]


def with_parameters(
    function: F,
    added: Sequence[inspect.Parameter],
    call: Callable[[dict[str, Any]], Any],
    drop: Sequence[str] = (),
    last: Sequence[str] = (),
) -> F:
    """``function`` as a command that also takes the ``added`` parameters (typer reads a command's
    options from its signature, so shared options are added to it rather than spelled in every
    command). ``call`` gets every argument and calls ``function``; the parameters named in
    ``drop`` are left out of the signature (``call`` supplies them) and those in ``last`` stay at
    the end of ``--help``."""
    import functools
    import typing

    # the command's own annotations, resolved where it was written (a module that defers them
    # holds text, which typer would otherwise read in this module)
    hints = typing.get_type_hints(function, include_extras=True)
    signature = inspect.signature(function)
    own = [
        p.replace(annotation=hints.get(p.name, p.annotation), kind=inspect.Parameter.KEYWORD_ONLY)
        for p in signature.parameters.values()
        if p.name not in drop
    ]
    first = [p for p in own if p.name not in last]
    tail = [p for p in own if p.name in last]

    @functools.wraps(function)
    def command(**kwargs: Any) -> Any:
        return call(kwargs)

    command.__signature__ = signature.replace(parameters=[*first, *added, *tail])  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in [*own, *added]} | {
        "return": hints.get("return")
    }
    return command  # type: ignore[return-value]


def takes_wide(function: F) -> F:
    """Give a command that renders reports (it has ``output_format``) the ``--wide`` flag."""
    if "output_format" not in inspect.signature(function).parameters:
        return function
    wide = inspect.Parameter(
        "wide", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=WideOption
    )

    def call(kwargs: dict[str, Any]) -> Any:
        global wide_output
        wide_output = kwargs.pop("wide")
        return function(**kwargs)

    return with_parameters(function, [wide], call)


def _can_take(text: str, encoding: str | None) -> bool:
    """Whether a stream in ``encoding`` can take ``text`` as it is."""
    try:
        text.encode(encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def write_stdout(text: str, json: bool = False, data: bool = False) -> None:
    """Write ``text`` to stdout, in ASCII when the stream cannot take it as it is: JSON escaped,
    text for people transliterated; ``data`` (a file's content) is refused rather than altered."""
    if not _can_take(text, sys.stdout.encoding):
        from ticketcost.report.ascii import json_ascii, text_ascii

        if data:
            raise TicketcostError(
                f"standard output ({sys.stdout.encoding}) cannot take this file's characters; "
                "write it to a file with -o FILE"
            )
        text = json_ascii(text) if json else text_ascii(text)
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # `ticketcost … | head`: the reader has gone. Say nothing more to it, and let the command
        # finish, so that its exit code (a budget breach, say) still stands.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the stream for the process


class flag_errors:
    """Errors raised inside are about the value of parameter ``param`` (the CLI names its flag)."""

    def __init__(self, param: str) -> None:
        self.param = param

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        if isinstance(exc, TicketcostError) and exc.param is None:
            raise TicketcostError(
                f"{self.param} {exc.message}", param=self.param, hints=exc.hints
            ) from None


def write_text(path: Path, text: str) -> None:
    """Write a file the user named, whole or not at all (see :mod:`ticketcost.io.atomic`)."""
    from ticketcost.io.atomic import write_atomic

    write_atomic(path, text)
