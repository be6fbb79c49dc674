"""User price files: overrides, and one-line errors naming file, line and field for bad ones."""

from decimal import Decimal as D

import pytest

from ticketcost.errors import TicketcostError
from ticketcost.pricing.table import PriceTable, load_price_file, price_table

GOOD_MODEL = """\
  - id: acme-small
    name: Acme Small
    aliases: [small]
    input_usd_per_mtok: 0.5
    output_usd_per_mtok: 2
    cache_read_usd_per_mtok: 0.05
    cache_write_usd_per_mtok: null
"""


def test_user_file_adds_a_model(price_file):
    table = price_table([price_file(GOOD_MODEL)])
    model = table.get("small")
    assert model.id == "acme-small"
    assert model.input_usd_per_mtok == D("0.5")
    assert model.source == "acme.example/pricing"
    assert str(model.verified) == "2026-10-01"
    assert len(table) == len(price_table()) + 1


def test_user_file_overrides_a_bundled_model_by_id(price_file):
    override = GOOD_MODEL.replace("acme-small", "claude-haiku-4-5").replace("[small]", "[]")
    table = price_table([price_file(override)])
    assert table.get("claude-haiku-4-5").input_usd_per_mtok == D("0.5")
    # the bundled aliases still lead to the (overridden) model
    assert table.get("haiku-4.5").input_usd_per_mtok == D("0.5")
    assert len(table) == len(price_table())


def error_for(path) -> str:
    with pytest.raises(TicketcostError) as info:
        load_price_file(path)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_negative_price_names_file_line_model_and_field(price_file):
    path = price_file(GOOD_MODEL.replace("input_usd_per_mtok: 0.5", "input_usd_per_mtok: -1"))
    message = error_for(path)
    # 5 header lines, then id (line 6), name (7), aliases (8): the price is on line 9
    assert message.startswith(f"{path}:9: models[0](acme-small).input_usd_per_mtok:")
    assert "greater than or equal to 0" in message


def test_misspelt_field_is_reported_with_a_suggestion(price_file):
    path = price_file(GOOD_MODEL.replace("output_usd_per_mtok", "outptu_usd_per_mtok"))
    message = error_for(path)
    assert f"{path}:10:" in message
    assert "unknown field; did you mean output_usd_per_mtok?" in message


def test_missing_cache_price_must_be_explicit(price_file):
    path = price_file(GOOD_MODEL.replace("    cache_write_usd_per_mtok: null\n", ""))
    assert "cache_write_usd_per_mtok: Field required" in error_for(path)


def test_write_price_without_read_price_is_refused(price_file):
    body = GOOD_MODEL.replace("cache_read_usd_per_mtok: 0.05", "cache_read_usd_per_mtok: null")
    body = body.replace("cache_write_usd_per_mtok: null", "cache_write_usd_per_mtok: 1")
    assert "needs a cache read price" in error_for(price_file(body))


def test_duplicate_names_in_one_file(price_file):
    path = price_file(GOOD_MODEL + GOOD_MODEL.replace("acme-small", "acme-other"))
    assert "'small' names both acme-small and acme-other" in error_for(path)


def test_invalid_yaml_names_the_line(price_file):
    path = price_file("  - id: [unclosed\n")
    message = error_for(path)
    assert message.startswith(f"{path}:")
    assert "invalid YAML" in message


def test_non_mapping_file(price_file):
    assert "a price file is a mapping" in error_for(price_file("", head="- just a list\n"))


def test_infinite_price_is_refused(price_file):
    path = price_file(GOOD_MODEL.replace("output_usd_per_mtok: 2", "output_usd_per_mtok: .inf"))
    assert "output_usd_per_mtok" in error_for(path)


def test_missing_file(tmp_path):
    assert error_for(tmp_path / "nope.yaml") == f"{tmp_path / 'nope.yaml'}: price file not found"


def test_bundled_tables_may_not_collide():
    table = price_table()
    haiku = table.get("claude-haiku-4-5")
    with pytest.raises(TicketcostError, match=r"already defined in pricing/anthropic\.yaml"):
        PriceTable([haiku, haiku])


def test_unknown_model_suggests_close_ids():
    with pytest.raises(TicketcostError) as info:
        price_table().get("claude-haiku-4.6")
    assert "unknown model 'claude-haiku-4.6'; did you mean claude-haiku-4-5" in str(info.value)


def test_an_override_cannot_take_another_models_id_as_an_alias(price_file):
    body = GOOD_MODEL.replace("aliases: [small]", "aliases: [gpt-5.4-mini]")
    path = price_file(body)
    table = price_table([path])  # loads: the name stays with the model whose id it is
    assert table.get("gpt-5.4-mini").id == "gpt-5.4-mini"
    assert table.get("acme-small").id == "acme-small"
    assert table.notes == [
        f"{path}: 'gpt-5.4-mini' still names gpt-5.4-mini (pricing/openai.yaml), whose id it "
        "is; acme-small is reached by its own id"
    ]


def test_an_override_may_take_over_an_alias(price_file):
    table = price_table(
        [price_file(GOOD_MODEL.replace("aliases: [small]", "aliases: [haiku-4.5]"))]
    )
    assert table.get("haiku-4.5").id == "acme-small"
    assert table.get("claude-haiku-4-5").id == "claude-haiku-4-5"
