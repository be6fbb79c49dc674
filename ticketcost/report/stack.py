"""Report builders for ``ticketcost stack`` and ``ticketcost compare``."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, NamedTuple

from ticketcost import money
from ticketcost.costs.benchmarks import Benchmark
from ticketcost.costs.compare import BenchmarkComparison, Comparison
from ticketcost.costs.stack import CATEGORIES, IntentCost, StackResult
from ticketcost.money import Amount, Phrase
from ticketcost.pricing.view import today as current_day
from ticketcost.report.charts import Bar, BarChart
from ticketcost.report.estimate import lifecycle_notes, price_record, sources_notes
from ticketcost.report.model import Column, Field, Kind, Report, payload_header, table_of

CATEGORY_LABELS = {
    "model": "Model API",
    "retries": "Retries",
    "embeddings": "Embeddings + vector DB",
    "human": "Human review + escalations",
    "observability": "Observability",
    "integrations": "Integrations",
    "infrastructure": "Infrastructure",
}


def stack_headline(result: StackResult) -> tuple[str, ...]:
    total = result.total_monthly
    per_resolved = result.per_resolved(total)
    resolved_text: str | Amount = Amount(per_resolved) if per_resolved is not None else "n/a"
    visible, hidden = result.visible_monthly, result.hidden_monthly
    share_visible = result.share(visible) or money.ZERO
    gaps = result.gaps
    kind = "All-in" if not gaps else "Not all-in"
    left_out = f" (leaves out {_listed(g.label for g in gaps)})" if gaps else ""
    first = Phrase(
        f"{kind}: ", Amount(total), " a month = ", Amount(result.per_ticket(total)),
        " per ticket handled, ", resolved_text, f" per resolved ticket{left_out}",
    )  # fmt: skip
    return (
        first,
        f"{result.volume:,} tickets a month; resolved by the AI: "
        f"{money.format_amount(result.resolved)}; escalated to people: "
        f"{money.format_amount(result.escalated)}",
        Phrase(
            "Visible API: ",
            Amount(visible),
            f" ({share_visible * 100:.1f}%) · hidden: ",
            Amount(hidden),
            f" ({(1 - share_visible) * 100:.1f}%)",
        ),
    )


def _listed(items: Iterable[str]) -> str:
    words = list(items)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _gap_notes(result: StackResult) -> list[str]:
    """How to make the figure all-in: what to add to the config for each part left out."""
    return [f"Not in the figure: {g.label}; add {g.add}." for g in result.gaps]


def _stack_notes(result: StackResult) -> list[str]:
    notes = [
        "Per resolved ticket divides by the tickets the AI resolves (handled minus escalated); "
        "per ticket divides by every ticket handled.",
        "By intent: model, retries and escalations are the intent's own; every other line is "
        "spread over intents by their share of tickets.",
    ]
    if result.hourly_usd is not None:
        notes.append(
            Phrase("Loaded labour rate: ", Amount(result.hourly_usd, significant=6), " an hour.")
        )
    for cost in result.intents:
        for note in cost.conversation.notes:
            notes.append(f"{cost.intent.name}: {note}")
    used = list({c.model.id: c.model for c in result.intents}.values())
    notes += lifecycle_notes(used, current_day())
    notes += sources_notes(used)
    return _gap_notes(result) + notes


def stack_payload(result: StackResult) -> dict[str, Any]:
    total = result.total_monthly

    def figures(monthly: Decimal) -> dict[str, Any]:
        return {
            "monthly_usd": monthly,
            "per_ticket_usd": result.per_ticket(monthly),
            "per_resolved_usd": result.per_resolved(monthly),
            "share": result.share(monthly),
        }

    return {
        "complete": result.complete,
        "missing": [g._asdict() for g in result.gaps],
        "volume": result.volume,
        "tickets_resolved": result.resolved,
        "tickets_escalated": result.escalated,
        "hourly_usd": result.hourly_usd,
        "total": figures(total),
        "visible_api": figures(result.visible_monthly),
        "hidden": figures(result.hidden_monthly),
        "lines": [
            {"key": line.key, "category": line.category, "label": line.label}
            | figures(line.monthly_usd)
            | {"visible": line.visible, "basis": line.basis}
            for line in result.lines
        ],
        "categories": {name: figures(amount) for name, amount in result.category_totals().items()},
        "intents": [
            {
                "name": cost.intent.name,
                "share": cost.intent.share,
                "model": cost.model.id,
                "price": price_record(cost.model),
                "cache_mode": cost.conversation.effective_cache_mode,
                "escalation_rate": cost.intent.escalation_rate,
                "tickets": cost.tickets,
                "resolved": cost.resolved,
                "escalated": cost.escalated,
                "model_usd_per_ticket": cost.conversation.total_usd,
                "tokens_per_ticket": {
                    "input": cost.conversation.tokens.input,
                    "output": cost.conversation.tokens.output,
                },
                "model_monthly_usd": cost.model_monthly,
                "retries_monthly_usd": cost.retries_monthly,
                "escalation_monthly_usd": cost.escalation_monthly,
                "shared_monthly_usd": cost.allocated_monthly,
                "all_in_monthly_usd": cost.all_in_monthly,
                "all_in_per_ticket_usd": cost.per_ticket,
                "all_in_per_resolved_usd": cost.per_resolved,
            }
            for cost in result.intents
        ],
    }


class _LineRow(NamedTuple):
    """A row of the cost stack: a line, or the total under them."""

    label: str
    category: str
    monthly_usd: Decimal
    visible: str
    basis: str


def stack_report(result: StackResult) -> Report:
    total = result.total_monthly
    line_fields: list[Field[_LineRow]] = [
        (Column("component", "Component"), lambda r: r.label),
        (Column("category", "Category", terminal=False), lambda r: r.category),
        (Column("monthly_usd", "Monthly", Kind.MONEY), lambda r: r.monthly_usd),
        (
            Column("per_ticket_usd", "Per ticket", Kind.MONEY),
            lambda r: result.per_ticket(r.monthly_usd),
        ),
        (
            Column("per_resolved_usd", "Per resolved", Kind.MONEY),
            lambda r: result.per_resolved(r.monthly_usd),
        ),
        (Column("share", "Share", Kind.PERCENT), lambda r: result.share(r.monthly_usd)),
        (Column("visible", "Visible", terminal=False), lambda r: r.visible),
        (Column("basis", "How it is computed", priority=0), lambda r: r.basis),
    ]
    rows = [
        _LineRow(
            line.label,
            line.category,
            line.monthly_usd,
            "yes" if line.visible else "no",
            line.basis,
        )
        for line in result.lines
    ]
    rows.append(_LineRow("Total", "", total, "", "sum of the lines above"))
    lines_table = table_of("Cost stack, per month", line_fields, rows, (len(rows) - 1,))

    intent_fields: list[Field[IntentCost]] = [
        (Column("intent", "Intent"), lambda c: c.intent.name),
        (Column("model", "Model"), lambda c: c.model.id),
        (Column("share", "Share", Kind.PERCENT), lambda c: c.intent.share),
        (Column("tickets", "Tickets", Kind.AMOUNT), lambda c: c.tickets),
        (Column("escalation_rate", "Escalated", Kind.PERCENT), lambda c: c.intent.escalation_rate),
        (Column("resolved", "Resolved", Kind.AMOUNT), lambda c: c.resolved),
        (
            Column("model_usd_per_ticket", "API / ticket", Kind.MONEY, priority=0),
            lambda c: c.conversation.total_usd,
        ),
        (Column("all_in_monthly_usd", "All-in monthly", Kind.MONEY), lambda c: c.all_in_monthly),
        (Column("all_in_per_ticket_usd", "All-in / ticket", Kind.MONEY), lambda c: c.per_ticket),
        (
            Column("all_in_per_resolved_usd", "All-in / resolved", Kind.MONEY, priority=2),
            lambda c: c.per_resolved,
        ),
    ]
    intents_table = table_of("By intent", intent_fields, result.intents)

    totals = result.category_totals()
    chart = BarChart(
        "Where the money goes (per ticket handled)",
        tuple(
            Bar(
                CATEGORY_LABELS[name],
                totals[name],
                Phrase(
                    Amount(result.per_ticket(totals[name])),
                    f" ({(result.share(totals[name]) or money.ZERO) * 100:.1f}%)",
                ),
            )
            for name in CATEGORIES
            if name in totals
        ),
    )

    def payload() -> dict[str, Any]:
        return payload_header("stack") | stack_payload(result)

    return Report(
        (lines_table, intents_table),
        payload,
        tuple(_stack_notes(result)),
        (chart,),
        stack_headline(result),
    )


def _figure(benchmark: Benchmark) -> Phrase:
    if benchmark.usd is not None:
        return Phrase(Amount(benchmark.usd))
    return Phrase(Amount(benchmark.low), "–", Amount(benchmark.high))


def _span(pair: tuple[Decimal, Decimal] | None) -> Phrase | None:
    if pair is None:
        return None
    low, high = (Phrase(Amount(value)) for value in pair)
    return low if low == high else Phrase(Amount(pair[0]), " to ", Amount(pair[1]))


def _end(pair: tuple[Decimal, Decimal] | None, index: int) -> Decimal | None:
    """The low (0) or high (1) end of a range, if there is one."""
    return None if pair is None else pair[index]


def _dated(benchmark: Benchmark) -> str:
    date = benchmark.source_date.isoformat() if benchmark.source_date else "undated"
    return f"{benchmark.source} ({date})"


def _at_volume(row: BenchmarkComparison) -> Phrase | None:
    """ "$0.99 × 7,850 resolutions = $7,771.50 a month": the benchmark's price at your volume."""
    if row.at_your_volume is None:
        return None
    monthly, count, what = row.at_your_volume
    return Phrase(
        Amount(row.benchmark.mid), f" × {money.format_amount(count)} {what} = ", Amount(monthly),
        " a month",
    )  # fmt: skip


def _compare_fields() -> list[Field[BenchmarkComparison]]:
    return [
        (Column("benchmark", "Benchmark"), lambda r: r.benchmark.name),
        (Column("id", "Id", terminal=False), lambda r: r.benchmark.id),
        (Column("category", "Kind", priority=0), lambda r: r.benchmark.category.value),
        (Column("figure", "Figure", csv=False), lambda r: _figure(r.benchmark)),
        (Column("low_usd", "Low", Kind.MONEY, terminal=False), lambda r: r.benchmark.low),
        (Column("high_usd", "High", Kind.MONEY, terminal=False), lambda r: r.benchmark.high),
        (Column("unit", "Per"), lambda r: r.benchmark.unit.value),
        (Column("includes", "Includes"), lambda r: r.benchmark.includes.value),
        (Column("ratio", "You ÷ it", Kind.RATIO, priority=2), lambda r: r.ratio),
        (
            Column("saving_per_ticket", "Saving / resolved ticket", csv=False),
            lambda r: _span(r.saving_per_ticket),
        ),
        (
            Column("saving_per_month", "Saving / month", csv=False),
            lambda r: _span(r.saving_per_month),
        ),
        (
            Column("saving_per_ticket_low_usd", "", Kind.MONEY, terminal=False),
            lambda r: _end(r.saving_per_ticket, 0),
        ),
        (
            Column("saving_per_ticket_high_usd", "", Kind.MONEY, terminal=False),
            lambda r: _end(r.saving_per_ticket, 1),
        ),
        (
            Column("saving_per_month_low_usd", "", Kind.MONEY, terminal=False),
            lambda r: _end(r.saving_per_month, 0),
        ),
        (
            Column("saving_per_month_high_usd", "", Kind.MONEY, terminal=False),
            lambda r: _end(r.saving_per_month, 1),
        ),
        (
            Column("at_your_volume", "At your volume", csv=False, priority=0),
            lambda r: _at_volume(r),
        ),
        (
            Column("at_your_volume_monthly_usd", "", Kind.MONEY, terminal=False),
            lambda r: r.at_your_volume[0] if r.at_your_volume else None,
        ),
        (
            Column("differences", "Not like for like", priority=0),
            lambda r: "; ".join(r.differences) or None,
        ),
        (Column("source", "Source", terminal=False), lambda r: _dated(r.benchmark)),
    ]


def _compare_payload(comparison: Comparison) -> dict[str, Any]:
    result, ours = comparison.stack, comparison.ours
    return payload_header("compare") | {
        "ours": {
            "complete": result.complete,
            "missing": [g._asdict() for g in result.gaps],
            "per_resolved_usd": ours,
            "per_ticket_usd": result.per_ticket(result.total_monthly),
            "monthly_usd": result.total_monthly,
            "tickets_resolved": result.resolved,
            "volume": result.volume,
        },
        "benchmarks": [
            row.benchmark.model_dump(mode="python")
            | {
                "mid_usd": row.benchmark.mid,
                "ratio": row.ratio,
                "saving_per_ticket_usd": list(row.saving_per_ticket)
                if row.saving_per_ticket
                else None,
                "saving_per_month_usd": list(row.saving_per_month)
                if row.saving_per_month
                else None,
                "differences": list(row.differences),
                "at_your_volume": None
                if row.at_your_volume is None
                else {
                    "monthly_usd": row.at_your_volume[0],
                    "count": row.at_your_volume[1],
                    "per": row.at_your_volume[2],
                },
            }
            for row in comparison.rows
        ],
        "stack": stack_payload(result),  # so a saved compare report also serves as a baseline
    }


def compare_report(comparison: Comparison) -> Report:
    result = comparison.stack
    ours = comparison.ours
    fields = _compare_fields()
    kind = "all-in" if result.complete else "not all-in"
    title = Phrase("You: ", Amount(ours), f" per resolved ticket, {kind}")
    table = table_of(title, fields, comparison.rows)
    chart = BarChart(
        "Cost per ticket (range midpoints)",
        (
            Bar("You (per resolved ticket)", ours, Phrase(Amount(ours))),
            *(
                Bar(row.benchmark.name, row.benchmark.mid, _figure(row.benchmark))
                for row in comparison.rows
            ),
        ),
    )
    notes = [
        *_gap_notes(result),
        "You ÷ it below 1 means you spend less per ticket. Savings are against human baselines: "
        f"their figure minus yours, times the {money.format_amount(result.resolved)} tickets "
        "the AI resolves a month.",
    ]
    for row in comparison.rows:
        caveats = " ".join(row.benchmark.caveats)
        notes.append(
            f"{row.benchmark.id}: {_dated(row.benchmark)}" + (f". {caveats}" if caveats else "")
        )

    def payload() -> dict[str, Any]:
        return _compare_payload(comparison)

    headline = stack_headline(result)[:1]
    return Report((table,), payload, tuple(notes), (chart,), headline)
