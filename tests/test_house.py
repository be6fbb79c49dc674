"""The house rules: rooms small enough to work in, layers that only point down, a public API."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest
from helpers import ROOT

import ticketcost

PACKAGE = ROOT / "ticketcost"
MODULES = sorted(PACKAGE.rglob("*.py"))

# Layers, top to bottom. A module may import from its own layer and the ones below it.
LAYERS = [
    ("ticketcost.cli",),
    ("ticketcost.report",),
    ("ticketcost.costs", "ticketcost.attribution"),
    ("ticketcost.pricing",),
    ("ticketcost.io",),
    ("ticketcost.money", "ticketcost.errors"),
]


def module_name(path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(name: str) -> int | None:
    for index, prefixes in enumerate(LAYERS):
        if any(name == p or name.startswith(p + ".") for p in prefixes):
            return index
    return None


def imported(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {n for n in names if n.startswith("ticketcost.")}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_over_600_lines_and_no_function_over_100(path):
    text = path.read_text()
    assert text.count("\n") <= 600, f"{path.name} has {text.count(chr(10))} lines"
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - node.lineno + 1
            assert length <= 100, f"{path.name}:{node.lineno} {node.name}() has {length} lines"


def test_imports_only_point_down_the_layers():
    upward = []
    for path in MODULES:
        name = module_name(path)
        own = layer_of(name)
        if own is None:
            continue
        for target in imported(ast.parse(path.read_text())):
            theirs = layer_of(target)
            if theirs is not None and theirs < own:
                upward.append(f"{name} imports {target}")
    assert upward == []


def test_the_public_api_names_what_a_library_user_needs():
    wanted = {
        "price_table",
        "PriceTable",
        "ConversationProfile",
        "CacheMode",
        "price_conversation",
        "estimate",
        "load_config",
        "compute_stack",
        "compare",
        "attribute_logs",
        "TicketcostError",
        "__version__",
    }
    assert wanted <= set(ticketcost.__all__)
    for name in ticketcost.__all__:
        assert getattr(ticketcost, name) is not None, name
    assert ticketcost.TicketcostError is __import__("ticketcost.errors").errors.TicketcostError


def test_version_comes_from_the_package_metadata():
    from importlib.metadata import version

    assert ticketcost.__version__ == version("ticketcost")
    assert "__version__ =" not in (PACKAGE / "__init__.py").read_text()


def test_py_typed_marks_the_package_as_typed():
    assert (PACKAGE / "py.typed").is_file()


def test_estimate_imports_neither_other_commands_nor_heavy_modules():
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from ticketcost.cli import app\n"
        "assert CliRunner().invoke(app, ['estimate', '-m', 'gpt-5.4-mini']).exit_code == 0\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)  # warm the cache
    loaded = set(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "ticketcost.cli.estimate" in loaded
    for module in (
        "ticketcost.cli.stack",
        "ticketcost.cli.attribute",
        "ticketcost.cli.pricing",
        "ticketcost.attribution",
        "duckdb",
        "pydantic",
        "yaml",
        "rich",
    ):
        assert module not in loaded, module


def test_every_table_declares_its_columns_beside_their_values():
    """Tables are built with table_of (column and value side by side), never from a row tuple
    lined up with a separate column list by position."""
    direct = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in MODULES
        if path.name != "model.py" or path.parent.name != "report"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Table"
    ]
    assert direct == []
