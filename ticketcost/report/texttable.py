"""Small, fast box-drawn tables and horizontal bar charts for terminals.

rich costs ~50 ms to import and lay out a 40-row table, a third of the start-up budget of
``ticketcost estimate``; these draw the same kind of output in well under a millisecond. A cell is
never truncated: a money figure cut to ``$0.0095…`` would be worse than a wide line.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ticketcost.report.charts import BarChart, SparkChart

BOLD = "\x1b[1m"
DIM = "\x1b[2m"
RESET = "\x1b[0m"
_EIGHTHS = " ▏▎▍▌▋▊▉"
_LEVELS = "▁▂▃▄▅▆▇█"


def width(text: str) -> int:
    """Terminal columns of ``text``: wide (CJK) characters take two, combining marks none."""
    if text.isascii():
        return len(text)
    import unicodedata

    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def _pad(text: str, size: int, right: bool = False) -> str:
    fill = " " * max(0, size - width(text))
    return fill + text if right else text + fill


def draw_table(
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    right_align: Sequence[bool],
    section_starts: Sequence[int] = (),
    color: bool = False,
) -> str:
    widths = [width(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], width(cell))

    def line(left: str, fill: str, middle: str, right: str) -> str:
        return left + middle.join(fill * (w + 2) for w in widths) + right

    def cells(values: Sequence[str], bold: bool = False) -> str:
        parts = []
        for value, size, right in zip(values, widths, right_align, strict=True):
            text = _pad(value, size, right)
            parts.append(f"{BOLD}{text}{RESET}" if bold and color else text)
        return "│ " + " │ ".join(parts) + " │"

    out = [title, line("┏", "━", "┳", "┓"), cells(headers, bold=True).replace("│", "┃")]
    out.append(line("┡", "━", "╇", "┩"))
    starts = set(section_starts)
    for index, row in enumerate(rows):
        if index in starts and index:
            out.append(line("├", "─", "┼", "┤"))
        out.append(cells(row))
    out.append(line("└", "─", "┴", "┘"))
    return "\n".join(out) + "\n"


def draw_bars(chart: BarChart, bar_width: int = 40) -> str:
    """One line per bar: label, a bar scaled to the largest value (eighth-block precision), text."""
    if not chart.bars:
        return ""
    label_width = max(width(bar.label) for bar in chart.bars)
    largest = max((bar.value for bar in chart.bars), default=Decimal(0))
    lines = []
    for bar in chart.bars:
        eighths = 0
        if largest > 0 and bar.value > 0:
            eighths = max(1, int(bar.value / largest * bar_width * 8))
        full, part = divmod(eighths, 8)
        drawn = ("█" * full + (_EIGHTHS[part] if part else "")).ljust(bar_width)
        lines.append(f"{_pad(bar.label, label_width)} │{drawn} {bar.text}")
    return "\n".join(lines) + "\n"


def draw_sparks(chart: SparkChart) -> str:
    """One sparkline per series, all on the scale of the largest value, then the series' text."""
    if not chart.lines:
        return ""
    label_width = max(width(line.label) for line in chart.lines)
    largest = max((max(line.values, default=Decimal(0)) for line in chart.lines), default=0)
    rows = []
    for line in chart.lines:
        marks = "".join(
            _LEVELS[min(len(_LEVELS) - 1, int(value / largest * len(_LEVELS)))] if largest else "▁"
            for value in line.values
        )
        rows.append(f"{_pad(line.label, label_width)} │{marks} {line.text}")
    return "\n".join(rows) + "\n"


def draw_chart(chart: BarChart | SparkChart) -> str:
    from ticketcost.report.charts import BarChart

    return draw_bars(chart) if isinstance(chart, BarChart) else draw_sparks(chart)
