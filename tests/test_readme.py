"""The README shows real output: each example's output is what the command prints today."""

from __future__ import annotations

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from ticketcost.cli import app
from ticketcost.starter import STARTER_YAML

SIX = ["-m", "gemini-2.5-flash-lite", "-m", "gpt-5.4-nano", "-m", "gemini-2.5-flash"]
SIX += ["-m", "claude-haiku-4.5", "-m", "gpt-5.4-mini", "-m", "claude-sonnet-4.6"]


@pytest.mark.parametrize(
    "args",
    [
        ["estimate", *SIX],
        ["estimate", *SIX, "--cache", "system"],
        ["estimate", "-m", "claude-haiku-4.5", "--cache", "prefix", "--per-turn"],
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
    ],
)
def test_readme_output_is_current(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ticketcost.yaml").write_text(STARTER_YAML)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0
    readme = (ROOT / "README.md").read_text()
    assert result.stdout.rstrip("\n") in readme, f"README output of {args} is stale"


def test_readme_shows_the_whole_starter_config():
    assert STARTER_YAML.rstrip() in (ROOT / "README.md").read_text()
