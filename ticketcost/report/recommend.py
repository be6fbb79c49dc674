"""Report builder for ``ticketcost recommend``: each intent's models ranked all-in."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from ticketcost import money
from ticketcost.costs.recommend import IntentChoice, Option
from ticketcost.money import Amount, Phrase
from ticketcost.pricing.view import today as current_day
from ticketcost.report.estimate import lifecycle_notes, price_record, sources_notes
from ticketcost.report.model import Column, Field, Kind, Report, payload_header, table_of


class _Row(NamedTuple):
    choice: IntentChoice
    option: Option


def _mark(row: _Row) -> str:
    marks = []
    if row.option is row.choice.recommended:
        marks.append("recommended")
    if row.option.current:
        marks.append("current")
    return ", ".join(marks)


def _saving(row: _Row) -> Decimal:
    """What this option saves a month against the current model (negative: it costs more)."""
    return money.subtract(row.choice.current.monthly_usd, row.option.monthly_usd)


def _headline(choice: IntentChoice) -> Phrase:
    best, now = choice.recommended, choice.current
    if best is now:
        return Phrase.of(
            f"{choice.intent.name}: keep {now.model.id} (", _per(now), " per resolved ticket)"
        )
    return Phrase.of(
        f"{choice.intent.name}: {best.model.id} instead of {now.model.id} saves ",
        Amount(choice.saving_monthly_usd), " a month (", _per(best), " against ", _per(now),
        " per resolved ticket, all-in)",
    )  # fmt: skip


def _per(option: Option) -> Phrase:
    value = option.per_resolved_usd
    return Phrase(Amount(value)) if value is not None else Phrase("n/a (resolves nothing)")


def _option_record(option: Option, choice: IntentChoice) -> dict[str, Any]:
    return {
        "model": option.model.id,
        "current": option.current,
        "recommended": option is choice.recommended,
        "escalation_rate": option.escalation_rate,
        "escalation_rate_measured": option.measured,
        "model_usd_per_ticket": option.model_usd,
        "retries_usd_per_ticket": option.retries_usd,
        "review_usd_per_ticket": option.review_usd,
        "escalation_usd_per_ticket": option.escalation_usd,
        "all_in_usd_per_ticket": option.per_ticket_usd,
        "all_in_usd_per_resolved": option.per_resolved_usd,
        "monthly_usd": option.monthly_usd,
        "saving_monthly_usd": money.subtract(choice.current.monthly_usd, option.monthly_usd),
        "price": price_record(option.model),
    }


def recommend_report(choices: Sequence[IntentChoice], measured_from: str | None) -> Report:
    rows = [_Row(choice, option) for choice in choices for option in choice.options]
    fields: list[Field[_Row]] = [
        (Column("intent", "Intent"), lambda r: r.choice.intent.name),
        (Column("model", "Model"), lambda r: r.option.model.id),
        (Column("choice", "Choice"), _mark),
        (
            Column("escalation_rate", "Escalated", Kind.PERCENT),
            lambda r: r.option.escalation_rate,
        ),
        (
            Column("model_usd_per_ticket", "Model / ticket", Kind.MONEY),
            lambda r: r.option.model_usd,
        ),
        (
            Column("escalation_usd_per_ticket", "People / ticket", Kind.MONEY),
            lambda r: money.add(r.option.escalation_usd, r.option.review_usd),
        ),
        (
            Column("all_in_usd_per_resolved", "All-in / resolved", Kind.MONEY, priority=2),
            lambda r: r.option.per_resolved_usd,
        ),
        (Column("monthly_usd", "Monthly", Kind.MONEY), lambda r: r.option.monthly_usd),
        (Column("saving_monthly_usd", "Saves / month", Kind.MONEY), _saving),
    ]
    breaks = tuple(i for i, row in enumerate(rows) if i and row.choice is not rows[i - 1].choice)
    table = table_of("Models by intent, cheapest per resolved ticket first", fields, rows, breaks)
    notes = [
        "All-in per ticket: the conversation on the model, retries paid again, human review of "
        "answers and people's time on the tickets the model escalates; per resolved ticket "
        "divides it by the share the model resolves. Costs every option shares (embeddings, "
        "tooling, infrastructure) leave the ranking unchanged and are in `ticketcost stack`.",
    ]
    if measured_from is not None:
        notes.append(
            f"Escalation rates marked measured come from {measured_from}: escalated tickets ÷ "
            "tickets, per intent and model (a ticket that used two models counts for both)."
        )
    used = list({r.option.model.id: r.option.model for r in rows}.values())
    notes += lifecycle_notes(used, current_day())
    notes += sources_notes(used)

    def payload() -> dict[str, Any]:
        return payload_header("recommend") | {
            "intents": [
                {
                    "name": c.intent.name,
                    "tickets": c.tickets,
                    "current": c.current.model.id,
                    "recommended": c.recommended.model.id,
                    "saving_monthly_usd": c.saving_monthly_usd,
                    "options": [_option_record(o, c) for o in c.options],
                }
                for c in choices
            ],
            "measured_from": measured_from,
        }

    return Report((table,), payload, tuple(notes), (), tuple(_headline(c) for c in choices))
