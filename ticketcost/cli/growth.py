"""`ticketcost scale-table`, `roi` and `curve`: cost across volumes, deflection and lengths."""

# No `from __future__ import annotations` here: typer would have to evaluate every parameter's
# annotation from text on each run (compile and eval, ~1 ms of start-up).

from pathlib import Path
from typing import Annotated

import typer

from ticketcost.cli.options import (
    AssistantTokensOption,
    ExportOption,
    FormatOption,
    HumanOption,
    PricingOption,
    SystemTokensOption,
    TurnsOption,
    UserTokensOption,
    at_least,
    command,
    config_option,
    conversation_profile,
    emit,
    human_cost,
    models_option,
    price_table,
)
from ticketcost.cli.whatif import WHAT_IF_NONE, WhatIf, load_what_if, takes_what_ifs
from ticketcost.costs.conversation import CacheMode
from ticketcost.errors import TicketcostError
from ticketcost.io.bounds import MAX_COUNT
from ticketcost.report.formats import OutputFormat

SCALE_EPILOG = """\
\b
Examples:
  ticketcost scale-table                          # the six standard models, 1K to 1M tickets
  ticketcost scale-table -m claude-haiku-4.5 --cache system --fixed-monthly 170
  ticketcost scale-table -c ticketcost.yaml --volumes 5K,50K,500K
  ticketcost scale-table --export scale.svg
"""


@command("scale-table", epilog=SCALE_EPILOG)
@takes_what_ifs
def scale_table(
    volumes: Annotated[
        str,
        typer.Option(help="Monthly ticket volumes, comma-separated; K and M allowed."),
    ] = "1K,10K,100K,1M",
    model: Annotated[list[str] | None, models_option("the six-model standard comparison")] = None,
    config: Annotated[
        Path | None,
        config_option("Use this config's intent mix and whole stack instead of single models."),
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
    what: WhatIf = WHAT_IF_NONE,
) -> None:
    """Cost per ticket and per month from 1K to 1M tickets a month, against human handling.

    Per model: the monthly model cost (the `estimate` cost of one ticket x volume), the all-in
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
    from ticketcost.report.growth import config_basis, models_basis, scale_report

    chosen_volumes = parse_volumes(volumes)
    human, human_source = human_cost(human_cost_per_ticket)
    prices = price_table(pricing)
    if config is not None:
        if model:
            raise TicketcostError("use either --model or --config, not both")
        loaded, prices = load_what_if(config, prices, what)
        rows = scale_for_config(loaded.config, prices, chosen_volumes, human)
        basis = config_basis(loaded.path)
    else:
        if what.sets:
            raise TicketcostError("`set` changes a config: give -c CONFIG", hints=("set",))
        fixed = parse_usd_range(fixed_monthly, "fixed_monthly")[0]
        profile = conversation_profile(turns, system_tokens, user_tokens, assistant_tokens)
        models = [prices.get(name) for name in (model or STANDARD_COMPARISON)]
        if what.view is not None:
            models = [what.view.apply(m) for m in models]
        rows = scale_for_models(models, profile, cache, chosen_volumes, fixed, human)
        basis = models_basis(profile, cache, fixed)
    report = scale_report(rows, basis, human, human_source)
    emit(what.shown(report), output_format, export)


ROI_EPILOG = """\
\b
Examples:
  ticketcost roi --volume 10000 --ai-monthly 250 --human-cost-per-ticket 4
  ticketcost roi -c ticketcost.yaml --deflection 50% --deflection 70%
"""


@command(epilog=ROI_EPILOG)
@takes_what_ifs
def roi(
    volume: Annotated[
        int | None, typer.Option(metavar="N", help="Tickets a month (default: the config's).")
    ] = None,
    ai_monthly: Annotated[
        str | None,
        typer.Option(
            metavar="USD",
            help="AI stack cost a month (default: the config's stack without people's time on "
            "escalated tickets, which is shown apart).",
        ),
    ] = None,
    config: Annotated[
        Path | None,
        config_option(
            "Take the volume, the AI cost and the resolution rate from this config. Default: "
            "the config in the current directory, if any."
        ),
    ] = None,
    deflection: Annotated[
        list[str] | None,
        typer.Option(
            metavar="RATE",
            help="Share of tickets the AI takes off people, 0.4 or 40%. Repeatable. "
            "Default: the config's resolution rate, or 40%, 60%, 75% without a config.",
        ),
    ] = None,
    human_cost_per_ticket: HumanOption = None,
    pricing: PricingOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
    export: ExportOption = None,
    what: WhatIf = WHAT_IF_NONE,
) -> None:
    """Deflection ROI: human cost saved against what the AI stack costs.

    For each deflection rate: tickets taken off people, human cost saved (tickets x rate x human
    cost per ticket), the AI cost, the net saving and the ROI multiple (saved / AI cost). A range
    for the human cost is priced at its midpoint.
    """
    from decimal import Decimal

    from ticketcost.costs.growth import (
        DEFAULT_DEFLECTION,
        deflection_roi,
        midpoint,
        parse_rate,
        parse_usd_range,
    )
    from ticketcost.io.configfind import find_config
    from ticketcost.report.growth import roi_report

    rates = [parse_rate(r, "deflection") for r in deflection] if deflection else None
    (low, high), human_source = human_cost(human_cost_per_ticket)
    human = midpoint(low, high)
    ai_source = "--ai-monthly"
    escalations = Decimal(0)
    needed = config is not None or volume is None or ai_monthly is None
    path = find_config(config, required=config is not None) if needed else None
    if path is None and (what.view is not None or what.sets):
        raise TicketcostError(
            "what-ifs (`variant`, `as_of`, `discount`, `markup`, `set`) change a config's stack: "
            "give -c CONFIG or run where ticketcost.yaml is",
            hints=("variant", "as_of", "discount", "markup", "set"),
        )
    if path is not None:  # the config in the current directory too, like every command
        from ticketcost.costs.growth import stack_roi

        loaded, prices = load_what_if(path, price_table(pricing), what)
        if volume is not None:
            at_least("volume", volume, 1, MAX_COUNT)
        found = stack_roi(loaded.config, prices, volume)
        volume = found.volume
        rates = rates or [found.resolution_rate]  # the config's own, unless asked otherwise
        if ai_monthly is None:
            ai_cost, escalations = found.ai_monthly, found.escalation_monthly
            ai_source = f"the stack of {loaded.path}, without people's time on escalations"
    if volume is None:
        raise TicketcostError(
            "give --volume and --ai-monthly, or -c CONFIG (or run where ticketcost.yaml is)"
        )
    at_least("volume", volume, 1, MAX_COUNT)
    if ai_monthly is not None:
        ai_cost = parse_usd_range(ai_monthly, "ai_monthly")[0]
    elif path is None:
        raise TicketcostError("give --ai-monthly (the AI stack's monthly cost), or -c CONFIG")
    rows = deflection_roi(volume, ai_cost, human, rates or DEFAULT_DEFLECTION, escalations)
    report = roi_report(rows, volume, human, ai_source, human_source, (low, high))
    emit(what.shown(report), output_format, export)


CURVE_EPILOG = """\
\b
Examples:
  ticketcost curve                                  # Haiku 4.5, 1 to 30 turns, three policies
  ticketcost curve -m gpt-5.4-mini --cache system --turns 1..50
  ticketcost curve --policy window:6 --policy summarize:4:250 --export curve.html
"""


@command(epilog=CURVE_EPILOG)
def curve(
    model: Annotated[list[str] | None, models_option("claude-haiku-4-5")] = None,
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
    from ticketcost.report.growth import curve_report

    turn_counts = parse_turn_range(turns)
    profile = conversation_profile(1, system_tokens, user_tokens, assistant_tokens)
    policies = [HistoryPolicy.parse(spec) for spec in policy or ("window:4", "summarize:4:300")]
    prices = price_table(pricing)
    models = [prices.get(name) for name in (model or ("claude-haiku-4-5",))]
    result = cost_curve(models, profile, cache or [CacheMode.NONE], policies, turn_counts)
    emit(curve_report(result), output_format, export)
