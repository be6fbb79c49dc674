"""Table ``prices`` of the attribution: small tables sent as text, each model's rates spread over
bands and periods by the engine, and a price that cannot be summed exactly refused only when a
log uses it."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ticketcost.attribution import attribute, find_sources
from ticketcost.attribution.connection import DuckDb
from ticketcost.attribution.rates import candidate_names, load_prices, price_axes, rows_sql
from ticketcost.attribution.sources import build_options
from ticketcost.attribution.sql import edges_passed
from ticketcost.errors import TicketcostError
from ticketcost.pricing.table import PriceTable, bundled_prices

D = Decimal


@pytest.mark.parametrize("count", [0, 1, 2, 3, 4, 14, 15])
def test_band_period_and_slot_numbers_count_the_edges_passed(count: int) -> None:
    # the nested CASE of edges_passed against counting by hand, for every value around every
    # edge: ">=" (a price change on the request's own day applies) and ">" (a long-context tier
    # applies to more input than its threshold)
    edges = [10 * (i + 1) for i in range(count)]  # 10, 20, ...
    values = range(0, 10 * count + 12)
    for operator in (">=", ">"):
        query = edges_passed("v", [str(e) for e in edges], operator)
        found = duckdb.sql(f"SELECT v, {query} FROM range({len(values)}) t(v) ORDER BY v")
        by_hand = [sum(v >= e if operator == ">=" else v > e for e in edges) for v in values]
        assert [n for _, n in found.fetchall()] == by_hand, operator


def test_rows_sent_as_text_come_back_exactly() -> None:
    columns = (("name", "VARCHAR"), ("n", "INTEGER"), ("rate", "DECIMAL(38,18)"))
    rows = [
        ("gpt-5.4-mini", "0", "0.000000750000000001"),
        ("no rate", "1", None),
        # separators, an empty text and a quote travel in a VALUES row
        ("a,b;c", "2", "0.5"),
        ("", "3", "1"),
        ("it's", None, "2"),
    ]
    found = duckdb.sql(f"SELECT * FROM ({rows_sql(columns, rows)}) ORDER BY 2 NULLS LAST")
    assert found.fetchall() == [
        ("gpt-5.4-mini", 0, D("0.000000750000000001")),
        ("no rate", 1, None),
        ("a,b;c", 2, D("0.5")),
        ("", 3, D("1")),
        ("it's", None, D("2")),
    ]
    assert duckdb.sql(f"SELECT count(*) FROM ({rows_sql(columns, [])})").fetchall() == [(0,)]


def test_every_band_period_and_name_of_a_model_gets_its_rates() -> None:
    table = bundled_prices()
    axes = price_axes(table)
    con = DuckDb(duckdb.connect())
    loaded = load_prices(con, table, axes, ["gpt-5.4-mini", "openai/gpt-5.4-mini", "nope"])
    assert loaded.resolved["nope"].price is None
    rows = con.execute(
        "SELECT log_model, count(*), count(DISTINCT band), count(DISTINCT period), "
        "min(inp), max(inp) FROM prices WHERE variant IS NULL GROUP BY 1 ORDER BY 1"
    ).fetchall()
    bands, periods = len(axes.thresholds) + 1, len(axes.changes) + 1
    # gpt-5.4-mini: $0.75 per 1M input = 0.00000075 a token, in every band and period (it has
    # no tier, no earlier price and no time-of-day window); both names priced alike
    one = (bands * periods, bands, periods, D("0.00000075"), D("0.00000075"))
    assert rows == [("gpt-5.4-mini", *one), ("openai/gpt-5.4-mini", *one)]


def test_candidate_names_are_ids_and_aliases_as_written_and_in_lower_case() -> None:
    names = set(candidate_names(bundled_prices()))
    assert {"gpt-5.4-mini", "claude-haiku-4-5", "claude-haiku-4-5-20251001"} <= names
    assert all(n.lower() in names for n in names)


def test_a_price_that_cannot_be_summed_exactly_is_refused_only_when_used(tmp_path: Path) -> None:
    table = bundled_prices()
    mini = table.get("gpt-5.4-mini")
    # $0.0000000000001 per 1M tokens is 10^-19 dollars a token: below the 18 decimals summed
    odd = dataclasses.replace(
        table.get("gpt-4o-mini"), input_usd_per_mtok=D("0.0000000000001"), history=()
    )
    prices = PriceTable([*(m for m in table if m.id != odd.id), odd])
    log = tmp_path / "log.jsonl"
    log.write_text(
        json.dumps({"ticket_id": "T1", "model": mini.id, "input_tokens": 1000, "output_tokens": 0})
        + "\n"
    )
    # 1,000 x $0.75 per 1M = $0.00075
    result = attribute(find_sources([log], None), prices, build_options(None))
    assert result.cost_usd == D("0.00075")
    log.write_text(
        json.dumps({"ticket_id": "T1", "model": odd.id, "input_tokens": 1000, "output_tokens": 0})
        + "\n"
    )
    with pytest.raises(TicketcostError, match=r"^gpt-4o-mini: .* more than 12 decimal places"):
        attribute(find_sources([log], None), prices, build_options(None))
