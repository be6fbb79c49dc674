"""Where the skipped lines are: the first few bad lines of each file located at their line
numbers (a second, ordered pass that stops early), CSV rejects, and how a CSV file's records map
to its physical lines."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ticketcost.attribution.connection import DuckDb
from ticketcost.attribution.results import BadLine
from ticketcost.attribution.scans import wide_lines
from ticketcost.attribution.sources import LogSource, opener
from ticketcost.attribution.sql import sql_text

if TYPE_CHECKING:
    from ticketcost.attribution.connection import Connection
    from ticketcost.attribution.scans import SourceSql


class CsvLayout(NamedTuple):
    """Where a CSV file's records start, as Python's csv module reads it."""

    starts: list[int]  # the physical line each data record starts on (the header excluded)
    lines: int  # physical lines in the file
    unclosed_at: int | None  # the line of a quote that is never closed (the rest is one field)

    def line_of(self, record: int) -> int:
        """The physical line of data record ``record`` (1-based), as the engine counts records."""
        return self.starts[record - 1] if 0 < record <= len(self.starts) else record + 1


def csv_layout(path: Path, records: int | None = None) -> CsvLayout:
    """Where the file's records start (read only when something in it went wrong): a quoted field
    may span lines and blank lines are not records, so record N is not always line N + 1. With
    ``records``, stop once that many data records are placed."""
    stat = path.stat()
    key = (path, stat.st_size, stat.st_mtime_ns)
    known = _LAYOUTS.get(key)
    if known is not None and (
        known[1] or (records is not None and len(known[0].starts) >= records)
    ):
        return known[0]
    layout = _layout(path, records)
    _LAYOUTS.clear()  # one file's layout at a time is all a run needs
    _LAYOUTS[key] = (layout, records is None)
    return layout


_LAYOUTS: dict[tuple[Path, int, int], tuple[CsvLayout, bool]] = {}  # layout, whole file read


def _layout(path: Path, records: int | None) -> CsvLayout:
    """RFC 4180 quoting, read by parity: a line that leaves an odd number of quote characters
    open continues the record on the next line (an escaped quote is two, so parity holds)."""
    starts: list[int] = []
    number = 0
    inside = False  # within a quoted field that spans lines
    opened = 0  # where that field's record starts
    with opener(path)(path, "rb") as handle:
        for number, line in enumerate(handle, 1):
            if not inside:
                if not line.strip(b"\r\n"):
                    continue  # a blank line is not a record
                starts.append(number)
                opened = number
                if records is not None and len(starts) > records + 1:  # + the header
                    break
            if line.count(b'"') % 2:
                inside = not inside
    return CsvLayout(starts[1:], number, opened if inside else None)


def csv_rejects(con: Connection, sources: Sequence[LogSource]) -> list[BadLine]:
    if con.dialect != "duckdb" or not any(s.format == "csv" for s in sources):
        return []  # (on Spark, a row with too many or too few columns is a bad line of the scan)
    names = {str(s.read_path): str(s.path) for s in sources}
    assert isinstance(con, DuckDb)
    try:
        rows = con.execute_native(
            "SELECT DISTINCT s.file_path, e.line, e.error_type FROM reject_errors e JOIN "
            "reject_scans s USING (scan_id, file_id) ORDER BY s.file_path, e.line"
        ).fetchall()
    except Exception:
        return []
    return [
        BadLine(names.get(str(path), str(path)), int(line), f"CSV: {str(kind).lower()}")
        for path, line, kind in rows
    ]


def locate_bad_lines(
    con: Connection,
    built: Sequence[SourceSql],
    rejects: Sequence[BadLine],
    limit: int,
    counts: Sequence[int],
) -> list[BadLine]:
    """The first ``limit`` bad lines with their line numbers: files in the order given, lines in
    file order within each. ``counts``: how many bad lines each file has (the scan counted them),
    so that the ordered pass stops at the last one it needs and skips a file with none."""
    con.execute("SET preserve_insertion_order = true")
    found: list[BadLine] = []
    for index, b in enumerate(built):
        wanted = limit - len(found)
        if wanted <= 0:
            break
        path = str(b.source.path)
        file_rejects = [r for r in rejects if r.file == path]
        in_file: list[BadLine] = []  # lines that are not UTF-8 are added by _located
        # (the pass stops at the last bad line wanted, and a file without any is not read)
        bad = min(wanted, counts[index])
        located = _tail_located(con, b, counts[index], bad) if bad > 0 else []
        if located is None:
            con.execute("SET threads = 1")  # in file order, stopping at the first few: one reader
            located = _located(con, b, bad, in_file)
            con.execute("RESET threads")
        if b.source.format == "csv" and con.dialect == "duckdb":
            in_file += _csv_lines(b.source.path, file_rejects, located)
        else:
            in_file += [
                BadLine(path, None if n is None else int(n), str(reason), b.unit)
                for n, reason in located
            ]
        found += sorted(in_file, key=lambda r: r.line or 0)[:wanted]
    return found


def _csv_lines(
    path: Path, rejects: Sequence[BadLine], located: Sequence[tuple[Any, Any]]
) -> list[BadLine]:
    """Rejected and located CSV records at their physical lines.

    The engine numbers records (a reject on "line" N is data record N - 1, the header being line
    1) and the locating query numbers the records it could read; a quoted field spanning lines
    shifts both from the file's own line numbers, so they are mapped through the file's layout.
    """
    rejected = sorted((r.line or 1) - 1 for r in rejects)
    records = []
    for number, reason in located:
        record = int(number)
        for skipped in rejected:  # the n-th record read is past the rejected ones before it
            if skipped <= record:
                record += 1
        records.append((record, reason))
    line_of = csv_layout(path, max([*rejected, *(r for r, _ in records), 0])).line_of
    lines = [r._replace(line=line_of((r.line or 1) - 1)) for r in rejects]
    lines += [BadLine(str(path), line_of(record), str(why), "line") for record, why in records]
    return lines


def _located(
    con: Connection, b: SourceSql, wanted: int, found: list[BadLine]
) -> list[tuple[Any, Any]]:
    """(line ordinal, reason) of the first ``wanted`` bad lines the locating query finds.

    Four kinds of JSON Lines file stop DuckDB's line reader: one with a line longer than its
    buffer (2 MB; read again with one as long as the JSON reader's, ``wide_lines``), one with a
    line that is not valid UTF-8, one whose lines end both ways (``\\n`` and ``\\r\\n``, as
    when logs from two systems are joined), and one with a lone ``\\r`` inside a line (which
    the line reader takes for a line end, while the JSON reader does not). For the last three the
    query runs on a copy of the file in which the lines that are not UTF-8 are blank (appended to
    ``found`` here), every line ends in ``\\n`` and a lone ``\\r`` is a tab, so every line
    keeps its number and its verdict (both are white space between JSON values, and neither may
    stand unescaped inside a string).
    """
    import duckdb

    assert b.locate is not None
    try:
        return con.execute(f"{b.locate} LIMIT {wanted}").fetchall()
    except duckdb.Error as exc:
        if b.source.format != "jsonl" or not _unreadable_lines(exc):
            raise
        long = _long_lines(exc)
    wide = wide_lines(b)
    if long:
        try:
            return con.execute(f"{wide} LIMIT {wanted}").fetchall()
        except duckdb.Error as exc:
            if not _unreadable_lines(exc):
                raise
    path = b.source.path
    copy = Path(tempfile.mkdtemp(prefix="ticketcost-lines-")) / "lines.jsonl"
    try:
        with opener(path)(path, "rb") as source, open(copy, "wb") as target:
            for number, raw in enumerate(source, 1):
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    found.append(BadLine(str(path), number, f"not UTF-8 text ({exc.reason})"))
                    raw = b"\n"
                if raw.endswith(b"\r\n"):
                    raw = raw[:-2] + b"\n"
                target.write(raw.replace(b"\r", b"\t"))
        return con.execute(f"{_reading(wide, b, copy)} LIMIT {wanted}").fetchall()
    finally:
        shutil.rmtree(copy.parent, ignore_errors=True)


def _reading(sql: str, b: SourceSql, copy: Path) -> str:
    """``sql`` (a query over ``b``'s file) reading ``copy`` instead."""
    return sql.replace(sql_text(str(b.source.read_path)), sql_text(str(copy)))


def _unreadable_lines(error: Exception) -> bool:
    """Whether DuckDB's line reader stopped at a line that is not UTF-8, at lines that end both
    ways or a lone \\r (its CSV parser's "invalid state"), or at a line longer than its buffer."""
    reading = str(error).lower()
    return "unicode" in reading or "state machine" in reading or _long_lines(error)


def _long_lines(error: Exception) -> bool:
    return "maximum line size" in str(error).lower()


TAIL_BYTES = 1 << 20


def _tail_located(
    con: Connection, b: SourceSql, count: int, wanted: int
) -> list[tuple[Any, Any]] | None:
    """The first ``wanted`` bad lines of a JSON Lines file whose ``count`` bad lines all lie in
    its last megabyte (a log cut off in the middle of its last line: the usual case), numbered
    from the file's line count rather than by reading it in order from the start; None when
    some lie before it (or the file is small, compressed, or not read by DuckDB)."""
    import duckdb

    path = b.source.read_path
    if b.raw_lines is None or b.locate is None or con.dialect != "duckdb":
        return None
    if path.name.lower().endswith(".gz"):
        return None
    size = path.stat().st_size
    if size <= 2 * TAIL_BYTES:
        return None  # (read in order, it takes no longer)
    with open(path, "rb") as handle:
        handle.seek(size - TAIL_BYTES)
        block = handle.read()
    start = block.find(b"\n") + 1  # the tail starts at a line: the engine numbers lines alike
    if start == 0:
        return None
    folder = Path(tempfile.mkdtemp(prefix="ticketcost-tail-"))
    try:
        tail = folder / "tail.jsonl"
        tail.write_bytes(block[start:])
        counted = f"SELECT count(*) FROM {b.raw_lines}"
        try:
            located = con.execute(_reading(b.locate, b, tail)).fetchall()
            if len(located) < count:
                return None  # some bad line lies before the tail
            total = con.execute(counted).fetchone()
            in_tail = con.execute(_reading(counted, b, tail)).fetchone()
        except duckdb.Error as exc:
            if not _unreadable_lines(exc):
                raise
            return None  # (lines that are not UTF-8, or end both ways: see _located)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert total is not None and in_tail is not None
    before = int(total[0]) - int(in_tail[0])
    return [(before + int(n), reason) for n, reason in located[:wanted]]
