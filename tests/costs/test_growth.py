"""Scale table, deflection ROI and history policies, against hand arithmetic."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D
from itertools import pairwise

import pytest

from ticketcost.costs.conversation import (
    CacheMode,
    ConversationProfile,
    HistoryPolicy,
    PolicyKind,
    price_conversation,
)
from ticketcost.costs.growth import (
    cost_curve,
    deflection_roi,
    parse_rate,
    parse_turn_range,
    parse_usd_range,
    parse_volumes,
    scale_for_models,
)
from ticketcost.errors import TicketcostError
from ticketcost.pricing.table import price_table

# Caching mechanics on the standard 500-token system prompt, under Haiku 4.5's 4,096-token minimum
# cacheable prompt: the minimum is lifted here (test_conversation checks it separately).
HAIKU = replace(price_table().get("claude-haiku-4-5"), cache_min_tokens=None)
TEN_TURNS = ConversationProfile(turns=10)  # 500 system, 150 user, 200 assistant


def cost(policy: str, cache: CacheMode = CacheMode.NONE, profile=TEN_TURNS):
    return price_conversation(HAIKU, profile, cache, HistoryPolicy.parse(policy))


def test_full_history_on_ten_turns():
    # input: 10 x 500 + 150 x (1+...+10) + 200 x (0+...+9) = 5,000 + 8,250 + 9,000 = 22,250
    # $0.02225 at $1/M, output 10 x 200 = 2,000 at $5/M = $0.01 -> $0.03225
    result = cost("full")
    assert result.tokens.input == 22_250
    assert result.total_usd == D("0.03225")


def test_window_policy_on_ten_turns():
    # window:3 re-sends at most 3 past exchanges (350 tokens each) + system 500 + new user 150:
    # turns 1-4: 650, 1,000, 1,350, 1,700; turns 5-10 stay at 1,700 -> 4,700 + 6 x 1,700 = 14,900
    # $0.0149 + output $0.01 = $0.0249
    result = cost("window:3")
    assert [t.tokens.input for t in result.turns] == [650, 1000, 1350] + [1700] * 7
    assert result.total_usd == D("0.0249")


def test_summarize_policy_on_ten_turns_counts_the_summary_calls():
    # summarize:3:200 keeps 3 exchanges and a 200-token summary of older ones.
    # Turns 1-4 as the window: 650 + 1,000 + 1,350 + 1,700 = 4,700.
    # Turns 5-10: 500 + 200 summary + 3 x 350 + 150 = 1,900 each -> 11,400.
    # Summary calls on turns 5-10: turn 5 folds exchange 1 (350 in, no summary yet), turns 6-10
    # read the old summary too (200 + 350 = 550 in); each writes 200 -> 350 + 5 x 550 = 3,100 in,
    # 6 x 200 = 1,200 out.
    # input 4,700 + 11,400 + 3,100 = 19,200 -> $0.0192; output 2,000 + 1,200 = 3,200 -> $0.016
    result = cost("summarize:3:200")
    assert result.tokens.input == 19_200
    assert result.tokens.output == 3_200
    assert [t.summary_input_tokens for t in result.turns] == [0] * 4 + [350] + [550] * 5
    assert result.total_usd == D("0.0352")  # dearer than full history at 10 turns on Haiku


def test_system_caching_works_with_a_window():
    # window:3 with the 500-token system prompt cached: turn 1 writes 500 at $1.25/M
    # (0.000625); turns 2-10 read it at $0.10/M (9 x 500 = 4,500 -> 0.00045); fresh input is
    # 14,900 - 10 x 500 = 9,900 -> 0.0099; output 0.01 -> 0.020975
    assert cost("window:3", CacheMode.SYSTEM).total_usd == D("0.020975")


def test_prefix_caching_refuses_a_rewritten_history():
    with pytest.raises(TicketcostError, match="prefix caching re-reads"):
        cost("window:3", CacheMode.PREFIX)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("window", "unknown history policy 'window'"),
        ("window:x", "N and S must be whole numbers"),
        ("summarize:3", "unknown history policy"),
        ("summarize:3:0", "a summary must be at least 1 token"),
        ("window:-1", "a window must be 0 or more"),
        ("last:3", "use full, window:N or summarize:N:S"),
    ],
)
def test_bad_policies(spec, message):
    with pytest.raises(TicketcostError, match=message):
        HistoryPolicy.parse(spec)


def test_policy_labels_round_trip():
    for spec in ("full", "window:4", "summarize:2:300"):
        assert HistoryPolicy.parse(spec).label == spec
    assert HistoryPolicy.parse("window:4").kind is PolicyKind.WINDOW


def test_curve_says_where_each_policy_pays_off():
    curve = cost_curve(
        [HAIKU],
        ConversationProfile(),
        [CacheMode.NONE],
        [HistoryPolicy.parse("window:3"), HistoryPolicy.parse("summarize:3:200")],
        parse_turn_range("1..30"),
    )
    full, window, summary = curve.series
    assert full.policy.label == "full" and full.pays_off_from is None
    # the window drops the first exchange from turn 5 on (turn k re-sends k-1 exchanges)
    assert window.pays_off_from == 5
    assert all(w <= f for w, f in zip(window.costs, full.costs, strict=True))
    # summarize: at t turns (t > 4) it saves, against full history, the exchanges beyond the
    # window: 350 x (t-4)(t-3)/2 input tokens ($1/M), and pays 200 summary tokens each turn and
    # 350 + (t-5) x 550 summary-call input + (t-4) x 200 summary-call output ($5/M).
    # t=13: saves 350 x 45 = 15,750 -> $0.01575; pays 9 x 200 + 350 + 8 x 550 = 6,550 in
    # ($0.00655) + 1,800 out ($0.009) = $0.01555 -> cheaper by $0.0002. t=12: saves 350 x 36 =
    # 12,600 -> $0.0126; pays 8 x 200 + 350 + 7 x 550 = 5,800 in + 1,600 out = $0.0138 -> dearer.
    assert summary.pays_off_from == 13
    assert summary.costs[12] < full.costs[12] and summary.costs[11] > full.costs[11]


def test_curve_grows_super_linearly_under_full_history():
    curve = cost_curve([HAIKU], ConversationProfile(), [CacheMode.NONE], [], range(1, 31))
    costs = curve.series[0].costs
    steps = [b - a for a, b in pairwise(costs)]
    assert all(later > earlier for earlier, later in pairwise(steps))


# ----------------------------------------------------------------------------------------- scale


def test_scale_table_is_estimate_times_volume_for_two_models():
    models = [price_table().get("gemini-2.5-flash-lite"), HAIKU]
    rows = scale_for_models(
        models,
        ConversationProfile(),
        CacheMode.SYSTEM,
        (1_000, 10_000, 100_000, 1_000_000),
        D(0),
        (D(3), D(5)),
    )
    # the standard ticket with the system prompt cached: Flash-Lite $0.000895, Haiku $0.010075
    # (see test_conversation); monthly = per ticket x volume
    got = {(row.label, row.volume): row.model_monthly for row in rows}
    assert got == {
        ("gemini-2.5-flash-lite", 1_000): D("0.895"),
        ("gemini-2.5-flash-lite", 10_000): D("8.95"),
        ("gemini-2.5-flash-lite", 100_000): D("89.5"),
        ("gemini-2.5-flash-lite", 1_000_000): D("895"),
        ("claude-haiku-4-5", 1_000): D("10.075"),
        ("claude-haiku-4-5", 10_000): D("100.75"),
        ("claude-haiku-4-5", 100_000): D("1007.5"),
        ("claude-haiku-4-5", 1_000_000): D("10075"),
    }
    # human cost at $3-$5 a ticket: 1,000 tickets -> $3,000-$5,000
    assert rows[0].human_monthly == (D("3000"), D("5000"))


def test_fixed_stack_is_amortised_over_volume():
    # $170 a month of fixed items at 10,000 tickets = $0.017 a ticket on top of the model cost
    (row,) = scale_for_models(
        [HAIKU], ConversationProfile(), CacheMode.SYSTEM, (10_000,), D(170), (D(4), D(4))
    )
    assert money_per_ticket(row.other_monthly, row.volume) == D("0.017")
    # $100.75 model + $170 fixed = $270.75 -> $0.027075 a ticket
    assert row.all_in_per_ticket == D("0.027075")


def money_per_ticket(monthly, volume):
    return monthly / volume


# ------------------------------------------------------------------------------------------ ROI


def test_deflection_roi_example():
    # 10,000 tickets a month, AI stack $250 a month, human $4 a ticket:
    # 40% -> 4,000 x $4 = $16,000 saved / $250 = 64x; 60% -> $24,000 = 96x; 75% -> $30,000 = 120x
    rows = deflection_roi(10_000, D(250), D(4), [D("0.4"), D("0.6"), D("0.75")])
    assert [r.human_saved_monthly for r in rows] == [D(16000), D(24000), D(30000)]
    assert [r.multiple for r in rows] == [D(64), D(96), D(120)]
    assert [r.net_monthly for r in rows] == [D(15750), D(23750), D(29750)]


def test_roi_with_a_free_ai_has_no_multiple():
    (row,) = deflection_roi(100, D(0), D(4), [D("0.5")])
    assert row.multiple is None


# -------------------------------------------------------------------------------------- parsing


def test_parse_volumes():
    assert parse_volumes("1000,10K, 100k,1M,2.5k") == (1000, 10000, 100000, 1000000, 2500)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", "must be a whole number of tickets above 0"),
        ("-5", "is not a ticket count"),
        ("1.5", "must be a whole number"),
        ("ten", "is not a ticket count"),
        ("", "is not a ticket count"),
        ("1000,,2000", "is not a ticket count"),
    ],
)
def test_bad_volumes(text, message):
    with pytest.raises(TicketcostError, match=message):
        parse_volumes(text)


def test_rates_and_ranges():
    assert parse_rate("40%", "--deflection") == D("0.4")
    assert parse_rate("0.75", "--deflection") == D("0.75")
    for bad in ("1.5", "-0.1", "150%", "x", "nan"):
        with pytest.raises(TicketcostError):
            parse_rate(bad, "--deflection")
    assert parse_usd_range("3-5", "--human-cost-per-ticket") == (D(3), D(5))
    assert parse_usd_range("$4", "--human-cost-per-ticket") == (D(4), D(4))
    for bad in ("5-3", "x", "1-2-3", "-4"):
        with pytest.raises(TicketcostError):
            parse_usd_range(bad, "--human-cost-per-ticket")
    assert parse_turn_range("3..5") == (3, 4, 5)
    assert parse_turn_range("4") == (1, 2, 3, 4)
    for bad in ("5..1", "0..3", "a..b", "", "1..100000"):
        with pytest.raises(TicketcostError):
            parse_turn_range(bad)
