"""A file we write is whole or untouched: a temporary file beside it, renamed over it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import run

from ticketcost.costs.starter import STARTER_YAML
from ticketcost.errors import TicketcostError
from ticketcost.io.atomic import write_atomic


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_writes_the_new_content_and_keeps_the_mode(tmp_path):
    target = tmp_path / "report.md"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, "new € text")
    assert target.read_bytes() == "new € text".encode()  # UTF-8 whatever the locale
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


def test_a_failed_rename_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "baseline.json"
    target.write_text('{"old": true}')

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(TicketcostError, match="cannot write \\(No space left on device\\)"):
        write_atomic(target, "x" * 10_000)
    assert target.read_text() == '{"old": true}' and leftovers(tmp_path) == []


def test_ctrl_c_mid_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "picture.svg"
    target.write_text("<svg>old</svg>")

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "<svg>new</svg>")
    assert target.read_text() == "<svg>old</svg>" and leftovers(tmp_path) == []


def test_a_symlink_is_replaced_never_written_through(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("ticketcost.yaml").write_text(STARTER_YAML)
    Path("r.md").symlink_to("ticketcost.yaml")
    run("stack", "--export", "r.md")
    assert Path("ticketcost.yaml").read_text() == STARTER_YAML  # the config is intact
    assert not Path("r.md").is_symlink() and Path("r.md").read_text().startswith("**All-in")


def test_a_write_beyond_the_file_size_limit_leaves_the_baseline_whole(tmp_path):
    """`ulimit -f 8` (8 blocks of 512 bytes): the save fails cleanly, the old baseline stays."""
    Path(tmp_path / "ticketcost.yaml").write_text(STARTER_YAML)
    baseline = tmp_path / "main.json"
    baseline.write_text('{"schema_version": "1"}')
    script = f"ulimit -f 8; exec {sys.executable} -m ticketcost check --save-baseline main.json"
    result = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("Error: main.json: cannot write (File too large)")
    assert baseline.read_text() == '{"schema_version": "1"}' and leftovers(tmp_path) == []


def test_the_baseline_is_written_as_utf8_in_the_c_locale(tmp_path):
    Path(tmp_path / "ticketcost.yaml").write_text(STARTER_YAML)
    env = os.environ | {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    result = subprocess.run(
        [sys.executable, "-m", "ticketcost", "check", "--save-baseline", "b.json", "-f", "json"],
        cwd=tmp_path, capture_output=True, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "b.json").read_bytes().startswith(b'{\n  "schema_version": "1"')


def test_temporaries_left_by_a_killed_write_are_swept(tmp_path):
    target = tmp_path / "main.json"
    old = tmp_path / ".main.json.abc123.tmp"  # from a write killed an hour and more ago
    old.write_text("half")
    os.utime(old, (0, 0))
    fresh = tmp_path / ".main.json.def456.tmp"  # another write, perhaps still going
    fresh.write_text("in progress")
    write_atomic(target, "{}")
    assert target.read_text() == "{}"
    assert not old.exists() and fresh.exists()
