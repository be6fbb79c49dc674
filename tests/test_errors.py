"""Errors about a parameter name it as the library spells it; the command line says its flag."""

from __future__ import annotations

from decimal import Decimal

import pytest
from helpers import error

from ticketcost.costs.growth import parse_volumes
from ticketcost.errors import TicketcostError
from ticketcost.pricing.view import Adjustment


def test_the_core_names_the_parameter():
    with pytest.raises(TicketcostError) as raised:
        Adjustment(discount_pct=Decimal(120))
    assert raised.value.param == "discount"
    assert str(raised.value) == "discount must be at least 0 and below 100 percent (got 120)"


def test_the_command_line_names_the_flag():
    message = error("estimate", "--discount", "120")
    assert message == "Error: --discount must be at least 0 and below 100 percent (got 120)\n"


def test_a_parameter_with_underscores_becomes_a_dashed_flag():
    with pytest.raises(TicketcostError) as raised:
        parse_volumes("10K,lots")
    assert str(raised.value).startswith("volumes: 'lots' is not a ticket count")
    assert error("scale-table", "--volumes", "10K,lots").startswith("Error: --volumes: 'lots'")
    assert error("scale-table", "--human-cost-per-ticket", "x").startswith(
        "Error: --human-cost-per-ticket: 'x' is not an amount"
    )


def test_message_with_renames_only_the_leading_parameter():
    exc = TicketcostError("as_of 2026-13-01: use a date like 2026-03-01", param="as_of")
    assert exc.message_with(lambda p: "--" + p.replace("_", "-")) == (
        "--as-of 2026-13-01: use a date like 2026-03-01"
    )
    plain = TicketcostError("prices.yaml: line 3: bad")
    assert plain.param is None and plain.message_with(str.upper) == "prices.yaml: line 3: bad"


def test_a_hint_names_another_parameter_in_backquotes():
    from ticketcost.pricing.table import price_table

    with pytest.raises(TicketcostError) as raised:
        price_table().get("gpt-99")
    assert str(raised.value).endswith("or add yours with `pricing` FILE)")
    assert error("estimate", "-m", "gpt-99").endswith("or add yours with --pricing FILE)\n")


def test_only_declared_hints_are_renamed():
    # backquotes in other text (a value from a user's file, say) are left as they are
    exc = TicketcostError("bad value `rm` in `pricing` FILE", hints=("pricing",))
    assert exc.message_with(lambda p: "--" + p) == "bad value `rm` in --pricing FILE"


def test_model_selection_lives_in_the_price_table():
    from ticketcost.pricing.table import price_table

    table = price_table()
    # aliases resolve to their model, a model named twice is kept once, in the order given
    chosen = table.select(["haiku-4.5", "gpt-5.4-mini", "claude-haiku-4-5"])
    assert [m.id for m in chosen] == ["claude-haiku-4-5", "gpt-5.4-mini"]
    assert [m.id for m in table.select(["haiku-4.5", "gpt-5.4-mini"], "openai")] == ["gpt-5.4-mini"]
    assert error("estimate", "-m", "gpt-5.4-mini", "--provider", "anthropic") == (
        "Error: none of the models given with --model is from 'anthropic'\n"
    )
