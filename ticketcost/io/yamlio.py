"""Safe YAML reading with exact numbers and line numbers for error messages.

Floats in YAML become ``Decimal`` (parsed from the text as written, never through ``float``), so a
price of ``0.075`` is exactly 0.075. Only the safe loader is used. The composed node tree is kept so
that a validation error at ``models[3].input_usd_per_mtok`` can name its line in the file.

Nothing is converted in silence. PyYAML reads YAML 1.1, where ``010000`` is the octal number 4,096,
``1:30`` is 90 (base 60) and ``yes``/``no``/``on``/``off`` are booleans; here a number must be
written in decimal (anything else is an error naming its line), only ``true``/``false`` are
booleans (as in YAML 1.2), a key given twice in one mapping is an error, and so is an impossible
date, a number of more than 100 digits, or nesting deeper than Python can follow.
"""

from __future__ import annotations

import re
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


MAX_DIGITS = 100


class DecimalSafeLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader: floats as ``Decimal``, decimal integers only, YAML 1.2 booleans, no
    duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":  # `<<: *base` may be overridden
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                if key in seen:
                    raise _problem(key_node, f"'{key}' is given twice (first on line {seen[key]})")
                seen[key] = key_node.start_mark.line + 1
            except TypeError:  # an unhashable key: the base constructor explains
                break
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def _problem(node: yaml.Node, problem: str) -> yaml.constructor.ConstructorError:
    return yaml.constructor.ConstructorError(None, None, problem, node.start_mark)


def _construct_decimal(loader: yaml.constructor.SafeConstructor, node: yaml.Node) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")  # type: ignore[arg-type]
    if len(text) > MAX_DIGITS:
        raise _problem(node, f"a number of more than {MAX_DIGITS} characters")
    try:
        return Decimal(_SPECIAL_FLOATS.get(text.lower(), text))
    except ArithmeticError:  # YAML 1.1 base-60 floats (1:30.5) and the like
        raise _problem(
            node,
            f"{text} is not a number ticketcost can read (a YAML 1.1 base-60 float, or an "
            "exponent out of range); quote it if it is text",
        ) from None


_DECIMAL_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)")


def _construct_int(loader: yaml.constructor.SafeConstructor, node: yaml.Node) -> int:
    text = str(loader.construct_scalar(node))  # type: ignore[arg-type]
    if len(text) > MAX_DIGITS:
        raise _problem(node, f"a number of more than {MAX_DIGITS} digits")
    if _DECIMAL_INT.fullmatch(text):
        return int(text.replace("_", ""))
    if ":" in text:
        why = "YAML 1.1 reads it as a base-60 number"
    elif re.fullmatch(r"[-+]?0[0-7_]+", text):
        why = "YAML 1.1 reads a leading zero as octal"
    else:
        why = "write numbers in decimal"
    raise _problem(node, f"{text} is ambiguous ({why}); write the number in decimal, or quote it")


def _construct_date(loader: yaml.constructor.SafeConstructor, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError as exc:
        value = loader.construct_scalar(node)  # type: ignore[arg-type]
        raise _problem(node, f"{value} is not a real date ({exc})") from None


DecimalSafeLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
DecimalSafeLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
DecimalSafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_date)

# YAML 1.2 booleans: true and false only (yes, no, on and off stay text).
_resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = getattr(  # noqa: B009 (typed as type)
    _BaseLoader, "yaml_implicit_resolvers"
)
DecimalSafeLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in _resolvers.items()
}
DecimalSafeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
# YAML 1.2 floats also include 1e6 and 12.5e3, which YAML 1.1 reads as text.
DecimalSafeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


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
    except RecursionError:
        raise TicketcostError(f"{source}: invalid YAML: nested too deeply") from None
    finally:
        loader.dispose()
    return YamlDocument(data=data, node=node, source=source)
