"""The tally's two forms: one GROUP BY GROUPING SETS (Spark, and scripts from --emit-sql), or on
DuckDB one GROUP BY per set over a materialized CTE. They must hold the same rows."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ticketcost.attribution import attribute, find_sources
from ticketcost.attribution import query as query_module
from ticketcost.attribution import tally as tally_module
from ticketcost.attribution.sources import build_options
from ticketcost.pricing.table import bundled_prices

D = Decimal
CALL = {"model": "gpt-4o", "input_tokens": 1000, "output_tokens": 100}
RECORDS = [
    # T1: three requests, its intent changes (two ticket rows), one request failed (HTTP 500)
    CALL | {"ticket_id": "T1", "intent": "billing", "timestamp": "2026-10-01T09:00:00Z"},
    CALL | {"ticket_id": "T1", "intent": "billing", "timestamp": "2026-10-01T09:01:00Z",
            "status": "500"},
    CALL | {"ticket_id": "T1", "intent": "refund", "timestamp": "2026-10-02T09:02:00Z",
            "outcome": "resolved"},
    # T2: a status spelt otherwise than plainly, a model without a price, and its cost given
    CALL | {"ticket_id": "T2", "status": " Timeout ", "timestamp": "2026-10-02T10:00:00Z"},
    CALL | {"ticket_id": "T2", "model": "no-such-model", "timestamp": "2026-10-02T10:01:00Z"},
    {"ticket_id": "T2", "model": "gpt-4o", "cost_usd": 0.5, "timestamp": "2026-10-02T10:02:00Z",
     "outcome": "escalated"},
    # a bad line: in the class set, in no ticket
    CALL | {"ticket_id": "T3", "input_tokens": -1},
]  # fmt: skip
BY = ("model", "day,intent", "status,intent")


def _run(path: Path, monkeypatch: pytest.MonkeyPatch, split: bool) -> tuple[Any, list[Any]]:
    """The attribution, and the tally's rows as each set reads them, in the form asked for."""
    seen: list[Any] = []

    def tally(con: Any, requests: str, sets: Any, **kwargs: Any) -> None:
        tally_module.tally(con, requests, sets, **{**kwargs, "split": split})
        name = kwargs.get("name", "tally")
        ticket, classes = sets.mask(sets.ticket), sets.mask(sets.classes)
        every = ", ".join(["grouping_set", *sets.keys, "requests", "cost", "unpriced_requests"])
        own = {
            ticket: [tally_module._alias(c) for c in tally_module.TICKET_SUMS],
            classes: [tally_module._alias(c) for c in tally_module.CLASS_SUMS] + ["has_1h"],
        }
        for mask, columns in own.items():
            seen.extend(
                con.execute(
                    f"SELECT {every}, {', '.join(columns)} FROM {name} "
                    f"WHERE grouping_set = {mask} ORDER BY ALL"
                ).fetchall()
            )
        seen.extend(
            con.execute(
                f"SELECT {every} FROM {name} WHERE grouping_set NOT IN ({ticket}, {classes}) "
                "ORDER BY ALL"
            ).fetchall()
        )

    monkeypatch.setattr(query_module, "tally", tally)
    options = build_options(None, by=BY)
    result = attribute(find_sources([path], None), bundled_prices(), options)
    return result, seen


def test_both_forms_of_the_tally_hold_the_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "requests.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    split, split_rows = _run(path, monkeypatch, split=True)
    one, one_rows = _run(path, monkeypatch, split=False)
    assert split_rows == one_rows
    assert dataclasses.asdict(split) == dataclasses.asdict(one)
    # and the rows are the ones worked out by hand: gpt-4o $2.50 in / $10.00 out per 1M, so a
    # call costs 1,000 x 2.50/1M + 100 x 10/1M = 0.0025 + 0.001 = 0.0035
    tickets = {t.ticket_id: (t.requests, t.cost_usd) for t in split.top_tickets}
    assert tickets == {
        "T1": (3, D("0.0105")),  # 3 x 0.0035
        "T2": (3, D("0.5035")),  # 0.0035 + unpriced (nothing) + 0.5 given
    }
    # ticket set: T1 billing, T1 refund, T2 twice (" Timeout " is its own row); class rows; and
    # a breakdown set per --by naming a per-request dimension (model; day; status)
    assert len({row[0] for row in split_rows}) == 2 + 3
    assert split.skipped == 1 and split.unpriced[0].requests == 1
