"""Machine and document formats: pure ``Report -> str`` functions, one per :class:`OutputFormat`.

``table`` is drawn by :mod:`ticketcost.render` (rich, imported only when a table is asked for).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum

from ticketcost import jsonout, money
from ticketcost.report import Cell, Kind, Report, display


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


def format_json(report: Report) -> str:
    return jsonout.dumps(report.payload) + "\n"


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return money.plain(value)  # exact digits, no currency sign
    return str(value)


def format_csv(report: Report) -> str:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(column.key for column in report.columns)
    for row in report.rows:
        writer.writerow(_csv_cell(value) for value in row)
    return buffer.getvalue()


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def format_markdown(report: Report) -> str:
    shown = report.terminal_columns()
    columns = [report.columns[i] for i in shown]
    lines = [f"### {_md_escape(report.title)}", ""]
    lines.append("| " + " | ".join(_md_escape(c.header) for c in columns) + " |")
    lines.append("|" + "|".join("---:" if c.kind != "text" else "---" for c in columns) + "|")
    for row in report.rows:
        cells = [_md_escape(display(row[i], report.columns[i].kind)) for i in shown]
        lines.append("| " + " | ".join(cells) + " |")
    if report.notes:
        lines.append("")
        lines.extend(f"- {_md_escape(note)}" for note in report.notes)
    return "\n".join(lines) + "\n"


def format_table(report: Report, color: bool = False) -> str:
    """The terminal table (ANSI bold headers and dim notes when ``color``)."""
    from ticketcost.texttable import draw_table

    shown = report.terminal_columns()
    return draw_table(
        report.title,
        [report.columns[i].header for i in shown],
        [[display(row[i], report.columns[i].kind) for i in shown] for row in report.rows],
        [report.columns[i].kind is not Kind.TEXT for i in shown],
        report.notes,
        report.group_breaks,
        color,
    )


FORMATTERS: dict[OutputFormat, Callable[[Report], str]] = {
    OutputFormat.TABLE: format_table,
    OutputFormat.JSON: format_json,
    OutputFormat.CSV: format_csv,
    OutputFormat.MARKDOWN: format_markdown,
}


def format_report(report: Report, output_format: OutputFormat) -> str:
    return FORMATTERS[output_format](report)
