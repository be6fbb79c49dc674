"""`ticketcost pricing import|diff|check|path|export`: price files from other projects, changes,
staleness, and the bundled files themselves."""

# No `from __future__ import annotations` here: typer would have to evaluate every parameter's
# annotation from text on each run (compile and eval, ~1 ms of start-up).

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ticketcost.cli.options import (
    SETTINGS,
    FormatOption,
    PricingOption,
    at_least,
    emit,
    price_table,
    takes_wide,
    write_stdout,
    write_text,
)
from ticketcost.io.bounds import MAX_DAYS
from ticketcost.report.formats import OutputFormat

pricing_app = typer.Typer(**SETTINGS)

OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", metavar="FILE", help="Write here instead of stdout.", dir_okay=False
    ),
]


@pricing_app.callback(invoke_without_command=True)
def _pricing(ctx: typer.Context) -> None:
    """Price files: import from LiteLLM or genai-prices, diff two files, find stale prices, show or
    export the bundled files."""
    if ctx.invoked_subcommand is None:
        write_stdout(ctx.get_help() + "\n")
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
        typer.Option(
            metavar="NAME",
            help="Only this provider's models: its litellm_provider or genai-prices id, exactly.",
        ),
    ] = None,
    input_format: Annotated[
        ImportFormat | None, typer.Option("--from", help="The file's format. Default: detected.")
    ] = None,
    verified: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="The verified date to record. Default: today."),
    ] = None,
    output: OutputOption = None,
) -> None:
    """Convert another project's price data into a ticketcost price file (validated).

    LiteLLM per-token prices become per-1M prices exactly; *_above_Nk_tokens fields become
    long-context tiers, *_batches / *_flex / *_priority become variants, the 1-hour cache-write
    price and prompt_cache_min_tokens are kept. genai-prices tiered prices, batch variants and
    dated prices (start_date) become tiers, variants and history. Entries that are not priced by
    tokens (embeddings, speech, free models) or whose figures are not valid are left out and
    listed on stderr with the reason. Use the file with --pricing.
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
        verified=parse_date(verified, "verified") if verified else None,
        data_format=input_format.value if input_format else None,
    )
    if output is None:
        write_stdout(result.text, data=True)
    else:
        write_text(output, result.text)
    sys.stderr.write(f"Imported {result.models} models from {file} ({result.format})\n")
    by_reason: dict[str, list[str]] = {}
    for name, why in result.skipped:
        by_reason.setdefault(why, []).append(name)
    for why, names in by_reason.items():
        sys.stderr.write(f"Left out {len(names)}: {why}: {', '.join(names)}\n")


PRICING_DIFF_EPILOG = """\
\b
Examples:
  ticketcost pricing diff "$(ticketcost pricing path openai)" my-openai.yaml
  ticketcost pricing diff old.yaml new.yaml --format markdown
"""


@pricing_app.command("diff", epilog=PRICING_DIFF_EPILOG)
@takes_wide
def pricing_diff(
    old: Annotated[Path, typer.Argument(metavar="OLD", help="A price file.", dir_okay=False)],
    new: Annotated[Path, typer.Argument(metavar="NEW", help="A price file.", dir_okay=False)],
    output_format: FormatOption = OutputFormat.TABLE,
) -> None:
    """List the price changes between two price files: models added, removed, and every rate,
    tier, variant, minimum or date that changed."""
    from ticketcost.pricing.io import diff_prices
    from ticketcost.pricing.table import load_price_file
    from ticketcost.report.pricing import price_diff_report

    changes = diff_prices(load_price_file(old), load_price_file(new))
    emit(price_diff_report(changes, str(old), str(new)), output_format)


PRICING_CHECK_EPILOG = """\
\b
Examples:
  ticketcost pricing check                 # bundled prices verified more than 90 days ago
  ticketcost pricing check --days 30 --pricing my-prices.yaml --provider acme
Exit codes: 0 nothing is stale or retiring, 1 some prices are older than --days or a
model retires within --days (either side of today), 2 bad input.
"""


@pricing_app.command("check", epilog=PRICING_CHECK_EPILOG)
@takes_wide
def pricing_check(
    days: Annotated[int, typer.Option(metavar="N", help="Stale after this many days.")] = 90,
    today: Annotated[
        str | None, typer.Option(metavar="DATE", help="Check as of this date. Default: today.")
    ] = None,
    provider: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="Check only this provider's models (yours, say)."),
    ] = None,
    pricing: PricingOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
) -> None:
    """List models whose prices were last verified more than N days ago, and models retired or
    retiring within N days (exit 1 if any)."""

    from ticketcost.pricing.io import retiring_models, stale_models
    from ticketcost.pricing.view import parse_date
    from ticketcost.pricing.view import today as current_day
    from ticketcost.report.pricing import stale_prices_report

    at_least("days", days, 0, MAX_DAYS)
    when = parse_date(today, "today") if today else current_day()
    models = price_table(pricing).models(provider)
    stale = stale_models(models, when, days)
    retiring, earlier = retiring_models(models, when, days)
    emit(stale_prices_report(stale, len(models), when, days, retiring, earlier), output_format)
    if stale or retiring:
        raise typer.Exit(1)


PRICING_PATH_EPILOG = """\
\b
Examples:
  ticketcost pricing path                  # the folder of the bundled price files
  ticketcost pricing path openai           # one provider's file
  ticketcost pricing diff "$(ticketcost pricing path openai)" my-openai.yaml
"""


@pricing_app.command("path", epilog=PRICING_PATH_EPILOG)
def pricing_path(
    provider: Annotated[
        str | None,
        typer.Argument(metavar="[PROVIDER]", help="A provider (openai, anthropic, …)."),
    ] = None,
) -> None:
    """Where the bundled price files are: the folder, or one provider's file."""
    write_stdout(f"{_bundled_file(provider) if provider else _bundled_folder()}\n")


PRICING_EXPORT_EPILOG = """\
\b
Examples:
  ticketcost pricing export openai -o my-openai.yaml   # a copy to edit, then --pricing it
  ticketcost pricing export anthropic                  # to stdout
"""


@pricing_app.command("export", epilog=PRICING_EXPORT_EPILOG)
def pricing_export(
    provider: Annotated[
        str, typer.Argument(metavar="PROVIDER", help="A provider (openai, anthropic, …).")
    ],
    output: OutputOption = None,
) -> None:
    """Copy one bundled price file, byte for byte, to edit and pass back with --pricing."""
    from ticketcost.io.datafiles import read_user_file

    source = _bundled_file(provider)
    data = read_user_file(source, "bundled price file")
    if output is None:
        write_stdout(data.decode("utf-8"), data=True)
    else:
        from ticketcost.io.atomic import write_atomic

        write_atomic(output, data)
        sys.stderr.write(f"Wrote {output} (a copy of {source})\n")


def _bundled_folder() -> Path:
    from ticketcost.io.datafiles import data_dir

    return data_dir("pricing")


def _bundled_file(provider: str) -> Path:
    from ticketcost.errors import TicketcostError
    from ticketcost.io.datafiles import data_files

    files = {path.stem: path for path in data_files("pricing")}
    if provider not in files:
        raise TicketcostError(
            f"no bundled price file for provider '{provider}'; the bundled providers are "
            f"{', '.join(files)}"
        )
    return files[provider]
