"""Where each request-log field is found: the field names, built-in mappings and user overrides.

A field is found by one or more *paths*, tried in order (the first that is present wins). A path
is a column or key name, or ``outer/inner`` to reach into a nested object (a JSON object in JSONL,
a JSON string in a CSV cell, a struct or map in Parquet), e.g. ``attributes/gen_ai.request.model``.

This module is pure: no engine, no printing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from ticketcost.errors import TicketcostError

TEXT_FIELDS = (
    "ticket_id",
    "timestamp",
    "tenant",
    "intent",
    "queue",
    "endpoint",
    "prompt_version",
    "model",
    "status",
    "outcome",
)
TOKEN_FIELDS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")
FIELDS = (*TEXT_FIELDS, *TOKEN_FIELDS, "cost_usd")

# The dimensions a report can be grouped by (``--by``).
DIMENSIONS = (
    "intent",
    "tenant",
    "model",
    "prompt_version",
    "outcome",
    "endpoint",
    "queue",
    "status",
)

Path = tuple[str, ...]


class LogFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"
    PARQUET = "parquet"


class Preset(StrEnum):
    TICKETCOST = "ticketcost"
    OTEL = "otel"
    LITELLM = "litellm"


_LITELLM_TAG = "metadata/spend_logs_metadata/"

# OpenTelemetry GenAI semantic conventions: one span a line. Each key is tried under "attributes"
# first, then as a flattened top-level key. The support fields are plain attributes (intent, ...).
_OTEL_KEYS: dict[str, tuple[str, ...]] = {
    "ticket_id": ("gen_ai.conversation.id", "session.id", "ticket_id"),
    "model": ("gen_ai.response.model", "gen_ai.request.model"),
    "input_tokens": ("gen_ai.usage.input_tokens",),
    "output_tokens": ("gen_ai.usage.output_tokens",),
    "cache_read_tokens": ("gen_ai.usage.cache_read.input_tokens",),
    "cache_write_tokens": ("gen_ai.usage.cache_creation.input_tokens",),
    **{name: (name,) for name in ("tenant", "intent", "queue", "endpoint", "prompt_version")},
    "outcome": ("outcome",),
    "status": ("status", "otel.status_code"),
    "cost_usd": ("cost_usd",),
}

PRESET_PATHS: dict[Preset, dict[str, tuple[str, ...]]] = {
    Preset.TICKETCOST: {name: (name,) for name in FIELDS},
    Preset.OTEL: {
        **{
            name: tuple(p for key in keys for p in (f"attributes/{key}", key))
            for name, keys in _OTEL_KEYS.items()
        },
        "timestamp": ("startTimeUnixNano", "start_time", "timestamp"),
    },
    # LiteLLM proxy spend logs (LiteLLM_SpendLogs rows, exported as JSONL, CSV or Parquet). The
    # ticket is the session; support fields come from the request's spend_logs_metadata.
    Preset.LITELLM: {
        "ticket_id": ("session_id", f"{_LITELLM_TAG}ticket_id"),
        "timestamp": ("startTime",),
        "tenant": (f"{_LITELLM_TAG}tenant", "team_id"),
        **{
            name: (f"{_LITELLM_TAG}{name}",)
            for name in ("intent", "queue", "endpoint", "prompt_version", "outcome")
        },
        "model": ("model",),
        "status": ("status",),
        "input_tokens": ("prompt_tokens",),
        "output_tokens": ("completion_tokens",),
        "cache_read_tokens": ("metadata/additional_usage_values/cache_read_input_tokens",),
        "cache_write_tokens": ("metadata/additional_usage_values/cache_creation_input_tokens",),
        "cost_usd": ("spend",),
    },
}


@dataclass(frozen=True)
class FieldMap:
    """Each field's paths, in the order they are tried."""

    paths: Mapping[str, tuple[Path, ...]]
    input_includes_cache: bool  # True: input_tokens counts cache reads and writes too
    preset: Preset

    def describe(self) -> dict[str, list[str]]:
        return {name: ["/".join(p) for p in paths] for name, paths in self.paths.items()}


def parse_path(text: str, source: str) -> Path:
    parts = tuple(part.strip() for part in text.split("/"))
    if not text.strip() or any(not part for part in parts):
        raise TicketcostError(
            f"{source}: '{text}' is not a field path; use a column or key name, or outer/inner "
            "for a nested key"
        )
    return parts


def check_field_name(name: str, source: str) -> str:
    if name not in FIELDS:
        import difflib

        close = difflib.get_close_matches(name, FIELDS, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise TicketcostError(
            f"{source}: unknown log field '{name}'{hint}; the fields are {', '.join(FIELDS)}",
            hints=("field",) if source.startswith("`field`") else (),
        )
    return name


def parse_field_flags(flags: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """``--field ticket_id=conversation_id`` (repeatable; ``a,b`` tries a then b)."""
    overrides: dict[str, tuple[str, ...]] = {}
    for flag in flags:
        name, sep, value = flag.partition("=")
        if not sep or not value.strip():
            raise TicketcostError(
                f"`field` {flag}: write FIELD=PATH, e.g. `field` ticket_id=conversation_id",
                hints=("field",),
            )
        check_field_name(name.strip(), f"`field` {flag}")
        overrides[name.strip()] = tuple(v.strip() for v in value.split(","))
    return overrides


def build_field_map(
    preset: Preset = Preset.TICKETCOST,
    overrides: Mapping[str, Sequence[str]] | None = None,
    input_includes_cache: bool | None = None,
    source: str = "`field`",
) -> FieldMap:
    """The preset's paths with ``overrides`` (field -> paths) replacing whole fields."""
    chosen = dict(PRESET_PATHS[preset])
    for name, paths in (overrides or {}).items():
        chosen[check_field_name(name, source)] = tuple(paths)
    parsed = {
        name: tuple(parse_path(p, f"{source} {name}") for p in chosen.get(name, ()))
        for name in FIELDS
    }
    if not parsed["ticket_id"]:
        raise TicketcostError(f"{source}: ticket_id needs a path")
    includes = True if input_includes_cache is None else input_includes_cache
    return FieldMap(parsed, includes, preset)


def log_format_of(name: str) -> str | None:
    """``jsonl``, ``csv`` or ``parquet`` from a file name (compression suffixes ignored)."""
    lowered = name.lower()
    for compressed in (".gz", ".zst"):
        lowered = lowered.removesuffix(compressed)
    for suffixes, kind in (
        ((".jsonl", ".ndjson", ".json"), "jsonl"),
        ((".csv", ".tsv"), "csv"),
        ((".parquet", ".pq"), "parquet"),
    ):
        if lowered.endswith(suffixes):
            return kind
    return None
