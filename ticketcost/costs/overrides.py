"""``--set KEY=VALUE``: a config value changed for one run, as if the file said it.

KEY is a dotted path into the config (``volume``, ``human.hourly_usd``); a list of named items is
entered by name or by position (``intents.billing.model``, ``intents.0.model``). VALUE is read as
YAML reads it (``50000``, ``0.3``, ``gpt-5.4-mini``, ``[a, b]``), exactly. The changed data is then
validated like the file, so a bad value is refused with the key named.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from ticketcost.errors import TicketcostError
from ticketcost.io.validation import Loc
from ticketcost.io.yamlio import parse_yaml


def apply_sets(data: dict[str, Any], sets: Sequence[str]) -> tuple[dict[str, Any], list[Loc]]:
    """``data`` with each ``KEY=VALUE`` of ``sets`` applied (a copy), and the places set."""
    changed = copy.deepcopy(data)
    places: list[Loc] = []
    for text in sets:
        key, sep, raw = text.partition("=")
        parts = [p.strip() for p in key.split(".")]
        if not sep or not key.strip() or any(not p for p in parts):
            raise TicketcostError(
                f"set {text}: write KEY=VALUE, e.g. volume=50000 or "
                "intents.billing.model=gpt-5.4-mini",
                param="set",
            )
        value = parse_yaml(raw, f"--set {key}").data
        places.append(_put(changed, parts, value, text))
    return changed, places


def _put(data: dict[str, Any], parts: list[str], value: Any, text: str) -> Loc:
    cursor: Any = data
    loc: list[str | int] = []
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if isinstance(cursor, dict):
            if last:
                cursor[part] = value
            else:
                cursor = cursor.setdefault(part, {})
            loc.append(part)
        elif isinstance(cursor, list):
            index = _item(cursor, part, ".".join(parts[:depth]), text)
            if last:
                cursor[index] = value
            else:
                cursor = cursor[index]
            loc.append(index)
        else:
            where = ".".join(parts[:depth])
            raise TicketcostError(
                f"set {text}: {where} is a single value, not a section with '{part}' in it",
                param="set",
            )
    return tuple(loc)


def _item(items: list[Any], part: str, where: str, text: str) -> int:
    """The position of the item called ``part`` (its ``name``), or at position ``part``."""
    names = [i.get("name") for i in items if isinstance(i, dict)]
    for index, item in enumerate(items):
        if isinstance(item, dict) and item.get("name") == part:
            return index
    if part.isdigit() and int(part) < len(items):
        return int(part)
    known = ", ".join(str(n) for n in names if n is not None) or "none named"
    raise TicketcostError(
        f"set {text}: {where} has no item called '{part}' (items: {known}; or a position from "
        f"0 to {len(items) - 1})",
        param="set",
    )
