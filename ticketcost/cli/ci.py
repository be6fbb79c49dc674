"""`ticketcost check` and `ticketcost diff`: budgets for CI, and what moved between two runs."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
from ticketcost.report.formats import OutputFormat

if TYPE_CHECKING:
    from ticketcost.costs.baseline import Snapshot
    from ticketcost.costs.stack import StackResult
    from ticketcost.pricing.table import PriceTable


def _snapshot(path: Path, prices: PriceTable, what: WhatIf | None = None) -> Snapshot:
    """A saved JSON report, or a config priced now (with ``what``-ifs, if given)."""
    from ticketcost.costs.baseline import load_report

    if path.suffix.lower() == ".json":
        return load_report(path)
    loaded, result = load_stack(path, prices, what)
    return snapshot_of(result, str(loaded.path))


def snapshot_of(result: StackResult, label: str) -> Snapshot:
    """A stack priced now, as the snapshot a saved report would give."""
    from ticketcost.costs.baseline import snapshot_from_payload
    from ticketcost.report.model import SCHEMA_VERSION
    from ticketcost.report.stack import stack_payload

    return snapshot_from_payload({"schema_version": SCHEMA_VERSION} | stack_payload(result), label)


CHECK_EPILOG = """\
\b
Examples:
  ticketcost check                                  # exit 1 if a budget is exceeded
  ticketcost check --baseline main.json --format markdown > comment.md
  ticketcost check --save-baseline main.json        # record today's figures
Exit codes: 0 every budget holds (warnings are printed), 1 a budget is exceeded,
2 the config, a flag or the baseline is invalid (or, in CI, no budget is set).
"""


@command(epilog=CHECK_EPILOG)
@takes_what_ifs
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
    allow_no_budgets: Annotated[
        bool,
        typer.Option(
            "--allow-no-budgets",
            help="In CI (CI=true), pass even when the config sets no budgets (by default that is "
            "refused with exit code 2: a gate with nothing to check would always pass).",
        ),
    ] = False,
    pricing: PricingOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
    what: WhatIf = WHAT_IF_NONE,
) -> None:
    """Fail a build when projected cost breaks a budget or rises too far against a baseline.

    Budgets live under `budgets:` in the config: cost_per_resolved_ticket, monthly_spend,
    model_cost_per_ticket and per-intent ceilings (each a max with an optional warn level), and
    increase (max_percent and/or max_usd rise in cost per resolved ticket against --baseline).
    Under GitHub Actions the markdown summary is appended to $GITHUB_STEP_SUMMARY and each warning
    or breach is annotated on the budget's line in the config.
    """
    from ticketcost.costs.baseline import diff as run_diff
    from ticketcost.costs.budgets import Status, evaluate, verdict
    from ticketcost.report.check import budget_check_report
    from ticketcost.report.formats import format_json, format_markdown

    prices = price_table(pricing)
    if save_baseline is not None and what.currency != "USD":
        from ticketcost.errors import TicketcostError

        raise TicketcostError(
            "save_baseline writes a baseline, and baselines are kept in USD: drop `currency`",
            param="save_baseline",
            hints=("currency",),
        )
    loaded, result = load_stack(config, prices, what)
    old = _snapshot(baseline, prices) if baseline is not None else None
    results = evaluate(result, loaded.config.budgets, old)
    if not results and in_ci() and not allow_no_budgets:
        from ticketcost.errors import TicketcostError

        raise TicketcostError(
            f"{loaded.path}: budgets: none set, so this check could only pass; in CI (CI=true) "
            "add budgets: to the config (see `ticketcost init`), or pass --allow-no-budgets"
        )
    overall = verdict(results)
    change = run_diff(old, snapshot_of(result, str(loaded.path))) if old is not None else None
    report = budget_check_report(results, overall, result, str(loaded.path), change)
    report = what.shown(report)
    if save_baseline is not None:
        write_text(save_baseline, format_json(report))
    if os.environ.get("GITHUB_ACTIONS") == "true":
        from ticketcost.report.github import append_step_summary, workflow_annotations

        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            append_step_summary(summary, format_markdown(report))
        for line in workflow_annotations(results, loaded.path, loaded.line_of):
            sys.stderr.write(line + "\n")
    emit(report, output_format)
    if overall is Status.BREACH:
        raise typer.Exit(1)


def in_ci() -> bool:
    """Whether this runs in CI: ``CI`` set to true, as GitHub Actions, GitLab and most CI set it."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


DIFF_EPILOG = """\
\b
Examples:
  ticketcost diff main.json ticketcost.yaml         # a saved report against the working config
  ticketcost diff old.yaml new.yaml --format markdown
"""


@command("diff", epilog=DIFF_EPILOG)
@takes_what_ifs
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
    what: WhatIf = WHAT_IF_NONE,
) -> None:
    """Compare two configs or saved reports: what moved, by line and by intent, and why.

    What-ifs (--discount, --variant, --set, ...) apply to NEW, so `diff ticketcost.yaml
    ticketcost.yaml --discount 20` shows what a 20% discount moves.

    Per cost-stack line and per intent, the change in dollars and percent; per intent, the reasons
    (model or model price changed, tokens per ticket changed, share or escalation changed).
    """
    from ticketcost.costs.baseline import diff as run_diff
    from ticketcost.report.check import stack_diff_report

    prices = price_table(pricing)
    if new.suffix.lower() == ".json" and (what.view is not None or what.sets):
        from ticketcost.errors import TicketcostError

        raise TicketcostError(
            f"{new}: what-ifs apply to NEW, and a saved report cannot be priced again; give a "
            "config as NEW"
        )
    change = run_diff(_snapshot(old, prices), _snapshot(new, prices, what))
    emit(what.shown(stack_diff_report(change)), output_format, export)
