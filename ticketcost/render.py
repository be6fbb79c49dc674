"""Terminal rendering with rich. Imported lazily: only the table format needs it."""

from __future__ import annotations

import os

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ticketcost.report import Kind, Report, display


def _console() -> Console:
    # In a terminal rich fits the table to its width; piped or captured (tests, CI logs), the table
    # keeps its natural width instead of being squeezed to 80 columns.
    width = None if os.isatty(1) else 250
    return Console(width=width, highlight=False)


def render_table(report: Report) -> str:
    """Draw the report as a rich table (with its notes) and return the text that was shown."""
    console = _console()
    table = Table(header_style="bold")
    shown = report.terminal_columns()
    cells = [[display(row[i], report.columns[i].kind) for i in shown] for row in report.rows]
    for position, i in enumerate(shown):
        column = report.columns[i]
        numeric = column.kind is not Kind.TEXT
        widest = max((len(row[position]) for row in cells), default=0)
        table.add_column(
            column.header,
            justify="right" if numeric else "left",
            no_wrap=True,
            min_width=min(widest, 48) if position == 0 else None,
        )
    breaks = set(report.group_breaks)
    for index, row in enumerate(cells):
        if index in breaks and index:
            table.add_section()
        table.add_row(*row)
    with console.capture() as capture:
        console.print(Text(report.title, style="bold"))
        console.print(table)
        for note in report.notes:
            console.print(Text(note, style="dim"))
    return capture.get()
