"""Log files as SQL sources: which files, in which format, and how each is scanned (a typed select
for the totals, an ordered one that finds bad lines with their numbers); CSV rejects; the outcomes
file."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ticketcost.attribution.fields import FieldChoice, Preset, log_format_of
from ticketcost.attribution.formats import field_map, forced
from ticketcost.attribution.sql import sql_text
from ticketcost.errors import TicketcostError

if TYPE_CHECKING:
    from ticketcost.attribution.connection import Connection
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
    fields: FieldChoice = field(default_factory=FieldChoice)
    by: tuple[tuple[str, ...], ...] = ()
    top: int = 10
    resolved_outcomes: tuple[str, ...] = ("resolved",)
    outcomes_file: Path | None = None
    strict: bool = False
    examples: int = 5
    since: dt.datetime | None = None  # requests at or after this instant (UTC)
    until: dt.datetime | None = None  # requests before this instant (UTC)


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
    since: str | dt.datetime | None = None,
    until: str | dt.datetime | None = None,
) -> Options:
    """Options from what the caller gives, falling back to a config's ``logs:`` section.

    Given values win over ``settings``; field overrides are layered on the config's. ``by`` holds
    comma-separated dimension lists (``"intent,tenant"``); none means by intent. ``since`` and
    ``until`` are ISO dates or date-times (no offset: UTC).
    """
    overrides: dict[str, tuple[str, ...]] = (
        {k: tuple(v) for k, v in settings.fields.overrides().items()} if settings else {}
    )
    overrides |= {k: tuple(v) for k, v in (field_overrides or {}).items()}
    chosen_preset = preset or (settings.preset if settings else None)
    includes = input_includes_cache
    if includes is None and settings is not None:
        includes = settings.input_includes_cache
    choice = FieldChoice(chosen_preset, overrides, includes)
    field_map(forced(chosen_preset or Preset.TICKETCOST), choice)  # refuse a bad override now
    specs = tuple(tuple(p.strip() for p in spec.split(",") if p.strip()) for spec in by)
    outcomes = resolved_outcomes or (settings.resolved_outcomes if settings else ["resolved"])
    start, end = instant(since, "since"), instant(until, "until")
    if start is not None and end is not None and start >= end:
        raise TicketcostError(
            f"`since` {start.isoformat()} is not before `until` {end.isoformat()}; the window "
            "is empty",
            hints=("since", "until"),
        )
    return Options(
        fields=choice,
        by=tuple(s for s in specs if s) or (("intent",),),
        top=top,
        resolved_outcomes=tuple(o.strip().lower() for o in outcomes),
        outcomes_file=outcomes_file,
        strict=strict,
        since=start,
        until=end,
    )


def instant(value: str | dt.datetime | None, param: str) -> dt.datetime | None:
    """An ISO date or date-time as an aware UTC datetime (no offset given: UTC)."""
    if value is None or isinstance(value, dt.datetime):
        parsed = value
    else:
        try:
            parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise TicketcostError(
                f"{param} {value}: not a date or date-time; write 2026-11-01 or "
                "2026-11-01T09:30:00Z",
                param=param,
            ) from None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def is_tsv(path: Path) -> bool:
    return path.name.lower().removesuffix(".gz").endswith(".tsv")


MAX_HEADER_BYTES = 1 << 20


def opener(path: Path) -> Any:
    return gzip.open if path.name.lower().endswith(".gz") else open


def check_encoding(path: Path) -> None:
    """Refuse text that is not UTF-8 at all (UTF-16 or UTF-32, with or without a byte-order mark)
    before a scan mistakes it for garbage; a UTF-8 byte-order mark is fine. Without a mark, such
    text is told by its NUL bytes: one in two or more of them, in text mostly ASCII (one in eight
    is asked for); a stray NUL in UTF-8 text makes a bad line, not a file in another encoding."""
    try:
        with opener(path)(path, "rb") as handle:
            start = handle.read(4096)
    except (OSError, EOFError) as exc:
        raise TicketcostError(f"{path}: cannot read ({exc})") from None
    marked = start.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"))
    if marked or start.count(b"\x00") * 8 >= len(start) > 0:
        raise TicketcostError(
            f"{path}: UTF-16 or UTF-32 text (it has NUL bytes); logs must be UTF-8: convert it, "
            "e.g. iconv -f UTF-16 -t UTF-8"
        )


def long_line(path: Path, limit: int) -> tuple[int, int] | None:
    """The first line longer than ``limit`` bytes: its number and length (read only after the
    reader stopped at it)."""
    with opener(path)(path, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            if len(raw) > limit:
                return number, len(raw)
    return None


def csv_line_end(path: Path) -> tuple[int, str] | None:
    """Where and why DuckDB's CSV reader stops at how the file's lines end, or None. Read only
    after the reader failed: the first line that ends otherwise than line 1 (``\\r\\n`` or
    ``\\n``), or that holds a lone ``\\r`` outside quotes (the reader takes it for a line end).
    A line end inside a quoted field is part of the field (RFC 4180), and not looked at."""
    first: bool | None = None  # whether line 1 ends in \r\n
    inside = False  # within a quoted field that spans lines (quotes read by parity)
    with opener(path)(path, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            crlf = raw.endswith(b"\r\n")
            body = raw[:-2] if crlf else raw.removesuffix(b"\n")
            at = body.find(b"\r")
            while at >= 0:
                quoted = inside != (body.count(b'"', 0, at) % 2 == 1)
                if not quoted:
                    return number, (
                        "a carriage return (\\r) stands inside this line, outside quotes; the CSV "
                        "reader takes it for a line end: quote that field or remove the \\r, "
                        "and run again"
                    )
                at = body.find(b"\r", at + 1)
            if raw.count(b'"') % 2:
                inside = not inside
            if not raw.endswith(b"\n") or inside:
                continue  # the last line, with no end; or a line end inside a quoted field
            if first is None:
                first = crlf
            elif crlf != first:
                return number, (
                    "this line ends otherwise than line 1 (\\r\\n and \\n); the CSV reader needs "
                    "every line to end alike: convert the file (e.g. dos2unix) and run again"
                )
    return None


def read_header(path: Path) -> list[str]:
    """The CSV header's column names (the first line only, at most 1 MiB of it)."""
    try:
        with opener(path)(path, "rb") as handle:
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
    delimiter = "\t" if is_tsv(path) else ","
    try:
        header = next(csv.reader(io.StringIO(line), delimiter=delimiter), [])
    except csv.Error as exc:
        raise TicketcostError(f"{path}:1: cannot read the CSV header ({exc})") from None
    if not header:
        raise TicketcostError(
            f"{path}: the CSV file is empty; its first line must name the columns"
        )
    return [h.strip() for h in header]


def load_outcomes(con: Connection, path: Path, read_path: Path | None = None) -> tuple[str, int]:
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
        "SELECT count(*) FROM outcomes WHERE ticket_id NOT IN (SELECT ticket_id FROM tt)"
    ).fetchone()
    return str(path), int(orphan[0]) if orphan else 0


SAMPLE_RECORDS = 50
SAMPLE_BYTES = 8 << 20


def sample_json(path: Path) -> tuple[str, list[dict[str, Any]]]:
    """The shape of a JSON log (``lines``: one value a line; ``array``: one JSON array;
    ``document``: one JSON value over many lines) and its first few objects, for recognition."""
    import json

    try:
        with opener(path)(path, "rb") as handle:
            head = handle.read(1 << 16)  # enough for most logs' first records
            if head.count(b"\n") <= SAMPLE_RECORDS:
                head += handle.read(SAMPLE_BYTES - len(head))
    except (OSError, EOFError) as exc:
        raise TicketcostError(f"{path}: cannot read ({exc})") from None
    text = head.decode("utf-8-sig", errors="replace")
    start = text.lstrip()
    decoder = json.JSONDecoder()
    if start.startswith("["):
        return "array", _array_items(decoder, start)
    records: list[dict[str, Any]] = []
    for line in text.splitlines()[: SAMPLE_RECORDS * 4]:
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            records.append(value)
        if len(records) >= SAMPLE_RECORDS:
            break
    if not records and start.startswith("{"):
        try:
            value, _ = decoder.raw_decode(start)
        except ValueError:
            return "lines", []
        return "document", [value] if isinstance(value, dict) else []
    return "lines", records


def _array_items(decoder: Any, text: str) -> list[dict[str, Any]]:
    """The first objects of a JSON array, read one at a time from its start."""
    items: list[dict[str, Any]] = []
    position = 1
    while len(items) < SAMPLE_RECORDS:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        try:
            value, position = decoder.raw_decode(text, position)
        except ValueError:
            break
        if isinstance(value, dict):
            items.append(value)
    return items
