"""Report builders for ``scale-table``, ``roi`` and ``curve``."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ticketcost import money
from ticketcost.costs.conversation import PolicyKind
from ticketcost.costs.growth import Curve, RoiRow, ScaleRow
from ticketcost.report.charts import Bar, BarChart, Spark, SparkChart
from ticketcost.report.model import Cell, Column, Kind, Report, Table, payload_header


def _range(low: Decimal, high: Decimal) -> str:
    low_text, high_text = money.format_usd(low), money.format_usd(high)
    return low_text if low == high else f"{low_text}–{high_text}"


def scale_report(
    rows: Sequence[ScaleRow], basis: str, human: tuple[Decimal, Decimal], human_source: str
) -> Report:
    columns = (
        Column("volume", "Tickets / month", Kind.COUNT),
        Column("model", "Model"),
        Column("model_monthly_usd", "Model / month", Kind.USD),
        Column("other_monthly_usd", "Rest of stack / month", Kind.MONEY),
        Column("all_in_monthly_usd", "All-in / month", Kind.MONEY),
        Column("all_in_per_ticket_usd", "All-in / ticket", Kind.MONEY),
        Column("human_monthly", "Human / month", csv=False),
        Column("human_low_monthly_usd", "", Kind.MONEY, terminal=False),
        Column("human_high_monthly_usd", "", Kind.MONEY, terminal=False),
    )
    table_rows = tuple(
        (
            row.volume,
            row.label,
            row.model_monthly,
            row.other_monthly,
            row.all_in_monthly,
            row.all_in_per_ticket,
            _range(*row.human_monthly),
            *row.human_monthly,
        )
        for row in rows
    )
    volumes = list(dict.fromkeys(row.volume for row in rows))
    breaks = tuple(i for i, row in enumerate(rows) if i and row.volume != rows[i - 1].volume)
    notes = [
        basis,
        f"Human cost: {_range(*human)} a ticket ({human_source}).",
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

    table = Table("Cost at scale", columns, table_rows, breaks)
    return Report((table,), payload, tuple(notes))


def roi_report(
    rows: Sequence[RoiRow],
    volume: int,
    human_per_ticket: Decimal,
    ai_source: str,
    human_source: str,
) -> Report:
    ai_monthly = rows[0].ai_monthly if rows else money.ZERO
    headline = (
        f"{volume:,} tickets a month · AI stack {money.format_money(ai_monthly)} a month · "
        f"human {money.format_money(human_per_ticket)} a ticket",
    )
    columns = (
        Column("deflection", "Deflected", Kind.PERCENT),
        Column("deflected_tickets", "Tickets", Kind.AMOUNT),
        Column("human_saved_monthly_usd", "Human cost saved", Kind.MONEY),
        Column("ai_monthly_usd", "AI cost", Kind.MONEY),
        Column("net_monthly_usd", "Net saving", Kind.MONEY),
        Column("roi_multiple", "ROI", Kind.RATIO),
    )
    table_rows = tuple(
        (
            row.deflection,
            row.deflected_tickets,
            row.human_saved_monthly,
            row.ai_monthly,
            row.net_monthly,
            row.multiple,
        )
        for row in rows
    )
    chart = BarChart(
        "Net saving a month",
        tuple(
            Bar(
                f"{row.deflection * 100:.0f}% deflected",
                row.net_monthly,
                money.format_money(row.net_monthly),
            )
            for row in rows
        ),
    )
    notes = (
        "Human cost saved = tickets × deflection rate × human cost per ticket; net = saved − AI "
        "cost; ROI = saved ÷ AI cost.",
        f"AI cost: {ai_source}. Human cost: {human_source}.",
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
                    "net_monthly_usd": row.net_monthly,
                    "roi_multiple": row.multiple,
                }
                for row in rows
            ],
        }

    return Report(
        (Table("Deflection ROI", columns, table_rows),), payload, notes, (chart,), headline
    )


def curve_report(curve: Curve) -> Report:
    profile = curve.profile
    columns = (
        Column("turns", "Turns", Kind.COUNT),
        *(Column(f"cost_usd:{series.label}", series.label, Kind.USD) for series in curve.series),
    )
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (turns, *(series.costs[index] for series in curve.series))
        for index, turns in enumerate(curve.turn_counts)
    )
    first, last = curve.turn_counts[0], curve.turn_counts[-1]
    chart = SparkChart(
        f"Cost per ticket from {first} to {last} turns (one scale for all)",
        tuple(
            Spark(
                series.label,
                series.costs,
                f"{money.format_usd(series.costs[0])} → {money.format_usd(series.costs[-1])}",
            )
            for series in curve.series
        ),
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
        (Table("Cost per ticket by conversation length", columns, rows),),
        payload,
        tuple(notes),
        (chart,),
    )
