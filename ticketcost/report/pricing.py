"""Report builders for ``ticketcost pricing diff`` and ``ticketcost pricing check``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from ticketcost.pricing.io import PriceChange, Retiring, Stale
from ticketcost.report.model import Column, Field, Kind, Report, payload_header, table_of


def price_diff_report(changes: Sequence[PriceChange], old: str, new: str) -> Report:
    fields: list[Field[PriceChange]] = [
        (Column("model", "Model"), lambda c: c.model),
        (Column("change", "Change"), lambda c: c.change),
        (Column("field", "Field"), lambda c: c.field),
        (Column("old", "Old"), lambda c: c.old),
        (Column("new", "New"), lambda c: c.new),
    ]
    models = len({c.model for c in changes})
    title = f"{len(changes)} price changes in {models} models" if changes else "Price changes"

    def payload() -> dict[str, Any]:
        return payload_header("pricing diff") | {
            "old": old,
            "new": new,
            "changes": [c._asdict() for c in changes],
        }

    notes = (f"Old: {old}. New: {new}. Prices in USD per 1M tokens.",)
    return Report((table_of(title, fields, changes),), payload, notes)


def stale_prices_report(
    stale: Sequence[Stale],
    checked: int,
    today: dt.date,
    days: int,
    retiring: Sequence[Retiring] = (),
    retired_earlier: Sequence[Retiring] = (),
) -> Report:
    fields: list[Field[Stale]] = [
        (Column("model", "Model"), lambda s: s.model.id),
        (Column("provider", "Provider"), lambda s: s.model.provider),
        (Column("verified", "Verified"), lambda s: s.model.verified.isoformat()),
        (Column("age_days", "Days ago", Kind.COUNT), lambda s: s.age_days),
        (Column("source", "Source"), lambda s: s.model.source),
        (Column("origin", "File", terminal=False), lambda s: s.model.origin),
    ]
    life: list[Field[Retiring]] = [
        (Column("model", "Model"), lambda r: r.model.id),
        (Column("provider", "Provider"), lambda r: r.model.provider),
        (Column("retires", "Retires"), lambda r: _iso(r.model.retires)),
        (Column("when", "When"), _when),
        (Column("source", "Source", priority=0), lambda r: r.model.retires_source),
    ]
    verdict = [
        f"{len(stale)} of {checked} models were last verified more than {days} days before "
        f"{today.isoformat()}"
        if stale
        else f"All {checked} models were verified within {days} days of {today.isoformat()}"
    ]
    if retiring:
        verdict.append(f"{len(retiring)} retired or retiring within {days} days")

    def payload() -> dict[str, Any]:
        def retired(r: Retiring) -> dict[str, Any]:
            return {"model": r.model.id, "provider": r.model.provider,
                    "retires": r.model.retires, "days_left": r.days_left,
                    "source": r.model.retires_source}  # fmt: skip

        return payload_header("pricing check") | {
            "today": today,
            "max_age_days": days,
            "models_checked": checked,
            "stale": [
                {"model": s.model.id, "provider": s.model.provider, "verified": s.model.verified,
                 "age_days": s.age_days, "source": s.model.source, "origin": s.model.origin}
                for s in stale
            ],
            "retiring": [retired(r) for r in retiring],
            "retired_earlier": [retired(r) for r in retired_earlier],
        }  # fmt: skip

    notes = [
        "Exit code 1 when a price is stale or a model is retired or retiring within the window: "
        "re-check stale prices against their source and update the verified date; move work off "
        "a retiring model."
    ]
    if retired_earlier:
        notes.append(
            f"Retired more than {days} days ago, kept to price older logs: "
            + ", ".join(f"{r.model.id} ({_iso(r.model.retires)})" for r in retired_earlier)
        )
    tables = (
        table_of("Stale prices", fields, stale),
        table_of(f"Retired or retiring within {days} days", life, retiring),
    )
    return Report(tables, payload, tuple(notes), headline=tuple(verdict))


def _iso(date: dt.date | None) -> str | None:
    return None if date is None else date.isoformat()


def _when(item: Retiring) -> str:
    if item.days_left < 0:
        return f"retired {-item.days_left} days ago"
    return "today" if item.days_left == 0 else f"in {item.days_left} days"
