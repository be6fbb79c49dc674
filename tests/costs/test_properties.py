"""Invariants of the conversation pricing, checked with hypothesis."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from helpers import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from ticketcost.costs.conversation import CacheMode, ConversationProfile, price_conversation
from ticketcost.pricing.model import ModelPrice

prices = st.integers(min_value=0, max_value=100_000).map(lambda n: Decimal(n).scaleb(-3))
token_counts = st.integers(min_value=0, max_value=50_000)
turn_counts = st.integers(min_value=1, max_value=40)
modes = st.sampled_from(list(CacheMode))


def make_model(inp, out, read, write) -> ModelPrice:
    return ModelPrice(
        id="m",
        name="M",
        provider="p",
        provider_name="P",
        aliases=(),
        input_usd_per_mtok=inp,
        output_usd_per_mtok=out,
        cache_read_usd_per_mtok=read,
        cache_write_usd_per_mtok=write,
        source="test",
        verified=dt.date(2026, 1, 1),
        notes=None,
        origin="test",
    )


@st.composite
def models(draw) -> ModelPrice:
    read = draw(st.none() | prices)
    write = None if read is None else draw(st.none() | prices)
    return make_model(draw(prices), draw(prices), read, write)


@st.composite
def profiles(draw) -> ConversationProfile:
    return ConversationProfile(
        draw(turn_counts), draw(token_counts), draw(token_counts), draw(token_counts)
    )


@settings(max_examples=examples(300))
@given(
    models(),
    profiles(),
    modes,
    st.sampled_from(["turns", "system_tokens", "user_tokens", "assistant_tokens"]),
    st.integers(min_value=1, max_value=5_000),
)
def test_cost_never_decreases_when_tokens_or_turns_rise(model, profile, mode, field, bump):
    base = price_conversation(model, profile, mode).total_usd
    values = {
        "turns": profile.turns,
        "system_tokens": profile.system_tokens,
        "user_tokens": profile.user_tokens,
        "assistant_tokens": profile.assistant_tokens,
    }
    values[field] += bump if field != "turns" else min(bump, 10)
    assert price_conversation(model, ConversationProfile(**values), mode).total_usd >= base


@settings(max_examples=examples(300))
@given(models(), profiles(), modes)
def test_turns_sum_to_totals_exactly(model, profile, mode):
    result = price_conversation(model, profile, mode)
    cost = result.cost
    for category in ("fresh_input", "cache_read", "cache_write", "output"):
        assert sum((getattr(t.cost, category) for t in result.turns), Decimal(0)) == getattr(
            cost, category
        )
    assert cost.total == cost.fresh_input + cost.cache_read + cost.cache_write + cost.output
    # every token sent is billed exactly once, in one category
    for turn in result.turns:
        assert turn.tokens.input == profile.input_tokens(turn.turn)
    assert result.tokens.input == profile.total_input_tokens


@settings(max_examples=examples(300))
@given(prices, prices, st.data(), profiles(), st.sampled_from([CacheMode.SYSTEM, CacheMode.PREFIX]))
def test_caching_never_costs_more_without_a_write_premium(inp, out, data, profile, mode):
    # cache read cheaper than input, and writes either unpriced or priced at no premium
    read = data.draw(st.integers(0, max(int(inp * 1000) - 1, 0)).map(lambda n: Decimal(n) / 1000))
    write = data.draw(st.sampled_from([None, inp]))
    model = make_model(inp, out, min(read, inp), write)
    cached = price_conversation(model, profile, mode).total_usd
    uncached = price_conversation(model, profile, CacheMode.NONE).total_usd
    assert cached <= uncached


policies = st.one_of(
    st.just("full"),
    st.integers(0, 12).map(lambda n: f"window:{n}"),
    st.tuples(st.integers(0, 12), st.integers(1, 2000)).map(lambda t: f"summarize:{t[0]}:{t[1]}"),
)


@settings(max_examples=examples(300))
@given(models(), profiles(), st.sampled_from([CacheMode.NONE, CacheMode.SYSTEM]), policies)
def test_every_billed_token_is_priced_at_its_rate(model, profile, mode, spec):
    from ticketcost.costs.conversation import HistoryPolicy

    result = price_conversation(model, profile, mode, HistoryPolicy.parse(spec))
    per_mtok = Decimal(1_000_000)
    for turn in result.turns:
        tokens, cost = turn.tokens, turn.cost
        assert cost.fresh_input * per_mtok == tokens.fresh_input * model.input_usd_per_mtok
        assert cost.output * per_mtok == tokens.output * model.output_usd_per_mtok
        assert cost.cache_read * per_mtok == tokens.cache_read * (
            model.cache_read_usd_per_mtok or 0
        )


@settings(max_examples=examples(300))
@given(
    models(), profiles(), st.sampled_from([CacheMode.NONE, CacheMode.SYSTEM]), st.integers(0, 12)
)
def test_a_window_never_costs_more_than_full_history(model, profile, mode, keep):
    from ticketcost.costs.conversation import HistoryPolicy

    windowed = price_conversation(model, profile, mode, HistoryPolicy.parse(f"window:{keep}"))
    assert windowed.total_usd <= price_conversation(model, profile, mode).total_usd
