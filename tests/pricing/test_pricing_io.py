"""ticketcost pricing import | diff | check, on small files written here."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from helpers import as_json, error, run

from ticketcost.pricing.table import load_price_file

D = Decimal

# LiteLLM's format: USD per token. 1e-06 per token = $1 per 1M tokens.
LITELLM = {
    "sample_spec": {"input_cost_per_token": 0},
    "acme-large": {
        "litellm_provider": "acme",
        "mode": "chat",
        "input_cost_per_token": 2e-06,
        "output_cost_per_token": 1e-05,
        "cache_read_input_token_cost": 2e-07,
        "cache_creation_input_token_cost": 2.5e-06,
        "cache_creation_input_token_cost_above_1hr": 4e-06,
        "input_cost_per_token_above_200k_tokens": 4e-06,
        "output_cost_per_token_above_200k_tokens": 1.5e-05,
        "cache_read_input_token_cost_above_200k_tokens": 4e-07,
        "input_cost_per_token_batches": 1e-06,
        "output_cost_per_token_batches": 5e-06,
        "prompt_cache_min_tokens": 1024,
    },
    "acme-small": {
        "litellm_provider": "acme",
        "mode": "chat",
        "input_cost_per_token": 1.5e-07,
        "output_cost_per_token": 6e-07,
    },
    "acme-embed": {"litellm_provider": "acme", "mode": "embedding", "input_cost_per_token": 1e-08},
    "other-model": {"litellm_provider": "other", "input_cost_per_token": 1e-06,
                    "output_cost_per_token": 1e-06},
}  # fmt: skip

# genai-prices data: providers with models; prices per 1M tokens, tiered or dated.
GENAI = [
    {
        "id": "acme",
        "name": "Acme AI",
        "models": [
            {
                "id": "acme-large",
                "name": "Acme Large",
                "prices": [
                    {"prices": {"input_mtok": 3, "output_mtok": 12}},
                    {
                        "constraint": {"start_date": "2026-06-01"},
                        "prices": {
                            "input_mtok": {"base": 2, "tiers": [{"start": 200000, "price": 4}]},
                            "output_mtok": {"base": 10, "tiers": [{"start": 200000, "price": 15}]},
                            "cache_read_mtok": 0.2,
                            "cache_write_mtok": 2.5,
                            "cache_write_1h_mtok": 4,
                        },
                    },
                ],
                "price_variants": [
                    {"when": {"processing": "batch"}, "prices": {"input_mtok": 1, "output_mtok": 5}}
                ],
            }
        ],
    }
]


def write(tmp_path: Path, name: str, data: object) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def test_litellm_import_round_trip(tmp_path: Path) -> None:
    source = write(tmp_path, "model_prices.json", LITELLM)
    out = tmp_path / "acme.yaml"
    result = run("pricing", "import", str(source), "-m", "acme-*", "--verified", "2026-11-25",
                 "-o", str(out))  # fmt: skip
    assert "Imported 2 models" in result.stderr  # the embedding model has no output price
    large, small = load_price_file(out)
    assert (large.id, small.id) == ("acme-large", "acme-small")
    # 2e-06 per token * 1,000,000 = 2 per 1M; 1.5e-07 -> 0.15
    assert (large.input_usd_per_mtok, large.output_usd_per_mtok) == (D(2), D(10))
    assert (small.input_usd_per_mtok, small.output_usd_per_mtok) == (D("0.15"), D("0.6"))
    assert large.cache_write_1h_usd_per_mtok == D(4) and large.cache_min_tokens == 1024
    tier = large.tiers[0]
    assert tier.above_input_tokens == 200_000
    # the tier leaves out the cache-write price: it keeps the standard 2.5
    assert tier.rates[:4] == (D(4), D(15), D("0.4"), D("2.5"))
    batch = large.level("batch").rates
    # batch states input and output only; cache prices carry over, the 1-hour price does not
    assert batch == (D(1), D(5), D("0.2"), D("2.5"), None)
    assert small.verified.isoformat() == "2026-11-25"
    # and it prices: the standard ticket on the imported batch rates, 6,750 * 1 + 1,000 * 5 µ$
    data = as_json("estimate", "--pricing", str(out), "-m", "acme-large", "--variant", "batch")
    assert data["models"][0]["cost_usd"]["total"] == D("0.01175")


def test_litellm_import_needs_one_provider(tmp_path: Path) -> None:
    source = write(tmp_path, "model_prices.json", LITELLM)
    assert "come from 2 providers (acme, other); a price file holds one: pass --provider" in (
        error("pricing", "import", str(source))
    )
    assert "no model matching nope-* with token prices" in error(
        "pricing", "import", str(source), "-m", "nope-*"
    )


def test_genai_prices_import_round_trip(tmp_path: Path) -> None:
    source = write(tmp_path, "data.json", GENAI)
    out = tmp_path / "acme.yaml"
    run("pricing", "import", str(source), "--from", "genai-prices", "-o", str(out))
    (large,) = load_price_file(out)
    assert large.name == "Acme Large" and large.provider_name == "Acme AI"
    assert large.effective_from.isoformat() == "2026-06-01"  # type: ignore[union-attr]
    assert large.rates == (D(2), D(10), D("0.2"), D("2.5"), D(4))
    # the tier: input and output tiered, cache prices flat
    assert large.tiers[0].above_input_tokens == 200_000
    assert large.tiers[0].rates == (D(4), D(15), D("0.2"), D("2.5"), D(4))
    assert large.level("batch").rates[:2] == (D(1), D(5))
    # the undated first price is history: before 2026-06-01 the ticket costs
    # 6,750 * 3 + 1,000 * 12 = 32,250 µ$, after 6,750 * 2 + 1,000 * 10 = 23,500 µ$
    before = as_json("estimate", "--pricing", str(out), "-m", "acme-large", "--as-of", "2026-01-01")
    after = as_json("estimate", "--pricing", str(out), "-m", "acme-large")
    assert before["models"][0]["cost_usd"]["total"] == D("0.03225")
    assert after["models"][0]["cost_usd"]["total"] == D("0.0235")


def test_import_refuses_other_json(tmp_path: Path) -> None:
    source = write(tmp_path, "x.json", {"hello": "world"})
    assert "neither LiteLLM's model_prices_and_context_window.json" in error(
        "pricing", "import", str(source)
    )
    (tmp_path / "bad.json").write_text("{oops")
    assert "bad.json: not valid JSON" in error("pricing", "import", str(tmp_path / "bad.json"))


def test_pricing_diff_lists_every_change(tmp_path: Path, price_file) -> None:
    old = price_file(
        "  - id: a\n    name: A\n    input_usd_per_mtok: 1\n    output_usd_per_mtok: 2\n"
        "    cache_read_usd_per_mtok: null\n    cache_write_usd_per_mtok: null\n"
        "  - id: gone\n    name: Gone\n    input_usd_per_mtok: 1\n    output_usd_per_mtok: 2\n"
        "    cache_read_usd_per_mtok: null\n    cache_write_usd_per_mtok: null\n",
        name="old.yaml",
    )
    new = price_file(
        "  - id: a\n    name: A\n    input_usd_per_mtok: 1.5\n    output_usd_per_mtok: 2\n"
        "    cache_read_usd_per_mtok: 0.15\n    cache_write_usd_per_mtok: null\n"
        "    variants:\n      batch:\n        input_usd_per_mtok: 0.75\n"
        "        output_usd_per_mtok: 1\n        cache_read_usd_per_mtok: null\n"
        "        cache_write_usd_per_mtok: null\n"
        "  - id: new\n    name: New\n    input_usd_per_mtok: 1\n    output_usd_per_mtok: 2\n"
        "    cache_read_usd_per_mtok: null\n    cache_write_usd_per_mtok: null\n",
        name="new.yaml",
    )
    data = as_json("pricing", "diff", str(old), str(new))
    changes = [(c["model"], c["change"], c["field"], c["old"], c["new"]) for c in data["changes"]]
    assert ("a", "changed", "input_usd_per_mtok", "1", "1.5") in changes
    assert ("a", "changed", "cache_read_usd_per_mtok", None, "0.15") in changes
    assert ("a", "changed", "batch input_usd_per_mtok", None, "0.75") in changes
    assert ("gone", "removed", None, None, None) in changes
    assert ("new", "added", None, None, None) in changes
    assert "Price changes: none" in run("pricing", "diff", str(old), str(old)).stdout


def test_pricing_check_finds_stale_prices(price_file) -> None:
    prices = price_file(
        "  - id: old-one\n    name: Old\n    input_usd_per_mtok: 1\n    output_usd_per_mtok: 2\n"
        "    cache_read_usd_per_mtok: null\n    cache_write_usd_per_mtok: null\n"
        "    verified: 2026-01-01\n"
    )
    # the bundled prices were verified 2026-11-25: 36 days before 2026-12-31, so within 90;
    # old-one is 364 days old
    result = run("pricing", "check", "--pricing", str(prices), "--today", "2026-12-31", code=1)
    assert "1 of" in result.stdout and "old-one" in result.stdout and "364" in result.stdout
    # every bundled price is fresh; some bundled models retire within 90 days of the date
    bundled = run("pricing", "check", "--today", "2026-12-31", code=1).stdout
    assert bundled.startswith("All ") and "retired or retiring within 90 days" in bundled
    assert run("pricing", "check", "--today", "2026-12-31", "--provider", "groq").stdout.startswith(
        "All 6 models were verified within 90 days of 2026-12-31"
    )
    data = json.loads(
        run(
            "pricing", "check", "--today", "2027-03-01", "--days", "90", "-f", "json", code=1
        ).stdout
    )
    # verified 2026-11-25: 96 days before 2027-03-01
    assert {s["age_days"] for s in data["stale"]} == {96}


def test_pricing_help_has_examples() -> None:
    for sub in ("import", "diff", "check"):
        assert "Examples:" in run("pricing", sub, "--help").stdout
    listed = run("pricing").stdout  # no subcommand: the group's help, exit 0
    assert "import" in listed and "diff" in listed and "check" in listed
