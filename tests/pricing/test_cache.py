"""The validated-price cache: used when valid, rebuilt when damaged, skipped when disabled."""

import json
import shutil
from decimal import Decimal

import pytest

from ticketcost.io.datafiles import data_files
from ticketcost.pricing import table as pricing
from ticketcost.pricing.model import ModelPrice


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    monkeypatch.setenv("TICKETCOST_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("TICKETCOST_NO_CACHE", raising=False)
    pricing.bundled_prices.cache_clear()
    yield tmp_path
    pricing.bundled_prices.cache_clear()


def records(table):
    return [m.to_record() for m in table]


def test_first_load_writes_the_cache_and_second_load_reads_it(fresh, monkeypatch):
    first = pricing.bundled_prices()
    files = list(fresh.glob("pricing-*.json"))
    assert len(files) == 1
    pricing.bundled_prices.cache_clear()

    def no_validation(*args, **kwargs):
        raise AssertionError("the cache should have been used")

    monkeypatch.setattr(pricing, "parse_price_text", no_validation)
    second = pricing.bundled_prices()
    assert records(second) == records(first)


def read_cache_file(path):
    """(header, records) of a cache file: a header line, then the records as JSON."""
    head, _, body = path.read_bytes().partition(b"\n")
    return json.loads(head), json.loads(body)


def write_cache_file(path, header, records):
    path.write_bytes(json.dumps(header).encode() + b"\n" + json.dumps(records).encode())


def test_a_damaged_cache_is_rebuilt(fresh):
    first = pricing.bundled_prices()
    (cache_file,) = fresh.glob("pricing-*.json")
    header, models = read_cache_file(cache_file)
    models[0]["input_usd_per_mtok"] = "not a number"
    write_cache_file(cache_file, header, models)
    pricing.bundled_prices.cache_clear()
    assert records(pricing.bundled_prices()) == records(first)


def test_a_price_edited_by_hand_in_the_cache_is_not_used(fresh):
    first = pricing.bundled_prices()
    (cache_file,) = fresh.glob("pricing-*.json")
    header, models = read_cache_file(cache_file)
    model = next(m for m in models if m["id"] == "gpt-5.4-mini")
    model["input_usd_per_mtok"] = "0.01"  # a valid price, but not the bundled one
    write_cache_file(cache_file, header, models)
    pricing.bundled_prices.cache_clear()
    # the digest no longer matches: the cache is rebuilt from the price files
    assert pricing.bundled_prices().get("gpt-5.4-mini").input_usd_per_mtok == Decimal("0.75")
    assert records(pricing.bundled_prices()) == records(first)
    _, rebuilt = read_cache_file(cache_file)
    assert next(m for m in rebuilt if m["id"] == "gpt-5.4-mini")["input_usd_per_mtok"] == "0.75"


def test_a_cache_cut_short_is_rebuilt(fresh):
    first = pricing.bundled_prices()
    (cache_file,) = fresh.glob("pricing-*.json")
    cache_file.write_bytes(cache_file.read_bytes()[:-100])
    pricing.bundled_prices.cache_clear()
    assert records(pricing.bundled_prices()) == records(first)


def test_a_cache_with_another_key_is_ignored(fresh):
    first = pricing.bundled_prices()
    (cache_file,) = fresh.glob("pricing-*.json")
    header, _ = read_cache_file(cache_file)
    write_cache_file(cache_file, header | {"key": "something else"}, [])
    pricing.bundled_prices.cache_clear()
    assert records(pricing.bundled_prices()) == records(first)


def test_no_cache_setting_writes_nothing(fresh, monkeypatch):
    monkeypatch.setenv("TICKETCOST_NO_CACHE", "1")
    assert len(pricing.bundled_prices()) >= 30
    assert not list(fresh.iterdir())


def test_an_unwritable_cache_directory_is_not_an_error(fresh, monkeypatch):
    blocker = fresh / "file"
    blocker.write_text("")
    monkeypatch.setenv("TICKETCOST_CACHE_DIR", str(blocker / "sub"))
    assert len(pricing.bundled_prices()) >= 30


def test_records_round_trip_exactly():
    for model in pricing.price_table():
        assert ModelPrice.from_record(model.to_record()) == model


def test_editing_a_data_file_invalidates_the_cache(fresh, monkeypatch, tmp_path):
    data = tmp_path / "pricing"
    shutil.copytree(data_files("pricing")[0].parent, data)
    monkeypatch.setattr(pricing, "data_files", lambda name: sorted(data.glob("*.yaml")))
    assert pricing.bundled_prices().get("gpt-5.4-mini").input_usd_per_mtok == Decimal("0.75")
    openai = data / "openai.yaml"
    openai.write_text(
        openai.read_text().replace("input_usd_per_mtok: 0.75", "input_usd_per_mtok: 0.7")
    )
    pricing.bundled_prices.cache_clear()
    assert str(pricing.bundled_prices().get("gpt-5.4-mini").input_usd_per_mtok) == "0.7"
