"""The report layer: columns declared beside their values, exports, GitHub workflow commands."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import pytest

from ticketcost.costs.budgets import BudgetResult, Status
from ticketcost.errors import TicketcostError
from ticketcost.money import Amount, Phrase
from ticketcost.report.export import write_export
from ticketcost.report.formats import format_table
from ticketcost.report.github import workflow_annotations
from ticketcost.report.model import Column, Kind, Report, display, table_of


class Row(NamedTuple):
    name: str
    cost: Decimal


def test_table_of_reads_each_column_from_the_item():
    table = table_of(
        "Costs",
        [
            (Column("name", "Name"), lambda r: r.name),
            (Column("cost", "Cost", Kind.USD), lambda r: r.cost),
        ],
        [Row("a", Decimal("0.5")), Row("b", Decimal("1.25"))],
    )
    assert [c.key for c in table.columns] == ["name", "cost"]
    assert table.rows == (("a", Decimal("0.5")), ("b", Decimal("1.25")))
    assert table.displayed() == [["a", "$0.50"], ["b", "$1.25"]]


def test_an_empty_table_still_has_its_columns():
    table = table_of("None", [(Column("name", "Name"), lambda r: r.name)], [])
    assert [c.header for c in table.columns] == ["Name"] and table.rows == ()


def test_a_phrase_in_a_table_is_shown_in_the_report_currency():
    fields = [(Column("how", "How"), lambda p: p)]
    table = table_of("t", fields, [Phrase(Amount(Decimal(100)), " a month")])
    assert display(table.rows[0][0], Kind.TEXT, "€") == "€100.00 a month"
    text = format_table(Report((table,), dict, currency="EUR"))
    assert "€100.00 a month" in text and "$" not in text


def test_export_refuses_an_unknown_suffix(tmp_path: Path):
    report = Report((), dict)
    with pytest.raises(TicketcostError, match=r"unknown file type '\.pdf'"):
        write_export(report, tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


def test_workflow_annotations_escape_and_point_at_the_budget_line():
    breach = BudgetResult(
        key="monthly",
        label="Monthly spend",
        unit="usd",
        limit=Decimal(100),
        warn=None,
        actual=Decimal("123.456"),
        status=Status.BREACH,
        loc=("budgets", "monthly_spend"),
    )
    ok = dataclasses.replace(breach, key="other", status=Status.OK)  # no annotation for a pass
    lines = workflow_annotations([breach, ok], Path("dir,x/ticketcost.yaml"), lambda loc: 12)
    # GitHub's workflow command syntax: properties escape ',' and ':' as %2C and %3A
    assert lines == [
        "::error file=dir%2Cx/ticketcost.yaml,line=12,title=ticketcost budget::"
        "Monthly spend: $123.46 is above the max $100.00"  # 4 figures, never fewer than cents
    ]


ACME = """\
  - id: acme-small
    name: Acme Small
    input_usd_per_mtok: 0.5
    output_usd_per_mtok: 1.5
    cache_read_usd_per_mtok: null
    cache_write_usd_per_mtok: null
    notes: "$5 a month minimum spend"
"""


@pytest.mark.parametrize("output_format", ["table", "json", "csv", "markdown"])
def test_another_currency_is_rendered_once_and_user_text_is_never_edited(price_file, output_format):
    from helpers import run

    args = ["--pricing", str(price_file(ACME)), "--currency", "EUR", "--fx", "0.92"]
    out = run("models", "--provider", "acme", *args, "--format", output_format).stdout
    # 0.5 USD per 1M × 0.92 = 0.46 EUR; the column and the amount carry the euro sign...
    assert "0.46" in out
    if output_format in ("table", "markdown"):
        assert "€0.46" in out and "In €/M" in out
    # ...while the price file's own note, written in dollars, keeps its "$"
    assert "$5 a month minimum spend" in out
    assert out.count("$") == out.count("$5 a month")
