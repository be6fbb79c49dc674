"""The embedded engine's connection: DuckDB in memory, a memory cap, a private spill directory, and
progress polled from the running query."""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ticketcost.attribution.sql import sql_text

if TYPE_CHECKING:
    import duckdb


@contextmanager
def progress_polling(
    con: duckdb.DuckDBPyConnection, report: Callable[[float], None] | None
) -> Iterator[None]:
    """Poll DuckDB's progress of the running query and pass it on (a fraction 0..1)."""
    if report is None:
        yield
        return
    # DuckDB tracks progress only with its progress bar on; keep it from printing its own.
    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    done = threading.Event()
    callback = report

    def poll() -> None:
        while not done.wait(0.25):
            try:
                value = float(con.query_progress())
            except Exception:
                return
            if value >= 0:
                callback(min(value, 100.0) / 100)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def connect() -> tuple[duckdb.DuckDBPyConnection, Path]:
    """An in-memory DuckDB, and the private folder it spills to (the caller removes it)."""
    import duckdb

    folder = Path(tempfile.mkdtemp(prefix="ticketcost-"))
    con = duckdb.connect(":memory:")
    memory = os.environ.get("TICKETCOST_MEMORY_LIMIT", "320MB")
    con.execute(f"SET memory_limit = {sql_text(memory)}")
    con.execute(f"SET temp_directory = {sql_text(str(folder))}")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET TimeZone = 'UTC'")  # timestamps without an offset are UTC; days are UTC days
    return con, folder
