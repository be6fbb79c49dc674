"""Write docs/reference/cli.md from the commands' own ``--help`` (80 columns), or check it.

    python scripts/cli_reference.py            # exit 1 if docs/reference/cli.md is stale
    python scripts/cli_reference.py --update   # rewrite it

``tests/test_docs_examples.py`` runs the check. Maintainer tooling: not part of the package.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "reference" / "cli.md"

HEAD = """\
# Command-line reference

Generated from each command's `--help` at 80 columns by `scripts/cli_reference.py`; a test keeps it
current. Exit codes, for every command: `0` fine, `1` a budget failed (or, for `pricing check`, a
price is stale), `2` bad input (one `Error:` line), `3` an internal error (a bug; the traceback with
`TICKETCOST_DEBUG=1`), `130` interrupted.
"""


def _help(args: list[str]) -> str:
    from typer.testing import CliRunner

    from ticketcost.cli import app

    result = CliRunner().invoke(
        app, [*args, "--help"], env={"COLUMNS": "80"}, prog_name="ticketcost"
    )
    if result.exit_code != 0:
        raise SystemExit(f"ticketcost {' '.join(args)} --help failed: {result.output}")
    return result.output.rstrip() + "\n"


def _subcommands(args: list[str]) -> list[str]:
    import typer

    from ticketcost.cli import app

    group = typer.main.get_command(app)
    context = typer.Context(group, info_name="ticketcost")
    command = group
    for name in args:
        command = command.get_command(context, name)  # type: ignore[attr-defined]
    return list(getattr(command, "list_commands", lambda _c: [])(context))


def render() -> str:
    from ticketcost.cli import COMMANDS

    parts = [HEAD, "\n## `ticketcost`\n\n```text\n", _help([]), "```\n"]
    for name in COMMANDS:
        parts += [f"\n## `ticketcost {name}`\n\n```text\n", _help([name]), "```\n"]
        for sub in _subcommands([name]):
            parts += [f"\n### `ticketcost {name} {sub}`\n\n```text\n", _help([name, sub]), "```\n"]
    return "".join(parts)


def main() -> int:
    text = render()
    if "--update" in sys.argv[1:]:
        PAGE.parent.mkdir(parents=True, exist_ok=True)
        PAGE.write_text(text)
        return 0
    if not PAGE.exists() or PAGE.read_text() != text:
        print(f"{PAGE.relative_to(ROOT)} is stale: python scripts/cli_reference.py --update")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
