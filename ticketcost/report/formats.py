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


def _in_currency(value: Any, currency: str) -> Any:
    """Keys and texts of a payload restated for ``currency`` (amounts are already in it)."""
    from ticketcost.pricing.view import currency_symbol

    if isinstance(value, dict):
        return {
            _currency_key(k, currency): currency if k == "currency" else _in_currency(v, currency)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_in_currency(v, currency) for v in value]
    if isinstance(value, str):
        return value.replace("$", currency_symbol(currency))
    return value


def _currency_key(key: str, currency: str) -> str:
    return key if currency == "USD" else key.replace("usd", currency.lower())


def _currency_text(text: str, currency: str) -> str:
    """Text shown in ``currency``: a Phrase renders its amounts with the currency's symbol; other
    text written by a report builder has its "$" signs replaced."""
    if currency == "USD":
        return text
    from ticketcost.pricing.view import currency_symbol

    symbol = currency_symbol(currency)
    return text.render(symbol) if isinstance(text, Phrase) else text.replace("$", symbol)


def format_json(report: Report) -> str:
    payload = report.payload
    if report.currency != "USD":
        payload = _in_currency(payload, report.currency)
    return jsonout.dumps(payload) + "\n"


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return money.plain(value)  # exact digits, no currency sign
    return str(value)


def format_csv(report: Report) -> str:
    """The report's main (first) table, every column, exact values. JSON has everything else."""
    import csv

    table = report.tables[0]
    kept = [i for i, column in enumerate(table.columns) if column.csv]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_currency_key(table.columns[i].key, report.currency) for i in kept)
    for row in table.rows:
        writer.writerow(_currency_text(_csv_cell(row[i]), report.currency) for i in kept)
    return buffer.getvalue()


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def format_markdown(report: Report) -> str:
    from ticketcost.report.texttable import draw_chart

    lines = [f"**{_md_escape(line)}**  " for line in report.headline]
    for table in report.tables:
        columns = [table.columns[i] for i in table.terminal_columns()]
        lines += ["", f"### {_md_escape(table.title)}", ""]
        lines.append("| " + " | ".join(_md_escape(c.header) for c in columns) + " |")
        lines.append(
            "|" + "|".join("---" if c.kind is Kind.TEXT else "---:" for c in columns) + "|"
        )
        lines += ["| " + " | ".join(_md_escape(c) for c in row) + " |" for row in table.displayed()]
    for chart in report.charts:
        lines += [
            "",
            f"### {_md_escape(chart.title)}",
            "",
            "```",
            draw_chart(chart).rstrip(),
            "```",
        ]
    if report.notes:
        lines.append("")
        lines.extend(f"- {_md_escape(note)}" for note in report.notes)
    return _currency_text("\n".join(lines).lstrip("\n") + "\n", report.currency)


def format_table(report: Report, color: bool = False) -> str:
    """The terminal view (ANSI bold headers and dim notes when ``color``)."""
    from ticketcost.report.texttable import BOLD, DIM, RESET, draw_chart, draw_table

    def styled(text: str, style: str) -> str:
        return f"{style}{text}{RESET}" if color else text

    def money(text: str) -> str:  # cell by cell, so that a longer symbol keeps columns aligned
        return _currency_text(text, report.currency)

    parts = [styled(money(line), BOLD) + "\n" for line in report.headline]
    for table in report.tables:
        if parts:
            parts.append("\n")
        shown = table.terminal_columns()
        parts.append(
            draw_table(
                styled(money(table.title), BOLD),
                [money(table.columns[i].header) for i in shown],
                [[money(cell) for cell in row] for row in table.displayed()],
                [table.columns[i].kind is not Kind.TEXT for i in shown],
                table.group_breaks,
                color,
            )
        )
    for chart in report.charts:
        parts.append("\n" + styled(money(chart.title), BOLD) + "\n" + money(draw_chart(chart)))
    if report.notes:
        parts.append("".join(styled(money(note), DIM) + "\n" for note in report.notes))
    return "".join(parts)


FORMATTERS: dict[OutputFormat, Callable[[Report], str]] = {
    OutputFormat.TABLE: format_table,
    OutputFormat.JSON: format_json,
    OutputFormat.CSV: format_csv,
    OutputFormat.MARKDOWN: format_markdown,
}


def format_report(report: Report, output_format: OutputFormat) -> str:
    return FORMATTERS[output_format](report)
