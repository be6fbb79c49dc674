"""Keep the console examples in README.md and docs/ true: run each one and compare, or rewrite.

A page's examples are ```` ```console ```` blocks of ``$ command`` lines (a trailing ``\\``
continues one) each followed by its output. Every page runs in a fresh folder holding the starter
config (``ticketcost.yaml``, as ``ticketcost init`` writes it), each config block of the page
whose first line names a file (a yaml block opening with ``# support.yaml``) and, when the page
mentions ``requests.jsonl``, 20,000 generated requests (``bench/make_logs.py``, also reachable
there as ``bench/``). Commands run in order, so a
page can change a file (``$ sed -i …``) and show what a later command makes of it. ``ticketcost``
runs in-process, in an 80-column terminal (``COLUMNS=80``) on 2026-11-26 (``TICKETCOST_TODAY``,
so that notes about retiring models never age); other commands run in bash.

    python scripts/docs_examples.py            # list the examples whose output is stale
    python scripts/docs_examples.py --update   # rewrite them with today's output

``tests/test_docs_examples.py`` runs the check. Maintainer tooling: not part of the package.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]
WIDTH = "80"
TODAY = "2026-11-26"  # the day the examples take as today (retirement notes), so they never age
_BLOCK = re.compile(r"^```console\n(.*?)^```$", re.S | re.M)
# A config block whose first line names a file (``# support.yaml``) is written to that file.
_FILE = re.compile(r"^```(?:yaml|toml)\n# ([\w.-]+\.(?:yaml|yml|toml))\n(.*?)^```$", re.S | re.M)


@dataclass
class Example:
    command: str  # as written, continuation lines joined
    source: list[str]  # the command's lines as written
    output: str  # as the page shows it


def examples(block: str) -> list[Example]:
    """The commands of one console block with the output written under each."""
    found: list[Example] = []
    lines = block.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    i = 0
    while i < len(lines):
        if not lines[i].startswith("$ "):
            raise ValueError(f"console block does not start with '$ ': {lines[i]!r}")
        source = [lines[i]]
        while source[-1].endswith("\\") and i + 1 < len(lines):
            i += 1
            source.append(lines[i])
        i += 1
        output = []
        while i < len(lines) and not lines[i].startswith("$ "):
            output.append(lines[i])
            i += 1
        command = " ".join(part.rstrip("\\").strip() for part in source)[2:]
        found.append(Example(command, source, "\n".join(output)))
    return found


def _run(command: str) -> str:
    """What ``command`` prints (stdout and stderr, as a terminal shows them)."""
    words = shlex.split(command, comments=True)
    assigned: dict[str, str | None] = {}
    while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):  # `CI=true ticketcost …`
        name, _, value = words.pop(0).partition("=")
        assigned[name] = value
    if not words or words[0] != "ticketcost":
        path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
        done = subprocess.run(
            ["bash", "-c", command],
            capture_output=True,
            text=True,
            check=False,
            env=os.environ | {"PATH": path, "TICKETCOST_TODAY": TODAY},  # `python`: this one
        )
        return done.stdout + done.stderr
    from typer.testing import CliRunner

    from ticketcost.cli import app

    env = {"COLUMNS": WIDTH, "TICKETCOST_TODAY": TODAY, "GITHUB_ACTIONS": None, "CI": None}
    env |= {"NO_COLOR": None} | assigned
    return CliRunner().invoke(app, words[1:], env=env).output


def _prepare(folder: Path, text: str) -> None:
    from ticketcost.costs.starter import STARTER_YAML

    (folder / "ticketcost.yaml").write_text(STARTER_YAML)
    (folder / "bench").symlink_to(ROOT / "bench")  # for `python bench/make_logs.py`
    for match in _FILE.finditer(text):
        (folder / match.group(1)).write_text(f"# {match.group(1)}\n{match.group(2)}")
    if "requests.jsonl" in text:
        make_logs = ROOT / "bench" / "make_logs.py"
        subprocess.run(
            [sys.executable, str(make_logs), "20000", str(folder / "requests.jsonl")],
            check=True,
            capture_output=True,
        )


ELISION = "[…]"  # an output line of its own: any number of printed lines (a long table's rest)


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.rstrip("\n").split("\n")]


def _same(shown: str, printed: str) -> bool:
    """Whether the page shows what was printed: line for line, trailing spaces aside; a line
    ``[…]`` stands for the lines the page leaves out."""
    expected, actual = _lines(shown), _lines(printed)
    if ELISION not in expected:
        return expected == actual
    cut = expected.index(ELISION)
    head, tail = expected[:cut], expected[cut + 1 :]
    return (
        len(actual) >= len(head) + len(tail)
        and actual[: len(head)] == head
        and (not tail or actual[-len(tail) :] == tail)
    )


def _shown(shown: str, printed: str) -> str:
    """The output as the page should show it: what was printed, cut as the page cuts it."""
    expected, actual = _lines(shown), _lines(printed)
    if ELISION not in expected:
        return "\n".join(actual)
    cut = expected.index(ELISION)
    tail = len(expected) - cut - 1
    return "\n".join([*actual[:cut], ELISION, *(actual[-tail:] if tail else [])])


def run_page(page: Path, update: bool = False) -> list[str]:
    """Run every example of ``page``; the stale ones, named (and rewritten when ``update``)."""
    text = page.read_text()
    stale: list[str] = []
    pieces: list[str] = []
    last = 0
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as folder:
        _prepare(Path(folder), text)
        os.chdir(folder)
        try:
            for match in _BLOCK.finditer(text):
                pieces.append(text[last : match.start(1)])
                rewritten = []
                for example in examples(match.group(1)):
                    printed = _run(example.command)
                    if not _same(example.output, printed):
                        stale.append(f"{page.resolve().relative_to(ROOT)}: $ {example.command}")
                    body = _shown(example.output, printed)
                    rewritten.append("\n".join(example.source) + ("\n" + body if body else ""))
                pieces.append("\n".join(rewritten) + "\n")
                last = match.end(1)
        finally:
            os.chdir(here)
    pieces.append(text[last:])
    if update and stale:
        from ticketcost.io.atomic import write_atomic

        write_atomic(page, "".join(pieces))
    return stale


def main() -> int:
    update = "--update" in sys.argv[1:]
    stale = [line for page in PAGES for line in run_page(page, update)]
    for line in stale:
        print(("updated " if update else "stale ") + line)
    return 0 if update or not stale else 1


if __name__ == "__main__":
    sys.exit(main())
