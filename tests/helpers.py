"""Helpers the tests share: run the real CLI, read its JSON exactly, expect a one-line error, and
size hypothesis runs (quick locally, full in CI)."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parent.parent

# CI (CI=true, as .ci/run is run) tries every property with the full number of examples; a
# local run tries a fifth of them, so the suite stays quick while the invariants still run.
FULL_PROPERTIES = bool(os.environ.get("CI")) or os.environ.get("HYPOTHESIS_PROFILE") == "ci"


def examples(full: int) -> int:
    """How many hypothesis examples a property tries: ``full`` in CI, a fifth locally."""
    return full if FULL_PROPERTIES else max(10, full // 5)


def run(*args: str, code: int = 0) -> Result:
    """Run the real CLI (typer's CliRunner) and check its exit code."""
    from ticketcost.cli import app

    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result


def as_json(*args: str) -> dict:
    """The command's --format json output, numbers read back as exact Decimals."""
    return json.loads(run(*args, "--format", "json").stdout, parse_float=Decimal)


def error(*args: str) -> str:
    """A bad-input run: nothing on stdout, one 'Error: ...' line on stderr, exit code 2."""
    result = run(*args, code=2)
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    return result.stderr
