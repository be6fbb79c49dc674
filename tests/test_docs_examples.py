"""The README and docs/ show real output: every console example is run and compared
(scripts/docs_examples.py; `python scripts/docs_examples.py --update` rewrites stale ones)."""

from __future__ import annotations

import re
import sys

import pytest
from helpers import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import docs_examples

from ticketcost.costs.starter import STARTER_YAML


@pytest.mark.parametrize("page", docs_examples.PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_console_examples_print_what_the_page_shows(page):
    stale = docs_examples.run_page(page)
    assert not stale, "stale examples (python scripts/docs_examples.py --update):\n" + "\n".join(
        stale
    )


def test_every_page_with_commands_has_examples():
    # the guides each show at least one real run
    for name in ("estimate", "config", "growth", "ci", "attribute", "pricing"):
        page = (ROOT / "docs" / f"{name}.md").read_text()
        assert re.search(r"```console\n(?:\$ .*\n(?:[^`].*\n)*?)*?\$ ticketcost ", page), name


def test_a_stale_example_is_caught(tmp_path, monkeypatch):
    page = tmp_path / "page.md"
    page.write_text("```console\n$ ticketcost estimate -m gpt-5.4-nano --format csv\nmodel\n```\n")
    monkeypatch.setattr(docs_examples, "ROOT", tmp_path)
    assert docs_examples.run_page(page) == [
        "page.md: $ ticketcost estimate -m gpt-5.4-nano --format csv"
    ]


def test_elision_matches_only_the_lines_around_it():
    printed = "a\nb\nc\nd\n"
    assert docs_examples._same("a\n[…]\nd", printed)
    assert docs_examples._same("a\nb\n[…]", printed)
    assert not docs_examples._same("a\n[…]\nc", printed)
    assert not docs_examples._same("b\n[…]", printed)


def test_readme_is_a_front_page():
    readme = (ROOT / "README.md").read_bytes()
    assert len(readme) <= 20 * 1024, f"README.md is {len(readme):,} bytes; the limit is 20 KB"
    text = readme.decode()
    for recipe in ("resolved ticket", "Intercom Fin", "CI", "logs"):
        assert re.search(rf"^## Recipe \d: .*{recipe}", text, re.M), recipe
    for link in re.findall(r"\]\((docs/[^)#]+)", text):
        assert (ROOT / link).exists(), link


def test_docs_links_resolve():
    for page in docs_examples.PAGES:
        for link in re.findall(r"\]\(((?:\.\./|docs/|[\w-]+\.md)[^)#]*)", page.read_text()):
            assert (page.parent / link).resolve().exists(), f"{page.name}: {link}"


def test_cli_reference_is_current():
    import cli_reference

    assert cli_reference.PAGE.read_text() == cli_reference.render(), (
        "docs/reference/cli.md is stale: python scripts/cli_reference.py --update"
    )


def test_config_page_shows_the_whole_starter_config():
    assert STARTER_YAML.rstrip() in (ROOT / "docs" / "config.md").read_text()


def test_attribute_page_logs_config_is_valid(tmp_path):
    from ticketcost.costs.config import load_logs_settings

    page = (ROOT / "docs" / "attribute.md").read_text()
    block = re.search(r"```yaml\n(# in ticketcost.yaml.*?)```", page, re.S)
    assert block is not None
    config = tmp_path / "ticketcost.yaml"
    config.write_text(block.group(1))
    logs = load_logs_settings(config)
    assert logs is not None and logs.resolved_outcomes == ["resolved", "deflected"]
    assert logs.fields.overrides()["model"] == ["response_model", "request_model"]
