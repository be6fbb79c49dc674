"""The ``ticketcost`` command line: parse flags, call the core, render. No arithmetic here.

This module holds the app, the one error boundary and the lazy command registry. Each command
lives in the module of its family (``estimate``, ``stack``, ``growth``, ``ci``, ``attribute``,
``pricing``); shared option declarations live in :mod:`ticketcost.cli.options`.

Errors: the core raises :class:`~ticketcost.errors.TicketcostError`; it is caught in one place,
:meth:`_Group.main`, and printed as a single ``Error: …`` line on stderr with exit code 2 (exit 1
means only that a budget failed). Results go to stdout, messages to stderr.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator, MutableMapping
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from ticketcost.cli.options import SETTINGS
from ticketcost.errors import TicketcostError

if TYPE_CHECKING:
    from typer._click.core import Command  # typer's own copy of click

# Command name -> "module:attribute", in the order --help lists them. A command's module is
# imported, and its click form built, only when that command is looked up (click's lazy group).
COMMANDS: dict[str, str] = {
    "estimate": "ticketcost.cli.estimate:estimate",
    "models": "ticketcost.cli.estimate:models",
    "init": "ticketcost.cli.stack:init",
    "stack": "ticketcost.cli.stack:stack",
    "compare": "ticketcost.cli.stack:compare",
    "recommend": "ticketcost.cli.recommend:recommend",
    "scale-table": "ticketcost.cli.growth:scale_table",
    "roi": "ticketcost.cli.growth:roi",
    "curve": "ticketcost.cli.growth:curve",
    "check": "ticketcost.cli.ci:check",
    "diff": "ticketcost.cli.ci:diff_command",
    "attribute": "ticketcost.cli.attribute:attribute",
    "report": "ticketcost.cli.report:report",
    "pricing": "ticketcost.cli.pricing:pricing_app",
}


def load_command(name: str) -> Command:
    """Import the module that defines command ``name`` and build its click command."""
    module_name, attribute = COMMANDS[name].split(":")
    target = getattr(importlib.import_module(module_name), attribute)
    single = target if isinstance(target, typer.Typer) else target.typer_app
    return typer.main.get_command(single)


class _LazyCommands(MutableMapping[str, "Command"]):
    """The group's commands, each built from its module only when first looked up.

    typer inspects every parameter of every command to build its click form; importing and
    building only the command being run keeps ``ticketcost estimate`` from paying for all the
    others. Help and "did you mean" see every name, as usual.
    """

    def __init__(self, built: dict[str, Command]) -> None:
        self._built = built

    def __getitem__(self, name: str) -> Command:
        if name not in self._built and name in COMMANDS:
            self._built[name] = load_command(name)
        return self._built[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*COMMANDS, *self._built]))

    def __len__(self) -> int:
        return len(set(COMMANDS) | set(self._built))


class _Group(TyperGroup):
    """Turns every bad-input error into one line on stderr and an exit code (2 for bad input)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = _LazyCommands(dict(self.commands))

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The command list with each command's whole first sentence (click cuts it at the
        terminal's width with "..."); long ones wrap under themselves."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            text = " ".join((command.help or "").split("\n\n")[0].split())
            sentence = text.split(". ")[0].rstrip(".") + "." if text else ""
            rows.append((name, sentence))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        global interrupt_reported
        interrupt_reported = False
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            code = result if isinstance(result, int) else 0
            if code == INTERRUPTED:  # typer turns Ctrl-C into a silent exit 130
                code = _interrupted()
        except TicketcostError as exc:
            code = _fail(cli_message(exc), exc.exit_code)
        except (typer.Abort, KeyboardInterrupt):  # click turns Ctrl-C into Abort
            code = _interrupted()
        except typer.TyperException as exc:  # click's usage errors: bad flag, bad value
            message = exc.format_message()
            context = getattr(exc, "ctx", None)
            if context is not None:
                message += f" (see '{context.command_path} --help')"
            code = _fail(message, exc.exit_code)
        except Exception as exc:  # a bug: never exit 1, which CI reads as "over budget"
            code = internal_error(exc)
        if standalone_mode:
            sys.exit(code)
        return code


def cli_message(exc: TicketcostError) -> str:
    """The error as the command line says it: a parameter named by the core becomes its flag."""
    return exc.message_with(lambda param: "--" + param.replace("_", "-"))


# Exit codes: 0 ok; 1 a budget (or a staleness check) failed; 2 bad input; 3 an internal error;
# 130 interrupted (Ctrl-C), as shells report SIGINT.
INTERNAL_ERROR = 3
INTERRUPTED = 130


interrupt_reported = False  # read by ticketcost.__main__: one "interrupted" line, however many


def _interrupted() -> int:
    global interrupt_reported
    if not interrupt_reported:
        interrupt_reported = True
        _fail("interrupted", INTERRUPTED)
    return INTERRUPTED


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"Error: {' '.join(message.split())}\n")
    return code


def internal_error(exc: BaseException) -> int:
    """One line for an unexpected error (exit 3); the traceback with TICKETCOST_DEBUG=1."""
    import os

    if os.environ.get("TICKETCOST_DEBUG"):
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return _fail(
        f"internal error ({what[:200]}); this is a bug in ticketcost, please report it with the "
        "command you ran (TICKETCOST_DEBUG=1 shows the traceback)",
        INTERNAL_ERROR,
    )


# The root alone offers shell completion (--install-completion, --show-completion).
app = typer.Typer(cls=_Group, name="ticketcost", **(SETTINGS | {"add_completion": True}))


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    """What one AI-handled customer-support ticket really costs, exactly.

    Prices are exact (decimal arithmetic), per 1M tokens, from bundled tables that say where each
    price came from and when it was verified. Nothing is fetched from the network.
    """
    from ticketcost.cli.options import write_stdout

    if version:
        import ticketcost

        write_stdout(f"ticketcost {ticketcost.__version__}\n")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        write_stdout(ctx.get_help() + "\n")
        raise typer.Exit()


def main() -> None:
    """Run the command line (see :func:`ticketcost.__main__.main`, the console script)."""
    app(prog_name="ticketcost")
