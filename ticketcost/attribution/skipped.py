"""Skipped lines: every line that was not used, counted by reason and by file, and the first few
located at their file and line; and the refusal of a run with nothing usable (or, with --strict,
anything skipped)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ticketcost.attribution.lines import csv_layout, locate_bad_lines
from ticketcost.attribution.results import BadLine, Duplicates, FileStat, Window
from ticketcost.attribution.scans import Plan, SourceSql
from ticketcost.attribution.sources import LogSource, Options
from ticketcost.attribution.sql import BAD, NOT_A_CALL
from ticketcost.errors import TicketcostError

if TYPE_CHECKING:
    from ticketcost.attribution.connection import Connection


class Skipped(NamedTuple):
    lines: int
    other: int  # records that are not model calls (other spans, Langfuse SPANs): passed over
    reasons: list[tuple[str, int]]  # reason, lines; most frequent first
    bad_lines: list[BadLine]  # the first few, with file and line number
    files: list[FileStat]


def skipped_lines(
    con: Connection,
    built: Sequence[SourceSql],
    rejects: Sequence[BadLine],
    examples: int,
    duplicates: Duplicates,
    plans: Sequence[Plan],
) -> Skipped:
    """Every skipped line counted by reason and by file; the first few located."""
    counted = con.execute(
        "SELECT problem, sum(requests) FROM tc WHERE problem IS NOT NULL GROUP BY 1 "
        "ORDER BY 2 DESC, 1"
    ).fetchall()
    reasons = [(str(r[0]), int(r[1])) for r in counted if r[0] != NOT_A_CALL]
    other = sum(int(r[1]) for r in counted if r[0] == NOT_A_CALL)
    per_file = {  # requests used (inside the window), skipped lines, records read
        int(r[0]): (int(r[1]), int(r[2]), int(r[3]) + duplicates.per_file.get(int(r[0]), 0))
        for r in con.execute(
            "SELECT __file, coalesce(sum(requests) FILTER (WHERE problem IS NULL AND inside), 0), "
            f"coalesce(sum(requests) FILTER (WHERE {BAD}), 0), "
            "coalesce(sum(requests), 0) FROM tc GROUP BY 1"
        ).fetchall()
    }
    unread = []  # CSV files whose rest could not be parsed
    for index, b in enumerate(built):
        file_rejects = [r for r in rejects if r.file == str(b.source.path)]
        if b.source.format == "csv" and any("quote" in r.reason for r in file_rejects):
            read = per_file.get(index, (0, 0, 0))[2]
            found = _unread_after_quote(b.source.path, read + len(file_rejects))
            if found is not None:
                unread.append((index, found))
    reasons = merge_counts(
        reasons + [(r.reason, 1) for r in rejects] + [(UNCLOSED, n) for _, (_, n) in unread]
    )
    lines = sum(n for _, n in reasons)
    counts = [per_file.get(index, (0, 0, 0))[1] for index in range(len(built))]
    bad_lines = locate_bad_lines(con, built, rejects, examples, counts) if lines else []
    if unread:  # in file order, then line order, as locate_bad_lines gives them
        order = {str(b.source.path): i for i, b in enumerate(built)}
        bad_lines += [line for _, (line, _) in unread]
        bad_lines.sort(key=lambda r: (order[r.file], r.line or 0))
        bad_lines = bad_lines[:examples]
    files = []
    for index, b in enumerate(built):
        good, bad, _ = per_file.get(index, (0, 0, 0))
        bad += sum(1 for r in rejects if r.file == str(b.source.path))
        bad += sum(n for i, (_, n) in unread if i == index)
        plan = plans[index]
        files.append(
            FileStat(
                str(b.source.path),
                b.source.format,
                good,
                bad,
                plan.found.preset.value,
                plan.fields.detected,
                duplicates.per_file.get(index, 0),
            )
        )
    return Skipped(lines, other, reasons, bad_lines, files)


UNCLOSED = "CSV: a quote is never closed, so the rest of the file could not be read"


def _unread_after_quote(path: Path, records_read: int) -> tuple[BadLine, int] | None:
    """When a quote opened on line L is never closed, the engine reads nothing past L: the lines
    it did not account for, as one skipped reason (a bad line at L + 1, and their count)."""
    layout = csv_layout(path)
    start = layout.unclosed_at
    if start is None:
        return None
    before = sum(1 for s in layout.starts if s < start)
    spanning = (start - 2) - before  # extra lines of quoted fields that span lines, before L
    missing = (layout.lines - 1) - records_read - spanning
    if missing <= 0:
        return None
    why = f"{UNCLOSED} (the quote opens on line {start}; {missing:,} lines not read)"
    return BadLine(str(path), start + 1, why), missing


def refuse_unusable(
    options: Options,
    sources: Sequence[LogSource],
    requests: int,
    skipped: Skipped,
    window: Window | None = None,
    hint: str | None = None,
) -> None:
    """--strict refuses any bad line; no usable request at all is an error either way."""
    if options.strict and skipped.lines:
        first = skipped.bad_lines[0] if skipped.bad_lines else None
        where = f"{first.file}:{first.line}: {first.reason}" if first else skipped.reasons[0][0]
        raise TicketcostError(
            f"{skipped.lines:,} bad line{'s' if skipped.lines != 1 else ''} in the logs "
            f"(`strict`); first: {where}",
            hints=("strict",),
        )
    if requests == 0 and window is not None and (window.outside or window.undated):
        raise TicketcostError(
            f"no request in the window (`since`/`until`): {window.outside:,} dated outside it, "
            f"{window.undated:,} with no readable timestamp",
            hints=("since", "until"),
        )
    if requests == 0:
        reasons = skipped.reasons
        found = f"; {skipped.lines:,} lines skipped, first: {reasons[0][0]}" if reasons else ""
        names_of = ", ".join(str(s.path) for s in sources)
        advice = f"; {hint}" if hint else " (check the field mapping: `preset`, `field`)"
        raise TicketcostError(
            f"{names_of}: no usable request{found}{advice}", hints=("preset", "field")
        )


def merge_counts(pairs: list[tuple[str, int]]) -> list[tuple[str, int]]:
    merged: dict[str, int] = {}
    for reason, count in pairs:
        merged[reason] = merged.get(reason, 0) + count
    return sorted(merged.items(), key=lambda item: (-item[1], item[0]))
