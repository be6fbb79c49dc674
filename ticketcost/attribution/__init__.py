"""Request logs attributed to tickets: what a resolved ticket really cost, and where it went.

The seams: :mod:`.fields` (field names, presets, mapping), :mod:`.sources` (file kinds and how
each is scanned), :mod:`.sql` (SQL building blocks), :mod:`.prices` (log model names to prices),
:mod:`.query` (the attribution, one named phase per function), :mod:`.results` (what it
returns), :mod:`.engine` (the entry point on the embedded DuckDB engine). DuckDB is imported only
when :func:`attribute` runs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ticketcost.attribution.engine import attribute, attribute_logs
    from ticketcost.attribution.fields import FieldMap, Preset, build_field_map
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
    "build_field_map": "fields",
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
    "FieldMap",
    "Group",
    "LogSource",
    "Options",
    "Preset",
    "attribute",
    "attribute_logs",
    "build_field_map",
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
