"""Report builders for ``ticketcost pricing diff`` and ``ticketcost pricing check``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from ticketcost.pricing.io import PriceChange, Stale
from ticketcost.report.model import Column, Kind, Report, Table, payload_header


def price_diff_report(changes: Sequence[PriceChange], old: str, new: str) -> Report:
    columns = (
        Column("model", "Model"),
        Column("change", "Change"),
        Column("field", "Field"),
        Column("old", "Old"),
        Column("new", "New"),
    )
    rows = tuple((c.model, c.change, c.field, c.old, c.new) for c in changes)
    models = len({c.model for c in changes})
    title = f"{len(changes)} price changes in {models} models" if changes else "No price changes"

    def payload() -> dict[str, Any]:
        return payload_header("pricing diff") | {
            "old": old,
            "new": new,
            "changes": [c._asdict() for c in changes],
        }

    notes = (f"Old: {old}. New: {new}. Prices in USD per 1M tokens.",)
    return Report((Table(title, columns, rows),), payload, notes)


def stale_prices_report(stale: Sequence[Stale], checked: int, today: dt.date, days: int) -> Report:
    columns = (
        Column("model", "Model"),
        Column("provider", "Provider"),
        Column("verified", "Verified"),
        Column("age_days", "Days ago", Kind.COUNT),
        Column("source", "Source"),
        Column("origin", "File", terminal=False),
    )
    rows = tuple(
        (s.model.id, s.model.provider, s.model.verified.isoformat(), s.age_days, s.model.source,
         s.model.origin)
        for s in stale
    )  # fmt: skip
    verdict = (
        f"{len(stale)} of {checked} models were last verified more than {days} days before "
        f"{today.isoformat()}"
        if stale
        else f"All {checked} models were verified within {days} days of {today.isoformat()}"
    )

    def payload() -> dict[str, Any]:
        return payload_header("pricing check") | {
            "today": today,
            "max_age_days": days,
            "models_checked": checked,
            "stale": [
                {"model": s.model.id, "provider": s.model.provider, "verified": s.model.verified,
                 "age_days": s.age_days, "source": s.model.source, "origin": s.model.origin}
                for s in stale
            ],
        }  # fmt: skip

    notes = ("Exit code 1 when a price is stale: re-check it against its source and update the "
             "verified date.",)  # fmt: skip
    return Report((Table("Stale prices", columns, rows),), payload, notes, headline=(verdict,))
