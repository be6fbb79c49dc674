"""Invariants of the cost stack over random configs."""

from __future__ import annotations

from decimal import Decimal, localcontext

from helpers import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from ticketcost.costs.config import Config
from ticketcost.costs.stack import compute_stack
from ticketcost.pricing.table import price_table

MODELS = ["gpt-5.4-nano", "claude-haiku-4-5", "gemini-2.5-flash", "llama-3.3-70b-versatile"]
money = st.integers(0, 10_000).map(lambda n: Decimal(n) / 100)
rate = st.integers(0, 100).map(lambda n: Decimal(n) / 100)


@st.composite
def configs(draw) -> dict:
    parts = draw(st.lists(st.integers(1, 10), min_size=1, max_size=4))
    total = sum(parts)
    # shares that sum to exactly 1: each part / total, with the rounding remainder on the last
    shares = [Decimal(p * 1000 // total) / 1000 for p in parts[:-1]]
    shares.append(Decimal(1) - sum(shares, Decimal(0)))
    if shares[-1] <= 0:
        shares = [Decimal(1)]
    intents = [
        {
            "name": f"i{n}",
            "share": share,
            "model": draw(st.sampled_from(MODELS)),
            "escalation_rate": draw(rate),
            "conversation": {
                "turns": draw(st.integers(1, 8)),
                "system_tokens": draw(st.integers(0, 3000)),
                "cache": draw(st.sampled_from(["none", "system", "prefix"])),
            },
        }
        for n, share in enumerate(shares)
    ]
    return {
        "volume": draw(st.integers(1, 200_000)),
        "intents": intents,
        "retries": {"rate": draw(rate)},
        "embeddings": {
            "lookups_per_ticket": draw(st.integers(0, 5)),
            "tokens_per_lookup": draw(st.integers(0, 2000)),
            "usd_per_mtok": draw(money),
            "vector_db_monthly_usd": draw(money),
        },
        "human": {
            "hourly_usd": draw(money),
            "review_rate": draw(rate),
            "review_minutes": draw(st.integers(0, 10)),
            "escalation_minutes": draw(st.integers(0, 30)),
        },
        "observability": {"per_ticket_usd": draw(money), "monthly_usd": draw(money)},
        "integrations": [
            {"name": "x", "calls_per_ticket": draw(rate), "usd_per_call": draw(money)}
        ],
        "infrastructure": [{"name": "y", "monthly_usd": draw(money)}],
    }


def stack(data: dict):
    return compute_stack(Config.model_validate(data), price_table())


@settings(max_examples=examples(150), deadline=None)
@given(configs())
def test_totals_are_the_exact_sum_of_their_parts(data):
    result = stack(data)
    total = result.total_monthly
    with localcontext(prec=200):  # sums here must not round either (the default keeps 28 digits)
        assert sum((line.monthly_usd for line in result.lines), Decimal(0)) == total
        assert sum(result.category_totals().values(), Decimal(0)) == total
        assert result.visible_monthly + result.hidden_monthly == total
        assert sum((i.all_in_monthly for i in result.intents), Decimal(0)) == total
        assert result.resolved + result.escalated == result.volume


@settings(max_examples=examples(150), deadline=None)
@given(
    configs(),
    st.sampled_from(
        [
            ("retries", "rate"),
            ("observability", "monthly_usd"),
            ("observability", "per_ticket_usd"),
            ("human", "hourly_usd"),
            ("embeddings", "vector_db_monthly_usd"),
        ]
    ),
)
def test_raising_a_cost_input_never_lowers_the_total(data, field):
    section, key = field
    before = stack(data).total_monthly
    data[section][key] = data[section][key] + 1
    assert stack(data).total_monthly >= before


@settings(max_examples=examples(100), deadline=None)
@given(configs())
def test_more_escalation_never_lowers_cost_per_resolved_ticket(data):
    first = stack(data)
    data["intents"][0]["escalation_rate"] = min(
        Decimal(1), data["intents"][0]["escalation_rate"] + Decimal("0.1")
    )
    second = stack(data)
    a, b = first.per_resolved(first.total_monthly), second.per_resolved(second.total_monthly)
    if a is not None and b is not None:
        assert b >= a
