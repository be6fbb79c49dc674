"""Nearest-rank percentiles found by counting tickets in bins of cost, against sorting them all."""

from __future__ import annotations

import math
from decimal import Decimal

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ticketcost.attribution import ranks

D = Decimal


def by_sorting(costs: list[Decimal]) -> dict[str, Decimal]:
    """The oracle: every cost in order, the one at rank ⌈p·n⌉ (1-based)."""
    ordered = sorted(costs)
    n = len(ordered)
    found = {name: ordered[math.ceil(p * n) - 1] for name, p in ranks.PERCENTILES.items()}
    return found | {"max": ordered[-1]}


def binned(costs: list[Decimal], portable: bool = False) -> dict[str, Decimal]:
    con = duckdb.connect()
    con.execute("CREATE TABLE tk (cost DECIMAL(38,18))")
    con.executemany("INSERT INTO tk VALUES (?)", [(str(c),) for c in costs])
    return ranks.percentiles(con, portable=portable)


def test_a_hundred_tickets_by_hand():
    # costs 0.01, 0.02, ..., 1.00: p50 is the 50th (0.50), p95 the 95th, p99 the 99th
    costs = [D(i) / 100 for i in range(1, 101)]
    assert binned(costs) == {"p50": D("0.5"), "p95": D("0.95"), "p99": D("0.99"), "max": D(1)}


def test_one_ticket_and_equal_costs():
    assert binned([D("0.25")]) == dict.fromkeys(["p50", "p95", "p99", "max"], D("0.25"))
    assert binned([D("0.1")] * 7) == dict.fromkeys(["p50", "p95", "p99", "max"], D("0.1"))


@pytest.fixture
def few(monkeypatch: pytest.MonkeyPatch) -> None:
    # 4 bins and at most 3 tickets put in order: every rank is binned again, several times
    monkeypatch.setattr(ranks, "BINS", 4)
    monkeypatch.setattr(ranks, "SORT_LIMIT", 3)


def test_a_heavy_tail_is_narrowed_bin_by_bin(few):
    # 200 cheap tickets a millionth of a cent apart and one at $1,000,000: the cheap ones all
    # fall in the first bin of four, which is binned again until three or fewer remain
    costs = [D("0.000000000001") * i for i in range(200)] + [D(1_000_000)]
    assert binned(costs) == by_sorting(costs)


costs_strategy = st.lists(
    st.one_of(
        st.integers(0, 10**6).map(lambda i: D(i) / 10**6),  # up to $1, to the micro-dollar
        st.integers(0, 10**20).map(lambda i: D(i).scaleb(-18)),  # any 18-decimal cost to $100
        st.sampled_from([D(0), D("0.5"), D("0.5"), D("123456789.123456789012345678")]),  # ties
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(costs=costs_strategy)
def test_the_same_as_sorting_every_ticket(costs: list[Decimal]):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ranks, "BINS", 4)
        patch.setattr(ranks, "SORT_LIMIT", 3)
        assert binned(costs) == by_sorting(costs)
    assert binned(costs) == by_sorting(costs)  # (the shipped bins and limit: one sort)
    assert binned(costs, portable=True) == by_sorting(costs)  # (--emit-sql: one window)
