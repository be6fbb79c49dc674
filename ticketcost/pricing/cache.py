"""The validated-price cache: the bundled tables' validated records as one small JSON file.

Keyed by the size and modification time of the data files and the modules that define their
meaning, and the ticketcost version; a damaged or stale file is ignored and rewritten. Set
``TICKETCOST_NO_CACHE=1`` to skip it, or ``TICKETCOST_CACHE_DIR`` to move it (default
``~/.cache/ticketcost``). Writing is best effort and atomic (a temporary file, then a rename).
"""

from __future__ import annotations

import json
import os
import zlib
from pathlib import Path
from typing import Any

CACHE_FORMAT = 2


def cache_dir() -> Path | None:
    if os.environ.get("TICKETCOST_NO_CACHE"):
        return None
    configured = os.environ.get("TICKETCOST_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ticketcost"


def _cache_file(directory: Path, key: str) -> Path:
    return directory / f"pricing-{zlib.crc32(key.encode()):08x}.json"


def read_cache(key: str) -> list[dict[str, Any]] | None:
    directory = cache_dir()
    if directory is None:
        return None
    try:
        payload = json.loads(_cache_file(directory, key).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(payload, dict) or payload.get("key") != key:
        return None
    records = payload.get("models")
    return records if isinstance(records, list) else None


def write_cache(key: str, records: list[dict[str, Any]]) -> None:
    """Best effort: a read-only or missing home directory just means no cache."""
    directory = cache_dir()
    if directory is None:
        return
    import tempfile

    target = _cache_file(directory, key)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=directory, delete=False, suffix=".tmp") as tmp:
            json.dump({"key": key, "models": records}, tmp)
        os.replace(tmp.name, target)
        for stale in directory.glob("pricing-*.json"):
            if stale != target:
                stale.unlink(missing_ok=True)
    except OSError:
        return
