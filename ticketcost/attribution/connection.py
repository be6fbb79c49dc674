"""What the attribution asks of an engine (:class:`Connection`), and the embedded one: DuckDB in
memory, a memory cap, a private spill directory, and progress polled from the running query.

Every statement is DuckDB's dialect; another engine (:mod:`.spark`) renders it for itself. Only
the views the logs are read through are written per engine (:class:`~.scans.SourceView`).
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ticketcost.attribution.sql import sql_text

if TYPE_CHECKING:
    import duckdb

    from ticketcost.attribution.scans import SourceView


class Result(Protocol):
    def fetchall(self) -> list[Any]: ...

    def fetchone(self) -> Any: ...


class Connection(Protocol):
    """An engine the attribution runs on: ``duckdb`` (embedded) or ``spark``."""

    dialect: str

    def execute(self, sql: str, /) -> Result: ...

    def execute_view(self, view: SourceView, /) -> None: ...

    def query_progress(self) -> float: ...

    def close(self) -> None: ...


class DuckDb:
    """The embedded engine: a DuckDB connection, and optionally a record of every statement run
    (for ``--emit-sql``: the source views as :class:`~.scans.SourceView`, the rest as text)."""

    dialect = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection, record: bool = False) -> None:
        self.con = con
        self.statements: list[str | SourceView] | None = [] if record else None

    def execute(self, sql: str, /) -> duckdb.DuckDBPyConnection:
        if self.statements is not None and not sql.startswith(("SET ", "RESET ", "DESCRIBE ")):
            self.statements.append(sql)
        return self.con.execute(sql)

    def execute_native(self, sql: str, /) -> duckdb.DuckDBPyConnection:
        """A statement about DuckDB itself (its reject tables), never part of a record."""
        return self.con.execute(sql)

    def execute_view(self, view: SourceView, /) -> None:
        if self.statements is not None:
            self.statements.append(view)
        self.con.execute(view.duckdb)

    def query_progress(self) -> float:
        return float(self.con.query_progress())

    def close(self) -> None:
        self.con.close()


@contextmanager
def progress_polling(con: Connection, report: Callable[[float], None] | None) -> Iterator[None]:
    """Poll DuckDB's progress of the running query and pass it on (a fraction 0..1)."""
    if report is None or con.dialect != "duckdb":
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


def connect(record: bool = False) -> tuple[DuckDb, Path]:
    """An in-memory DuckDB, and the private folder it spills to (the caller removes it); with
    ``record``, every statement run is kept (see :class:`DuckDb`)."""
    import duckdb

    folder = Path(tempfile.mkdtemp(prefix="ticketcost-"))
    con = duckdb.connect(":memory:")
    memory = os.environ.get("TICKETCOST_MEMORY_LIMIT", "320MB")
    con.execute(f"SET memory_limit = {sql_text(memory)}")
    con.execute(f"SET temp_directory = {sql_text(str(folder))}")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET TimeZone = 'UTC'")  # timestamps without an offset are UTC; days are UTC days
    return DuckDb(con, record), folder
