"""The command line, run through typer's CliRunner."""

from __future__ import annotations

import csv
import io
from decimal import Decimal as D

import pytest
from helpers import as_json, error, run

from ticketcost.cli import app
from ticketcost.costs.estimate import estimate
from ticketcost.pricing.table import bundled_prices
from ticketcost.report.estimate import estimate_report, models_report
from ticketcost.report.formats import FORMATTERS, OutputFormat, format_report


def test_estimate_default_prices_every_model_cheapest_first():
    data = as_json("estimate")
    assert data["schema_version"] == "1"
    assert data["profile"] == {
        "turns": 5,
        "system_tokens": 500,
        "user_tokens": 150,
        "assistant_tokens": 200,
    }
    totals = [m["cost_usd"]["total"] for m in data["models"]]
    assert len(totals) == len(bundled_prices())
    assert totals == sorted(totals)
    by_id = {m["id"]: m for m in data["models"]}
    flash_lite = by_id["gemini-2.5-flash-lite"]
    # 6,750 x $0.10/M + 1,000 x $0.40/M = 0.000675 + 0.0004
    assert flash_lite["cost_usd"]["total"] == D("0.001075")
    assert flash_lite["tokens"] == {
        "input": 6750,
        "fresh_input": 6750,
        "cache_read": 0,
        "cache_write": 0,
        "output": 1000,
    }
    assert flash_lite["price"]["input_usd_per_mtok"] == D("0.10")
    assert flash_lite["price"]["verified"] == "2026-11-25"
    assert len(flash_lite["turns"]) == 5


def test_estimate_table_shows_the_standard_figures():
    out = run("estimate", "-m", "claude-haiku-4.5", "-m", "gpt-5.4-mini").stdout
    assert "6,750 input + 1,000 output tokens" in out
    assert "$0.01175" in out  # haiku: 0.00675 + 0.005
    assert "$0.0095625" in out  # gpt-5.4-mini: 0.0050625 + 0.0045
    assert out.index("gpt-5.4-mini") < out.index("claude-haiku-4-5")  # cheapest first
    assert "Price source (anthropic)" in out and "verified 2026-11-25" in out


def test_estimate_flags_reach_the_core():
    data = as_json(
        "estimate",
        "-m",
        "haiku-4.5",
        "--turns",
        "2",
        "--system-tokens",
        "5000",
        "--user-tokens",
        "10",
        "--assistant-tokens",
        "20",
        "--cache",
        "system",
    )
    (model,) = data["models"]
    # (5,000 system tokens: above Haiku 4.5's 4,096-token minimum cacheable prompt)
    # turn 1: write 5,000 x $1.25 = 0.00625, fresh 10 x $1 = 0.00001, out 20 x $5 = 0.0001
    # turn 2: read 5,000 x $0.10 = 0.0005, fresh 2*10+20 = 40 x $1 = 0.00004, out 0.0001
    # total = 0.00625 + 0.00001 + 0.0001 + 0.0005 + 0.00004 + 0.0001 = 0.007
    assert model["cost_usd"]["total"] == D("0.007")
    assert model["cost_usd"]["cache_write"] == D("0.00625")
    # turn 1 = 0.00625 + 0.00001 + 0.0001; turn 2 = 0.0005 + 0.00004 + 0.0001
    assert [t["cost_usd"]["total"] for t in model["turns"]] == [D("0.00636"), D("0.00064")]


def test_per_turn_table():
    out = run("estimate", "-m", "haiku-4.5", "--per-turn", "--turns", "3").stdout
    for figure in ("650", "1,000", "1,350", "3,000", "total"):
        assert figure in out
    # turn 3: 1,350 x $1 + 200 x $5 = 0.00135 + 0.001
    assert "$0.00235" in out


def test_csv_has_exact_values_and_one_row_per_model():
    out = run("estimate", "-m", "gpt-5.4-mini", "-m", "gemini-2.5-flash", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["model"] for r in rows] == ["gemini-2.5-flash", "gpt-5.4-mini"]
    assert rows[1]["total_usd"] == "0.0095625"
    assert rows[1]["per_1k_tickets_usd"] == "9.5625"  # 0.0095625 x 1,000
    assert rows[1]["input_tokens"] == "6750"


def test_per_turn_csv_sums_to_total():
    out = run("estimate", "-m", "sonnet-4.6", "--per-turn", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    turn_rows = [r for r in rows if r["turn"] != "total"]
    assert sum(D(r["total_usd"]) for r in turn_rows) == D(rows[-1]["total_usd"]) == D("0.03525")


def test_markdown_is_a_table_with_notes():
    out = run("estimate", "-m", "haiku-4.5", "--format", "markdown").stdout
    assert out.startswith("### Cost per ticket")
    assert "| claude-haiku-4-5 | $1.00 | $5.00 | $0.00675 | $0.005 | $0.01175 | $11.75 |" in out
    assert "- Price source (anthropic)" in out


def test_pricing_file_overrides_a_model(price_file):
    path = price_file(
        "  - id: claude-haiku-4-5\n    name: Negotiated Haiku\n    input_usd_per_mtok: 0.8\n"
        "    output_usd_per_mtok: 4\n    cache_read_usd_per_mtok: 0.08\n"
        "    cache_write_usd_per_mtok: 1\n"
    )
    data = as_json("estimate", "-m", "haiku-4.5", "--pricing", str(path))
    # 6,750 x $0.80 = 0.0054 + 1,000 x $4 = 0.004 -> 0.0094
    assert data["models"][0]["cost_usd"]["total"] == D("0.0094")
    assert data["models"][0]["price"]["origin"] == str(path)


def test_provider_filter():
    data = as_json("estimate", "--provider", "anthropic")
    assert {m["provider"] for m in data["models"]} == {"anthropic"}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["estimate", "-m", "claude-haku-4.5"], "did you mean claude-haiku-4-5"),
        (["estimate", "--turns", "0"], "--turns must be 1 or more (got 0)"),
        (["estimate", "--user-tokens", "-5"], "--user-tokens must be 0 or more (got -5)"),
        (["estimate", "--system-tokens", "1.5"], "'--system-tokens': '1.5' is not a valid"),
        (["estimate", "--cache", "all"], "'all' is not one of 'none', 'system', 'prefix'"),
        (["estimate", "--format", "xml"], "'xml' is not one of"),
        (["estimate", "--pricing", "/no/such.yaml"], "/no/such.yaml: price file not found"),
        (["estimate", "--provider", "antropic"], "provider 'antropic' (did you mean anthropic?)"),
        (["estmate"], "Did you mean 'estimate'"),
        (["models", "--provider", "nobody"], "unknown provider 'nobody'"),
    ],
)
def test_bad_input_is_one_line_on_stderr_with_exit_2(args, expected):
    assert expected in error(*args)


def test_models_lists_prices_with_source_and_date():
    out = run("models", "--provider", "anthropic").stdout
    assert "claude-haiku-4-5" in out and "$1.25" in out and "2026-11-25" in out
    assert "gpt-5.4-mini" not in out
    data = as_json("models")
    haiku = next(m for m in data["models"] if m["id"] == "claude-haiku-4-5")
    assert haiku["cache_write_usd_per_mtok"] == D("1.25")
    assert "haiku-4.5" in haiku["aliases"]
    assert haiku["source"].startswith("anthropic.com/pricing")


@pytest.mark.parametrize("command", ["estimate", "models"])
def test_every_command_has_help_with_examples(command):
    out = run(command, "--help").stdout
    assert "Examples" in out
    assert f"ticketcost {command}" in out


def test_root_help_and_version():
    assert "estimate" in run().stdout
    assert run("--version").stdout.startswith("ticketcost ")


@pytest.mark.parametrize("output_format", list(OutputFormat))
def test_every_format_is_handled_for_every_report(output_format):
    assert set(FORMATTERS) == set(OutputFormat)
    result = estimate([bundled_prices().get("haiku-4.5")])
    for report in (
        estimate_report(result),
        estimate_report(result, per_turn=True),
        models_report(list(bundled_prices())),
    ):
        text = format_report(report, output_format)
        assert "claude-haiku-4-5" in text


def test_a_model_named_twice_is_priced_once():
    data = as_json("estimate", "-m", "haiku-4.5", "-m", "claude-haiku-4-5", "-m", "gpt-5.4-nano")
    assert [m["id"] for m in data["models"]] == ["gpt-5.4-nano", "claude-haiku-4-5"]


def test_only_the_command_being_run_is_built():
    import typer

    group = typer.main.get_command(app)
    assert list(group.commands) == [
        "estimate", "models", "init", "stack", "compare", "recommend", "scale-table", "roi",
        "curve", "check", "diff", "attribute", "report", "pricing",
    ]  # fmt: skip
    group.commands["estimate"]
    assert list(group.commands._built) == ["estimate"]  # the other 13 were never inspected


def test_wide_characters_keep_table_columns_aligned():
    from ticketcost.report.texttable import draw_table, width

    assert (width("退款"), width("café"), width("cafe\u0301"), width("abc")) == (4, 4, 4, 3)
    text = draw_table("t", ["Intent", "$"], [["退款", "$1"], ["café", "$22"]], [False, True])
    lines = text.splitlines()[1:]
    assert len({width(line) for line in lines}) == 1  # every line ends at the same column
