"""Request logs attributed to tickets: what a resolved ticket really cost, and where it went.

The seams: :mod:`.fields` (field names, mapping syntax), :mod:`.formats` (the log formats
and how each is recognised), :mod:`.sources` (files and options), :mod:`.scans` (each file as
SQL), :mod:`.lines` (locating bad lines), :mod:`.sql` (SQL building blocks), :mod:`.prices`
(log model names to prices), :mod:`.query` (the attribution, one named phase per function),
:mod:`.readers` (its tables as values), :mod:`.results` (what it returns), :mod:`.engine` (the
entry point on the embedded DuckDB engine). DuckDB is imported only
when :func:`attribute` runs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ticketcost.attribution.engine import attribute, attribute_logs
    from ticketcost.attribution.fields import FieldChoice, FieldMap, Preset
    from ticketcost.attribution.prices import resolve_log_model
    from ticketcost.attribution.results import Attribution, Group
    from ticketcost.attribution.sources import LogSource, Options, build_options, find_sources

# Imported on first use: the command line reads field names from .fields for every --help,
# and should not pay for the query modules then.
_EXPORTS = {
    "attribute": "engine",
    "attribute_logs": "engine",
    "FieldMap": "fields",
    "Preset": "fields",
    "FieldChoice": "fields",
    "resolve_log_model": "prices",
    "Attribution": "results",
    "Group": "results",
    "LogSource": "sources",
    "Options": "sources",
    "build_options": "sources",
    "find_sources": "sources",
}

__all__ = [
    "Attribution",
    "FieldChoice",
    "FieldMap",
    "Group",
    "LogSource",
    "Options",
    "Preset",
    "attribute",
    "attribute_logs",
    "build_options",
    "find_sources",
    "resolve_log_model",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'ticketcost.attribution' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"ticketcost.attribution.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value
