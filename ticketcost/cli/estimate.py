"""`ticketcost estimate` and `ticketcost models`: one conversation priced on every model, and the
price tables themselves."""

# No `from __future__ import annotations` here: typer would have to evaluate every parameter's
# annotation from text on each run (compile and eval, ~1 ms of start-up).

from typing import Annotated

import typer

from ticketcost.cli.options import (
    AsOfOption,
    AssistantTokensOption,
    CurrencyOption,
    DiscountOption,
    FormatOption,
    FxOption,
    MarkupOption,
    PricingOption,
    SystemTokensOption,
    TurnsOption,
    UserTokensOption,
    VariantOption,
    command,
    conversation_profile,
    emit,
    models_option,
    price_table,
    price_view,
)
from ticketcost.costs.conversation import CacheMode, CacheTTL
from ticketcost.report.formats import OutputFormat

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
    model: Annotated[list[str] | None, models_option("all models")] = None,
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
    from ticketcost.report.estimate import estimate_report

    profile = conversation_profile(turns, system_tokens, user_tokens, assistant_tokens)

    models = price_table(pricing).select(model or (), provider)
    view = price_view(variant, as_of, discount, markup, currency, fx)
    result = run_estimate(models, profile, cache, cache_ttl, view, explicit=bool(model))
    emit(estimate_report(result, per_turn=per_turn), output_format)


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
    from ticketcost.report.estimate import models_report

    table = price_table(pricing)
    view = price_view(variant, as_of, discount, markup, currency, fx)
    chosen, notes = view.apply_all(table.models(provider), explicit=False)
    emit(models_report(chosen, view.notes() + notes, view.adjustment.currency), output_format)
