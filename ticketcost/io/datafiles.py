"""Where the bundled reference data lives.

In an installed wheel the top-level ``pricing/`` directory ships inside the package as
``ticketcost/_data/pricing``; in a source checkout (or an editable install) it is read from the
repository root. Plain paths next to ``__file__`` work for both (pip never installs a wheel as a
zip) and avoid importing ``importlib.resources`` and ``zipfile`` on every start.
"""

from __future__ import annotations

import os
from pathlib import Path

from ticketcost.errors import TicketcostError

_PACKAGE = Path(__file__).resolve().parent.parent  # ticketcost/


def data_dir(name: str) -> Path:
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise TicketcostError(
        f"bundled {name}/ data not found (looked in {_PACKAGE / '_data' / name} and "
        f"{_PACKAGE.parent / name}); reinstall ticketcost"
    )


def read_user_file(path: str | os.PathLike[str], what: str) -> bytes:
    """Read a file the user named; a missing or unreadable one is a one-line error."""
    file = Path(path)
    try:
        return file.read_bytes()
    except FileNotFoundError:
        raise TicketcostError(f"{file}: {what} not found") from None
    except OSError as exc:
        raise TicketcostError(f"{file}: cannot read {what} ({exc.strerror})") from None


def data_files(name: str, suffix: str = ".yaml") -> list[Path]:
    """The data files of one kind, sorted by name so loading order is stable."""
    return sorted(data_dir(name).glob(f"*{suffix}"))
