"""The ``ticketcost`` console script and ``python -m ticketcost``.

The command line is imported inside :func:`main`, so that Ctrl-C while it loads still ends with one
line and exit code 130 rather than a traceback.
"""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from ticketcost.cli import main as run

        run()
    except KeyboardInterrupt:
        sys.stderr.write("Error: interrupted\n")
        sys.exit(130)


if __name__ == "__main__":
    main()
