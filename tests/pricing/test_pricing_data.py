"""The bundled price tables: every file validates, and the standard comparison set is right."""

from decimal import Decimal as D

import pytest

from ticketcost.io.datafiles import data_files
from ticketcost.pricing.table import bundled_prices, parse_price_text


def test_every_bundled_file_validates_against_the_schema():
    files = data_files("pricing")
    assert len(files) >= 3
    total = 0
    for entry in files:
        models = parse_price_text(entry.read_bytes(), entry.name)  # raises on any schema error
        assert models, entry.name
        total += len(models)
    assert total == len(bundled_prices())


def test_at_least_thirty_models_across_the_main_providers():
    table = bundled_prices()
    assert len(table) >= 30
    assert {"anthropic", "openai", "google"} <= set(table.providers())
    open_weight_hosts = set(table.providers()) - {"anthropic", "openai", "google"}
    assert open_weight_hosts, "hosted open-weight models are part of the set"


@pytest.mark.parametrize(
    ("model_id", "inp", "out", "read", "write"),
    [
        ("gemini-2.5-flash-lite", "0.10", "0.40", "0.01", None),
        ("gpt-5.4-nano", "0.20", "1.25", "0.02", None),
        ("gemini-2.5-flash", "0.30", "2.50", "0.03", None),
        ("claude-haiku-4-5", "1.00", "5.00", "0.10", "1.25"),
        ("gpt-5.4-mini", "0.75", "4.50", "0.075", None),
        ("claude-sonnet-4-6", "3.00", "15.00", "0.30", "3.75"),
    ],
)
def test_standard_comparison_models_have_their_list_prices(model_id, inp, out, read, write):
    model = bundled_prices().get(model_id)
    assert model.input_usd_per_mtok == D(inp)
    assert model.output_usd_per_mtok == D(out)
    assert model.cache_read_usd_per_mtok == D(read)
    assert model.cache_write_usd_per_mtok == (None if write is None else D(write))


def test_prices_are_exact_decimals_not_floats():
    for model in bundled_prices():
        for value in (model.input_usd_per_mtok, model.output_usd_per_mtok):
            assert isinstance(value, D)
    # 0.075 read from YAML is exactly 0.075, not 0.07499999999999999722...
    assert bundled_prices().get("gpt-5.4-mini").cache_read_usd_per_mtok == D("0.075")


def test_every_model_says_where_its_price_came_from_and_when():
    for model in bundled_prices():
        assert model.source.strip(), model.id
        assert model.verified.year >= 2026, model.id
        assert model.origin.startswith("pricing/"), model.id


@pytest.mark.parametrize(
    ("name", "model_id"),
    [
        ("claude-haiku-4.5", "claude-haiku-4-5"),
        ("haiku-4.5", "claude-haiku-4-5"),
        ("CLAUDE-HAIKU-4-5", "claude-haiku-4-5"),
        ("anthropic/claude-haiku-4-5", "claude-haiku-4-5"),
        ("gemini/gemini-2.5-flash", "gemini-2.5-flash"),
        ("openai/gpt-5.4-mini", "gpt-5.4-mini"),
        (" gpt-5.4-nano ", "gpt-5.4-nano"),
    ],
)
def test_aliases_resolve_to_the_canonical_id(name, model_id):
    assert bundled_prices().get(name).id == model_id


def test_cache_write_prices_only_where_a_cache_read_price_exists():
    for model in bundled_prices():
        if model.cache_write_usd_per_mtok is not None:
            assert model.cache_read_usd_per_mtok is not None, model.id
