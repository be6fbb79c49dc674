"""A small, fast box-drawn table for terminals.

rich costs ~50 ms to import and lay out a 40-row table, a third of the start-up budget of
``ticketcost estimate``; this draws the same kind of table in well under a millisecond. It never
truncates a cell: a money figure cut to ``$0.0095…`` would be worse than a wide line.
"""

from __future__ import annotations

from collections.abc import Sequence

BOLD = "\x1b[1m"
DIM = "\x1b[2m"
RESET = "\x1b[0m"


def draw_table(
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    right_align: Sequence[bool],
    notes: Sequence[str] = (),
    section_starts: Sequence[int] = (),
    color: bool = False,
) -> str:
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def line(left: str, fill: str, middle: str, right: str) -> str:
        return left + middle.join(fill * (w + 2) for w in widths) + right

    def cells(values: Sequence[str], bold: bool = False) -> str:
        parts = []
        for value, width, right in zip(values, widths, right_align, strict=True):
            text = value.rjust(width) if right else value.ljust(width)
            parts.append(f"{BOLD}{text}{RESET}" if bold and color else text)
        return "│ " + " │ ".join(parts) + " │"

    out = [f"{BOLD}{title}{RESET}" if color else title]
    out.append(line("┏", "━", "┳", "┓"))
    out.append(cells(headers, bold=True).replace("│", "┃"))
    out.append(line("┡", "━", "╇", "┩"))
    starts = set(section_starts)
    for index, row in enumerate(rows):
        if index in starts and index:
            out.append(line("├", "─", "┼", "┤"))
        out.append(cells(row))
    out.append(line("└", "─", "┴", "┘"))
    out.extend(f"{DIM}{note}{RESET}" if color else note for note in notes)
    return "\n".join(out) + "\n"
