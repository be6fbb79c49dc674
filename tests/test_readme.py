"""The README shows real output: each example's output is what the command prints today."""

from __future__ import annotations

import pytest
from helpers import ROOT
from typer.testing import CliRunner

from ticketcost.cli import app
from ticketcost.costs.starter import STARTER_YAML

SIX = ["-m", "gemini-2.5-flash-lite", "-m", "gpt-5.4-nano", "-m", "gemini-2.5-flash"]
SIX += ["-m", "claude-haiku-4.5", "-m", "gpt-5.4-mini", "-m", "claude-sonnet-4.6"]


@pytest.mark.parametrize(
    "args",
    [
        ["estimate", *SIX],
        ["estimate", *SIX, "--cache", "system"],
        [
            "estimate",
            "-m",
            "claude-haiku-4.5",
            "--cache",
            "prefix",
            "--per-turn",
            "--system-tokens",
            "4000",
        ],
        ["models", "--provider", "anthropic"],
        ["stack"],
        ["compare"],
        [
            "scale-table",
            "-m",
            "gemini-2.5-flash-lite",
            "-m",
            "claude-haiku-4.5",
            "--cache",
            "system",
            "--fixed-monthly",
            "170",
        ],
        ["roi", "--volume", "10000", "--ai-monthly", "250", "--human-cost-per-ticket", "4"],
        ["curve", "--turns", "1..16"],
        [
            "estimate",
            "-m",
            "gpt-5.4",
            "-m",
            "claude-sonnet-4.5",
            "--turns",
            "2",
            "--system-tokens",
            "280000",
        ],
        [
            "estimate",
            "-m",
            "claude-haiku-4.5",
            "-m",
            "gpt-5.4-mini",
            "--system-tokens",
            "5000",
            "--cache",
            "system",
            "--variant",
            "batch",
            "--discount",
            "12",
            "--currency",
            "EUR",
            "--fx",
            "0.92",
        ],
        ["pricing", "check", "--today", "2026-12-31"],
    ],
)
def test_readme_output_is_current(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ticketcost.yaml").write_text(STARTER_YAML)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0
    readme = (ROOT / "README.md").read_text()
    assert result.stdout.rstrip("\n") in readme, f"README output of {args} is stale"


def test_readme_check_and_diff_output_is_current(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    config = tmp_path / "ticketcost.yaml"
    config.write_text(STARTER_YAML)
    readme = (ROOT / "README.md").read_text()
    runner = CliRunner()
    first = runner.invoke(app, ["check", "--save-baseline", "main.json"])
    assert first.exit_code == 0 and first.stdout.rstrip("\n") in readme
    # the change the README describes
    changed = STARTER_YAML.replace("model: gpt-5.4-nano ", "model: gpt-5.4-mini ", 1)
    config.write_text(changed.replace("escalation_rate: 0.35", "escalation_rate: 0.45", 1))
    checked = runner.invoke(app, ["check", "--baseline", "main.json"])
    assert checked.exit_code == 1 and checked.stdout.rstrip("\n") in readme
    diffed = runner.invoke(app, ["diff", "main.json", "ticketcost.yaml"])
    assert diffed.exit_code == 0 and diffed.stdout.rstrip("\n") in readme


def test_readme_shows_the_whole_starter_config():
    assert STARTER_YAML.rstrip() in (ROOT / "README.md").read_text()


def test_readme_attribute_output_is_current(tmp_path, monkeypatch):
    import subprocess
    import sys

    monkeypatch.chdir(tmp_path)
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "make_logs.py"), "20000", "requests.jsonl"],
        check=True,
        capture_output=True,
    )
    result = CliRunner().invoke(app, ["attribute", "requests.jsonl", "--top", "3"])
    assert result.exit_code == 0
    assert result.stdout.rstrip("\n") in (ROOT / "README.md").read_text()


def test_readme_logs_config_is_valid(tmp_path):
    import re

    from ticketcost.costs.config import load_logs_settings

    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```yaml\n(# in ticketcost.yaml.*?)```", readme, re.S)
    assert block is not None
    config = tmp_path / "ticketcost.yaml"
    config.write_text(block.group(1))
    logs = load_logs_settings(config)
    assert logs is not None and logs.resolved_outcomes == ["resolved", "deflected"]
    assert logs.fields.overrides()["model"] == ["response_model", "request_model"]


def test_readme_not_all_in_example_is_current(tmp_path, monkeypatch):
    import re

    readme = (ROOT / "README.md").read_text()
    example = re.search(r"```yaml\n(volume: 50000\n.*?)```\n\n```text\n(.*?)```", readme, re.S)
    assert example is not None
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ticketcost.yaml").write_text(example.group(1))
    result = CliRunner().invoke(app, ["stack"])
    assert result.exit_code == 0 and result.stdout.startswith(example.group(2))


def test_readme_recommend_example_is_current(tmp_path, monkeypatch):
    import re

    readme = (ROOT / "README.md").read_text()
    example = re.search(
        r"```yaml\n(volume: 10000\n.*?)```\n\n```console\n\$ ticketcost recommend\n(.*?)\n```",
        readme,
        re.S,
    )
    assert example is not None
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ticketcost.yaml").write_text(example.group(1))
    result = CliRunner().invoke(app, ["recommend"])
    assert result.exit_code == 0 and result.stdout.rstrip("\n") == example.group(2)
