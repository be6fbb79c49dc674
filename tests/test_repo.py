"""Repository conventions: README set-up commands, CI, packaging of the reference data."""

import tomllib

from helpers import ROOT


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    block = text.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def test_readme_opens_with_the_two_setup_commands():
    text = (ROOT / "README.md").read_text()
    assert text.index("```sh") < text.index("##"), "the commands come before the first section"
    install, tests = readme_commands()
    assert "pip install ." in install and install.endswith("ticketcost estimate")
    assert "'.[test]'" in tests and tests.endswith("pytest")


def test_ci_runs_exactly_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.startswith("#!/usr/bin/env bash")
    assert "set -euo pipefail" in ci
    assert readme_commands()[1] in ci.splitlines()


def test_reference_data_ships_inside_the_wheel():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    force_include = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert force_include["pricing"] == "ticketcost/_data/pricing"
    assert force_include["benchmarks"] == "ticketcost/_data/benchmarks"
    assert config["project"]["scripts"]["ticketcost"] == "ticketcost.__main__:main"
