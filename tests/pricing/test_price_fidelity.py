"""Price fidelity: long-context tiers, request variants, 1-hour cache writes, the minimum cacheable
prompt, dated prices, and the buyer's discount, markup and currency. Every figure by hand.

The test model (USD per 1M tokens):
  standard   in 2.00  out 10.00  cache read 0.20  write 2.50 (5 min)  write 4.00 (1 hour)
  above 200,000 input tokens: in 4.00  out 15.00  read 0.40  write 5.00
  batch      in 1.00  out 5.00   read 0.10  write 1.25
  minimum cacheable prompt 1,024 tokens; these prices from 2026-06-01, before that (from
  2026-01-01) in 3.00 out 12.00 read 0.30 write 3.75.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import as_json, error, run

from ticketcost.costs.conversation import (
    CacheMode,
    CacheTTL,
    ConversationProfile,
    price_conversation,
)
from ticketcost.pricing.table import load_price_file
from ticketcost.pricing.view import Adjustment, PriceView

D = Decimal

MODEL = """\
  - id: tiered
    name: Tiered
    input_usd_per_mtok: 2.00
    output_usd_per_mtok: 10.00
    cache_read_usd_per_mtok: 0.20
    cache_write_usd_per_mtok: 2.50
    cache_write_1h_usd_per_mtok: 4.00
    cache_min_tokens: 1024
    effective_from: 2026-06-01
    tiers:
      - above_input_tokens: 200000
        input_usd_per_mtok: 4.00
        output_usd_per_mtok: 15.00
        cache_read_usd_per_mtok: 0.40
        cache_write_usd_per_mtok: 5.00
    variants:
      batch:
        input_usd_per_mtok: 1.00
        output_usd_per_mtok: 5.00
        cache_read_usd_per_mtok: 0.10
        cache_write_usd_per_mtok: 1.25
    history:
      - effective_from: 2026-01-01
        input_usd_per_mtok: 3.00
        output_usd_per_mtok: 12.00
        cache_read_usd_per_mtok: 0.30
        cache_write_usd_per_mtok: 3.75
"""
# A cached conversation above the minimum: 2 turns, 2,000 system, 100 user, 100 assistant tokens.
# turn 1 sends 2,100: 100 fresh + 2,000 written; turn 2 sends 2,300: 300 fresh + 2,000 read.
CACHED = ConversationProfile(turns=2, system_tokens=2000, user_tokens=100, assistant_tokens=100)
CACHED_FLAGS = ["--turns", "2", "--system-tokens", "2000", "--user-tokens", "100"]
CACHED_FLAGS += ["--assistant-tokens", "100", "--cache", "system"]


@pytest.fixture
def prices(price_file) -> Path:
    return price_file(MODEL)


@pytest.fixture
def model(prices: Path):
    return load_price_file(prices)[0]


def total(prices: Path, *flags: str) -> Decimal:
    data = as_json("estimate", "--pricing", str(prices), "-m", "tiered", *flags)
    return data["models"][0]["cost_usd"]["total"]


def test_a_250k_token_request_is_billed_entirely_at_the_tier_rate(prices: Path) -> None:
    # one turn of 249,850 system + 150 user = 250,000 input tokens > 200,000, 1,000 output:
    # 250,000 * 4.00 + 1,000 * 15.00 = 1,000,000 + 15,000 µ$ = $1.015 (not 2.00 on the first 200K)
    flags = ["--turns", "1", "--system-tokens", "249850", "--assistant-tokens", "1000"]
    assert total(prices, *flags) == D("1.015")
    # exactly 200,000 is not above the threshold: 200,000 * 2.00 + 1,000 * 10.00 = $0.41
    flags[3] = "199850"
    assert total(prices, *flags) == D("0.41")
    out = run("estimate", "--pricing", str(prices), "-m", "tiered", "--turns", "1",
              "--system-tokens", "249850", "--assistant-tokens", "1000").stdout  # fmt: skip
    assert "turn 1 sends more than 200,000 input tokens and is billed" in out
    assert "$4.00 in / $15.00 out" in out


def test_turns_pick_their_tier_by_their_own_input(model) -> None:
    # turn k sends 150,000 + 30,000k + 20,000(k-1): turn 1 180,000 (base), turn 2 230,000 (tier)
    profile = ConversationProfile(
        turns=2, system_tokens=150_000, user_tokens=30_000, assistant_tokens=20_000
    )
    result = price_conversation(model, profile)
    # turn 1: 180,000 * 2.00 + 20,000 * 10.00 = 360,000 + 200,000 µ$ = $0.56
    # turn 2: 230,000 * 4.00 + 20,000 * 15.00 = 920,000 + 300,000 µ$ = $1.22
    assert [t.cost.total for t in result.turns] == [D("0.56"), D("1.22")]


def test_a_batch_request_pays_the_batch_rate(prices: Path) -> None:
    # the standard ticket, 6,750 input + 1,000 output tokens:
    # batch 6,750 * 1.00 + 1,000 * 5.00 = 11,750 µ$; standard 6,750 * 2.00 + 10,000 = 23,500 µ$
    assert total(prices, "--variant", "batch") == D("0.01175")
    assert total(prices) == D("0.0235")
    assert "no flex price" in error(
        "estimate", "--pricing", str(prices), "-m", "tiered", "--variant", "flex"
    )


def test_one_hour_cache_writes_cost_more_than_five_minute_ones(prices: Path, model) -> None:
    # 5 min: 400 fresh * 2.00 + 2,000 written * 2.50 + 2,000 read * 0.20 + 200 out * 10.00
    #      = 800 + 5,000 + 400 + 2,000 = 8,200 µ$
    # 1 h:  the 2,000 written at 4.00 = 8,000 instead of 5,000 -> 11,200 µ$
    five = price_conversation(model, CACHED, CacheMode.SYSTEM)
    hour = price_conversation(model, CACHED, CacheMode.SYSTEM, cache_ttl=CacheTTL.ONE_HOUR)
    assert (five.total_usd, hour.total_usd) == (D("0.0082"), D("0.0112"))
    assert total(prices, *CACHED_FLAGS, "--cache-ttl", "1h") == D("0.0112")


def test_a_prefix_below_the_minimum_is_priced_as_fresh_with_a_note(prices: Path) -> None:
    # the standard ticket's 500-token system prompt is below the 1,024 minimum, so --cache system
    # changes nothing: 6,750 * 2.00 + 1,000 * 10.00 = 23,500 µ$
    assert total(prices, "--cache", "system") == D("0.0235")
    data = as_json("estimate", "--pricing", str(prices), "-m", "tiered", "--cache", "system")
    note = "tiered: the cached prefix is below the provider's minimum cacheable prompt of 1,024"
    assert any(n.startswith(note) for n in data["notes"])
    assert data["models"][0]["tokens"]["cache_read"] == 0
    assert (
        note
        in run("estimate", "--pricing", str(prices), "-m", "tiered", "--cache", "system").stdout
    )


def test_prefix_caching_starts_once_the_prompt_reaches_the_minimum(model) -> None:
    # 3 turns of 600 system + 200 user + 200 assistant: prompts 800, 1,200, 1,600 tokens.
    # turn 1: 800 < 1,024, all fresh; turn 2: 1,200 written (the 800 before was never cached);
    # turn 3: 1,200 read + 400 written.
    profile = ConversationProfile(turns=3, system_tokens=600, user_tokens=200, assistant_tokens=200)
    result = price_conversation(model, profile, CacheMode.PREFIX)
    splits = [
        (t.tokens.fresh_input, t.tokens.cache_read, t.tokens.cache_write) for t in result.turns
    ]
    assert splits == [(800, 0, 0), (0, 0, 1200), (0, 1200, 400)]
    # turn 2 is affected too: without a minimum it would have read turn 1's 800 tokens
    assert "tokens on turns 1-2," in result.pricing_notes[0]


def test_as_of_before_and_after_a_recorded_price_change(prices: Path) -> None:
    # 2026-03-01 is in the 2026-01-01 prices: 6,750 * 3.00 + 1,000 * 12.00 = 32,250 µ$
    assert total(prices, "--as-of", "2026-03-01") == D("0.03225")
    assert total(prices, "--as-of", "2026-06-01") == D("0.0235")  # the change took effect
    assert total(prices, "--as-of", "2026-07-15") == D("0.0235")
    message = error("estimate", "--pricing", str(prices), "-m", "tiered", "--as-of", "2025-12-31")
    assert "no price for tiered on 2025-12-31: the earliest recorded price is from 2026-01-01" in (
        message
    )
    assert "use a date like" in error("estimate", "--as-of", "March")


def test_discount_markup_and_currency_on_a_cached_conversation(prices: Path, model) -> None:
    # factor (1 - 10%) * (1 + 5%) * 0.92 EUR/USD = 0.9 * 1.05 * 0.92 = 0.8694, on every price:
    # 8,200 µ$ * 0.8694 = 7,129.08 µ€ = €0.00712908, and each part scales alike
    adjustment = Adjustment.from_flags("10", "5", "EUR", "0.92")
    assert adjustment.factor == D("0.8694")
    adjusted = PriceView(adjustment=adjustment).apply(model)
    result = price_conversation(adjusted, CACHED, CacheMode.SYSTEM)
    assert result.total_usd == D("0.00712908")
    assert result.cost.cache_write == D("0.004347")  # 2,000 * 2.50 * 0.8694 / 1e6
    assert result.cost.cache_read == D("0.00034776")  # 2,000 * 0.20 * 0.8694 / 1e6
    flags = [
        *CACHED_FLAGS,
        "--discount",
        "10",
        "--markup",
        "5",
        "--currency",
        "EUR",
        "--fx",
        "0.92",
    ]
    data = as_json("estimate", "--pricing", str(prices), "-m", "tiered", *flags)
    assert data["currency"] == "EUR"
    assert data["models"][0]["cost_eur"]["total"] == D("0.00712908")
    assert data["models"][0]["price"]["cache_write_eur_per_mtok"] == D("2.1735")  # 2.50 * 0.8694
    assert data["price_adjustment"]["factor"] == D("0.8694")
    table = run("estimate", "--pricing", str(prices), "-m", "tiered", *flags).stdout
    assert "€0.00712908" in table and "$" not in table.split("Price source")[0]
    assert "less a 10% discount, plus a 5% markup, in EUR at 0.92 per USD" in table
    csv_head = run("estimate", "--pricing", str(prices), "-m", "tiered", *flags, "-f", "csv")
    header, row = csv_head.stdout.splitlines()[:2]
    assert "total_eur" in header and header.endswith("currency,price_factor")
    assert row.endswith("EUR,0.8694")


def test_adjustment_flags_are_checked() -> None:
    assert "needs --fx" in error("estimate", "--currency", "EUR")
    assert "three-letter ISO 4217 code" in error("estimate", "--currency", "EURO", "--fx", "1")
    assert "below 100 percent" in error("estimate", "--discount", "100")
    assert "give the target with --currency" in error("estimate", "--fx", "0.9")
    assert "--markup x: not a number" in error("estimate", "--markup", "x")


def test_a_whole_table_leaves_out_models_without_the_variant(price_file) -> None:
    plain = MODEL.split("    cache_min_tokens")[0].replace("tiered", "plain").replace("Tiered", "P")
    prices = price_file(MODEL + plain)
    data = as_json("estimate", "--pricing", str(prices), "--provider", "acme", "--variant", "batch")
    assert [m["id"] for m in data["models"]] == ["tiered"]
    assert "Left out (no batch price in the data): plain" in data["notes"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("output_usd_per_mtok: 10.00", "output_usd_per_mtok: -10.00"),
         "prices.yaml:9: models[0](tiered).output_usd_per_mtok: Input should be greater than or "
         "equal to 0"),
        (("above_input_tokens: 200000", "above_input_tokens: 200000\n"
          "        input_usd_per_mtok: 4.00\n        output_usd_per_mtok: 15.00\n"
          "        cache_read_usd_per_mtok: null\n        cache_write_usd_per_mtok: null\n"
          "      - above_input_tokens: 100000"),
         "prices.yaml:15: models[0](tiered).tiers: tier thresholds (above_input_tokens) must rise "
         "from one tier to the next (got 200,000, 100,000)"),
        (("      batch:", "      batched:"),
         "prices.yaml:22: models[0](tiered).variants.batched: unknown field; did you mean batch?"),
        (("      - effective_from: 2026-01-01", "      - effective_from: 2026-07-01"),
         "prices.yaml:6: models[0](tiered): history must run oldest first"),
    ],
)  # fmt: skip
def test_bad_price_files_name_the_file_model_and_field(price_file, change, expected) -> None:
    path = price_file(MODEL.replace(*change, 1))
    message = error("estimate", "--pricing", str(path), "-m", "tiered")
    assert message.startswith(f"Error: {path.parent}/{expected}"), message


def test_dates_and_adjustments_survive_the_price_cache(model) -> None:
    from ticketcost.pricing.model import ModelPrice

    again = ModelPrice.from_record(model.to_record())
    assert again == model
    assert again.on(dt.date(2026, 2, 1)).input_usd_per_mtok == D("3.00")


def test_the_bundled_sonnet_4_6_history() -> None:
    # Sonnet 4.6 billed requests above 200K input tokens at $6 / $22.50 until 2026-03-13, then went
    # flat at $3 / $15. One turn of 210,000 system + 150 user tokens, 200 output:
    # January: 210,150 * 6 + 200 * 22.50 = 1,260,900 + 4,500 µ$ = $1.2654
    # today:   210,150 * 3 + 200 * 15    =   630,450 + 3,000 µ$ = $0.63345
    flags = [
        "--turns",
        "1",
        "--system-tokens",
        "210000",
        "-m",
        "claude-sonnet-4.6",
        "-m",
        "haiku-4.5",
    ]
    then = as_json("estimate", *flags, "--as-of", "2026-01-15")
    now = as_json("estimate", *flags)
    cost = {m["id"]: m["cost_usd"]["total"] for m in then["models"]}
    assert cost["claude-sonnet-4-6"] == D("1.2654")
    assert {m["id"]: m["cost_usd"]["total"] for m in now["models"]}["claude-sonnet-4-6"] == D(
        "0.63345"
    )
    assert (
        "No recorded price dates, so today's prices are used for 2026-01-15: claude-haiku-4-5"
        in then["notes"]
    )
