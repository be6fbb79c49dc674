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

CACHE_FORMAT = 4  # 3: a header line with a digest of the records; 4: time of day, retires


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


def _digest(data: bytes) -> str:
    try:  # the C module hashlib wraps: importing hashlib itself costs ~2 ms of start-up
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - other Pythons
        from hashlib import blake2b
    return blake2b(data, digest_size=16).hexdigest()


def read_cache(key: str) -> list[dict[str, Any]] | None:
    """The cached records for ``key``; None when there are none, or they are stale or damaged.

    The file is a header line (the key and a digest of the records' bytes) and the records: a file
    edited by hand, or cut short, no longer matches its digest and is rebuilt from the data files.
    """
    directory = cache_dir()
    if directory is None:
        return None
    try:
        head, _, body = _cache_file(directory, key).read_bytes().partition(b"\n")
        header = json.loads(head)
        if not isinstance(header, dict) or header.get("key") != key:
            return None
        if header.get("digest") != _digest(body):
            return None
        records = json.loads(body)
    except (OSError, ValueError):
        return None
    return records if isinstance(records, list) else None


def write_cache(key: str, records: list[dict[str, Any]]) -> None:
    """Best effort: a read-only or missing home directory just means no cache."""
    from ticketcost.errors import TicketcostError
    from ticketcost.io.atomic import write_atomic

    directory = cache_dir()
    if directory is None:
        return
    target = _cache_file(directory, key)
    body = json.dumps(records, separators=(",", ":")).encode()
    header = json.dumps({"key": key, "digest": _digest(body)}).encode()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        write_atomic(target, header + b"\n" + body)
        for stale in directory.glob("pricing-*.json"):
            if stale != target:
                stale.unlink(missing_ok=True)
    except (OSError, TicketcostError):
        return
