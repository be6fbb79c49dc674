"""Output formats: pure ``Report -> str`` functions, one per :class:`OutputFormat`."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ticketcost import money
from ticketcost.io import jsonout
from ticketcost.money import Phrase
from ticketcost.report.model import Cell, Kind, Report


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


def _symbol(report: Report) -> str:
    from ticketcost.pricing.view import currency_symbol

    return currency_symbol(report.currency)


def as_text(text: str, symbol: str = "$") -> str:
    """Text as shown: a Phrase renders its amounts and signs with ``symbol``; any other text is
    shown as written (never edited, so a "$" in a model's notes or a file name stays a "$")."""
    return text.render(symbol) if isinstance(text, Phrase) else text


def _in_currency(value: Any, currency: str, symbol: str) -> Any:
    """A payload stated for ``currency``: Phrases rendered with its symbol, keys renamed."""
    if isinstance(value, dict):
        return {
            _currency_key(k, currency): currency
            if k == "currency"
            else _in_currency(v, currency, symbol)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_in_currency(v, currency, symbol) for v in value]
    if isinstance(value, Phrase):
        return value.render(symbol)
    return value


def _currency_key(key: str, currency: str) -> str:
    """A payload or CSV key for amounts in ``currency``: cost_usd -> cost_eur (the unit is part
    of every such key's name)."""
    return key if currency == "USD" else key.replace("usd", currency.lower())


def format_json(report: Report) -> str:
    payload = report.payload
    if report.currency != "USD":
        payload = _in_currency(payload, report.currency, _symbol(report))
    return jsonout.dumps(payload) + "\n"


def _csv_cell(value: Cell, symbol: str) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return money.plain(value)  # exact digits, no currency sign
    if isinstance(value, str):
        return as_text(value, symbol)
    return str(value)


def format_csv(report: Report) -> str:
    """The report's main (first) table, every column, exact values. JSON has everything else."""
    import csv

    table = report.tables[0]
    kept = [i for i, column in enumerate(table.columns) if column.csv]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_currency_key(table.columns[i].key, report.currency) for i in kept)
    symbol = _symbol(report)
    for row in table.rows:
        writer.writerow(_csv_cell(row[i], symbol) for i in kept)
    return buffer.getvalue()


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def format_markdown(report: Report) -> str:
    from ticketcost.report.texttable import draw_chart

    symbol = _symbol(report)

    def md(text: str) -> str:
        return _md_escape(as_text(text, symbol))

    lines = [f"**{md(line)}**  " for line in report.headline]
    for table in report.tables:
        columns = [table.columns[i] for i in table.terminal_columns()]
        if not table.rows:
            lines += ["", f"### {md(table.title)}", "", "none"]
            continue
        lines += ["", f"### {md(table.title)}", ""]
        lines.append("| " + " | ".join(md(c.header) for c in columns) + " |")
        lines.append(
            "|" + "|".join("---" if c.kind is Kind.TEXT else "---:" for c in columns) + "|"
        )
        lines += [
            "| " + " | ".join(_md_escape(c) for c in row) + " |" for row in table.displayed(symbol)
        ]
    for chart in report.charts:
        lines += ["", f"### {md(chart.title)}", "", "```", draw_chart(chart).rstrip(), "```"]
    if report.notes:
        lines.append("")
        lines.extend(f"- {md(note)}" for note in report.notes)
    return "\n".join(lines).lstrip("\n") + "\n"


def format_table(
    report: Report, color: bool = False, ascii: bool = False, max_width: int | None = None
) -> str:
    """The terminal view (ANSI bold headers and dim notes when ``color``; only ASCII characters
    when ``ascii``, each text spelled out before the columns are measured, so they stay aligned),
    at most ``max_width`` columns wide when given: text wraps, charts shrink, and a table that
    still does not fit leaves out its least important columns (and says which)."""
    from ticketcost.report.ascii import text_ascii
    from ticketcost.report.texttable import BOLD, DIM, RESET, draw_chart, draw_table, wrap_lines

    symbol = _symbol(report)

    def shown(text: str) -> str:
        text = as_text(text, symbol)
        return text_ascii(text) if ascii else text

    def styled(text: str, style: str, indent: str = "") -> str:
        lines = wrap_lines(shown(text), max_width, indent)
        return "\n".join(f"{style}{line}{RESET}" if color else line for line in lines)

    parts = [styled(line, BOLD, "  ") + "\n" for line in report.headline]
    for table in report.tables:
        if parts:
            parts.append("\n")
        if not table.rows:
            parts.append(styled(f"{table.title}: none", BOLD) + "\n")
            continue
        shown_columns = table.terminal_columns()
        parts.append(
            draw_table(
                styled(table.title, BOLD),
                [shown(table.columns[i].header) for i in shown_columns],
                [[shown(cell) for cell in row] for row in table.displayed(symbol)],
                [table.columns[i].kind is not Kind.TEXT for i in shown_columns],
                table.group_breaks,
                color,
                max_width,
                [table.columns[i].priority for i in shown_columns],
            )
        )
    for chart in report.charts:
        parts.append("\n" + styled(chart.title, BOLD) + "\n" + draw_chart(chart, max_width))
    if report.notes:
        parts.append("".join(styled(note, DIM, "  ") + "\n" for note in report.notes))
    text = "".join(parts)
    return text_ascii(text) if ascii else text  # box drawing and bars, one for one


FORMATTERS: dict[OutputFormat, Callable[[Report], str]] = {
    OutputFormat.TABLE: format_table,
    OutputFormat.JSON: format_json,
    OutputFormat.CSV: format_csv,
    OutputFormat.MARKDOWN: format_markdown,
}


def format_report(report: Report, output_format: OutputFormat) -> str:
    return FORMATTERS[output_format](report)
