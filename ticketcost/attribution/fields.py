"""Where each request-log field is found: the field names, how a mapping is written, and the
mapping a file is read with.

A field is found by one or more *alternatives*, tried in order (the first that is present wins).
An alternative is a path, or several joined by ``+`` whose values are summed (Gemini bills
``candidatesTokenCount+thoughtsTokenCount`` as output). A path is a column or key name, or
``outer/inner`` to reach into a nested object (a JSON object in JSONL, a JSON string in a CSV
cell, a struct or map in Parquet), e.g. ``attributes/gen_ai.request.model``. ``=text`` is a
constant (a Batch API results file is ``service_tier`` ``=batch`` on every line).

The built-in mappings, one per log format, are in :mod:`.formats`. This module is pure: no
engine, no printing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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
    "provider",
    "service_tier",
    "request_id",
)
TOKEN_FIELDS = (
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
)
# ``error``: present (an error object, an error type) means the request failed, whatever its
# status says; it is read into the status
FIELDS = (*TEXT_FIELDS, "error", *TOKEN_FIELDS, "cost_usd")

# The dimensions a report can be grouped by (``--by``): the time buckets are of the request's
# own timestamp.
TIME_DIMENSIONS = ("day", "week", "month")
DIMENSIONS = (
    "intent",
    "tenant",
    "model",
    "prompt_version",
    "outcome",
    "endpoint",
    "queue",
    "status",
    *TIME_DIMENSIONS,
)

Path = tuple[str, ...]
Alternative = tuple[Path, ...]  # paths whose values are summed; one path is the usual case


class LogFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"
    PARQUET = "parquet"


class Preset(StrEnum):
    """A log format with its built-in mapping (see :mod:`.formats`)."""

    TICKETCOST = "ticketcost"
    OTEL = "otel"
    OTLP = "otlp"
    CLICKHOUSE = "clickhouse"
    LITELLM = "litellm"
    HELICONE = "helicone"
    LANGFUSE = "langfuse"
    RESPONSES = "responses"


class CacheRule(StrEnum):
    """Whether a line's input_tokens counts its cache reads and writes."""

    INCLUDES = "includes"  # OpenAI, Gemini, OpenTelemetry, LiteLLM
    EXCLUDES = "excludes"  # Anthropic's own usage; Langfuse and Helicone usage buckets
    BY_PROVIDER = "by provider"  # each line by its provider: Anthropic excludes, others include


@dataclass(frozen=True)
class FieldMap:
    """How one file is read: each field's alternatives in order, and the per-line rules."""

    paths: Mapping[str, tuple[Alternative, ...]]
    cache_rule: CacheRule
    preset: Preset
    zero_cost_is_unknown: bool = False  # a given cost of 0 with tokens is "not priced"
    detected: bool = False  # the preset was recognised from the content

    def describe(self) -> dict[str, list[str]]:
        return {
            name: ["+".join("/".join(p) for p in alternative) for alternative in alternatives]
            for name, alternatives in self.paths.items()
            if alternatives
        }


@dataclass(frozen=True)
class FieldChoice:
    """What the caller chose: a preset for every file (None: recognised per file), field
    overrides that replace whole fields, and the cache rule (None: the format's own)."""

    preset: Preset | None = None
    overrides: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    input_includes_cache: bool | None = None


def parse_path(text: str, source: str) -> Path:
    parts = tuple(part.strip() for part in text.split("/"))
    if text.startswith("="):
        return (text,)  # a constant
    if not text.strip() or any(not part for part in parts):
        raise TicketcostError(
            f"{source}: '{text}' is not a field path; use a column or key name, or outer/inner "
            "for a nested key"
        )
    return parts


def parse_alternative(text: str, source: str) -> Alternative:
    if text.startswith("="):
        return ((text,),)
    return tuple(parse_path(part, source) for part in text.split("+"))


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
    """``--field ticket_id=conversation_id`` (repeatable; ``a,b`` tries a then b; ``a+b`` sums)."""
    overrides: dict[str, tuple[str, ...]] = {}
    for flag in flags:
        name, sep, value = flag.partition("=")
        if not sep or not value.strip():
            raise TicketcostError(
                f"`field` {flag}: write FIELD=PATH, e.g. `field` ticket_id=conversation_id",
                hints=("field",),
            )
        check_field_name(name.strip(), f"`field` {flag}")
        alternatives = tuple(v.strip() for v in value.split(","))
        for alternative in alternatives:
            parse_alternative(alternative, f"`field` {flag}")
        overrides[name.strip()] = alternatives
    return overrides


def build_field_map(
    preset: Preset,
    builtin: Mapping[str, Sequence[str]],
    cache_rule: CacheRule,
    choice: FieldChoice,
    *,
    zero_cost_is_unknown: bool = False,
    detected: bool = False,
    source: str = "`field`",
) -> FieldMap:
    """A format's built-in alternatives with the caller's overrides replacing whole fields."""
    chosen = dict(builtin)
    for name, alternatives in choice.overrides.items():
        chosen[check_field_name(name, source)] = tuple(alternatives)
    parsed = {
        name: tuple(parse_alternative(a, f"{source} {name}") for a in chosen.get(name, ()))
        for name in FIELDS
    }
    if not parsed["ticket_id"]:
        raise TicketcostError(f"{source}: ticket_id needs a path")
    if choice.input_includes_cache is not None:
        cache_rule = CacheRule.INCLUDES if choice.input_includes_cache else CacheRule.EXCLUDES
    return FieldMap(parsed, cache_rule, preset, zero_cost_is_unknown, detected)


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
