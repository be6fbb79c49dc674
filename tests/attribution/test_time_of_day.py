"""Prices by time of day (DeepSeek's peak and off-peak hours, as genai-prices records them): each
request is priced at the window its own UTC time falls in."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import as_json, error, run

from ticketcost.attribution import attribute, find_sources
from ticketcost.attribution.sources import build_options
from ticketcost.pricing.table import price_table

D = Decimal

# base: in 1.00 out 2.00; 01:00-04:00 UTC: in 2.00 out 4.00; 22:30-00:30 UTC: in 0.50 out 1.00
PRICES = """\
provider: acme
provider_name: Acme AI
source: acme.example/pricing
verified: 2026-11-01
models:
  - id: acme-peak
    name: Acme Peak
    input_usd_per_mtok: 1.00
    output_usd_per_mtok: 2.00
    cache_read_usd_per_mtok: null
    cache_write_usd_per_mtok: null
    time_of_day:
      - from_utc: "01:00"
        until_utc: "04:00"
        input_usd_per_mtok: 2.00
        output_usd_per_mtok: 4.00
        cache_read_usd_per_mtok: null
        cache_write_usd_per_mtok: null
      - from_utc: "22:30"
        until_utc: "00:30"
        input_usd_per_mtok: 0.50
        output_usd_per_mtok: 1.00
        cache_read_usd_per_mtok: null
        cache_write_usd_per_mtok: null
"""


def _request(ticket: str, timestamp: object) -> dict[str, object]:
    record: dict[str, object] = {"ticket_id": ticket, "model": "acme-peak", "input_tokens": 1000,
                                 "output_tokens": 100, "outcome": "resolved"}  # fmt: skip
    if timestamp is not None:
        record["timestamp"] = timestamp
    return record


def test_each_request_pays_its_own_hours_rates(tmp_path: Path):
    prices = tmp_path / "acme.yaml"
    prices.write_text(PRICES)
    quarter_past_midnight = dt.datetime(2026, 11, 20, 0, 15, tzinfo=dt.UTC).timestamp()
    logs = tmp_path / "requests.jsonl"
    records = [
        _request("peak", "2026-11-20T02:15:00Z"),  # 1,000 x 2 + 100 x 4 = 2,400 µ$
        _request("edge", "2026-11-20T04:00:00Z"),  # the end is not in the window: 1,200 µ$
        _request("late", "2026-11-21T00:59:00+01:00"),  # 23:59 UTC: 1,000 x 0.5 + 100 x 1 = 600 µ$
        _request("night", int(quarter_past_midnight)),  # 00:15 UTC, epoch seconds: 600 µ$
        _request("undated", None),  # no time: the base rates, 1,000 x 1 + 100 x 2 = 1,200 µ$
    ]
    logs.write_text("".join(json.dumps(r) + "\n" for r in records))
    result = attribute(
        find_sources([logs], None), price_table([prices]), build_options(None, preset=None)
    )
    costs = {t.ticket_id: t.cost_usd for t in result.top_tickets}
    assert costs == {
        "peak": D("0.0024"), "edge": D("0.0012"), "late": D("0.0006"), "night": D("0.0006"),
        "undated": D("0.0012"),
    }  # fmt: skip
    assert result.cost_usd == D("0.006")  # 2,400 + 1,200 + 600 + 600 + 1,200 µ$
    assert result.time_of_day == [
        ("acme-peak", "01:00–04:00 UTC", 1),
        ("acme-peak", "22:30–00:30 UTC", 2),
    ]
    out = run("attribute", str(logs), "--pricing", str(prices)).stdout
    assert "2 acme-peak requests were sent 22:30–00:30 UTC and priced at that window's rates" in (
        " ".join(out.split())
    )


@pytest.mark.parametrize("repeated", [False, True], ids=["each line a request", "ids repeat"])
def test_a_name_written_another_way_pays_the_window_too(tmp_path: Path, repeated: bool):
    # Lines are given a time of day by the names the prices are loaded for: those of the price
    # table first, then (second pass) the log's own names that resolve to a time-priced model;
    # when request ids repeat, the scan sums per request first and matches names by pattern.
    prices = tmp_path / "acme.yaml"
    prices.write_text(PRICES)
    names = ["acme-peak", "Acme-Peak", "openrouter/acme-peak", "acme@peak"]
    records = [{**_request(n, "2026-11-20T02:15:00Z"), "model": n} for n in names]
    records.append({**_request("off", "2026-11-20T12:00:00Z"), "model": "Acme-Peak"})
    if repeated:
        records = [{**r, "request_id": f"req-{i}"} for i, r in enumerate(records)]
        records.append(records[0])  # the same request logged twice: counted once
    logs = tmp_path / "requests.jsonl"
    logs.write_text("".join(json.dumps(r) + "\n" for r in records))
    result = attribute(
        find_sources([logs], None), price_table([prices]), build_options(None, preset=None)
    )
    costs = {t.ticket_id: t.cost_usd for t in result.top_tickets}
    # in the window: 1,000 x 2 + 100 x 4 = 2,400 µ$; at noon: 1,000 x 1 + 100 x 2 = 1,200 µ$
    assert costs == {**dict.fromkeys(names, D("0.0024")), "off": D("0.0012")}
    assert result.time_of_day == [
        ("Acme-Peak", "01:00–04:00 UTC", 1), ("acme-peak", "01:00–04:00 UTC", 1),
        ("acme@peak", "01:00–04:00 UTC", 1), ("openrouter/acme-peak", "01:00–04:00 UTC", 1),
    ]  # fmt: skip


def test_models_and_estimate_show_the_windows(tmp_path: Path):
    prices = tmp_path / "acme.yaml"
    prices.write_text(PRICES)
    record = as_json("models", "--pricing", str(prices), "--provider", "acme")["models"][0]
    assert record["time_of_day"][0] == {
        "from_utc": "01:00", "until_utc": "04:00", "input_usd_per_mtok": D("2.00"),
        "output_usd_per_mtok": D("4.00"), "cache_read_usd_per_mtok": None,
        "cache_write_usd_per_mtok": None, "cache_write_1h_usd_per_mtok": None,
    }  # fmt: skip
    out = run("estimate", "--pricing", str(prices), "-m", "acme-peak", "--wide").stdout
    # the estimate is at the base rates: 6,750 x 1 + 1,000 x 2 = 8,750 µ$
    assert "$0.00875" in out
    flat = " ".join(out.split())
    assert "acme-peak: priced at its rates outside 01:00–04:00 UTC in $2.00 out $4.00; " in flat
    assert "22:30–00:30 UTC in $0.50 out $1.00 (per 1M tokens)" in flat


def test_overlapping_or_empty_windows_are_refused(tmp_path: Path):
    prices = tmp_path / "acme.yaml"
    prices.write_text(PRICES.replace('from_utc: "22:30"', 'from_utc: "03:00"'))
    assert "time_of_day windows 01:00–04:00 UTC and 03:00–00:30 UTC overlap" in error(
        "estimate", "--pricing", str(prices)
    )
    prices.write_text(PRICES.replace('until_utc: "04:00"', 'until_utc: "01:00"'))
    assert "from_utc and until_utc are both 01:00: an empty window" in error(
        "estimate", "--pricing", str(prices)
    )
    prices.write_text(PRICES.replace('until_utc: "04:00"', 'until_utc: "24:00"'))
    assert "until_utc" in error("estimate", "--pricing", str(prices))
