"""``--export FILE``: a report written as a picture of the terminal view (.svg, .html, rendered by
rich), as plain text (.txt), as markdown (.md), or its charts drawn as a PNG (.png, with the
``report`` extra: :mod:`ticketcost.report.vega`)."""

from __future__ import annotations

from pathlib import Path

from ticketcost.errors import TicketcostError
from ticketcost.io.atomic import write_atomic
from ticketcost.report.formats import format_markdown, format_table
from ticketcost.report.model import Report

EXPORT_SUFFIXES = (".svg", ".html", ".txt", ".md", ".png")


def write_export(report: Report, path: Path) -> None:
    """Write ``report`` to ``path`` in the format its suffix names."""
    suffix = path.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise TicketcostError(
            f"{path}: unknown file type '{suffix}'; use {', '.join(EXPORT_SUFFIXES)}"
        )
    if suffix == ".png":
        write_atomic(path, _chart_png(report, path))
        return
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


def _chart_png(report: Report, path: Path) -> bytes:
    """The report's charts (one above the other) as a PNG."""
    from ticketcost.report import vega

    if not report.charts:
        raise TicketcostError(
            f"{path}: this view has no chart to draw; .png is for the views with one (stack, "
            "compare, roi, curve; `ticketcost report` draws them all), .svg or .html pictures "
            "any table"
        )
    return vega.to_png(vega.stacked([vega.terminal_chart(chart) for chart in report.charts]))
