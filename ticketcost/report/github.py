"""GitHub Actions output for ``ticketcost check``: the step summary and workflow annotations.

See GitHub's "Workflow commands for GitHub Actions" (``::error file=…,line=…,title=…::message``,
with ``%``, CR, LF escaped in messages and also ``:`` and ``,`` in properties) and
``$GITHUB_STEP_SUMMARY`` (markdown appended for the run page).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

from ticketcost.costs.budgets import BudgetResult, Status
from ticketcost.errors import TicketcostError
from ticketcost.io.validation import Loc
from ticketcost.money import format_money


def append_step_summary(path: str, markdown: str) -> None:
    """Append the markdown summary to the file GitHub names in ``$GITHUB_STEP_SUMMARY``."""
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(markdown + "\n")
    except OSError as exc:
        raise TicketcostError(
            f"GITHUB_STEP_SUMMARY {path}: cannot write ({exc.strerror})"
        ) from None


def _escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def workflow_annotations(
    results: Iterable[BudgetResult], config: Path, line_of: Callable[[Loc], int | None]
) -> list[str]:
    """An ``::error`` or ``::warning`` command per breached or warned budget, on its line."""
    commands = []
    for item in results:
        level = {Status.BREACH: "error", Status.WARN: "warning"}.get(item.status)
        if level is None:
            continue
        line = line_of(item.loc)
        where = f"file={_escape(str(config), True)}" + (f",line={line}" if line else "")
        actual = "n/a" if item.actual is None else format_money(item.actual)
        if item.unit == "percent" and item.actual is not None:
            actual = f"{item.actual:.2f}%"
        bound = item.limit if item.status is Status.BREACH else item.warn
        word = "max" if item.status is Status.BREACH else "warning level"
        shown = f"{bound}%" if item.unit == "percent" else format_money(bound or Decimal(0))
        message = f"{item.label}: {actual} is above the {word} {shown}"
        commands.append(f"::{level} {where},title=ticketcost budget::{_escape(message)}")
    return commands
