"""Safe YAML reading with exact numbers and line numbers for error messages.

Floats in YAML become ``Decimal`` (parsed from the text as written, never through ``float``), so a
price of ``0.075`` is exactly 0.075. Only the safe loader is used. The composed node tree is kept so
that a validation error at ``models[3].input_usd_per_mtok`` can name its line in the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml

from ticketcost.errors import TicketcostError

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_SPECIAL_FLOATS = {
    ".inf": "Infinity",
    "+.inf": "Infinity",
    "-.inf": "-Infinity",
    ".nan": "NaN",
}


class DecimalSafeLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, with YAML floats constructed as ``Decimal``."""


def _construct_decimal(loader: yaml.constructor.SafeConstructor, node: yaml.Node) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")  # type: ignore[arg-type]
    return Decimal(_SPECIAL_FLOATS.get(text.lower(), text))


DecimalSafeLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


@dataclass(frozen=True)
class YamlDocument:
    """Parsed data plus the node tree it came from."""

    data: Any
    node: yaml.Node | None
    source: str

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """1-based line of the value at ``path`` (or of the nearest parent that exists)."""
        node = self.node
        line = node.start_mark.line + 1 if node is not None else None
        for part in path:
            child = _child(node, part)
            if child is None:
                break
            node = child
            line = node.start_mark.line + 1
        return line


def _child(node: yaml.Node | None, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return value  # type: ignore[no-any-return]
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
        children: list[yaml.Node] = node.value
        return children[part] if 0 <= part < len(children) else None
    return None


def parse_yaml(text: str | bytes, source: str) -> YamlDocument:
    """Parse one YAML document; a syntax error becomes a one-line :class:`TicketcostError`."""
    loader = DecimalSafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        problem = exc.problem or "invalid YAML"
        raise TicketcostError(f"{where}: invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise TicketcostError(f"{source}: invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    return YamlDocument(data=data, node=node, source=source)
