"""`ticketcost recommend`: which model for which intent, all-in per resolved ticket."""

# No `from __future__ import annotations` here: typer would have to evaluate every parameter's
# annotation from text on each run.

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
)
from ticketcost.cli.whatif import WHAT_IF_NONE, WhatIf, load_what_if, takes_what_ifs
from ticketcost.report.formats import OutputFormat

RECOMMEND_EPILOG = """\
\b
Examples:
  ticketcost recommend                       # the config's intents and their candidates
  ticketcost recommend --logs requests.jsonl # escalation measured per intent and model
  ticketcost recommend --format json | jq '.intents[] | {name, recommended}'
\b
Candidates are listed under an intent in the config:
  intents:
    - name: billing
      model: gpt-5.4-nano
      escalation_rate: 0.4
      candidates:
        - {model: claude-sonnet-4-6, escalation_rate: 0.2}
"""

LogsOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--logs",
        metavar="FILE",
        help="Request logs (any format `attribute` reads, with intent and outcome): the "
        "escalation each intent saw on each model replaces the configured rate. Repeatable.",
        dir_okay=False,
    ),
]


@command(epilog=RECOMMEND_EPILOG)
@takes_what_ifs
def recommend(
    config: ConfigOption = None,
    logs: LogsOption = None,
    pricing: PricingOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
    export: ExportOption = None,
    what: WhatIf = WHAT_IF_NONE,
) -> None:
    """Which model for which intent: every candidate priced all-in per resolved ticket.

    A cheaper model that hands more tickets to people can cost more than a dearer one that
    resolves them. Each intent's current model and its candidates are priced per ticket (model,
    retries, review, people's time on escalations), divided by the share each resolves, ranked,
    with the monthly saving against the current choice.
    """
    from ticketcost.costs.recommend import recommend as rank
    from ticketcost.report.recommend import recommend_report

    loaded, prices = load_what_if(config, price_table(pricing), what)
    measured = None
    if logs:
        from ticketcost.attribution.escalation import measured_escalation

        measured = measured_escalation(logs, prices)
    choices = rank(loaded.config, prices, measured)
    names = ", ".join(str(p) for p in logs) if logs else None
    emit(what.shown(recommend_report(choices, names)), output_format, export)
