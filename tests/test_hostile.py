"""The hostile cases found by probing (issue 15), one named test each: the config, price file,
baseline or flag, the command, and the one line it must end with (exit 2). Cases for logs,
writes, exit codes and the cache live beside their modules (tests/attribution/test_hostile_logs.py,
tests/io/test_atomic.py, tests/cli/test_exit_codes.py, tests/pricing/test_cache.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import error, run

from ticketcost.costs.starter import STARTER_YAML
from ticketcost.pricing.table import load_price_file

INTENTS = "intents:\n  - name: all\n    share: 1\n    model: gpt-5.4-mini\n"


def config(here: Path, text: str, name: str = "ticketcost.yaml") -> str:
    (here / name).write_bytes(text.encode() if isinstance(text, str) else text)
    return name


CONFIG_CASES = {
    # values never converted in silence
    "duplicate key": ("volume: 1000\nvolume: 2000\n" + INTENTS, "ticketcost.yaml:2: invalid YAML: 'volume' is given twice (first on line 1)"),
    "YAML 1.1 octal": ("volume: 010000\n" + INTENTS, "ticketcost.yaml:1: invalid YAML: 010000 is ambiguous (YAML 1.1 reads a leading zero as octal)"),
    "YAML 1.1 base 60": ("volume: 1:30\n" + INTENTS, "ticketcost.yaml:1: invalid YAML: 1:30 is ambiguous (YAML 1.1 reads it as a base-60 number)"),
    "boolean as a number": ("volume: true\n" + INTENTS, "ticketcost.yaml:1: volume: must be a number, not true or false"),
    "yes as a number": ("volume: yes\n" + INTENTS, "ticketcost.yaml:1: volume: must be a number, not text (got 'yes')"),
    "quoted number": ('volume: "10000"\n' + INTENTS, "ticketcost.yaml:1: volume: must be a number, not text (got '10000')"),
    # bounds instead of tracebacks
    "money of 1e30": ("volume: 1000\n" + INTENTS + "infrastructure:\n  - name: x\n    monthly_usd: 1.0e+30\n", "ticketcost.yaml:8: infrastructure[0](x).monthly_usd: Input should be less than or equal to 1000000000000 (got 1.0E+30)"),
    "money of 1e309": ("volume: 1000\n" + INTENTS + "observability:\n  monthly_usd: 1e309\n", "ticketcost.yaml:7: observability.monthly_usd: Input should be less than or equal to 1000000000000 (got 1E+309)"),
    "volume of 10**40": ("volume: 10**40\n" + INTENTS, "ticketcost.yaml:1: volume: must be a number, not text (got '10**40')"),
    "volume of 1e40": ("volume: 1e40\n" + INTENTS, "ticketcost.yaml:1: volume: Input should be less than or equal to 1000000000"),
    "tokens of 1e30": ("volume: 1000\n" + INTENTS + "    conversation:\n      system_tokens: 1e30\n", "ticketcost.yaml:7: intents[0](all).conversation.system_tokens: Input should be less than or equal to 1000000000 (got 1E+30)"),
    "19 decimal places": ("volume: 1000\n" + INTENTS + "retries:\n  rate: 0.1234567890123456789\n", "ticketcost.yaml:7: retries.rate: Decimal input should have no more than 18 decimal places (got 0.1234567890123456789)"),
    "4,301-digit integer": ("volume: " + "9" * 4301 + "\n" + INTENTS, "ticketcost.yaml:1: invalid YAML: a number of more than 100 digits"),
    "deep nesting": ("volume:\n" + "".join("  " * i + "a:\n" for i in range(1, 1500)), "ticketcost.yaml:1000: invalid YAML: exceeded maximum nesting depth"),
}  # fmt: skip


@pytest.mark.parametrize("case", CONFIG_CASES)
def test_hostile_config(tmp_path, monkeypatch, case):
    monkeypatch.chdir(tmp_path)
    text, expected = CONFIG_CASES[case]
    config(tmp_path, text)
    assert error("stack").startswith(f"Error: {expected}")


def test_toml_true_is_not_a_volume(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = 'volume = true\n[[intents]]\nname = "all"\nshare = 1\nmodel = "gpt-5.4-mini"\n'
    config(tmp_path, text, "ticketcost.toml")
    assert error("stack") == (
        "Error: ticketcost.toml:1: volume: must be a number, not true or false (got True)\n"
    )


def test_a_toml_config_with_a_byte_order_mark_is_read(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = '\ufeffvolume = 1000\n[[intents]]\nname = "all"\nshare = 1\nmodel = "gpt-5.4-mini"\n'
    config(tmp_path, text, "ticketcost.toml")
    # 1,000 tickets × the standard ticket on gpt-5.4-mini ($0.0095625) = $9.5625 a month
    assert run("stack", "-f", "json").stdout.count('"monthly_usd": 9.5625') >= 1


def test_a_toml_integer_of_thousands_of_digits(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config(tmp_path, "volume = " + "9" * 5000 + "\n", "ticketcost.toml")
    assert error("stack").startswith("Error: ticketcost.toml: invalid TOML: Exceeds the limit")


def test_a_pyproject_that_is_not_utf8(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_bytes(b"[tool.ticketcost]\nvolume = 1\n# \xff\n")
    assert error("stack") == "Error: pyproject.toml: not UTF-8 text\n"


def test_an_impossible_date_in_a_price_file(price_file):
    path = price_file(
        "  - id: acme-small\n    name: Acme Small\n    input_usd_per_mtok: 1\n"
        "    output_usd_per_mtok: 2\n    cache_read_usd_per_mtok: null\n"
        "    cache_write_usd_per_mtok: null\n    verified: 2026-13-45\n"
    )
    assert error("estimate", "--pricing", str(path)).startswith(
        f"Error: {path}:12: invalid YAML: 2026-13-45 is not a real date (month must be in 1..12)"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-5, "must be a finite number from 0"),
        ("NaN", "must be a number (got 'NaN')"),
        ("5", "must be a number (got '5')"),
        (True, "must be a number (got True)"),
    ],
)
def test_a_baseline_figure_must_be_a_finite_number(tmp_path, monkeypatch, value, expected):
    monkeypatch.chdir(tmp_path)
    config(tmp_path, STARTER_YAML)
    run("check", "--save-baseline", "main.json")
    report = json.loads((tmp_path / "main.json").read_text())
    report["stack"]["total"]["per_resolved_usd"] = value
    (tmp_path / "main.json").write_text(json.dumps(report))
    message = error("check", "--baseline", "main.json")
    assert message.startswith(f"Error: main.json: stack.total: a figure {expected}")


def test_a_baseline_with_nan_written_as_json_nan(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config(tmp_path, STARTER_YAML)
    run("check", "--save-baseline", "main.json")
    report = json.loads((tmp_path / "main.json").read_text())
    report["stack"]["total"]["monthly_usd"] = float("nan")  # json.dumps writes NaN
    (tmp_path / "main.json").write_text(json.dumps(report))
    assert "stack.total: a figure must be a number (got nan)" in error(
        "check", "--baseline", "main.json"
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["estimate", "--turns", "100000000"], "--turns must be 10,000 or less (got 100000000)"),
        (["estimate", "--system-tokens", "10000000000"], "--system-tokens must be 1,000,000,000 or less"),
        (["roi", "--volume", "1000", "--ai-monthly", "1e30"], "--ai-monthly must be from 0 to 1,000,000,000,000 (got 1E+30)"),
        (["roi", "--volume", "10000000000", "--ai-monthly", "5"], "--volume must be 1,000,000,000 or less"),
        (["scale-table", "--volumes", "1K,2000000000"], "--volumes: '2000000000' must be a whole number of tickets above 0, at most 1,000,000,000"),
        (["estimate", "--markup", "1e9"], "--markup must be from 0 to 1,000,000 percent"),
        (["estimate", "--currency", "EUR", "--fx", "1e9"], "--fx must be above 0 and at most 1,000,000"),
        (["estimate", "--discount", "0.0000000000000000001"], "--discount 0.0000000000000000001: more than 18 decimal places"),
        (["pricing", "check", "--days", "99999999"], "--days must be 36,500 or less"),
    ],
)  # fmt: skip
def test_a_flag_value_outside_its_bounds(args, expected):
    assert error(*args).startswith(f"Error: {expected}")


def test_top_far_out_of_range(tmp_path):
    log = tmp_path / "log.jsonl"
    log.write_text('{"ticket_id": "T1", "model": "gpt-5.4-mini", "input_tokens": 1}\n')
    assert error("attribute", str(log), "--top", "99999999999999999999") == (
        "Error: --top must be 10,000 or less (got 99999999999999999999)\n"
    )


def test_init_refuses_a_format_its_file_name_contradicts(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert error("init", "--format", "toml", "-o", "x.yaml") == (
        "Error: x.yaml: the name says yaml but --format toml was asked; name the file .toml or "
        "drop --format\n"
    )
    assert not (tmp_path / "x.yaml").exists()
    run("init", "-o", "x.toml")  # the format follows the name
    assert (tmp_path / "x.toml").read_text().startswith("# ticketcost config")
    run("stack", "-c", "x.toml")


@pytest.mark.parametrize(
    ("price", "expected"),
    [
        ("true", "m1: a price must be a number (got true)"),  # not $1,000,000 per 1M tokens
        ('"abc"', 'm1: a price must be a number (got "abc")'),
        ("NaN", "m1: a price must be a number (got NaN)"),
        ("[1]", "m1: a price must be a number (got [1])"),
        ("-1e-06", "m1: a price must be a finite number, 0 or more (got -0.000001)"),
    ],
)
def test_pricing_import_refuses_what_is_not_a_price(tmp_path, price, expected):
    source = tmp_path / "prices.json"
    source.write_text(
        '{"m1": {"litellm_provider": "acme", "input_cost_per_token": ' + price + ", "
        '"output_cost_per_token": 1e-06}}'
    )
    out = tmp_path / "out.yaml"
    assert error("pricing", "import", str(source), "-o", str(out)) == (
        f"Error: {source}: no model with token prices found; left out: {expected}\n"
    )
    assert not out.exists()  # nothing half-written
    # beside a good entry, the bad one is left out and listed; the good one is imported
    source.write_text(
        '{"m1": {"litellm_provider": "acme", "input_cost_per_token": ' + price + ", "
        '"output_cost_per_token": 1e-06}, "m2": {"litellm_provider": "acme", '
        '"input_cost_per_token": 1e-06, "output_cost_per_token": 1e-06}}'
    )
    result = run("pricing", "import", str(source), "-o", str(out))
    assert [m.id for m in load_price_file(out)] == ["m2"]
    reason = expected.removeprefix("m1: ")
    assert f"Left out 1: {reason}: m1" in result.stderr


@pytest.mark.parametrize("data", ['"abc"', "[1]", "NaN", "{}"])
def test_pricing_import_refuses_data_that_is_not_a_price_list(tmp_path, data):
    source = tmp_path / "prices.json"
    source.write_text(data)
    assert error("pricing", "import", str(source)).startswith(
        f"Error: {source}: neither LiteLLM's model_prices_and_context_window.json"
    )


def test_init_force_replaces_a_symlink_not_its_target(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "ticketcost.yaml").symlink_to("notes.txt")
    run("init", "--force")
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert (tmp_path / "ticketcost.yaml").read_text() == STARTER_YAML


def test_numbers_beyond_what_decimal_can_hold(tmp_path, monkeypatch):
    """Found by the fuzz suite: an exponent of 10^40 is more than Decimal can hold at all."""
    monkeypatch.chdir(tmp_path)
    huge = "1e300545298230714791224345364472753007785"
    config(tmp_path, "volume = " + huge + "\n", "ticketcost.toml")
    assert error("stack") == "Error: ticketcost.toml: invalid TOML: a number is out of any range\n"
    (tmp_path / "ticketcost.toml").unlink()
    config(tmp_path, STARTER_YAML)
    run("check", "--save-baseline", "main.json")
    text = (tmp_path / "main.json").read_text().replace('"limit": 1.5', f'"limit": {huge}', 1)
    (tmp_path / "main.json").write_text(text)
    assert error("check", "--baseline", "main.json") == (
        "Error: main.json: a number in the report is out of any range\n"
    )
    prices = tmp_path / "prices.json"
    prices.write_text('{"m": {"input_cost_per_token": ' + huge + ', "output_cost_per_token": 1}}')
    assert error("pricing", "import", str(prices)) == (
        f"Error: {prices}: a number in the data is out of any range\n"
    )
