"""Small, fast box-drawn tables and horizontal bar charts for terminals.

rich costs ~50 ms to import and lay out a 40-row table, a third of the start-up budget of
``ticketcost estimate``; these draw the same kind of output in well under a millisecond. A figure is
never truncated (``$0.0095…`` would be worse than a wide line): to fit a terminal, text cells wrap
and the least important columns are left out, and named.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ticketcost.report.charts import BarChart, SparkChart

BOLD = "\x1b[1m"
DIM = "\x1b[2m"
RESET = "\x1b[0m"
_EIGHTHS = " ▏▎▍▌▋▊▉"
_LEVELS = "▁▂▃▄▅▆▇█"
_TEXT_MIN = 12  # a text column wraps down to this width, or to its longest word ...
_WORD_MAX = 28  # ... up to this many columns (a longer one, a long model id, is split)


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


def _wrap(text: str, size: int) -> list[str]:
    """``text`` in lines of at most ``size`` columns: at spaces, hyphens and slashes, a word
    longer than a line split where it must. A cell's text is never cut short."""
    if width(text) <= size:
        return [text]
    import textwrap

    spaced = text.replace("/", "/\u200b")  # a model path may break after a slash
    lines = textwrap.wrap(spaced, size, break_on_hyphens=True, break_long_words=True)
    return [line.replace("\u200b", "") for line in lines] or [""]


def fit_columns(
    natural: Sequence[int],
    minimum: Sequence[int],
    priority: Sequence[int],
    max_width: int | None,
    figures: Sequence[bool] = (),
) -> tuple[list[int], list[int]]:
    """Which columns to show and how wide, so that the table is at most ``max_width`` wide.

    A column is never narrower than its ``minimum`` (a figure's full width; a text column can wrap
    down to a few words). While the table cannot fit even at its minimums, the column with the
    lowest ``priority`` goes (the rightmost of equals; never the first). The room left is shared
    out, first to the headers of ``figures`` columns, then to wrapped text, up to natural widths.
    """
    figures = list(figures) or [False] * len(natural)
    kept = list(range(len(natural)))

    def frame(count: int) -> int:
        return 3 * count + 1  # "│ " + " │ " between + " │"

    if max_width is None or sum(natural) + frame(len(kept)) <= max_width:
        return kept, list(natural)
    while len(kept) > 1 and sum(minimum[i] for i in kept) + frame(len(kept)) > max_width:
        kept.remove(min(kept[1:], key=lambda i: (priority[i], -i)))
    sizes = {i: minimum[i] for i in kept}
    room = max_width - sum(sizes.values()) - frame(len(kept))
    for i in kept:  # first unwrap the headers of figures (a few columns each) ...
        if figures[i] and room > 0:
            grown = min(natural[i], sizes[i] + room)
            room -= grown - sizes[i]
            sizes[i] = grown
    growing = [i for i in kept if sizes[i] < natural[i]]  # ... then widen text, turn by turn
    while room > 0 and growing:
        for i in list(growing):
            if room == 0:
                break
            sizes[i] += 1
            room -= 1
            if sizes[i] >= natural[i]:
                growing.remove(i)
    return kept, [sizes[i] for i in kept]


def draw_table(
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    right_align: Sequence[bool],
    section_starts: Sequence[int] = (),
    color: bool = False,
    max_width: int | None = None,
    priority: Sequence[int] | None = None,
) -> str:
    """A box-drawn table at most ``max_width`` columns wide (None: as wide as its cells).

    To fit, text cells wrap onto more lines and, if that is not enough, the least important columns
    (lowest ``priority``) are left out and named in a line below the table. Figures (right-aligned
    cells) are never wrapped or cut.
    """
    natural = [width(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            natural[i] = max(natural[i], width(cell))

    def longest_word(texts: Iterable[str]) -> int:
        return max((width(word) for text in texts for word in text.split()), default=0)

    minimum = []
    for i, right in enumerate(right_align):
        header = longest_word([headers[i]])
        if right:  # a figure keeps its full width; its header may wrap
            minimum.append(max(header, max((width(row[i]) for row in rows), default=0)))
        else:  # text wraps between words (a long word, a model id, is kept whole up to a point)
            words = min(longest_word(row[i] for row in rows), _WORD_MAX)
            minimum.append(max(header, min(natural[i], max(_TEXT_MIN, words))))
    kept, widths = fit_columns(
        natural, minimum, priority or [1] * len(headers), max_width, right_align
    )
    aligned = [right_align[i] for i in kept]

    def line(left: str, fill: str, middle: str, right: str) -> str:
        return left + middle.join(fill * (w + 2) for w in widths) + right

    def cells(values: Sequence[str], bold: bool = False, bar: str = "│") -> list[str]:
        wrapped = [_wrap(values[i], size) for i, size in zip(kept, widths, strict=True)]
        height = max(len(lines) for lines in wrapped)
        out = []
        for n in range(height):
            parts = []
            for lines, size, right in zip(wrapped, widths, aligned, strict=True):
                text = _pad(lines[n] if n < len(lines) else "", size, right)
                parts.append(f"{BOLD}{text}{RESET}" if bold and color else text)
            out.append(f"{bar} " + f" {bar} ".join(parts) + f" {bar}")
        return out

    out = [title, line("┏", "━", "┳", "┓"), *cells(headers, bold=True, bar="┃")]
    out.append(line("┡", "━", "╇", "┩"))
    starts = set(section_starts)
    for index, row in enumerate(rows):
        if index in starts and index:
            out.append(line("├", "─", "┼", "┤"))
        out.extend(cells(row))
    out.append(line("└", "─", "┴", "┘"))
    hidden = [headers[i] for i in range(len(headers)) if i not in kept]
    if hidden:
        what = "column" if len(hidden) == 1 else "columns"
        listed = ", ".join(hidden)
        note = f"Not shown at this width: {len(hidden)} {what} ({listed}); --wide shows all."
        note_lines = _wrap(note, max_width) if max_width else [note]
        out.extend(f"{DIM}{n}{RESET}" if color else n for n in note_lines)
    return "\n".join(out) + "\n"


def _label(text: str, size: int) -> str:
    """A chart label cut to ``size`` columns (with "…"), padded to it."""
    if width(text) > size:
        while text and width(text) > size - 1:
            text = text[:-1]
        text += "…"
    return _pad(text, size)


def _label_width(labels: Sequence[str], after: int, max_width: int | None) -> int:
    """Room for the labels of a chart whose lines also hold ``after`` columns past the label."""
    natural = max(width(label) for label in labels)
    if max_width is None:
        return natural
    return max(8, min(natural, max_width - after))


def draw_bars(chart: BarChart, bar_width: int = 40, max_width: int | None = None) -> str:
    """One line per bar: label, a bar scaled to the largest value (eighth-block precision), text.

    Within ``max_width``, the bars shrink (to 10 columns at least) and then long labels are cut."""
    if not chart.bars:
        return ""
    text_width = max(width(bar.text) for bar in chart.bars)
    natural_label = max(width(bar.label) for bar in chart.bars)
    if max_width is not None:
        bar_width = max(10, min(bar_width, max_width - natural_label - text_width - 3))
    label_width = _label_width([b.label for b in chart.bars], bar_width + text_width + 3, max_width)
    largest = max((bar.value for bar in chart.bars), default=Decimal(0))
    lines = []
    for bar in chart.bars:
        eighths = 0
        if largest > 0 and bar.value > 0:
            eighths = max(1, int(bar.value / largest * bar_width * 8))
        full, part = divmod(eighths, 8)
        drawn = ("█" * full + (_EIGHTHS[part] if part else "")).ljust(bar_width)
        lines.append(f"{_label(bar.label, label_width)} │{drawn} {bar.text}")
    return "\n".join(lines) + "\n"


def draw_sparks(chart: SparkChart, max_width: int | None = None) -> str:
    """One sparkline per series, all on the scale of the largest value, then the series' text."""
    if not chart.lines:
        return ""
    after = max(len(line.values) + width(line.text) for line in chart.lines) + 3
    label_width = _label_width([line.label for line in chart.lines], after, max_width)
    largest = max((max(line.values, default=Decimal(0)) for line in chart.lines), default=0)
    rows = []
    for line in chart.lines:
        marks = "".join(
            _LEVELS[min(len(_LEVELS) - 1, int(value / largest * len(_LEVELS)))] if largest else "▁"
            for value in line.values
        )
        rows.append(f"{_label(line.label, label_width)} │{marks} {line.text}")
    return "\n".join(rows) + "\n"


def draw_chart(chart: BarChart | SparkChart, max_width: int | None = None) -> str:
    from ticketcost.report.charts import BarChart

    if isinstance(chart, BarChart):
        return draw_bars(chart, max_width=max_width)
    return draw_sparks(chart, max_width)


def wrap_lines(text: str, max_width: int | None, indent: str = "") -> list[str]:
    """A paragraph (a note, a headline) in lines of at most ``max_width`` columns; lines after
    the first start with ``indent``."""
    if max_width is None or width(text) <= max_width:
        return [text]
    import textwrap

    return textwrap.wrap(
        text, max_width, subsequent_indent=indent, break_on_hyphens=False, break_long_words=False
    ) or [text]
