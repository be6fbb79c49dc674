"""Budgets: ceilings on cost per ticket and monthly spend, with warning levels, and limits on how
much cost per resolved ticket may rise against a baseline."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from ticketcost import money
from ticketcost.costs.baseline import Snapshot
from ticketcost.costs.config import Budgets, Limit
from ticketcost.costs.stack import StackResult
from ticketcost.io.validation import Loc
from ticketcost.money import Amount, Phrase


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    BREACH = "breach"
    SKIPPED = "skipped"  # an increase budget with no baseline to compare against


@dataclass
class BudgetResult:
    key: str
    label: str
    unit: str  # "usd" or "percent"
    limit: Decimal
    warn: Decimal | None
    actual: Decimal | None
    status: Status
    loc: Loc  # where the budget is set in the config, for messages and CI annotations
    detail: str = ""

    @property
    def headroom(self) -> Decimal | None:
        return None if self.actual is None else money.subtract(self.limit, self.actual)


def _judge(actual: Decimal | None, limit: Decimal, warn: Decimal | None) -> Status:
    if actual is None or actual > limit:
        return Status.BREACH
    if warn is not None and actual > warn:
        return Status.WARN
    return Status.OK


def _ceiling(
    key: str, label: str, limit: Limit, actual: Decimal | None, loc: Loc, detail: str = ""
) -> BudgetResult:
    status = _judge(actual, limit.max, limit.warn)
    return BudgetResult(key, label, "usd", limit.max, limit.warn, actual, status, loc, detail)


def evaluate(
    result: StackResult, budgets: Budgets, baseline: Snapshot | None = None
) -> list[BudgetResult]:
    """Every budget set in the config, judged against ``result`` (and ``baseline``)."""
    total = result.total_monthly
    per_resolved = result.per_resolved(total)
    no_resolved = "" if per_resolved is not None else "no ticket is resolved by the AI"
    checks: list[BudgetResult] = []
    if budgets.cost_per_resolved_ticket:
        checks.append(
            _ceiling(
                "cost_per_resolved_ticket",
                "Cost per resolved ticket",
                budgets.cost_per_resolved_ticket,
                per_resolved,
                ("budgets", "cost_per_resolved_ticket"),
                no_resolved,
            )
        )
    if budgets.monthly_spend:
        checks.append(
            _ceiling(
                "monthly_spend",
                "Monthly spend",
                budgets.monthly_spend,
                total,
                ("budgets", "monthly_spend"),
            )
        )
    if budgets.model_cost_per_ticket:
        checks.append(
            _ceiling(
                "model_cost_per_ticket",
                "Model API cost per ticket",
                budgets.model_cost_per_ticket,
                result.per_ticket(result.visible_monthly),
                ("budgets", "model_cost_per_ticket"),
            )
        )
    by_name = {cost.intent.name: cost for cost in result.intents}
    for name, limit in budgets.intents.items():
        actual = by_name[name].per_resolved
        checks.append(
            _ceiling(
                f"intent:{name}",
                f"Cost per resolved ticket: {name}",
                limit,
                actual,
                ("budgets", "intents", name),
                "" if actual is not None else f"no {name} ticket is resolved by the AI",
            )
        )
    increase = budgets.increase
    if increase is not None:
        old = baseline.per_resolved if baseline else None
        delta = percent = None
        if baseline is not None and old is not None and per_resolved is not None:
            delta = money.subtract(per_resolved, old)
            percent = money.divide(money.multiply(delta, 100), old) if old else None
        if baseline is None:
            detail = "no --baseline given"
        elif old is None or per_resolved is None:
            detail = "no cost per resolved ticket to compare"
        else:
            detail = Phrase("baseline ", Amount(old), " → now ", Amount(per_resolved))
        for key, label, ceiling, warn, actual, unit in (
            ("increase_percent", "Rise in cost per resolved ticket", increase.max_percent,
             increase.warn_percent, percent, "percent"),
            ("increase_usd", "Rise in cost per resolved ticket", increase.max_usd,
             increase.warn_usd, delta, "usd"),
        ):  # fmt: skip
            if ceiling is None:
                continue
            status = Status.SKIPPED if baseline is None else _judge(actual, ceiling, warn)
            loc: Loc = ("budgets", "increase", f"max_{unit}")
            checks.append(
                BudgetResult(key, label, unit, ceiling, warn, actual, status, loc, detail)
            )
    return checks


def verdict(results: list[BudgetResult]) -> Status:
    statuses = {r.status for r in results}
    if Status.BREACH in statuses:
        return Status.BREACH
    if Status.WARN in statuses:
        return Status.WARN
    return Status.OK
