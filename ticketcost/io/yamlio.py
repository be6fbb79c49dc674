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
        """1-based line of the entry at ``path`` (its key's line for a mapping entry), or of the
        nearest parent that exists."""
        node = self.node
        line = node.start_mark.line + 1 if node is not None else None
        for part in path:
            found = _child(node, part)
            if found is None:
                break
            marker, node = found
            line = marker.start_mark.line + 1
        return line


def _child(node: yaml.Node | None, part: str | int) -> tuple[yaml.Node, yaml.Node] | None:
    """(node whose line names the entry, the entry's value)."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return key, value
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
        children: list[yaml.Node] = node.value
        if 0 <= part < len(children):
            return children[part], children[part]
    return None


MAX_EXPANDED_VALUES = 100_000


def _check_expansion(root: yaml.Node, source: str) -> None:
    """Refuse alias bombs ("billion laughs") and recursive aliases before anything walks the data.

    Aliases share nodes, so the composed tree is small; the size it would expand to is counted with
    memoisation, in time linear in the number of distinct nodes.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            line = node.start_mark.line + 1
            raise TicketcostError(f"{source}:{line}: a recursive alias is not allowed here")
        open_nodes.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        if total > MAX_EXPANDED_VALUES:
            line = node.start_mark.line + 1
            raise TicketcostError(
                f"{source}:{line}: the document expands to more than {MAX_EXPANDED_VALUES:,} "
                "values through aliases; refusing it"
            )
        open_nodes.discard(key)
        sizes[key] = total
        return total

    size(root)


def parse_yaml(text: str | bytes, source: str) -> YamlDocument:
    """Parse one YAML document; a syntax error becomes a one-line :class:`TicketcostError`."""
    loader = DecimalSafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_expansion(node, source)
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
