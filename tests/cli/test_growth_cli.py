"""scale-table, roi and curve through the real CLI."""

from __future__ import annotations

import csv
import io
from decimal import Decimal as D

import pytest
from helpers import as_json, error, run

from ticketcost import money
from ticketcost.costs.starter import STARTER_YAML


def test_scale_table_agrees_with_estimate_times_volume():
    # the standard ticket with the system prompt cached, on the six standard models
    estimate = as_json("estimate", "--cache", "system")
    per_ticket = {m["id"]: m["cost_usd"]["total"] for m in estimate["models"]}
    scale = as_json("scale-table", "--cache", "system")
    assert scale["volumes"] == [1000, 10000, 100000, 1000000]
    assert len(scale["rows"]) == 4 * 6
    for row in scale["rows"]:
        assert row["model_monthly_usd"] == per_ticket[row["model"]] * row["volume"]
    haiku_1m = next(
        r for r in scale["rows"] if r["model"] == "claude-haiku-4-5" and r["volume"] == 1000000
    )
    # a 500-token system prompt is under Haiku 4.5's 4,096-token minimum cacheable prompt, so it
    # is not cached: 6,750 x $1 + 1,000 x $5 per 1M = $0.01175 x 1,000,000
    assert haiku_1m["model_monthly_usd"] == D("11750")
    # default human cost: the bundled outsourced baseline, $3-$5 a ticket
    assert haiku_1m["human_monthly_usd"] == {"low": D("3000000"), "high": D("5000000")}


def test_scale_table_amortises_a_fixed_stack():
    data = as_json(
        "scale-table", "-m", "haiku-4.5", "--cache", "system", "--volumes", "10K",
        "--fixed-monthly", "170",
    )  # fmt: skip
    (row,) = data["rows"]
    # $0.01175 x 10,000 = $117.50 model (the 500-token prompt is too short for Haiku's cache)
    # + $170 fixed = $287.50 -> $0.02875 a ticket; the fixed part is $0.017
    assert row["all_in_monthly_usd"] == D("287.5")
    assert row["all_in_per_ticket_usd"] == D("0.02875")
    assert D(row["other_monthly_usd"]) / row["volume"] == D("0.017")


def test_scale_table_from_a_config(tmp_path):
    config = tmp_path / "t.yaml"
    config.write_text(STARTER_YAML)
    data = as_json("scale-table", "-c", str(config), "--volumes", "10K")
    stack = as_json("stack", "-c", str(config))
    (row,) = data["rows"]
    assert row["model"] == "intent mix"
    assert row["all_in_monthly_usd"] == stack["total"]["monthly_usd"]
    assert row["model_monthly_usd"] == stack["visible_api"]["monthly_usd"]


def test_scale_table_csv_is_exact():
    out = run("scale-table", "-m", "gpt-5.4-mini", "--volumes", "1K", "--format", "csv").stdout
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert row["model_monthly_usd"] == "9.5625"  # $0.0095625 x 1,000
    assert (row["human_low_monthly_usd"], row["human_high_monthly_usd"]) == ("3000", "5000")
    assert "human_monthly" not in row


def test_roi_reproduces_the_worked_example():
    out = run(
        "roi", "--volume", "10000", "--ai-monthly", "250", "--human-cost-per-ticket", "4"
    ).stdout
    # 10,000 x 40% x $4 = $16,000 / $250 = 64x; 60% -> 96x; 75% -> 120x
    for multiple in ("64.00×", "96.00×", "120.00×"):
        assert multiple in out
    data = as_json(
        "roi", "--volume", "10000", "--ai-monthly", "250", "--human-cost-per-ticket", "4"
    )
    assert [r["roi_multiple"] for r in data["rows"]] == [64, 96, 120]


def test_roi_from_a_config_and_custom_rates(tmp_path):
    config = tmp_path / "t.yaml"
    config.write_text(STARTER_YAML)
    stack = as_json("stack", "-c", str(config))
    data = as_json(
        "roi", "-c", str(config), "--deflection", "50%", "--human-cost-per-ticket", "3-5"
    )
    (row,) = data["rows"]
    # the AI's cost is the stack without people's time on escalated tickets, shown apart
    escalations = next(li["monthly_usd"] for li in stack["lines"] if li["key"] == "escalations")
    # ($7,962.96 of people's time on 2,150 escalated tickets; exact, as the tool subtracts)
    assert data["ai_monthly_usd"] == money.subtract(stack["total"]["monthly_usd"], escalations)
    assert row["escalation_monthly_usd"] == escalations
    assert data["human_usd_per_ticket"] == 4  # midpoint of $3-$5
    assert row["human_saved_monthly_usd"] == D("20000")  # 10,000 x 50% x $4


def test_roi_finds_the_config_and_starts_from_its_resolution_rate(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ticketcost.yaml").write_text(STARTER_YAML)
    stack = as_json("stack")
    data = as_json("roi", "--human-cost-per-ticket", "4")
    (row,) = data["rows"]
    # the starter resolves 7,850 of 10,000 tickets: 78.5%, saving 7,850 x $4 = $31,400
    assert row["deflection"] == D("0.785") and row["deflected_tickets"] == D("7850")
    assert row["human_saved_monthly_usd"] == D("31400")
    escalations = next(li["monthly_usd"] for li in stack["lines"] if li["key"] == "escalations")
    assert row["ai_monthly_usd"] == money.subtract(stack["total"]["monthly_usd"], escalations)


def test_curve_table_chart_and_payoff_notes():
    out = run("curve", "--turns", "1..16").stdout
    assert "claude-haiku-4-5 full" in out and "window:4" in out and "summarize:4:300" in out
    assert "▁" in out and "█" in out
    assert "window:4: cheaper than full history from 6 turns on." in out
    data = as_json("curve", "-m", "haiku-4.5", "--turns", "1..10", "--policy", "window:3")
    full, window = data["series"]
    # 10 turns: full $0.03225, window:3 $0.0249 (see test_growth)
    assert (full["cost_usd"][-1], window["cost_usd"][-1]) == (D("0.03225"), D("0.0249"))
    assert window["pays_off_from_turns"] == 5


@pytest.mark.parametrize("suffix", [".svg", ".html", ".txt", ".md"])
def test_exports(tmp_path, suffix):
    target = tmp_path / f"report{suffix}"
    result = run("roi", "--volume", "100", "--ai-monthly", "10", "--export", str(target))
    assert f"Wrote {target}" in result.stderr
    text = target.read_text()
    assert "Deflection ROI" in text or "Deflection&#160;ROI" in text
    if suffix == ".svg":
        assert text.startswith("<svg")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["scale-table", "--volumes", "0"], "must be a whole number of tickets above 0"),
        (["scale-table", "--volumes", "10,abc"], "'abc' is not a ticket count"),
        (["scale-table", "--volumes", ""], "is not a ticket count"),
        (["scale-table", "--fixed-monthly", "-5"], "--fixed-monthly"),
        (["scale-table", "-m", "x", "-c", "y.yaml"], "use either --model or --config"),
        (["scale-table", "--human-cost-per-ticket", "5-3"], "low end first"),
        (["roi", "--volume", "10", "--ai-monthly", "5", "--deflection", "1.5"], "outside 0 to 1"),
        (["roi", "--volume", "10", "--ai-monthly", "5", "--deflection", "-10%"], "outside 0 to 1"),
        (["roi", "--volume", "10"], "give --ai-monthly"),
        (["roi", "--ai-monthly", "10"], "give --volume and --ai-monthly, or -c CONFIG"),
        (["roi", "--volume", "0", "--ai-monthly", "5"], "--volume must be 1 or more"),
        (["curve", "--turns", "10..2"], "is an empty range"),
        (["curve", "--turns", "x"], "is not a range"),
        (["curve", "--policy", "window"], "unknown history policy 'window'"),
        (["curve", "--policy", "window:4", "--cache", "prefix"], "prefix caching re-reads"),
        (["roi", "--volume", "1", "--ai-monthly", "1", "--export", "r.pdf"], "unknown file type"),
    ],
)
def test_bad_growth_input_is_one_line_exit_2(args, expected):
    assert expected in error(*args)


@pytest.mark.parametrize("command", ["scale-table", "roi", "curve"])
def test_growth_commands_have_help_with_examples(command):
    out = run(command, "--help").stdout
    assert "Examples" in out and f"ticketcost {command}" in out


def test_default_curve_payoffs_match_hand_arithmetic():
    data = as_json("curve")
    payoff = {s["policy"]: s["pays_off_from_turns"] for s in data["series"]}
    # window:4 drops the first exchange from turn 6 (turn k re-sends k-1 exchanges).
    # summarize:4:300 on Haiku ($1 in / $5 out) at t turns saves 350 x (t-5)(t-4)/2 input tokens
    # and pays (t-5) x 300 summary tokens re-sent, 350 + (t-6) x 650 summarisation input and
    # (t-5) x 300 summarisation output:
    # t=18 saves 31,850 ($0.03185), pays 12,050 in ($0.01205) + 3,900 out ($0.0195) = $0.03155;
    # t=17 saves 27,300 ($0.0273), pays 11,100 in ($0.0111) + 3,600 out ($0.018) = $0.0291.
    assert payoff == {"full": None, "window:4": 6, "summarize:4:300": 18}
