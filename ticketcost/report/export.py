"""``--export FILE``: a report written as a picture of the terminal view (.svg, .html, rendered by
rich), as plain text (.txt) or as markdown (.md)."""

from __future__ import annotations

from pathlib import Path

from ticketcost.errors import TicketcostError
from ticketcost.io.atomic import write_atomic
from ticketcost.report.formats import format_markdown, format_table
from ticketcost.report.model import Report

EXPORT_SUFFIXES = (".svg", ".html", ".txt", ".md")


def write_export(report: Report, path: Path) -> None:
    """Write ``report`` to ``path`` in the format its suffix names."""
    suffix = path.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise TicketcostError(
            f"{path}: unknown file type '{suffix}'; use {', '.join(EXPORT_SUFFIXES)}"
        )
    text = format_table(report, color=suffix in (".svg", ".html"))
    if suffix in (".svg", ".html"):
        content = _picture(report, text, suffix)
    else:
        content = format_markdown(report) if suffix == ".md" else text
    write_atomic(path, content)  # whole or untouched; a symlink is replaced, not written through


def _picture(report: Report, text: str, suffix: str) -> str:
    import io

    from rich.console import Console
    from rich.text import Text

    width = max(len(line) for line in format_table(report).splitlines()) + 1
    console = Console(record=True, width=width, file=io.StringIO(), color_system="standard")
    console.print(Text.from_ansi(text), soft_wrap=True)
    if suffix == ".svg":
        return console.export_svg(title="ticketcost")
    return console.export_html()
