"""docs/library.md: every Python example runs as written, in order, and its assertions hold."""

from __future__ import annotations

import re

import pytest
from helpers import ROOT


def python_blocks() -> list[str]:
    text = (ROOT / "docs" / "library.md").read_text()
    return re.findall(r"```python\n(.*?)```", text, re.S)


def test_library_page_has_examples():
    assert len(python_blocks()) >= 5


def test_library_examples_run_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the examples write their config and log files here
    namespace: dict = {}
    for number, block in enumerate(python_blocks(), 1):
        try:
            exec(compile(block, f"docs/library.md example {number}", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the message names the failing example
            pytest.fail(f"docs/library.md example {number} failed: {exc!r}")
