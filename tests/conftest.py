from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Keep the validated-price cache out of the developer's home directory during tests.
os.environ.setdefault("TICKETCOST_CACHE_DIR", tempfile.mkdtemp(prefix="ticketcost-test-cache-"))

PRICE_FILE_HEAD = """\
provider: acme
provider_name: Acme AI
source: acme.example/pricing
verified: 2026-10-01
models:
"""


@pytest.fixture(autouse=True)
def _not_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands behave as on a developer's machine (CI=true makes `check` refuse a config with
    no budgets); a test that needs CI sets it itself."""
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture
def price_file(tmp_path: Path):
    """Write a price file from model YAML snippets and return its path."""

    def write(body: str, head: str = PRICE_FILE_HEAD, name: str = "prices.yaml") -> Path:
        path = tmp_path / name
        path.write_text(head + body)
        return path

    return write
