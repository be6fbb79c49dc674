"""Finding the config file: cheap (no pydantic), so commands that may run without one stay fast."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, overload

from ticketcost.errors import TicketcostError

CONFIG_NAMES = ("ticketcost.yaml", "ticketcost.yml", "ticketcost.toml")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise TicketcostError(f"{path}: cannot read ({exc.strerror})") from None


@overload
def find_config(
    explicit: str | Path | None = None, cwd: Path | None = None, required: Literal[True] = True
) -> Path: ...


@overload
def find_config(
    explicit: str | Path | None = None, cwd: Path | None = None, *, required: bool
) -> Path | None: ...


def find_config(
    explicit: str | Path | None = None, cwd: Path | None = None, required: bool = True
) -> Path | None:
    """``explicit``, or the first config in ``cwd`` (None if there is none and not ``required``)."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise TicketcostError(f"{path}: config file not found")
        return path
    here = cwd or Path.cwd()
    base = cwd or Path()  # relative names read better in messages
    for name in CONFIG_NAMES:
        if (here / name).is_file():
            return base / name
    pyproject = here / "pyproject.toml"
    if pyproject.is_file() and re.search(rb"^\[tool\.ticketcost", _read(pyproject), re.M):
        return base / "pyproject.toml"
    if not required:
        return None
    raise TicketcostError(
        f"no config found in {here} (looked for {', '.join(CONFIG_NAMES)} and [tool.ticketcost] "
        "in pyproject.toml); run 'ticketcost init' to write a starter, or pass -c FILE"
    )
