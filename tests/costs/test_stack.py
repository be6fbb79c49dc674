"""The cost stack, computed from config inputs and checked against hand arithmetic."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from ticketcost.costs.config import Config
from ticketcost.costs.stack import compute_stack
from ticketcost.money import format_money
from ticketcost.pricing.table import price_table


def stack(data: dict):
    return compute_stack(Config.model_validate(data), price_table())


def one_intent(**conversation) -> list[dict]:
    return [{"name": "all", "share": 1, "model": "claude-haiku-4-5", "conversation": conversation}]


# The worked example of a typical ticket: $0.03 model + $0.08 embeddings + $0.04 retries +
# $0.25 human review + $0.03 observability + $0.04 integrations + $0.05 infrastructure = $0.52.
# Built from component inputs; each line is computed by hand below.
WORKED_EXAMPLE = {
    "volume": 10_000,
    # Claude Haiku 4.5 ($1 in / $5 out per 1M), 2 turns, 9,000 system, 1,000 user, 1,000 assistant:
    # turn 1 sends 10,000 tokens, turn 2 sends 9,000 + 2x1,000 + 1,000 = 12,000 -> 22,000 x $1/M
    # = $0.022; output 2 x 1,000 x $5/M = $0.01 -> $0.032 a ticket (the article's "$0.03").
    "intents": one_intent(turns=2, system_tokens=9000, user_tokens=1000, assistant_tokens=1000),
    # 1.25 retried calls per call x $0.032 = $0.04. The article's retries exceed its model cost,
    # so reproducing it takes more than one retry per call on average.
    "retries": {"rate": D("1.25")},
    # 5 lookups x 1,000 tokens x $0.13/M = $0.00065; vector DB $793.50 / 10,000 = $0.07935
    # -> $0.08 a ticket
    "embeddings": {
        "lookups_per_ticket": 5,
        "tokens_per_lookup": 1000,
        "usd_per_mtok": D("0.13"),
        "vector_db_monthly_usd": D("793.50"),
    },
    # $60,000 / 2,000 h = $30/h; 10% of tickets x 5 min x $30/60 = $0.25 a ticket
    "human": {
        "annual_cost_usd": 60000,
        "productive_hours_per_year": 2000,
        "review_rate": D("0.10"),
        "review_minutes": 5,
    },
    # $0.01 a ticket + $200 / 10,000 = $0.03
    "observability": {"per_ticket_usd": D("0.01"), "monthly_usd": 200},
    # 2 x $0.015 + 1 x $0.01 = $0.04
    "integrations": [
        {"name": "crm", "calls_per_ticket": 2, "usd_per_call": D("0.015")},
        {"name": "sms", "calls_per_ticket": 1, "usd_per_call": D("0.01")},
    ],
    # ($300 + $150 + $50) / 10,000 = $0.05
    "infrastructure": [
        {"name": "hosting", "monthly_usd": 300},
        {"name": "gateway", "monthly_usd": 150},
        {"name": "queue", "monthly_usd": 50},
    ],
}


def test_worked_example_yields_52_cents_per_ticket():
    result = stack(WORKED_EXAMPLE)
    per_ticket = {k: result.per_ticket(v) for k, v in result.category_totals().items()}
    assert per_ticket == {
        "model": D("0.032"),
        "retries": D("0.04"),
        "embeddings": D("0.08"),
        "human": D("0.25"),
        "observability": D("0.03"),
        "integrations": D("0.04"),
        "infrastructure": D("0.05"),
    }
    # to the cent, as the article prints each part
    assert [format_money(v, 1) for v in per_ticket.values()] == [
        "$0.03", "$0.04", "$0.08", "$0.25", "$0.03", "$0.04", "$0.05",
    ]  # fmt: skip
    total = result.per_ticket(result.total_monthly)
    assert total == D("0.522")  # 0.032 + 0.04 + 0.08 + 0.25 + 0.03 + 0.04 + 0.05
    assert format_money(total, 2) == "$0.52"
    assert result.total_monthly == D("5220")  # x 10,000 tickets, exactly the sum of the lines
    assert sum(line.monthly_usd for line in result.lines) == result.total_monthly
    # nothing escalates, so every ticket handled is resolved
    assert result.per_resolved(result.total_monthly) == total
    # visible API vs hidden: $320 of $5,220
    assert result.visible_monthly == D("320")
    assert result.hidden_monthly == D("4900")


def test_escalations_cost_labour_and_shrink_the_resolved_denominator():
    data = {
        "volume": 1000,
        "intents": [
            {
                "name": "easy",
                "share": D("0.8"),
                "model": "gpt-5.4-nano",
                "escalation_rate": D("0.1"),
            },
            {
                "name": "hard",
                "share": D("0.2"),
                "model": "claude-sonnet-4-6",
                "escalation_rate": D("0.5"),
            },
        ],
        "human": {"hourly_usd": 30, "escalation_minutes": 10},
    }
    result = stack(data)
    # standard 5-turn ticket: nano $0.0026, sonnet $0.03525 (see test_conversation)
    # model: 800 x 0.0026 + 200 x 0.03525 = 2.08 + 7.05 = 9.13
    # escalated: 800 x 0.1 + 200 x 0.5 = 80 + 100 = 180 tickets x 10 min x $30/60 = $900
    lines = {line.key: line.monthly_usd for line in result.lines}
    assert lines == {"model": D("9.13"), "escalations": D("900")}
    assert result.resolved == D("820")  # 1,000 - 180
    assert result.per_ticket(result.total_monthly) == D("0.90913")  # 909.13 / 1,000
    # 909.13 / 820 = 1.10869512195... (divided to 40 significant digits)
    assert result.per_resolved(result.total_monthly).quantize(D("0.00000001")) == D("1.10869512")
    easy, hard = result.intents
    assert (easy.tickets, easy.resolved, hard.tickets, hard.resolved) == (800, 720, 200, 100)
    # escalation labour belongs to its intent: 80 x 10 / 60 x 30 = 400; 100 x ... = 500
    assert (easy.escalation_monthly, hard.escalation_monthly) == (D("400"), D("500"))
    assert easy.all_in_monthly + hard.all_in_monthly == result.total_monthly


def test_shared_costs_are_spread_by_ticket_share():
    data = {
        "volume": 1000,
        "intents": [
            {"name": "a", "share": D("0.25"), "model": "gpt-5.4-nano"},
            {"name": "b", "share": D("0.75"), "model": "gpt-5.4-nano"},
        ],
        "infrastructure": [{"name": "hosting", "monthly_usd": 100}],
    }
    a, b = stack(data).intents
    assert (a.allocated_monthly, b.allocated_monthly) == (D("25"), D("75"))
    # a: 250 x $0.0026 = $0.65 model + $25 shared = $25.65 -> / 250 tickets = $0.1026
    assert a.per_ticket == D("0.1026")


def test_hourly_rate_derived_from_annual_cost():
    data = {
        "volume": 100,
        "intents": one_intent(),
        "human": {
            "annual_cost_usd": 50000,
            "productive_hours_per_year": 1800,
            "review_rate": 1,
            "review_minutes": 6,
        },
    }
    result = stack(data)
    # $50,000 / 1,800 h = $27.777...; every ticket reviewed for 6 min = 1/10 h -> $2.777... each
    assert str(result.hourly_usd).startswith("27.7777777777")
    review = next(line for line in result.lines if line.key == "human_review")
    assert review.monthly_usd.quantize(D("0.01")) == D("277.78")  # 100 tickets
    assert "$50,000.00 a year / 1,800 h" in review.basis
    # the explanation keeps its amounts as exact values: the derived hourly rate, then the salary
    hourly, annual = review.basis.amounts
    assert hourly == result.hourly_usd and annual == D(50000)
    assert "€50,000.00 a year" in review.basis.render("€")


def test_caching_in_an_intent_profile():
    data = {"volume": 1, "intents": one_intent(cache="system", system_tokens=5000)}
    # a 5,000-token system prompt on Haiku (minimum cacheable 4,096) cached from turn 2:
    # write 5,000 x $1.25 + read 20,000 x $0.10 + fresh 4,250 x $1 + output 1,000 x $5
    # = 6,250 + 2,000 + 4,250 + 5,000 = 17,500 µ$ (see test_conversation)
    assert stack(data).total_monthly == D("0.0175")


def test_retries_apply_to_model_cost_only():
    data = {
        "volume": 10,
        "intents": one_intent(),
        "retries": {"rate": D("0.1")},
        "observability": {"per_ticket_usd": 1},
    }
    lines = {line.key: line.monthly_usd for line in stack(data).lines}
    # model 10 x $0.01175 = $0.1175; retries 0.1 x that = $0.01175; observability $10
    assert lines == {"model": D("0.1175"), "retries": D("0.01175"), "observability": D("10")}


def test_no_resolved_tickets_means_no_per_resolved_figure():
    data = {"volume": 10, "intents": one_intent()}
    data["intents"][0]["escalation_rate"] = 1
    result = stack(data)
    assert result.resolved == 0
    assert result.per_resolved(result.total_monthly) is None
    assert result.intents[0].per_resolved is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("volume", 0, "greater than 0"),
        ("volume", "many", "must be a number, not text"),
        ("volume", True, "must be a number, not true or false"),
        ("volume", 10**10, "less than or equal to 1000000000"),
    ],
)
def test_schema_rejects_bad_values(field, value, message):
    from pydantic import ValidationError

    data = {"volume": 10, "intents": one_intent(), field: value}
    with pytest.raises(ValidationError, match=message):
        Config.model_validate(data)
