"""Report builders for ``scale-table``, ``roi`` and ``curve``."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ticketcost import money
from ticketcost.costs.conversation import CacheMode, ConversationProfile, PolicyKind
from ticketcost.costs.growth import Curve, RoiRow, ScaleRow
from ticketcost.money import Amount, Phrase
from ticketcost.report.charts import Bar, BarChart, Spark, SparkChart
from ticketcost.report.model import Column, Field, Kind, Report, payload_header, table_of


def _range(low: Decimal, high: Decimal) -> Phrase:
    exact = Amount(low, exact=True)
    return Phrase(exact) if low == high else Phrase(exact, "–", Amount(high, exact=True))


def config_basis(path: Path) -> str:
    """How a config's scale table is computed."""
    return (
        f"Intent mix and stack of {path}, recomputed at each volume; fixed monthly "
        "items stay fixed, per-ticket items scale."
    )


def models_basis(profile: ConversationProfile, cache: CacheMode, fixed_monthly: Decimal) -> str:
    """How a scale table of single models is computed."""
    return Phrase(
        f"Model / month = the estimate cost of one ticket ({profile.turns} turns, cache: "
        f"{cache}) × tickets; fixed ", Amount(fixed_monthly), " a month added for all-in.",
    )  # fmt: skip


def scale_report(
    rows: Sequence[ScaleRow], basis: str, human: tuple[Decimal, Decimal], human_source: str
) -> Report:
    fields: list[Field[ScaleRow]] = [
        (Column("volume", "Tickets / month", Kind.COUNT), lambda r: r.volume),
        (Column("model", "Model"), lambda r: r.label),
        (
            Column("model_monthly_usd", "Model / month", Kind.USD, priority=0),
            lambda r: r.model_monthly,
        ),
        (
            Column("other_monthly_usd", "Rest of stack / month", Kind.MONEY, priority=0),
            lambda r: r.other_monthly,
        ),
        (Column("all_in_monthly_usd", "All-in / month", Kind.MONEY), lambda r: r.all_in_monthly),
        (
            Column("all_in_per_ticket_usd", "All-in / ticket", Kind.MONEY, priority=2),
            lambda r: r.all_in_per_ticket,
        ),
        (
            Column("human_monthly", "Human / month", csv=False, priority=2),
            lambda r: _range(*r.human_monthly),
        ),
        (
            Column("human_low_monthly_usd", "", Kind.MONEY, terminal=False),
            lambda r: r.human_monthly[0],
        ),
        (
            Column("human_high_monthly_usd", "", Kind.MONEY, terminal=False),
            lambda r: r.human_monthly[1],
        ),
    ]
    volumes = list(dict.fromkeys(row.volume for row in rows))
    breaks = tuple(i for i, row in enumerate(rows) if i and row.volume != rows[i - 1].volume)
    notes = [
        basis,
        Phrase.of("Human cost: ", _range(*human), f" a ticket ({human_source})."),
    ]

    def payload() -> dict[str, Any]:
        return payload_header("scale-table") | {
            "volumes": volumes,
            "human_usd_per_ticket": {"low": human[0], "high": human[1]},
            "rows": [
                {
                    "volume": row.volume,
                    "model": row.label,
                    "model_monthly_usd": row.model_monthly,
                    "other_monthly_usd": row.other_monthly,
                    "all_in_monthly_usd": row.all_in_monthly,
                    "all_in_per_ticket_usd": row.all_in_per_ticket,
                    "human_monthly_usd": {
                        "low": row.human_monthly[0],
                        "high": row.human_monthly[1],
                    },
                }
                for row in rows
            ],
        }

    table = table_of("Cost at scale", fields, rows, breaks)
    return Report((table,), payload, tuple(notes))


def roi_report(
    rows: Sequence[RoiRow],
    volume: int,
    human_per_ticket: Decimal,
    ai_source: str,
    human_source: str,
    human_range: tuple[Decimal, Decimal] | None = None,
) -> Report:
    """``human_per_ticket`` is the price used; ``human_range`` the range it is the midpoint of."""
    ai_monthly = rows[0].ai_monthly if rows else money.ZERO
    source: str = human_source
    if human_range is not None and human_range[0] != human_range[1]:
        low, high = (Amount(end) for end in human_range)
        source = Phrase(human_source, ", midpoint of ", low, "–", high)
    headline = (
        Phrase(
            f"{volume:,} tickets a month · AI stack ", Amount(ai_monthly), " a month · human ",
            Amount(human_per_ticket), " a ticket",
        ),
    )  # fmt: skip
    fields: list[Field[RoiRow]] = [
        (Column("deflection", "Deflected", Kind.PERCENT), lambda r: r.deflection),
        (Column("deflected_tickets", "Tickets", Kind.AMOUNT), lambda r: r.deflected_tickets),
        (
            Column("human_saved_monthly_usd", "Human cost saved", Kind.MONEY),
            lambda r: r.human_saved_monthly,
        ),
        (Column("ai_monthly_usd", "AI cost", Kind.MONEY), lambda r: r.ai_monthly),
        (
            Column(
                "escalation_monthly_usd",
                "People on escalations",
                Kind.MONEY,
                terminal=any(r.escalation_monthly for r in rows),
            ),
            lambda r: r.escalation_monthly,
        ),
        (Column("net_monthly_usd", "Net saving", Kind.MONEY), lambda r: r.net_monthly),
        (Column("roi_multiple", "ROI", Kind.RATIO, priority=2), lambda r: r.multiple),
    ]
    chart = BarChart(
        "Net saving a month",
        tuple(
            Bar(
                f"{money.plain(money.multiply(row.deflection, 100))}% deflected",
                row.net_monthly,
                Phrase(Amount(row.net_monthly)),
            )
            for row in rows
        ),
    )
    notes = (
        "Human cost saved = tickets × deflection rate × human cost per ticket; net = saved − AI "
        "cost; ROI = saved ÷ AI cost.",
        Phrase.of(f"AI cost: {ai_source}. Human cost: ", source, "."),
        *(
            (
                "People on escalations: the time people spend on the tickets the AI hands "
                "over; spent with or without the AI, it is neither AI cost nor saving.",
            )
            if any(r.escalation_monthly for r in rows)
            else ()
        ),
    )

    def payload() -> dict[str, Any]:
        return payload_header("roi") | {
            "volume": volume,
            "ai_monthly_usd": ai_monthly,
            "human_usd_per_ticket": human_per_ticket,
            "rows": [
                {
                    "deflection": row.deflection,
                    "deflected_tickets": row.deflected_tickets,
                    "human_saved_monthly_usd": row.human_saved_monthly,
                    "ai_monthly_usd": row.ai_monthly,
                    "escalation_monthly_usd": row.escalation_monthly,
                    "net_monthly_usd": row.net_monthly,
                    "roi_multiple": row.multiple,
                }
                for row in rows
            ],
        }

    return Report((table_of("Deflection ROI", fields, rows),), payload, notes, (chart,), headline)


def curve_report(curve: Curve) -> Report:
    profile = curve.profile
    fields: list[Field[int]] = [
        (Column("turns", "Turns", Kind.COUNT), curve.turn_counts.__getitem__)
    ]
    fields += [
        (Column(f"cost_usd:{s.label}", s.label, Kind.USD), s.costs.__getitem__)
        for s in curve.series
    ]
    # one row per conversation length: the length, then each series' cost at that length
    positions = range(len(curve.turn_counts))
    first, last = curve.turn_counts[0], curve.turn_counts[-1]
    chart = SparkChart(
        f"Cost per ticket from {first} to {last} turns (one scale for all)",
        tuple(
            Spark(
                series.label,
                series.costs,
                Phrase(
                    Amount(series.costs[0], exact=True),
                    " → ",
                    Amount(series.costs[-1], exact=True),
                ),
            )
            for series in curve.series
        ),
        x_title="Turns in the conversation",
        xs=tuple(curve.turn_counts),
    )
    notes = [
        f"Each turn: {profile.system_tokens:,} system + {profile.user_tokens:,} user tokens "
        f"in, {profile.assistant_tokens:,} out; full history re-sends every past exchange.",
    ]
    for series in curve.series:
        if series.policy.kind is PolicyKind.FULL:
            continue
        if series.pays_off_from is None:
            notes.append(
                f"{series.label}: never cheaper than full history within {first}–{last} turns."
            )
        else:
            notes.append(
                f"{series.label}: cheaper than full history from {series.pays_off_from} turns on."
            )

    def payload() -> dict[str, Any]:
        return payload_header("curve") | {
            "profile": {
                "system_tokens": profile.system_tokens,
                "user_tokens": profile.user_tokens,
                "assistant_tokens": profile.assistant_tokens,
            },
            "turn_counts": list(curve.turn_counts),
            "series": [
                {
                    "model": series.model.id,
                    "cache_mode": series.cache,
                    "policy": series.policy.label,
                    "cost_usd": list(series.costs),
                    "pays_off_from_turns": series.pays_off_from,
                }
                for series in curve.series
            ],
        }

    return Report(
        (table_of("Cost per ticket by conversation length", fields, positions),),
        payload,
        tuple(notes),
        (chart,),
    )
