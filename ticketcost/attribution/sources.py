"""Log files as SQL sources: which files, in which format, and how each is scanned (a typed select
for the totals, an ordered one that finds bad lines with their numbers); CSV rejects; the outcomes
file."""

from __future__ import annotations

import csv
import gzip
import io
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ticketcost.attribution.fields import FieldMap, Preset, build_field_map, log_format_of
from ticketcost.attribution.results import BadLine
from ticketcost.attribution.sql import Columns, ident, json_path, numbered, sql_text, typed_select
from ticketcost.errors import TicketcostError

if TYPE_CHECKING:
    import duckdb

    from ticketcost.costs.config import Logs


@dataclass(frozen=True)
class LogSource:
    path: Path
    format: str  # jsonl, csv or parquet
    scan: Path | None = None  # what the engine reads, when it is not ``path`` (see literal_path)

    @property
    def read_path(self) -> Path:
        return self.scan or self.path


PATTERN_CHARACTERS = frozenset("*?[]{}")


def _expand(patterns: Sequence[str | os.PathLike[str]]) -> list[str]:
    import glob

    found: list[str] = []
    for pattern in patterns:
        matches = sorted(glob.glob(str(pattern), recursive=True))
        if not matches:
            raise TicketcostError(f"{pattern}: no file matches this pattern", param="glob")
        found += [m for m in matches if m not in found]
    return found


def literal_path(path: Path, folder: Path, index: int, kind: str) -> Path | None:
    """A link in ``folder`` to ``path`` that DuckDB reads literally, when ``path`` holds glob
    characters (DuckDB would read ``a*.jsonl`` as a pattern: ``ab.jsonl``, ``abc.jsonl``, …).

    The link keeps the extensions that tell DuckDB the compression (``.gz``); None when ``path``
    needs no link.
    """
    if not PATTERN_CHARACTERS & set(str(path)):
        return None
    name = path.name.lower()
    ending = ".gz" if name.endswith(".gz") else ""
    middle = os.path.splitext(name.removesuffix(".gz"))[1]
    if PATTERN_CHARACTERS & set(middle) or not middle:
        middle = f".{kind}"
    link = folder / f"log-{index}{middle}{ending}"
    link.symlink_to(path.resolve())
    return link


def find_sources(
    paths: Sequence[str | os.PathLike[str]], input_format: str | None, glob: bool = False
) -> list[LogSource]:
    """Each path checked to exist and have a known format (by extension or ``input_format``).

    Names are literal (``a*.jsonl`` is the file of that name); with ``glob`` each is a pattern
    (``logs/*.jsonl``, ``logs/**/*.csv``) and every file it matches is read, in name order.
    """
    if not paths:
        raise TicketcostError("no log file given; pass one or more LOGFILE arguments")
    if glob:
        paths = _expand(paths)
    sources = []
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            why = (
                "is a directory"
                if path.is_dir()
                else "not a regular file (a device or a pipe); save the logs to a file first"
                if path.exists()
                else "no such file"
            )
            raise TicketcostError(f"{path}: {why}")
        kind = input_format or log_format_of(path.name)
        if kind is None:
            raise TicketcostError(
                f"{path}: cannot tell the format from the extension; name it .jsonl, .csv or "
                ".parquet, or pass `input_format` jsonl|csv|parquet",
                hints=("input_format",),
            )
        if kind != "parquet":
            check_encoding(path)
        sources.append(LogSource(path, kind))
    return sources


@dataclass(frozen=True)
class Options:
    fields: FieldMap
    by: tuple[tuple[str, ...], ...] = ()
    top: int = 10
    resolved_outcomes: tuple[str, ...] = ("resolved",)
    outcomes_file: Path | None = None
    strict: bool = False
    examples: int = 5


def build_options(
    settings: Logs | None,
    *,
    preset: Preset | None = None,
    field_overrides: Mapping[str, Sequence[str]] | None = None,
    input_includes_cache: bool | None = None,
    by: Sequence[str] = (),
    top: int = 10,
    resolved_outcomes: Sequence[str] = (),
    outcomes_file: Path | None = None,
    strict: bool = False,
) -> Options:
    """Options from what the caller gives, falling back to a config's ``logs:`` section.

    Given values win over ``settings``; field overrides are layered on the config's. ``by`` holds
    comma-separated dimension lists (``"intent,tenant"``); none means by intent.
    """
    overrides: dict[str, Sequence[str]] = dict(settings.fields.overrides()) if settings else {}
    overrides |= dict(field_overrides or {})
    chosen_preset = preset or (settings.preset if settings else None)
    includes = input_includes_cache
    if includes is None and settings is not None:
        includes = settings.input_includes_cache
    specs = tuple(tuple(p.strip() for p in spec.split(",") if p.strip()) for spec in by)
    outcomes = resolved_outcomes or (settings.resolved_outcomes if settings else ["resolved"])
    return Options(
        fields=build_field_map(chosen_preset or Preset.TICKETCOST, overrides, includes),
        by=tuple(s for s in specs if s) or (("intent",),),
        top=top,
        resolved_outcomes=tuple(o.strip().lower() for o in outcomes),
        outcomes_file=outcomes_file,
        strict=strict,
    )


class SourceSql(NamedTuple):
    source: LogSource
    select: str  # typed rows of this file (columns as typed_select)
    locate: str | None  # the same rows in file order with their line number, for bad lines
    unit: str


def _is_tsv(path: Path) -> bool:
    return path.name.lower().removesuffix(".gz").endswith(".tsv")


MAX_HEADER_BYTES = 1 << 20


def _opener(path: Path) -> Any:
    return gzip.open if path.name.lower().endswith(".gz") else open


def check_encoding(path: Path) -> None:
    """Refuse text that is not UTF-8 at all (UTF-16 or UTF-32, with or without a byte-order mark)
    before a scan mistakes it for garbage; a UTF-8 byte-order mark is fine."""
    try:
        with _opener(path)(path, "rb") as handle:
            start = handle.read(4096)
    except (OSError, EOFError) as exc:
        raise TicketcostError(f"{path}: cannot read ({exc})") from None
    if start.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in start:
        raise TicketcostError(
            f"{path}: UTF-16 or UTF-32 text (it has NUL bytes); logs must be UTF-8: convert it, "
            "e.g. iconv -f UTF-16 -t UTF-8"
        )


def read_header(path: Path) -> list[str]:
    """The CSV header's column names (the first line only, at most 1 MiB of it)."""
    try:
        with _opener(path)(path, "rb") as handle:
            raw = handle.readline(MAX_HEADER_BYTES + 1)
    except (OSError, EOFError) as exc:
        raise TicketcostError(f"{path}: cannot read the CSV header ({exc})") from None
    if len(raw) > MAX_HEADER_BYTES:
        raise TicketcostError(
            f"{path}:1: the header line is longer than {MAX_HEADER_BYTES:,} bytes; is this a "
            "CSV file with a header naming its columns?"
        )
    try:
        line = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TicketcostError(f"{path}:1: the CSV header is not UTF-8 text") from None
    delimiter = "\t" if _is_tsv(path) else ","
    try:
        header = next(csv.reader(io.StringIO(line), delimiter=delimiter), [])
    except csv.Error as exc:
        raise TicketcostError(f"{path}:1: cannot read the CSV header ({exc})") from None
    if not header:
        raise TicketcostError(
            f"{path}: the CSV file is empty; its first line must name the columns"
        )
    return [h.strip() for h in header]


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
    with _opener(path)(path, "rb") as handle:
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


def source_sql(
    con: duckdb.DuckDBPyConnection, src: LogSource, fields: FieldMap, index: int
) -> SourceSql:
    """SQL for one log file; ``index`` tags its rows (cheaper to group by than the file name)."""
    path = sql_text(str(src.read_path))
    tag = str(index)
    tops = list(dict.fromkeys(p[0] for paths in fields.paths.values() for p in paths))
    if src.format == "jsonl":
        declared = ", ".join(f"{sql_text(t)}: 'VARCHAR'" for t in tops)
        scan = (
            f"read_json({path}, format='newline_delimited', columns={{{declared}}}, "
            "ignore_errors=true)"
        )
        columns = Columns(fields, ident)
        select = typed_select(columns, fields, "NULL::BIGINT", tag, scan)
        raw_lines = (
            f"read_csv({path}, columns={{'raw': 'VARCHAR'}}, header=false, delim='\\x01', "
            "quote='', escape='', auto_detect=false)"
        )
        # One parse of each line for all the top-level keys (a list), then index into it.
        paths = ", ".join(json_path([top]) for top in tops)
        raw_columns = Columns(fields, lambda top: f"__v[{tops.index(top) + 1}]")
        # A blank line has no verdict (NULL) but keeps its place in the numbering.
        valid = "CASE WHEN coalesce(trim(raw), '') <> '' THEN json_valid(raw) END"
        checked = typed_select(
            raw_columns,
            fields,
            "NULL::BIGINT",
            tag,
            f"(SELECT *, CASE WHEN __valid THEN json_extract_string(raw, [{paths}]) END AS __v "
            f"FROM (SELECT raw, {valid} AS __valid FROM {raw_lines}))",
            "__valid",
            values=True,
        )
        locate = numbered(checked)
        return SourceSql(src, select, locate, "line")
    if src.format == "csv":
        header = read_header(src.path)
        present = set(header)
        declared = ", ".join(f"{sql_text(h)}: 'VARCHAR'" for h in header)
        delim = "\\t" if _is_tsv(src.path) else ","
        scan = (
            f"read_csv({path}, header=true, auto_detect=false, columns={{{declared}}}, "
            f"delim='{delim}', quote='\"', escape='\"', store_rejects=true)"
        )
        columns = Columns(fields, lambda top: ident(top) if top in present else None)
        _require_ticket_id(columns, src, header)
        select = typed_select(columns, fields, "NULL::BIGINT", tag, scan)
        plain_scan = scan.replace(", store_rejects=true", ", ignore_errors=true")
        locate = numbered(
            typed_select(columns, fields, "NULL::BIGINT", tag, plain_scan, values=True)
        )
        return SourceSql(src, select, locate, "row")
    # parquet
    described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({path})").fetchall()
    types = {str(row[0]): str(row[1]) for row in described}

    def parquet_column(top: str) -> str | None:
        kind = types.get(top)
        if kind is None:
            return None
        if kind.startswith(("STRUCT", "MAP")) or kind.endswith("[]"):
            return f"to_json({ident(top)})::VARCHAR"
        return f"CAST({ident(top)} AS VARCHAR)"

    columns = Columns(fields, parquet_column)
    _require_ticket_id(columns, src, list(types))
    scan = f"read_parquet({path}, file_row_number=true)"
    select = typed_select(columns, fields, "file_row_number + 1", tag, scan)
    with_values = typed_select(columns, fields, "file_row_number + 1", tag, scan, values=True)
    locate = (
        f"SELECT __line, problem FROM ({with_values}) WHERE problem IS NOT NULL ORDER BY __line"
    )
    return SourceSql(src, select, locate, "row")


def _require_ticket_id(columns: Columns, src: LogSource, names: Sequence[str]) -> None:
    if columns.sql["ticket_id"] == "NULL::VARCHAR":
        shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
        raise TicketcostError(
            f"{src.path}: no column for ticket_id (columns: {shown}); map yours with "
            "`field` ticket_id=COLUMN or a logs.fields entry in the config",
            hints=("field",),
        )


def csv_rejects(con: duckdb.DuckDBPyConnection, sources: Sequence[LogSource]) -> list[BadLine]:
    if not any(s.format == "csv" for s in sources):
        return []
    names = {str(s.read_path): str(s.path) for s in sources}
    try:
        rows = con.execute(
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
    con: duckdb.DuckDBPyConnection,
    built: Sequence[SourceSql],
    rejects: Sequence[BadLine],
    limit: int,
) -> list[BadLine]:
    """The first ``limit`` bad lines with their line numbers: files in the order given, lines in
    file order within each."""
    con.execute("SET preserve_insertion_order = true")
    found: list[BadLine] = []
    for b in built:
        wanted = limit - len(found)
        if wanted <= 0:
            break
        path = str(b.source.path)
        file_rejects = [r for r in rejects if r.file == path]
        in_file: list[BadLine] = []  # lines that are not UTF-8 are added by _located
        located = _located(con, b, wanted, in_file)
        if b.source.format == "csv":
            in_file += _csv_lines(b.source.path, file_rejects, located)
        else:
            in_file += [BadLine(path, int(n), str(reason), b.unit) for n, reason in located]
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
    con: duckdb.DuckDBPyConnection, b: SourceSql, wanted: int, found: list[BadLine]
) -> list[tuple[Any, Any]]:
    """(line ordinal, reason) of the first ``wanted`` bad lines the locating query finds.

    A JSON Lines file with a line that is not valid UTF-8 stops DuckDB's line reader; those lines
    are then found here (appended to ``found``) and the query runs on a copy of the file in which
    they are blank, so every other line keeps its number.
    """
    import duckdb

    assert b.locate is not None
    try:
        return con.execute(f"{b.locate} LIMIT {wanted}").fetchall()
    except duckdb.Error as exc:
        if b.source.format != "jsonl" or "unicode" not in str(exc).lower():
            raise
    path = b.source.path
    copy = Path(tempfile.mkdtemp(prefix="ticketcost-utf8-")) / "lines.jsonl"
    try:
        with _opener(path)(path, "rb") as source, open(copy, "wb") as target:
            for number, raw in enumerate(source, 1):
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    found.append(BadLine(str(path), number, f"not UTF-8 text ({exc.reason})"))
                    raw = b"\n"
                target.write(raw)
        query = b.locate.replace(sql_text(str(b.source.read_path)), sql_text(str(copy)))
        return con.execute(f"{query} LIMIT {wanted}").fetchall()
    finally:
        shutil.rmtree(copy.parent, ignore_errors=True)


def load_outcomes(
    con: duckdb.DuckDBPyConnection, path: Path, read_path: Path | None = None
) -> tuple[str, int]:
    """The outcomes file (ticket_id, outcome) as table ``outcomes``; a ticket's last row wins.

    ``read_path`` is what the engine reads (a link without glob characters, see literal_path).
    """
    import duckdb

    src = find_sources([path], None)[0]
    literal = sql_text(str(read_path or path))
    if src.format == "csv":
        header = read_header(path)
        declared = ", ".join(f"{sql_text(h)}: 'VARCHAR'" for h in header)
        scan = (
            f"read_csv({literal}, header=true, auto_detect=false, "
            f"columns={{{declared}}}, delim=',', quote='\"', escape='\"')"
        )
        names = header
    elif src.format == "jsonl":
        scan = (
            f"read_json({literal}, format='newline_delimited', "
            "columns={'ticket_id': 'VARCHAR', 'outcome': 'VARCHAR'})"
        )
        names = ["ticket_id", "outcome"]
    else:
        scan = f"read_parquet({literal})"
        names = [str(r[0]) for r in con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()]
    for needed in ("ticket_id", "outcome"):
        if needed not in names:
            raise TicketcostError(
                f"{path}: the outcomes file needs a '{needed}' column (it has {', '.join(names)})"
            )
    con.execute("SET preserve_insertion_order = true")
    try:
        con.execute(
            "CREATE TEMP TABLE outcomes AS SELECT ticket_id, arg_max(outcome, rn) AS outcome FROM "
            "(SELECT row_number() OVER () AS rn, nullif(trim(CAST(ticket_id AS VARCHAR)), '') AS "
            "ticket_id, lower(nullif(trim(CAST(outcome AS VARCHAR)), '')) AS outcome "
            f"FROM {scan}) WHERE ticket_id IS NOT NULL AND outcome IS NOT NULL GROUP BY ticket_id"
        )
    except duckdb.InterruptException:
        raise
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0]
        raise TicketcostError(f"{path}: cannot read the outcomes file ({first})") from None
    con.execute("SET preserve_insertion_order = false")
    orphan = con.execute(
        "SELECT count(*) FROM outcomes WHERE ticket_id NOT IN (SELECT ticket_id FROM gc)"
    ).fetchone()
    return str(path), int(orphan[0]) if orphan else 0
