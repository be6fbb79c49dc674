"""The ``ticketcost`` console script and ``python -m ticketcost``.

The command line is imported inside :func:`main`, so that Ctrl-C while it loads still ends with one
line and exit code 130 rather than a traceback. Once a run is interrupted, further interrupts (a
second Ctrl-C, or the one DuckDB re-posts after it stops a query) are ignored so the exit is clean;
so is a Ctrl-C once the run has finished.
"""

from __future__ import annotations

import signal
import sys

INTERRUPTED = 130


def main() -> None:
    try:
        from ticketcost.cli import main as run

        run()
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        cli = sys.modules.get("ticketcost.cli")
        if not getattr(cli, "interrupt_reported", False):
            sys.stderr.write("Error: interrupted\n")
        _exit_now(INTERRUPTED)
    except SystemExit as exc:
        if exc.code == INTERRUPTED:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            _exit_now(INTERRUPTED)
        _finished()
        raise
    _finished()


def _finished() -> None:
    """The run is over and its output written: a Ctrl-C now changes nothing, so it is ignored
    (the interpreter's shutdown restores the default handler, under which a late SIGINT would end
    the process with no message and no exit code of ours)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _exit_now(code: int) -> None:
    """Exit without the interpreter's shutdown, where a query thread's late re-posted SIGINT
    could still kill the process after the one line was written (files are already closed)."""
    import contextlib
    import os

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
