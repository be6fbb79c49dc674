import datetime as dt
import json
from decimal import Decimal as D
from enum import StrEnum

import pytest

from ticketcost.io.jsonout import dumps


class Mode(StrEnum):
    A = "a"


def test_decimals_are_exact_numbers():
    data = {"a": D("0.0095625"), "b": [D("3.75E-8"), D("-12.50")], "c": D("1E+3")}
    text = dumps(data)
    assert '"a": 0.0095625' in text
    assert "0.0000000375" in text and "-12.5" in text and '"c": 1000' in text
    assert json.loads(text, parse_float=D) == {
        "a": D("0.0095625"),
        "b": [D("3.75E-8"), D("-12.5")],
        "c": 1000,
    }


def test_other_values():
    text = dumps({"d": dt.date(2026, 11, 25), "m": Mode.A, "n": None, "t": True, "s": "é\x00x"})
    assert json.loads(text) == {"d": "2026-11-25", "m": "a", "n": None, "t": True, "s": "é\x00x"}


def test_a_string_that_looks_like_a_marker_stays_a_string():
    text = dumps({"s": "\x00deadbeef:1\x00"})
    assert json.loads(text) == {"s": "\x00deadbeef:1\x00"}


@pytest.mark.parametrize("bad", [D("NaN"), D("Infinity"), object()])
def test_unwritable_values_raise(bad):
    with pytest.raises((ValueError, TypeError)):
        dumps({"x": bad})
