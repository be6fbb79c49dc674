"""The terminal view: every command fits 80 columns, --wide shows all, no empty tables, one
rounding per row, colour only where it shows, completion, and a root help that reads whole."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from helpers import ROOT
from typer.testing import CliRunner

from ticketcost.cli import app
from ticketcost.cli.attribute import progress_line
from ticketcost.costs.starter import STARTER_YAML
from ticketcost.report.texttable import width

LOGS = ROOT / "tests" / "attribution" / "logs"
COMMANDS = [
    ["estimate"],
    ["estimate", "--cache", "system", "--per-turn", "-m", "claude-haiku-4.5"],
    ["models"],
    ["stack"],
    ["compare"],
    ["recommend"],
    ["scale-table"],
    ["roi"],
    ["curve"],
    ["check"],
    ["diff", "ticketcost.yaml", "ticketcost.yaml"],
    ["pricing", "check", "--today", "2026-12-31"],
    [
        "pricing",
        "diff",
        str(ROOT / "pricing" / "openai.yaml"),
        str(ROOT / "pricing" / "google.yaml"),
    ],
    ["attribute", str(LOGS / "litellm_spend_logs.jsonl")],
    ["attribute", str(LOGS / "otlp_file_exporter.jsonl"), "--by", "intent,tenant"],
]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ticketcost.yaml").write_text(STARTER_YAML)
    return tmp_path


def _run(args: list[str], columns: str | None = "80") -> str:
    env = {"COLUMNS": columns} if columns else {"COLUMNS": None}
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code in (0, 1), (args, result.output)
    return result.stdout


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_every_command_fits_80_columns(here: Path, args: list[str]):
    lines = _run(args).splitlines()
    widest = max(lines, key=width)
    assert width(widest) <= 80, f"{width(widest)} columns: {widest}"


def test_wide_shows_every_column_and_says_nothing_is_hidden(here: Path):
    args = ["estimate", "-m", "claude-haiku-4.5", "--cache", "system"]
    narrow, wide = _run(args), _run([*args, "--wide"])
    hidden = "4 columns (Input $, Cache read $, Cache write $, Output $); --wide shows all."
    assert f"Not shown at this width: {hidden}" in " ".join(narrow.split())
    assert "Not shown" not in wide and "Cache write $" in wide
    # the 500-token prompt is below Haiku 4.5's 4,096-token cache minimum, so nothing is cached:
    # 6,750 input x $1/M = $0.00675, the column the narrow view leaves out
    assert "$0.00675" in wide and "$0.00675" not in narrow
    assert max(width(line) for line in wide.splitlines()) > 80


def test_a_pipe_without_columns_is_as_wide_as_the_table(here: Path):
    assert "Not shown" not in _run(["estimate", "-m", "gpt-5.4-nano"], columns=None)


def test_machine_formats_are_not_narrowed(here: Path):
    for fmt in ("json", "csv", "markdown"):
        assert _run(["estimate", "--format", fmt]) == _run(
            ["estimate", "--format", fmt], columns=None
        )


def test_an_empty_table_is_one_line(here: Path):
    out = _run(["diff", "ticketcost.yaml", "ticketcost.yaml"])
    assert "┏" not in out  # no box drawn around nothing
    out = _run(["attribute", str(LOGS / "litellm_spend_logs.jsonl")])
    # the log has no prompt versions: one line, not a table of "(none)"
    assert "Prompt versions (change against the version before): none\n" in out
    assert "Top 1" not in out and "Most expensive tickets (top 2)" in out


def test_one_rounding_per_row(here: Path):
    out = _run(["scale-table", "-m", "gpt-5.4-mini", "--wide"])
    # 1,000 tickets x $0.0095625 = $9.5625 a month: shown as $9.563 like the all-in beside it
    row = next(line for line in out.splitlines() if line.startswith("│           1,000 "))
    assert row.count("$9.563") == 2 and "$9.5625" not in row


@pytest.mark.parametrize(
    ("env", "colour"),
    [({}, True), ({"NO_COLOR": "1"}, False), ({"TERM": "dumb"}, False)],
)
def test_colour_only_on_a_terminal_that_shows_it(monkeypatch, env, colour):
    from ticketcost.cli import options

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr("sys.stdout", Tty())
    assert options.use_color() is colour


def test_root_help_has_whole_descriptions_and_completion():
    out = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "80"}).stdout
    assert "..." not in out.split("Commands:")[1]  # no description cut short
    assert "Price one support conversation on every model, cheapest first." in out
    assert "--install-completion" in out and "--show-completion" in out


def test_shell_completion_completes_commands_and_options():
    def complete(words: str, index: int) -> str:
        env = {
            "_TICKETCOST_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(index),
        }
        return CliRunner().invoke(app, [], env=env, prog_name="ticketcost").stdout

    assert complete("ticketcost est", 1).split() == ["estimate"]
    assert "--cache" in complete("ticketcost estimate --ca", 2).split()


def test_the_progress_line_names_a_second_pass() -> None:
    out = io.StringIO()
    show = progress_line(361_000_000, out)
    for fraction in (0.0, 0.5, 1.0, 1.0, 0.0, 0.25, 1.0):  # (the end of a pass may come twice)
        show(fraction)
    lines = out.getvalue().split("\n")
    assert [line.rsplit("\r", 1)[-1] for line in lines] == [
        "Reading 361 MB of logs: 100%",
        "Reading 361 MB of logs again (model names spelled another way): 100%",
        "",
    ]
    assert lines[0] == "\r".join(
        ["", "Reading 361 MB of logs:   0%", "Reading 361 MB of logs:  50%",
         "Reading 361 MB of logs: 100%"]
    )  # fmt: skip
