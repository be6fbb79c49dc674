from __future__ import annotations

import json
import os
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

# Keep the validated-price cache out of the developer's home directory during tests.
os.environ.setdefault("TICKETCOST_CACHE_DIR", tempfile.mkdtemp(prefix="ticketcost-test-cache-"))

ROOT = Path(__file__).resolve().parent.parent

PRICE_FILE_HEAD = """\
provider: acme
provider_name: Acme AI
source: acme.example/pricing
verified: 2026-10-01
models:
"""


@pytest.fixture
def price_file(tmp_path: Path):
    """Write a price file from model YAML snippets and return its path."""

    def write(body: str, head: str = PRICE_FILE_HEAD, name: str = "prices.yaml") -> Path:
        path = tmp_path / name
        path.write_text(head + body)
        return path

    return write


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
