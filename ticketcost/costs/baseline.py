"""Snapshots of a month's cost (from a config or a saved JSON report) and what changed between two.

A snapshot is read from the ``stack`` JSON payload (``ticketcost stack --format json``, or the
``stack`` part of ``ticketcost check --format json`` / ``--save-baseline``). A config is turned into
the same payload first, so "main vs this branch" works with configs and saved reports alike.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ticketcost import money
from ticketcost.errors import TicketcostError
from ticketcost.io.bounds import MAX_COUNT, MAX_TOKENS, MAX_TURNS
from ticketcost.money import Amount, Phrase

# A saved figure is a product of bounded inputs (see ticketcost.io.bounds): far below this.
MAX_USD = Decimal(10) ** 40

RATE_NAMES = {
    "input_usd_per_mtok": "input price",
    "output_usd_per_mtok": "output price",
    "cache_read_usd_per_mtok": "cache-read price",
    "cache_write_usd_per_mtok": "cache-write price",
}


class _Bad(ValueError):
    """A value in a saved report outside what ticketcost writes there."""


def _opt(value: Any, upper: Decimal = MAX_USD) -> Decimal | None:
    return None if value is None else _req(value, upper)


def _req(value: Any, upper: Decimal = MAX_USD) -> Decimal:
    """A JSON number as ticketcost writes them: finite, from 0 to ``upper`` (amounts: 10^12 USD
    a figure… any product of bounded inputs fits below 10^40); never text or true/false."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise _Bad(f"must be a number (got {value!r})")
    number = Decimal(value)
    if not number.is_finite() or not 0 <= number <= upper:
        raise _Bad(f"must be a finite number from 0 to {upper:.0E} (got {value})")
    return number


def _count(value: Any) -> int:
    """A whole number of tickets or tokens."""
    number = _req(value, Decimal(MAX_COUNT) * MAX_TURNS * MAX_TOKENS)
    if number != number.to_integral_value():
        raise _Bad(f"must be a whole number (got {value})")
    return int(number)


@dataclass
class IntentSnapshot:
    name: str
    model: str
    prices: dict[str, Decimal | None]
    input_tokens: int
    output_tokens: int
    share: Decimal
    escalation_rate: Decimal
    model_per_ticket: Decimal
    all_in_monthly: Decimal
    all_in_per_resolved: Decimal | None


@dataclass
class Snapshot:
    source: str
    monthly: Decimal
    per_ticket: Decimal
    per_resolved: Decimal | None
    volume: int
    lines: dict[str, tuple[str, Decimal]]  # key -> (label, monthly)
    intents: dict[str, IntentSnapshot]


def snapshot_from_payload(payload: dict[str, Any], source: str) -> Snapshot:
    """Read a stack payload (or a check payload holding one); malformed is a one-line error."""
    if payload.get("schema_version") != "1":
        raise TicketcostError(
            f'{source}: not a ticketcost report with schema_version "1" (save one with '
            "'ticketcost check --save-baseline FILE' or 'ticketcost stack --format json')"
        )
    stack = payload.get("stack", payload)
    where = "stack"  # the part being read, for the message
    try:
        where = "stack.total"
        total = stack["total"]
        lines = {}
        for index, line in enumerate(stack["lines"]):
            where = f"stack.lines[{index}]"
            lines[line["key"]] = (str(line["label"]), _req(line["monthly_usd"]))
        intents = {}
        for index, item in enumerate(stack["intents"]):
            where = f"stack.intents[{index}]"
            intents[item["name"]] = IntentSnapshot(
                name=item["name"],
                model=item["model"],
                prices={key: _opt(item["price"].get(key)) for key in RATE_NAMES},
                input_tokens=_count(item["tokens_per_ticket"]["input"]),
                output_tokens=_count(item["tokens_per_ticket"]["output"]),
                share=_req(item["share"], Decimal(1)),
                escalation_rate=_req(item["escalation_rate"], Decimal(1)),
                model_per_ticket=_req(item["model_usd_per_ticket"]),
                all_in_monthly=_req(item["all_in_monthly_usd"]),
                all_in_per_resolved=_opt(item["all_in_per_resolved_usd"]),
            )
        where = "stack.total"
        return Snapshot(
            source=source,
            monthly=_req(total["monthly_usd"]),
            per_ticket=_req(total["per_ticket_usd"]),
            per_resolved=_opt(total["per_resolved_usd"]),
            volume=_count(stack["volume"]),
            lines=lines,
            intents=intents,
        )
    except _Bad as exc:
        raise TicketcostError(f"{source}: {where}: a figure {exc}") from None
    except (KeyError, TypeError, ValueError, ArithmeticError, AttributeError) as exc:
        raise TicketcostError(
            f"{source}: {where}: not a complete ticketcost report ({type(exc).__name__}: {exc}); "
            "save one with 'ticketcost check --save-baseline FILE' or 'ticketcost stack --format "
            "json'"
        ) from None


def load_report(path: str | Path) -> Snapshot:
    """A saved JSON report, read with exact decimals."""
    from ticketcost.io.datafiles import read_user_file

    raw = read_user_file(path, "report")
    try:
        payload = json.loads(raw, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        raise TicketcostError(f"{path}: not JSON ({exc})") from None
    except ArithmeticError:  # a number Decimal cannot hold (an exponent of 10^40, say)
        raise TicketcostError(f"{path}: a number in the report is out of any range") from None
    if not isinstance(payload, dict):
        raise TicketcostError(f"{path}: not a ticketcost report (expected a JSON object)")
    return snapshot_from_payload(payload, str(path))


# ------------------------------------------------------------------------------------------ diff


@dataclass
class Change:
    """One figure before and after; ``None`` on a side where it does not exist."""

    key: str
    label: str
    old: Decimal | None
    new: Decimal | None

    @property
    def status(self) -> str:
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "same" if self.old == self.new else "changed"

    @property
    def delta(self) -> Decimal | None:
        if self.old is None and self.new is None:
            return None
        return money.subtract(self.new or money.ZERO, self.old or money.ZERO)

    @property
    def percent(self) -> Decimal | None:
        delta = self.delta
        if delta is None or not self.old:
            return None
        return money.divide(money.multiply(delta, 100), self.old)


@dataclass
class IntentChange:
    name: str
    per_resolved: Change
    monthly: Change
    reasons: list[str] = field(default_factory=list)


@dataclass
class Diff:
    old: Snapshot
    new: Snapshot
    per_resolved: Change
    per_ticket: Change
    monthly: Change
    lines: list[Change]
    intents: list[IntentChange]

    @property
    def changed_lines(self) -> list[Change]:
        return [line for line in self.lines if line.status != "same"]

    @property
    def changed_intents(self) -> list[IntentChange]:
        return [i for i in self.intents if i.reasons or i.per_resolved.status != "same"]


def _rate(value: Decimal | None) -> tuple[str | Amount, ...]:
    return ("none",) if value is None else (Amount(value, exact=True), "/1M")


def _percent(rate: Decimal) -> str:
    return money.plain(money.multiply(rate, 100)) + "%"


def _why(old: IntentSnapshot | None, new: IntentSnapshot | None) -> list[str]:
    if old is None:
        return [f"new intent on {new.model}"] if new else []
    if new is None:
        return ["intent removed"]
    reasons = []
    if old.model != new.model:
        reasons.append(f"model {old.model} → {new.model}")
    else:
        for key, name in RATE_NAMES.items():
            before, after = old.prices.get(key), new.prices.get(key)
            if before != after:
                reasons.append(Phrase(f"{new.model} {name} ", *_rate(before), " → ", *_rate(after)))
    if old.input_tokens != new.input_tokens:
        reasons.append(f"input tokens per ticket {old.input_tokens:,} → {new.input_tokens:,}")
    if old.output_tokens != new.output_tokens:
        reasons.append(f"output tokens per ticket {old.output_tokens:,} → {new.output_tokens:,}")
    if old.share != new.share:
        reasons.append(f"share {_percent(old.share)} → {_percent(new.share)}")
    if old.escalation_rate != new.escalation_rate:
        reasons.append(
            f"escalation {_percent(old.escalation_rate)} → {_percent(new.escalation_rate)}"
        )
    if old.model_per_ticket != new.model_per_ticket:
        reasons.append(
            Phrase(
                "API cost per ticket ",
                Amount(old.model_per_ticket, exact=True),
                " → ",
                Amount(new.model_per_ticket, exact=True),
            )
        )
    return reasons


def diff(old: Snapshot, new: Snapshot) -> Diff:
    keys = list(dict.fromkeys([*old.lines, *new.lines]))
    lines = [
        Change(
            key,
            (new.lines.get(key) or old.lines[key])[0],
            old.lines[key][1] if key in old.lines else None,
            new.lines[key][1] if key in new.lines else None,
        )
        for key in keys
    ]
    intents = []
    for name in dict.fromkeys([*old.intents, *new.intents]):
        before, after = old.intents.get(name), new.intents.get(name)
        intents.append(
            IntentChange(
                name,
                Change(
                    name,
                    name,
                    before.all_in_per_resolved if before else None,
                    after.all_in_per_resolved if after else None,
                ),
                Change(
                    name,
                    name,
                    before.all_in_monthly if before else None,
                    after.all_in_monthly if after else None,
                ),
                _why(before, after),
            )
        )
    return Diff(
        old,
        new,
        Change("per_resolved", "Cost per resolved ticket", old.per_resolved, new.per_resolved),
        Change("per_ticket", "Cost per ticket handled", old.per_ticket, new.per_ticket),
        Change("monthly", "Monthly spend", old.monthly, new.monthly),
        lines,
        intents,
    )
