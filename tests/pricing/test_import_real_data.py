"""The importer on data as LiteLLM and genai-prices really write it: entries that are not priced by
tokens, bad entries, a model listed twice, providers with similar names, and files that must load
beside the bundled tables. Shapes follow LiteLLM's model_prices_and_context_window.json (per-token
prices, ``litellm_provider``, ``mode``, keys such as ``deepseek/deepseek-chat``) and genai-prices'
data.json (providers → models → ``prices`` in USD per 1M tokens, ``price_variants``)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from helpers import as_json, error, run

from ticketcost.pricing.table import load_price_file

D = Decimal


def write(tmp_path: Path, name: str, data: object) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


LITELLM = {
    "azure/gpt-x": {"litellm_provider": "azure", "mode": "chat", "input_cost_per_token": 1e-06,
                    "output_cost_per_token": 4e-06},
    "azure_ai/phi-x": {"litellm_provider": "azure_ai", "mode": "chat",
                       "input_cost_per_token": 1e-07, "output_cost_per_token": 2e-07},
    "azure/text-embedding-x": {"litellm_provider": "azure", "mode": "embedding",
                               "input_cost_per_token": 1e-08},
    "azure/tts-x": {"litellm_provider": "azure", "mode": "audio_speech",
                    "input_cost_per_character": 1.5e-05},
    # a fine-tuned model with a cache-write price and no cache-read price: refused by the schema
    "azure/ft:gpt-x": {"litellm_provider": "azure", "mode": "chat",
                       "input_cost_per_token": 3e-06, "output_cost_per_token": 1.2e-05,
                       "cache_creation_input_token_cost": 3.75e-06},
    # the same model under two keys, as LiteLLM lists deepseek-chat and deepseek/deepseek-chat
    "gpt-y": {"litellm_provider": "azure", "mode": "chat", "input_cost_per_token": 2e-06,
              "output_cost_per_token": 8e-06},
    "azure/gpt-y": {"litellm_provider": "azure", "mode": "chat", "input_cost_per_token": 2e-06,
                    "output_cost_per_token": 8e-06},
}  # fmt: skip


def test_provider_matches_exactly_and_what_is_left_out_is_listed(tmp_path: Path):
    source = write(tmp_path, "litellm.json", LITELLM)
    out = tmp_path / "azure.yaml"
    result = run("pricing", "import", str(source), "--provider", "azure", "-o", str(out))
    # azure_ai's phi-x is another provider; azure/ is the provider's prefix, not part of the id
    assert [m.id for m in load_price_file(out)] == ["gpt-x", "gpt-y"]
    assert "Imported 2 models" in result.stderr
    lines = result.stderr.splitlines()
    assert (
        "Left out 1: not priced by input and output tokens (embedding): azure/text-embedding-x"
        in lines
    )
    assert "Left out 1: not priced by input and output tokens (audio_speech): azure/tts-x" in lines
    assert (
        "Left out 1: a cache write price needs a cache read price as well: azure/ft:gpt-x" in lines
    )
    assert "Left out 1: the same model and prices as gpt-y, kept once: azure/gpt-y" in lines
    # $1 and $4 per 1M: the standard ticket is 6,750 x 1 + 1,000 x 4 = 10,750 µ$
    data = as_json("estimate", "--pricing", str(out), "-m", "gpt-x")
    assert data["models"][0]["cost_usd"]["total"] == D("0.01075")


def test_an_unknown_provider_is_named_with_the_close_ones(tmp_path: Path):
    source = write(tmp_path, "litellm.json", LITELLM)
    message = error("pricing", "import", str(source), "--provider", "azur")
    assert "no provider named 'azur' in the data; did you mean azure, azure_ai?" in message


GENAI = [
    {
        "id": "acme",
        "name": "Acme AI",
        "models": [
            {
                "id": "acme-chat",
                "name": "Acme Chat",
                "prices": {
                    "input_mtok": {"base": 2, "tiers": [{"start": 200000, "price": 4}]},
                    "output_mtok": 10,
                    "cache_read_mtok": 0.2,
                },
                # the batch variant states its tiered input and its output only
                "price_variants": [
                    {
                        "when": {"processing": "batch"},
                        "prices": {
                            "input_mtok": {"base": 1, "tiers": [{"start": 200000, "price": 2}]},
                            "output_mtok": 5,
                        },
                    }
                ],
            },
            {"id": "acme-embed", "prices": {"input_mtok": 0.02}},
            {"id": "acme-free", "prices": {}},
            {"id": "acme-broken", "prices": {"input_mtok": -1, "output_mtok": 1}},
            {"id": "acme-nan", "prices": {"input_mtok": "NaN", "output_mtok": 1}},
        ],
    }
]


def test_genai_entries_without_token_prices_or_with_bad_ones_do_not_stop_the_rest(tmp_path: Path):
    source = write(tmp_path, "data.json", GENAI)
    out = tmp_path / "acme.yaml"
    result = run("pricing", "import", str(source), "--provider", "acme", "-o", str(out))
    (chat,) = load_price_file(out)
    assert chat.id == "acme-chat"
    assert (
        "Left out 2: not priced by input and output tokens: acme-embed, acme-free" in result.stderr
    )
    assert "a price must be a finite number, 0 or more (got -1): acme-broken" in result.stderr
    assert 'a price must be a number (got "NaN"): acme-nan' in result.stderr


def test_a_variants_tier_keeps_the_cache_price_it_does_not_state(tmp_path: Path):
    source = write(tmp_path, "data.json", GENAI)
    out = tmp_path / "acme.yaml"
    run("pricing", "import", str(source), "--provider", "acme", "-o", str(out))
    (chat,) = load_price_file(out)
    batch = chat.level("batch")
    # above 200K: input 2 (the variant's tier), output 5 and cache read 0.2 carried over, never
    # null (a null cache read would bill cached tokens as fresh input)
    assert batch.tiers[0].above_input_tokens == 200_000
    assert batch.tiers[0].rates[:3] == (D(2), D(5), D("0.2"))
    assert chat.tiers[0].rates[:3] == (D(4), D(10), D("0.2"))


def test_an_imported_file_loads_beside_the_bundled_tables(tmp_path: Path):
    # genai-prices names the open-weight model gpt-oss-120b under provider openai; bundled groq
    # has the id openai/gpt-oss-120b, and bundled openai has gpt-5.4-nano
    data = [{"id": "openai", "name": "OpenAI", "models": [
        {"id": "gpt-oss-120b", "prices": {"input_mtok": 0.1, "output_mtok": 0.5}},
        {"id": "gpt-5.4-nano", "prices": {"input_mtok": 0.3, "output_mtok": 1.5}},
    ]}]  # fmt: skip
    source = write(tmp_path, "data.json", data)
    out = tmp_path / "openai.yaml"
    run("pricing", "import", str(source), "--provider", "openai", "-o", str(out))
    result = run("estimate", "--pricing", str(out), "-m", "gpt-5.4-nano", "--format", "json")
    assert f"Note: {out} replaces 1 of pricing/openai.yaml: gpt-5.4-nano" in result.stderr
    assert (
        f"Note: {out}: 'openai/gpt-oss-120b' still names openai/gpt-oss-120b (pricing/groq.yaml)"
        in result.stderr
    )
    # the imported price wins: 6,750 x 0.3 + 1,000 x 1.5 = 3,525 µ$
    assert json.loads(result.stdout)["models"][0]["cost_usd"]["total"] == 0.003525
    # the id the bundled groq model owns still names it (0.15 / 0.60 per 1M)
    groq = as_json("estimate", "--pricing", str(out), "-m", "openai/gpt-oss-120b")
    assert groq["models"][0]["price"]["origin"] == "pricing/groq.yaml"
    imported = as_json("estimate", "--pricing", str(out), "-m", "gpt-oss-120b")
    assert imported["models"][0]["price"]["origin"] == str(out)


def test_genai_time_of_day_prices_and_litellm_retirement_dates_are_kept(tmp_path: Path):
    # genai-prices records DeepSeek's hours as conditional prices with start_time/end_time
    data = [{"id": "deepseek", "name": "DeepSeek", "models": [{
        "id": "deepseek-chat",
        "prices": [
            {"prices": {"input_mtok": 0.135, "cache_read_mtok": 0.035, "output_mtok": 0.55}},
            {"constraint": {"start_time": "00:30:00+00:00", "end_time": "16:30:00+00:00"},
             "prices": {"input_mtok": 0.27, "cache_read_mtok": 0.07, "output_mtok": 1.1}},
        ],
    }]}]  # fmt: skip
    out = tmp_path / "deepseek.yaml"
    run("pricing", "import", str(write(tmp_path, "data.json", data)), "-o", str(out))
    assert 'from_utc: "00:30"' in out.read_text() and 'until_utc: "16:30"' in out.read_text()
    (chat,) = load_price_file(out)
    assert chat.rates[:3] == (D("0.135"), D("0.55"), D("0.035"))
    (window,) = chat.time_of_day
    assert (window.start_minute, window.end_minute) == (30, 990)  # 00:30 and 16:30
    assert window.rates[:3] == (D("0.27"), D("1.1"), D("0.07"))
    # LiteLLM's deprecation_date is the day the model stops being served
    litellm = {"o4-mini": {"litellm_provider": "openai", "mode": "chat",
                           "input_cost_per_token": 1.1e-06, "output_cost_per_token": 4.4e-06,
                           "deprecation_date": "2026-10-23",
                           "deprecation_source": "https://example.com/deprecations"}}  # fmt: skip
    out = tmp_path / "openai.yaml"
    run("pricing", "import", str(write(tmp_path, "litellm.json", litellm)), "-o", str(out))
    (o4,) = load_price_file(out)
    assert o4.retires == dt.date(2026, 10, 23)
    assert o4.retires_source == "https://example.com/deprecations"


def test_a_price_change_dated_later_is_not_the_current_price(tmp_path: Path):
    # genai-prices 0.2.3 records Gemini 3.8 Flash's introductory price and the one from
    # 2027-01-01, and batch prices from 2026-10-14 and from 2027-01-01
    data = [{"id": "google", "name": "Google", "models": [{
        "id": "gemini-3.8-flash",
        "prices": [
            {"prices": {"input_mtok": 0.75, "cache_read_mtok": 0.075, "output_mtok": 3.75}},
            {"constraint": {"start_date": "2027-01-01"},
             "prices": {"input_mtok": 1.5, "cache_read_mtok": 0.15, "output_mtok": 7.5}},
        ],
        "price_variants": [
            {"when": {"processing": "batch"}, "constraint": {"start_date": "2027-01-01"},
             "prices": {"input_mtok": 0.75, "cache_read_mtok": 0.075, "output_mtok": 3.75}},
            {"when": {"processing": "batch"}, "constraint": {"start_date": "2026-10-14"},
             "prices": {"input_mtok": 0.375, "cache_read_mtok": 0.0375, "output_mtok": 1.875}},
        ],
    }]}]  # fmt: skip
    out = tmp_path / "google.yaml"
    source = write(tmp_path, "data.json", data)
    run("pricing", "import", str(source), "--verified", "2026-11-25", "-o", str(out))
    (flash,) = load_price_file(out)
    assert flash.rates[:3] == (D("0.75"), D("3.75"), D("0.075"))
    assert flash.level("batch").rates[:3] == (D("0.375"), D("1.875"), D("0.0375"))
    assert flash.notes == "from 2027-01-01: in 1.5 out 7.5 per 1M tokens (not yet in force)"
