"""Where the bundled reference data lives.

In an installed wheel the top-level ``pricing/`` directory ships as ``ticketcost/_data/pricing``; in
a source checkout (or an editable install) it is read from the repository root.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from ticketcost.errors import TicketcostError


def data_dir(name: str) -> Traversable:
    packaged = resources.files("ticketcost") / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    raise TicketcostError(
        f"bundled {name}/ data not found (looked in {packaged} and {checkout}); "
        "reinstall ticketcost"
    )


def data_files(name: str, suffix: str = ".yaml") -> list[Traversable]:
    """The data files of one kind, sorted by name so loading order is stable."""
    return sorted(
        (entry for entry in data_dir(name).iterdir() if entry.name.endswith(suffix)),
        key=lambda entry: entry.name,
    )
