"""``--export FILE``: a report written as a picture of the terminal view (.svg, .html, rendered by
rich), as plain text (.txt) or as markdown (.md)."""

from __future__ import annotations

from pathlib import Path

from ticketcost.errors import TicketcostError
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
    try:
        if suffix in (".svg", ".html"):
            _save_picture(report, text, path, suffix)
        else:
            path.write_text(format_markdown(report) if suffix == ".md" else text)
    except OSError as exc:
        raise TicketcostError(f"{path}: cannot write ({exc.strerror})") from None


def _save_picture(report: Report, text: str, path: Path, suffix: str) -> None:
    import io

    from rich.console import Console
    from rich.text import Text

    width = max(len(line) for line in format_table(report).splitlines()) + 1
    console = Console(record=True, width=width, file=io.StringIO(), color_system="standard")
    console.print(Text.from_ansi(text), soft_wrap=True)
    if suffix == ".svg":
        console.save_svg(str(path), title="ticketcost")
    else:
        console.save_html(str(path))
