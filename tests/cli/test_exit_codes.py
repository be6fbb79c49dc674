"""Exit codes, strictly: 0 ok, 1 a budget failed, 2 bad input, 3 an internal error, 130 Ctrl-C;
always one line on stderr, never a traceback (unless TICKETCOST_DEBUG=1); output that a non-UTF-8
stream can take."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ticketcost.cli import app


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def test_an_internal_error_exits_3_with_one_line(monkeypatch):
    import ticketcost.costs.estimate as core

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(core, "estimate", broken)
    result = invoke("estimate", "-m", "gpt-5.4-mini")
    assert result.exit_code == 3  # never 1, which CI reads as "over budget"
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: internal error (ZeroDivisionError: division by zero)")
    assert "TICKETCOST_DEBUG=1" in result.stderr


def test_ticketcost_debug_shows_the_traceback(monkeypatch):
    import ticketcost.costs.estimate as core

    monkeypatch.setattr(core, "estimate", lambda *a, **k: 1 / 0)
    monkeypatch.setenv("TICKETCOST_DEBUG", "1")
    result = invoke("estimate")
    assert result.exit_code == 3 and "Traceback" in result.stderr


def test_ctrl_c_inside_a_command_exits_130_with_one_line(monkeypatch):
    import ticketcost.costs.estimate as core

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(core, "estimate", interrupted)
    result = invoke("estimate")
    assert (result.exit_code, result.stderr) == (130, "Error: interrupted\n")


def run_script(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The real console script's code path (ticketcost.__main__), in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "ticketcost", *args],
        capture_output=True,
        text=True,
        env=os.environ | env,
        encoding="utf-8",
        errors="replace",
    )


@pytest.mark.parametrize("output_format", ["table", "json", "csv", "markdown"])
def test_a_non_utf8_stdout_gets_ascii(output_format):
    args = ["estimate", "-m", "gpt-5.4-mini", "--currency", "EUR", "--fx", "0.9"]
    result = run_script(*args, "--format", output_format, PYTHONIOENCODING="ascii")
    assert result.returncode == 0, result.stderr
    assert result.stdout.isascii() and result.stderr == ""
    if output_format == "json":  # escaped, still the same JSON value
        assert json.loads(result.stdout)["price_adjustment"]["currency"] == "EUR"
    if output_format == "table":  # spelled out before layout: every table line is as wide
        lines = [line for line in result.stdout.splitlines() if line.startswith(("+", "|"))]
        assert len({len(line) for line in lines}) == 1
        assert "EUR 0.675" in result.stdout  # $0.75 per 1M × 0.9


def test_help_on_a_non_utf8_stdout():
    result = run_script("roi", "--help", PYTHONIOENCODING="ascii")
    assert result.returncode == 0 and result.stdout.isascii() and "ROI" in result.stdout


def test_pricing_import_to_an_ascii_stdout_is_refused_not_altered(tmp_path):
    data = {"café-model": {"litellm_provider": "acme", "input_cost_per_token": 1e-06,
                           "output_cost_per_token": 2e-06}}  # fmt: skip
    source = tmp_path / "prices.json"
    source.write_text(json.dumps(data))
    result = run_script("pricing", "import", str(source), PYTHONIOENCODING="ascii")
    assert result.returncode == 2 and result.stdout == ""
    assert "write it to a file with -o FILE" in result.stderr


def test_a_real_ctrl_c_at_any_moment_ends_with_one_line_and_130(tmp_path):
    """SIGINT while the command line loads, while DuckDB scans, or after: 130 and one line (or,
    if the run had already finished, 0 and nothing); never an internal error or a traceback."""
    import signal
    import time

    maker = Path(__file__).resolve().parents[2] / "bench" / "make_logs.py"
    log = tmp_path / "requests.jsonl"
    subprocess.run(
        [sys.executable, str(maker), "200000", str(log)], check=True, capture_output=True
    )
    outcomes = []
    for delay in (0.1, 0.25, 0.5, 0.8):  # from once the interpreter has started
        process = subprocess.Popen(
            [sys.executable, "-m", "ticketcost", "attribute", str(log)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
        outcomes.append((process.returncode, err))
    for code, err in outcomes:
        assert (code, err) in ((130, "Error: interrupted\n"), (0, "")), (code, err)
    assert any(code == 130 for code, _ in outcomes)


def test_duckdbs_query_interrupted_is_an_interruption(tmp_path, monkeypatch):
    import ticketcost.attribution.engine as engine

    def interrupted(*args, **kwargs):
        raise RuntimeError("Query interrupted")  # how DuckDB's Python client reports Ctrl-C

    monkeypatch.setattr(engine, "run", interrupted)
    log = tmp_path / "log.jsonl"
    log.write_text('{"ticket_id": "T1", "model": "gpt-5.4-mini", "input_tokens": 1}\n')
    result = invoke("attribute", str(log))
    assert (result.exit_code, result.stderr) == (130, "Error: interrupted\n")
