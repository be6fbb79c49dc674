"""Turn a pydantic ``ValidationError`` into one line that names the file, line, field and rule.

Shared by every schema-checked file: price tables, benchmark files and configs.
"""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from ticketcost.errors import TicketcostError

Loc = tuple[str | int, ...]


def _plain(message: str) -> str:
    """pydantic writes a Decimal bound as Decimal('1000'): say 1000."""
    return re.sub(r"Decimal\('([^']*)'\)", r"\1", message)


def located(source: str, line: int | None, field: str, message: str) -> TicketcostError:
    where = f"{source}:{line}" if line is not None else source
    return TicketcostError(f"{where}: {field}: {message}" if field else f"{where}: {message}")


def dotted(loc: Loc, data: object) -> str:
    """``intents[1](billing).escalation_rate``: the path, naming an item by its id or name."""
    text = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            if isinstance(node, dict):
                label = node.get("id", node.get("name"))
                if isinstance(label, str):
                    text += f"({label})"
        else:
            text += f".{part}" if text else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return text


def _model_at(root: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The pydantic model class that holds the value at ``loc``."""
    current: Any = root
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = _inner_model(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    """``list[Intent] | None`` -> ``Intent``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def first_problem(
    exc: ValidationError,
    root: type[BaseModel],
    source: str,
    data: object,
    line_of: Callable[[Loc], int | None],
) -> TicketcostError:
    """The first problem as a one-line error (a misspelt field is reported before the 'missing'
    error it also causes), with a count of the others."""
    errors = sorted(exc.errors(include_url=False), key=lambda e: e["type"] != "extra_forbidden")
    first = errors[0]
    loc: Loc = tuple(first["loc"])
    message = _plain(first["msg"].removeprefix("Value error, "))
    if first["type"] == "extra_forbidden":
        holder = _model_at(root, loc[:-1])
        allowed = list(holder.model_fields) if holder else []
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        message = f"unknown field; {hint}allowed fields are {', '.join(allowed)}"
    elif (
        first["type"] != "missing"
        and "input" in first
        and not isinstance(first["input"], (dict, list))
    ):
        shown = first["input"]
        message += f" (got {shown if isinstance(shown, Decimal) else repr(shown)})"
    if len(errors) > 1:
        message += f" (+{len(errors) - 1} more problem(s))"
    return located(source, line_of(loc), dotted(loc, data) or "(file)", message)
