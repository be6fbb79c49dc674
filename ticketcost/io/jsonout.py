"""JSON with exact decimals: a ``Decimal`` is written as a JSON number with its exact digits.

``json.dumps`` knows no ``Decimal`` and a float round-trip could change digits. Each ``Decimal`` is
handed to the (fast, C) encoder as a string wrapped in a random per-call marker, and the quoted
markers are then replaced by the bare number. Read the output back exactly with
``json.loads(text, parse_float=decimal.Decimal)``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from decimal import Decimal
from typing import Any

from ticketcost.money import plain


def dumps(value: Any, indent: int = 2) -> str:
    token = os.urandom(8).hex()

    def encode(item: Any) -> Any:
        if isinstance(item, Decimal):
            if not item.is_finite():
                raise ValueError(f"cannot write {item} as JSON")
            return f"\x00{token}:{plain(item)}\x00"
        if isinstance(item, (dt.date, dt.datetime)):
            return item.isoformat()
        raise TypeError(f"cannot write {type(item).__name__} as JSON")

    text = json.dumps(value, indent=indent, ensure_ascii=False, default=encode)
    return re.sub(rf'"\\u0000{token}:(-?[0-9.]+)\\u0000"', r"\1", text)
