"""The log formats ticketcost reads, each with its built-in mapping, and how a file's format is
recognised from its content.

Every mapping follows the published schema of the tool that writes the logs; docs/log-formats.md
lists them with their sources and the fields read. A format is recognised from the keys of the
first records of a file (:func:`recognise`); ``--preset`` forces one. This module is pure: no
engine, no printing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ticketcost.attribution.fields import CacheRule, FieldChoice, FieldMap, Preset, build_field_map

_SUPPORT = ("tenant", "intent", "queue", "endpoint", "prompt_version", "outcome")

# --------------------------------------------------------------------------- ticketcost's own

TICKETCOST: dict[str, tuple[str, ...]] = {
    name: (name,)
    for name in (
        "ticket_id", "timestamp", *_SUPPORT, "model", "status", "provider", "service_tier",
        "request_id", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens",
        "cache_write_1h_tokens", "cost_usd",
    )
}  # fmt: skip

# ---------------------------------------------------------------- OpenTelemetry span attributes
# GenAI semantic conventions (gen_ai.*), the older OpenLLMetry names (gen_ai.usage.prompt_tokens,
# ...) and OpenInference (llm.*), most recent first. All count cached tokens inside input.
OTEL_KEYS: dict[str, tuple[str, ...]] = {
    "ticket_id": (
        "gen_ai.conversation.id", "session.id", "ticket_id", "ticket.id",
        "traceloop.association.properties.ticket_id",
        "traceloop.association.properties.session_id",
    ),
    "model": ("gen_ai.response.model", "gen_ai.request.model", "llm.model_name"),
    "input_tokens": (
        "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt",
    ),
    "output_tokens": (
        "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens",
        "llm.token_count.completion",
    ),
    "cache_read_tokens": (
        "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens",
        "llm.token_count.prompt_details.cache_read",
    ),
    "cache_write_tokens": (
        "gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_creation_input_tokens",
        "llm.token_count.prompt_details.cache_write",
    ),
    "provider": ("gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system"),
    "service_tier": (
        "gen_ai.openai.response.service_tier", "openai.response.service_tier",
        "gen_ai.openai.request.service_tier",
    ),
    **{name: (name,) for name in _SUPPORT},
    "cost_usd": ("cost_usd",),
}  # fmt: skip


def otel(attributes: str, resource: str, span: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    """The OTel mapping with span attributes under ``attributes`` ('' for flattened lines) and
    the span's own fields (timestamp, status, id) at ``span``."""
    where = ("attributes/", "") if attributes == "*" else (attributes,)  # "*": either
    paths: dict[str, tuple[str, ...]] = {
        name: tuple(f"{w}{key}" for key in keys for w in where) for name, keys in OTEL_KEYS.items()
    }
    paths["tenant"] += (
        *(f"{w}tenant.id" for w in where), f"{resource}tenant", f"{resource}tenant.id",
    )  # fmt: skip
    paths["status"] = (*span["status"], *(f"{w}otel.status_code" for w in where))
    paths["error"] = tuple(f"{w}error.type" for w in where)  # set only when it failed
    paths["timestamp"] = span["timestamp"]
    paths["request_id"] = span["request_id"]
    return paths


OTEL_SPAN = {  # SDK ``to_json`` lines, OTLP spans (see sources.otlp_spans), flattened lines
    "status": ("status/status_code", "status/code", "status", "otel.status_code"),
    "timestamp": ("startTimeUnixNano", "start_time", "startTime", "timestamp"),
    "request_id": ("spanId", "context/span_id", "span_id"),
}
CLICKHOUSE_SPAN = {  # the collector's ClickHouse exporter, table otel_traces
    "status": ("StatusCode",),
    "timestamp": ("Timestamp",),
    "request_id": ("SpanId",),
}

# ------------------------------------------------------------------------ LiteLLM spend logs
_TAG = "metadata/spend_logs_metadata/"
_USAGE = "metadata/usage_object/"
_EXTRA = "metadata/additional_usage_values/"
LITELLM: dict[str, tuple[str, ...]] = {
    "ticket_id": ("session_id", f"{_TAG}ticket_id", f"{_TAG}session_id"),
    "timestamp": ("startTime",),
    "tenant": (f"{_TAG}tenant", "team_id"),
    **{name: (f"{_TAG}{name}",) for name in _SUPPORT if name != "tenant"},
    "model": ("model",),
    "status": ("status",),
    "provider": ("custom_llm_provider",),
    "request_id": ("request_id",),
    # prompt_tokens counts cache reads and writes (LiteLLM adds Anthropic's to it)
    "input_tokens": ("prompt_tokens",),
    "output_tokens": ("completion_tokens",),
    "cache_read_tokens": (
        f"{_USAGE}prompt_tokens_details/cached_tokens", f"{_USAGE}cache_read_input_tokens",
        f"{_EXTRA}cache_read_input_tokens", f"{_EXTRA}prompt_tokens_details/cached_tokens",
    ),
    "cache_write_tokens": (
        f"{_USAGE}cache_creation_input_tokens", f"{_EXTRA}cache_creation_input_tokens",
    ),
    "cache_write_1h_tokens": (
        f"{_USAGE}cache_creation_token_details/ephemeral_1h_input_tokens",
        f"{_USAGE}prompt_tokens_details/cache_creation_token_details/ephemeral_1h_input_tokens",
    ),
    "cost_usd": ("spend",),
}  # fmt: skip

# --------------------------------------------------------------------------- Helicone exports
# HeliconeRequest rows (@helicone/export, /v1/request/query): token columns are disjoint buckets
# (prompt_tokens without the cached ones; completion_tokens without reasoning, kept apart).
_PROPS = ("request_properties/", "properties/")


def _props(*names: str) -> tuple[str, ...]:
    return tuple(f"{where}{name}" for name in names for where in _PROPS)


HELICONE: dict[str, tuple[str, ...]] = {
    "ticket_id": _props("Helicone-Session-Id", "helicone-session-id", "ticket_id", "Ticket-Id"),
    "timestamp": ("request_created_at",),
    **{name: _props(name, name.title()) for name in _SUPPORT},
    "model": ("model", "response_model", "request_model"),
    "status": ("response_status",),
    "provider": ("provider",),
    "request_id": ("request_id",),
    "service_tier": ("response_body/service_tier", "response_body/usage/service_tier"),
    "input_tokens": ("prompt_tokens",),
    "output_tokens": ("completion_tokens+reasoning_tokens",),
    "cache_read_tokens": ("prompt_cache_read_tokens",),
    "cache_write_tokens": ("prompt_cache_write_tokens",),
    "cache_write_1h_tokens": ("response_body/usage/cache_creation/ephemeral_1h_input_tokens",),
}

# ---------------------------------------------------------------------- Langfuse observations
# UI/API export (camelCase) and blob-storage export (snake_case). usageDetails are disjoint
# buckets: the SDKs take cached tokens out of input and reasoning tokens out of output.


def _both(camel: str, snake: str, *tails: str) -> tuple[str, ...]:
    return tuple(f"{root}{tail}" for tail in tails for root in (camel, snake))


LANGFUSE: dict[str, tuple[str, ...]] = {
    "ticket_id": (
        "sessionId", "session_id", "trace/sessionId", "trace/session_id",
        "metadata/ticket_id", "trace/metadata/ticket_id",
    ),
    "timestamp": ("startTime", "start_time"),
    **{name: (f"metadata/{name}", f"trace/metadata/{name}") for name in _SUPPORT},
    "prompt_version": ("promptVersion", "prompt_version", "metadata/prompt_version"),
    "model": ("model", "providedModelName", "provided_model_name"),
    "status": ("level",),
    "request_id": ("id",),
    "input_tokens": _both("usageDetails/", "usage_details/", "input"),
    "output_tokens": tuple(
        f"{root}output+{root}output_reasoning_tokens"
        for root in ("usageDetails/", "usage_details/")
    ),
    "cache_read_tokens": tuple(
        f"{root}input_cached_tokens+{root}cache_read_input_tokens"
        for root in ("usageDetails/", "usage_details/")
    ),
    "cache_write_tokens": _both("usageDetails/", "usage_details/", "cache_creation_input_tokens"),
}  # fmt: skip

# ---------------------------------------------------------------------- provider responses
# OpenAI Chat Completions, Responses and Batch output lines; Anthropic Messages and Message
# Batches results; Gemini generateContent; at the top of a record or under a wrapper key.
WRAPPERS = ("", "response/", "body/", "response/body/", "result/message/", "result/")
_TICKET_KEYS = ("ticket_id", "conversation_id", "session_id")


def responses(prefixes: Sequence[str], batch: bool) -> dict[str, tuple[str, ...]]:
    """The mapping for provider responses found under ``prefixes`` (see :data:`WRAPPERS`)."""

    def at(*tails: str) -> tuple[str, ...]:
        return tuple(f"{p}{tail}" for tail in tails for p in prefixes)

    def usage(*tails: str) -> tuple[str, ...]:
        return at(*(f"usage/{t}" for t in tails))

    return {
        "ticket_id": (
            *_TICKET_KEYS, *(f"metadata/{k}" for k in _TICKET_KEYS), *at("metadata/ticket_id"),
            "custom_id",
        ),
        "timestamp": ("timestamp", "created_at", *at("created", "created_at", "createTime")),
        **{name: (name, f"metadata/{name}", *at(f"metadata/{name}")) for name in _SUPPORT},
        "model": (*at("model", "modelVersion"), "model"),
        "status": ("result/type", "response/status_code", "status", "status_code", *at("status")),
        # an error body, a failed Batch line or an errored batch result: it failed
        "error": ("error", *at("error"), "result/error"),
        "provider": ("provider", *at("type", "object")),
        "service_tier": (
            ("=batch",) if batch else (*at("service_tier"), *usage("service_tier"))
        ),
        "request_id": (*at("id", "responseId"), "request_id", "id"),
        "input_tokens": (
            *usage("prompt_tokens", "input_tokens"),
            *at("usageMetadata/promptTokenCount+usageMetadata/toolUsePromptTokenCount"),
        ),
        "output_tokens": (
            *usage("completion_tokens", "output_tokens"),
            *at("usageMetadata/candidatesTokenCount+usageMetadata/thoughtsTokenCount"),
        ),
        "cache_read_tokens": (
            *usage("prompt_tokens_details/cached_tokens", "input_tokens_details/cached_tokens"),
            *usage("cache_read_input_tokens"), *at("usageMetadata/cachedContentTokenCount"),
        ),
        "cache_write_tokens": usage("cache_creation_input_tokens"),
        "cache_write_1h_tokens": usage("cache_creation/ephemeral_1h_input_tokens"),
        "cost_usd": ("cost_usd",),
    }  # fmt: skip


# ------------------------------------------------------------------------------ recognition


@dataclass(frozen=True)
class Recognised:
    """A file's format as recognised from its first records."""

    preset: Preset
    shape: str = "records"  # records (one request each), otlp (span batches), langfuse-traces
    prefixes: tuple[str, ...] = ("",)  # responses: where the provider response sits
    batch: bool = False  # responses: a Batch API results file
    attributes: str = "attributes/"  # otel: where span attributes are ('' when flattened)


def _has(record: Mapping[str, Any], path: str) -> bool:
    value: Any = record
    for key in path.split("/"):
        if not isinstance(value, Mapping) or key not in value:
            return False
        value = value[key]
    return True


def _usage_prefixes(record: Mapping[str, Any]) -> list[str]:
    return [p for p in WRAPPERS if _has(record, f"{p}usage") or _has(record, f"{p}usageMetadata")]


def _otel_attributes(record: Mapping[str, Any]) -> str | None:
    attributes = record.get("attributes")
    keys = attributes.keys() if isinstance(attributes, Mapping) else record.keys()
    if any(str(k).startswith(("gen_ai.", "llm.")) for k in keys):
        return "attributes/" if isinstance(attributes, Mapping) else ""
    return None


def recognise_record(record: Mapping[str, Any]) -> Recognised | None:
    """The format one record is in, or None when no format claims it."""
    keys = set(record)
    if "resourceSpans" in keys:
        return Recognised(Preset.OTLP, "otlp")
    if "SpanAttributes" in keys or {"TraceId", "SpanName"} <= keys:
        return Recognised(Preset.CLICKHOUSE, attributes="SpanAttributes/")
    if {"request_id", "spend"} <= keys or {"request_id", "call_type"} <= keys:
        return Recognised(Preset.LITELLM)
    if {"request_id", "request_created_at"} <= keys:
        return Recognised(Preset.HELICONE)
    if keys & {"usageDetails", "usage_details"} or (
        keys & {"traceId", "trace_id"} and str(record.get("type", "")).upper() == "GENERATION"
    ):
        return Recognised(Preset.LANGFUSE)
    if keys & {"sessionId", "session_id"} and "id" in keys and not keys & {"usage", "model"}:
        return Recognised(Preset.LANGFUSE, "langfuse-traces")
    attributes = _otel_attributes(record)
    if attributes is not None:
        return Recognised(Preset.OTEL, attributes=attributes)
    prefixes = _usage_prefixes(record)
    if prefixes and "input_tokens" not in keys:
        batch = "custom_id" in keys and (_has(record, "response/body") or "result" in keys)
        return Recognised(Preset.RESPONSES, prefixes=tuple(prefixes), batch=batch)
    if "ticket_id" in keys or keys & {"input_tokens", "output_tokens", "cost_usd"}:
        return Recognised(Preset.TICKETCOST)
    return None


def recognise(records: Iterable[Mapping[str, Any]]) -> Recognised | None:
    """The format most of ``records`` are in (responses: every wrapper any of them uses)."""
    found = [r for r in (recognise_record(rec) for rec in records) if r is not None]
    if not found:
        return None
    counts: dict[Preset, int] = {}
    for r in found:
        counts[r.preset] = counts.get(r.preset, 0) + 1
    best = max(counts, key=lambda p: counts[p])
    chosen = [r for r in found if r.preset is best]
    first = chosen[0]
    if best is Preset.RESPONSES:
        prefixes = tuple(p for p in WRAPPERS if any(p in r.prefixes for r in chosen))
        return Recognised(best, prefixes=prefixes, batch=any(r.batch for r in chosen))
    return first


# ------------------------------------------------------------------------- the field maps

_CACHE_RULES = {
    Preset.TICKETCOST: CacheRule.INCLUDES,
    Preset.OTEL: CacheRule.INCLUDES,
    Preset.OTLP: CacheRule.INCLUDES,
    Preset.CLICKHOUSE: CacheRule.INCLUDES,
    Preset.LITELLM: CacheRule.INCLUDES,
    Preset.HELICONE: CacheRule.EXCLUDES,
    Preset.LANGFUSE: CacheRule.EXCLUDES,
    Preset.RESPONSES: CacheRule.BY_PROVIDER,
}


def builtin_paths(found: Recognised) -> dict[str, tuple[str, ...]]:
    preset = found.preset
    if preset is Preset.OTLP:  # span and resource attributes as maps (see scans)
        return otel("attributes/", "resource_attributes/", OTEL_SPAN)
    if preset is Preset.OTEL:
        return otel(found.attributes, "resource/attributes/", OTEL_SPAN)
    if preset is Preset.CLICKHOUSE:
        return otel("SpanAttributes/", "ResourceAttributes/", CLICKHOUSE_SPAN)
    if preset is Preset.LITELLM:
        return LITELLM
    if preset is Preset.HELICONE:
        return HELICONE
    if preset is Preset.LANGFUSE:
        return LANGFUSE
    if preset is Preset.RESPONSES:
        return responses(found.prefixes, found.batch)
    return TICKETCOST


# Fields of ticketcost's own format that most logs never carry: in a JSON file they are read when
# its first records use them (each costs 2-3% of a million-line scan); CSV and Parquet files
# name their columns, so there they are read whenever present. --field reads them regardless.
OPTIONAL = ("provider", "service_tier", "request_id", "cache_write_1h_tokens")


def field_map(
    found: Recognised,
    choice: FieldChoice,
    detected: bool = True,
    seen: set[str] | None = None,
) -> FieldMap:
    """The mapping a file in format ``found`` is read with, the caller's choices applied;
    ``seen`` (ticketcost's own format in JSON) are the keys its first records use."""
    paths = builtin_paths(found)
    if found.preset is Preset.TICKETCOST and seen is not None:
        paths = {k: v for k, v in paths.items() if k not in OPTIONAL or k in seen}
    return build_field_map(
        found.preset,
        paths,
        _CACHE_RULES[found.preset],
        choice,
        zero_cost_is_unknown=found.preset is Preset.LITELLM,
        detected=detected,
    )


def forced(preset: Preset) -> Recognised:
    """The format ``--preset`` names, for files whose records are not looked at."""
    if preset is Preset.OTLP:
        return Recognised(preset, "otlp")
    if preset is Preset.RESPONSES:
        return Recognised(preset, prefixes=WRAPPERS)
    if preset is Preset.CLICKHOUSE:
        return Recognised(preset, attributes="SpanAttributes/")
    if preset is Preset.OTEL:  # under "attributes" or flattened: either
        return Recognised(preset, attributes="*")
    return Recognised(preset)
