"""`pricing path` and `pricing export`: the bundled files, found and copied from an install."""

from __future__ import annotations

from pathlib import Path

from helpers import ROOT, error, run


def test_path_names_the_folder_and_each_providers_file():
    assert run("pricing", "path").stdout == f"{ROOT / 'pricing'}\n"
    assert run("pricing", "path", "openai").stdout == f"{ROOT / 'pricing' / 'openai.yaml'}\n"


def test_export_copies_a_bundled_file_byte_for_byte(tmp_path: Path):
    target = tmp_path / "mine.yaml"
    result = run("pricing", "export", "anthropic", "-o", str(target))
    assert target.read_bytes() == (ROOT / "pricing" / "anthropic.yaml").read_bytes()
    assert result.stderr.startswith(f"Wrote {target} (a copy of ")
    assert run("pricing", "export", "groq").stdout == (ROOT / "pricing" / "groq.yaml").read_text()


def test_the_helps_own_example_works_on_an_exported_file(tmp_path: Path):
    # `pricing diff` of the bundled file against a copy: nothing changed
    copy = tmp_path / "openai.yaml"
    run("pricing", "export", "openai", "-o", str(copy))
    out = run("pricing", "diff", run("pricing", "path", "openai").stdout.strip(), str(copy)).stdout
    assert out.startswith("Price changes: none\n")


def test_an_unknown_provider_names_the_bundled_ones():
    message = error("pricing", "export", "nope")
    assert "no bundled price file for provider 'nope'" in message
    assert "anthropic, bedrock, deepseek, fireworks, google, groq, mistral, openai" in message
