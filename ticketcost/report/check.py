"""Report builders for ``ticketcost check`` and ``ticketcost diff``."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ticketcost import money
from ticketcost.costs.baseline import Change, Diff, IntentChange
from ticketcost.costs.budgets import BudgetResult, Status
from ticketcost.costs.stack import StackResult
from ticketcost.money import Amount, Phrase
from ticketcost.report.model import Column, Field, Kind, Report, Table, payload_header, table_of
from ticketcost.report.stack import stack_payload

_MARK = {Status.OK: "ok", Status.WARN: "WARN", Status.BREACH: "BREACH", Status.SKIPPED: "skipped"}


def _amount(value: Decimal | None, unit: str) -> Phrase | None:
    if value is None:
        return None
    return Phrase(f"{value:.2f}%") if unit == "percent" else Phrase(Amount(value))


def _signed(value: Decimal | None, unit: str = "usd") -> Phrase | None:
    if value is None:
        return None
    text = _amount(value.copy_abs(), unit) or Phrase("")
    return Phrase.of("+" if value > 0 else "−" if value < 0 else "±", text)


def _joined(reasons: Sequence[str]) -> Phrase | None:
    """Reasons one after another, their amounts kept exact (for another currency)."""
    if not reasons:
        return None
    items: list[str] = []
    for reason in reasons:
        items += ["; ", reason] if items else [reason]
    return Phrase.of(*items)


def verdict_line(results: list[BudgetResult], overall: Status) -> str:
    breached = [r for r in results if r.status is Status.BREACH]
    warned = [r for r in results if r.status is Status.WARN]
    checked = [r for r in results if r.status is not Status.SKIPPED]
    if not results:
        return "No budgets set in the config: nothing to enforce"
    if overall is Status.BREACH:
        first = breached[0]
        actual = _amount(first.actual, first.unit) or "n/a"
        more = f" (and {len(breached) - 1} more)" if len(breached) > 1 else ""
        return Phrase.of(
            f"FAIL: {len(breached)} of {len(checked)} budgets exceeded: {first.label} ", actual,
            " > max ", _amount(first.limit, first.unit) or "", more,
        )  # fmt: skip
    if overall is Status.WARN:
        return (
            f"PASS with warnings: {len(warned)} of {len(checked)} budgets past their warning level"
        )
    return f"PASS: all {len(checked)} budgets hold"


def _budget_table(results: list[BudgetResult]) -> Table:
    fields: list[Field[BudgetResult]] = [
        (Column("budget", "Budget"), lambda r: r.label),
        (Column("key", "Key", terminal=False), lambda r: r.key),
        (Column("max", "Max", csv=False), lambda r: _amount(r.limit, r.unit)),
        (Column("warn", "Warn at", csv=False), lambda r: _amount(r.warn, r.unit)),
        (Column("actual", "Actual", csv=False), lambda r: _amount(r.actual, r.unit)),
        (Column("headroom", "Headroom", csv=False), lambda r: _amount(r.headroom, r.unit)),
        (Column("status", "Status"), lambda r: _MARK[r.status]),
        (Column("detail", "Note"), lambda r: r.detail or None),
        (Column("unit", "Unit", terminal=False), lambda r: r.unit),
        (Column("max_value", "", Kind.MONEY, terminal=False), lambda r: r.limit),
        (Column("warn_value", "", Kind.MONEY, terminal=False), lambda r: r.warn),
        (Column("actual_value", "", Kind.MONEY, terminal=False), lambda r: r.actual),
    ]
    return table_of("Budgets", fields, results)


_CHANGE_FIELDS: list[Field[Change]] = [
    (Column("item", "Line"), lambda c: c.label),
    (Column("status", "Status"), lambda c: c.status),
    (Column("old_monthly_usd", "Before / month", Kind.MONEY), lambda c: c.old),
    (Column("new_monthly_usd", "After / month", Kind.MONEY), lambda c: c.new),
    (Column("change_usd", "Change"), lambda c: _signed(c.delta)),
    (Column("change_percent", "Change %"), lambda c: _signed(c.percent, "percent")),
]
_INTENT_FIELDS: list[Field[IntentChange]] = [
    (Column("intent", "Intent"), lambda i: i.name),
    (Column("old_per_resolved_usd", "Before / resolved", Kind.MONEY), lambda i: i.per_resolved.old),
    (Column("new_per_resolved_usd", "After / resolved", Kind.MONEY), lambda i: i.per_resolved.new),
    (Column("change_usd", "Change"), lambda i: _signed(i.per_resolved.delta)),
    (Column("why", "Why"), lambda i: _joined(i.reasons)),
]


def _diff_tables(change: Diff) -> tuple[Table, ...]:
    lines = table_of("Cost-stack lines that changed", _CHANGE_FIELDS, change.changed_lines)
    intents = table_of("Intents that changed", _INTENT_FIELDS, change.changed_intents)
    return tuple(t for t in (lines, intents) if t.rows)


def diff_payload(change: Diff) -> dict[str, Any]:
    def record(c: Change) -> dict[str, Any]:
        return {
            "key": c.key,
            "label": c.label,
            "status": c.status,
            "old_usd": c.old,
            "new_usd": c.new,
            "change_usd": c.delta,
            "change_percent": c.percent,
        }

    return {
        "old": change.old.source,
        "new": change.new.source,
        "per_resolved": record(change.per_resolved),
        "per_ticket": record(change.per_ticket),
        "monthly": record(change.monthly),
        "lines": [record(line) for line in change.lines],
        "intents": [
            {"name": i.name, "per_resolved": record(i.per_resolved), "why": i.reasons}
            for i in change.intents
        ],
    }


def _diff_headline(change: Diff) -> str:
    c = change.per_resolved
    if c.old is None or c.new is None:
        return Phrase.of(
            "Cost per resolved ticket: ", _amount(c.old, "usd") or "None", " → ",
            _amount(c.new, "usd") or "None",
        )  # fmt: skip
    percent = _signed(c.percent, "percent")
    return Phrase.of(
        "Cost per resolved ticket: ", Amount(c.old), " → ", Amount(c.new), " (",
        _signed(c.delta) or "", Phrase.of(", ", percent) if percent else "", "); monthly ",
        Amount(change.monthly.old or money.ZERO), " → ", Amount(change.monthly.new or money.ZERO),
    )  # fmt: skip


def budget_check_report(
    results: list[BudgetResult],
    overall: Status,
    result: StackResult,
    config_source: str,
    change: Diff | None,
) -> Report:
    headline = [verdict_line(results, overall)]
    if change is not None:
        headline.append(f"Against {change.old.source}: {_diff_headline(change)}")
    tables = (_budget_table(results), *(_diff_tables(change) if change else ()))
    notes = [f"Config: {config_source}. Exit code: 1 when a budget is exceeded, 0 otherwise."]
    if change is not None and not change.changed_lines:
        notes.append("No cost-stack line changed against the baseline.")

    def payload() -> dict[str, Any]:
        return payload_header("check") | {
            "verdict": overall,
            "exit_code": 1 if overall is Status.BREACH else 0,
            "config": config_source,
            "budgets": [
                {
                    "key": r.key,
                    "label": r.label,
                    "unit": r.unit,
                    "limit": r.limit,
                    "warn": r.warn,
                    "actual": r.actual,
                    "headroom": r.headroom,
                    "status": r.status,
                    "detail": r.detail,
                }
                for r in results
            ],
            "baseline": diff_payload(change) if change else None,
            "stack": stack_payload(result),
        }

    return Report(tables, payload, tuple(notes), (), tuple(headline))


def stack_diff_report(change: Diff) -> Report:
    tables = _diff_tables(change) or (
        table_of("Cost-stack lines that changed", _CHANGE_FIELDS, ()),
    )
    notes = (f"Before: {change.old.source}. After: {change.new.source}.",)

    def payload() -> dict[str, Any]:
        return payload_header("diff") | diff_payload(change)

    return Report(tables, payload, notes, (), (_diff_headline(change),))
