"""Models the provider retires: the date in the price data, `models`, `pricing check` (exit 1
within its window) and a note wherever a retired or soon-retiring model is priced."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import as_json, error, run

MODEL = """\
  - id: acme-{name}
    name: Acme {name}
    input_usd_per_mtok: 1.00
    output_usd_per_mtok: 2.00
    cache_read_usd_per_mtok: null
    cache_write_usd_per_mtok: null
    retires: {retires}
    retires_source: acme.example/deprecations
"""


def prices(price_file) -> Path:
    body = "".join(
        MODEL.format(name=name, retires=retires)
        for name, retires in (
            ("old", "2026-01-15"),  # retired long before the check date
            ("gone", "2026-11-01"),  # retired 30 days before 2026-12-01
            ("soon", "2026-12-20"),  # 19 days after
            ("later", "2027-06-30"),  # 211 days after
        )
    )
    return price_file(body)


def test_pricing_check_flags_models_retired_or_retiring_within_its_window(price_file):
    path = prices(price_file)
    result = run(
        "pricing", "check", "--pricing", str(path), "--provider", "acme", "--today", "2026-12-01",
        "--days", "90", "--wide", code=1,
    )  # fmt: skip
    out = result.stdout
    assert "2 retired or retiring within 90 days" in out
    assert "acme-gone" in out and "retired 30 days ago" in out
    assert "acme-soon" in out and "in 19 days" in out
    assert "acme-later" not in out.split("Retired more than")[0]
    # retired 320 days before: history, kept to price older logs, not an alarm
    assert "Retired more than 90 days ago, kept to price older logs: acme-old (2026-01-15)" in (
        " ".join(out.split())
    )
    data = json.loads(
        run(
            "pricing", "check", "--pricing", str(path), "--provider", "acme", "--today",
            "2026-12-01", "--format", "json", code=1,
        ).stdout
    )  # fmt: skip
    assert [r["model"] for r in data["retiring"]] == ["acme-gone", "acme-soon"]
    assert [r["days_left"] for r in data["retiring"]] == [-30, 19]
    assert [r["model"] for r in data["retired_earlier"]] == ["acme-old"]


def test_nothing_retiring_passes(price_file):
    path = price_file(MODEL.format(name="later", retires="2027-06-30"))
    # verified 2026-10-01, 61 days before: within 70 days; retires 211 days after
    run(
        "pricing", "check", "--pricing", str(path), "--provider", "acme", "--today", "2026-12-01",
        "--days", "70",
    )  # fmt: skip


def test_estimate_notes_a_retired_and_a_soon_retiring_model(price_file):
    path = prices(price_file)
    out = run(
        "estimate", "--pricing", str(path), "-m", "acme-gone", "-m", "acme-soon",
        "-m", "acme-later", "--as-of", "2026-12-01",
    ).stdout  # fmt: skip
    flat = " ".join(out.split())
    assert (
        "acme-gone: retired on 2026-11-01 (acme.example/deprecations); the provider no longer "
        "serves it, its price is kept for older logs" in flat
    )
    assert "acme-soon: retires on 2026-12-20 (acme.example/deprecations)" in flat
    assert "acme-later: retires" not in flat  # 211 days away: no note


def test_models_shows_the_date(price_file):
    path = prices(price_file)
    record = as_json("models", "--pricing", str(path), "--provider", "acme")["models"][0]
    assert (record["retires"], record["retires_source"]) == (
        "2026-01-15",
        "acme.example/deprecations",
    )
    assert (
        "2026-01-15" in run("models", "--pricing", str(path), "--provider", "acme", "--wide").stdout
    )


def test_today_can_be_fixed_for_reports_that_must_not_age(price_file, monkeypatch):
    path = prices(price_file)
    monkeypatch.setenv("TICKETCOST_TODAY", "2026-12-10")
    out = " ".join(run("estimate", "--pricing", str(path), "-m", "acme-soon").stdout.split())
    assert "acme-soon: retires on 2026-12-20" in out  # 10 days after the fixed date
    monkeypatch.setenv("TICKETCOST_TODAY", "2026-12-21")
    out = " ".join(run("estimate", "--pricing", str(path), "-m", "acme-soon").stdout.split())
    assert "acme-soon: retired on 2026-12-20" in out
    monkeypatch.setenv("TICKETCOST_TODAY", "soon")
    assert "TICKETCOST_TODAY=soon: use a date like 2026-03-01" in error(
        "estimate", "--pricing", str(path), "-m", "acme-soon"
    )
