"""The bundled price files are exactly what scripts/sync_prices.py makes from the recorded
genai-prices 0.2.3 and LiteLLM 1.110.2 data, and the figures that were wrong are right."""

from __future__ import annotations

import sys
from decimal import Decimal

import pytest
from helpers import ROOT, as_json

from ticketcost.pricing.table import bundled_prices

sys.path.insert(0, str(ROOT / "scripts"))
import sync_prices

D = Decimal


def test_the_bundle_is_what_the_sync_makes_from_the_recorded_inputs():
    files, provenance = sync_prices.build()
    for name, text in files.items():
        assert (ROOT / "pricing" / f"{name}.yaml").read_text() == text, (
            f"pricing/{name}.yaml differs from what scripts/sync_prices.py makes; run it with "
            "--write (and edit scripts/price_sources/curation.yaml, never the file)"
        )
    assert sorted(p.stem for p in (ROOT / "pricing").glob("*.yaml")) == sorted(files)
    assert (ROOT / "docs" / "price-sources.md").read_text() == provenance


def _total(*args: str) -> Decimal:
    return as_json("estimate", *args)["models"][0]["cost_usd"]["total"]


def test_haiku_5_5_batch_has_its_100k_tier():
    # 150,000 in x $0.25/M + 1,000 out x $1.25/M (batch, above 100K) = $0.0375 + $0.00125
    total = _total(
        "-m", "claude-haiku-5-5", "--variant", "batch", "--turns", "1", "--system-tokens",
        "149850", "--user-tokens", "150", "--assistant-tokens", "1000",
    )  # fmt: skip
    assert total == D("0.03875")


@pytest.mark.parametrize(("model", "expected"), [("gemini-2.5-pro", "0.32"),
                                                  ("gemini-3.1-pro-preview", "0.509")])  # fmt: skip
def test_gemini_pro_batch_has_its_200k_tier(model, expected):
    # 2.5 Pro batch above 200K: 250,000 x $1.25/M + 1,000 x $7.50/M = $0.3125 + $0.0075 = $0.32
    # 3.1 Pro batch above 200K: 250,000 x $2.00/M + 1,000 x $9.00/M = $0.50 + $0.009 = $0.509
    total = _total("-m", model, "--variant", "batch", "--turns", "1", "--system-tokens", "249850",
                   "--user-tokens", "150", "--assistant-tokens", "1000")  # fmt: skip
    assert total == D(expected)


def test_flex_and_priority_cache_reads_are_the_sources():
    prices = bundled_prices()
    assert prices.get("gemini-2.5-pro").level("flex").tiers[0].rates.cache_read_usd_per_mtok == D(
        "0.25"
    )
    pro31 = prices.get("gemini-3.1-pro-preview").level("flex").tiers[0].rates
    assert pro31.cache_read_usd_per_mtok == D("0.4")
    lite = prices.get("gemini-3.5-flash-lite")
    assert lite.level("flex").rates.cache_read_usd_per_mtok == D("0.02")
    assert lite.level("priority").rates.cache_read_usd_per_mtok == D("0.05")
    flash = prices.get("gemini-3.5-flash")
    assert flash.level("flex").rates.cache_read_usd_per_mtok == D("0.08")


def test_coverage_and_the_new_models():
    prices = bundled_prices()
    assert len(prices) >= 60
    for model, (inp, out) in {
        "claude-sonnet-5-5": ("2", "10"),
        "gpt-6-luna": ("0.1", "0.5"),
        "gemini-3.8-flash": ("0.75", "3.75"),  # the introductory price, in force on 2026-11-25
    }.items():
        found = prices.get(model)
        assert (found.input_usd_per_mtok, found.output_usd_per_mtok) == (D(inp), D(out)), model
    for model in ("claude-opus-5-5", "claude-opus-4-6", "gpt-6-sol"):
        prices.get(model)


def test_cache_minimums_from_the_providers_documentation():
    prices = bundled_prices()
    assert {m.cache_min_tokens for m in prices.models("openai")} == {1024}
    assert prices.get("gemini-2.5-flash").cache_min_tokens == 2048
    assert prices.get("gemini-3.5-flash").cache_min_tokens == 4096
    # a 500-token system prompt is below OpenAI's 1,024: nothing is cached, every turn reads
    # 6,750 input tokens at $0.20/M and 1,000 output at $1.25/M: $0.00135 + $0.00125
    assert _total("-m", "gpt-5.4-nano", "--cache", "system") == D("0.0026")


def test_deepseek_is_priced_by_the_hour():
    model = bundled_prices().get("deepseek-v4-flash")
    # off-peak (the base) $0.15 / $0.60; 01:00-04:00 and 06:00-10:00 UTC $0.30 / $1.20
    assert (model.input_usd_per_mtok, model.output_usd_per_mtok) == (D("0.15"), D("0.6"))
    assert [(w.label, w.rates.input_usd_per_mtok) for w in model.time_of_day] == [
        ("01:00–04:00 UTC", D("0.3")),
        ("06:00–10:00 UTC", D("0.3")),
    ]
    assert model.cache_write_usd_per_mtok is None  # writes billed as input, never free
