"""The same requests written in each tool's format cost the same as in ticketcost's own format.

A property test: random usage (fresh input, cache reads, 5-minute and 1-hour cache writes, output,
a service tier) for requests on OpenAI, Anthropic and Gemini models, each written the way one of
the supported formats writes it (with that format's own cache and reasoning conventions), must give
every ticket the cost of the same requests written plainly in ticketcost's format, where
``input_tokens`` counts the cache. The oracle is the plain file; no figure comes from the format
under test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from helpers import FULL_PROPERTIES, examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ticketcost.attribution import attribute, find_sources
from ticketcost.attribution.sources import build_options
from ticketcost.pricing.table import bundled_prices

MODELS = {"openai": "gpt-4o-mini", "anthropic": "claude-haiku-4-5", "gemini": "gemini-2.5-flash"}
# what each format can say: (provider, writes, 1-hour writes, service tier)
FORMATS = {
    "chat": ("openai", False, False, True),
    "responses_api": ("openai", False, False, True),
    "messages": ("anthropic", True, True, False),
    "gemini": ("gemini", False, False, False),
    "litellm": ("anthropic", True, False, False),
    "helicone": ("anthropic", True, False, False),
    "langfuse": ("openai", False, False, False),
    "otlp": ("anthropic", True, False, False),
}


def written(fmt: str, ticket: str, n: int, u: dict[str, int], tier: str | None) -> dict:
    """One request as ``fmt`` writes it."""
    fresh, read, w5, w1h, out = (u[k] for k in ("fresh", "read", "w5", "w1h", "out"))
    model = MODELS[FORMATS[fmt][0]]
    whole = fresh + read + w5 + w1h  # input with the cache counted in
    if fmt == "chat":
        usage = {
            "prompt_tokens": whole,
            "completion_tokens": out,
            "prompt_tokens_details": {"cached_tokens": read},
        }
        body = {"id": f"c{n}", "object": "chat.completion", "model": model, "usage": usage}
        return {"ticket_id": ticket, **body, **({"service_tier": tier} if tier else {})}
    if fmt == "responses_api":
        usage = {
            "input_tokens": whole,
            "input_tokens_details": {"cached_tokens": read},
            "output_tokens": out,
            "output_tokens_details": {"reasoning_tokens": out // 2},
        }
        body = {"id": f"r{n}", "object": "response", "model": model, "usage": usage}
        return {"ticket_id": ticket, "body": body | ({"service_tier": tier} if tier else {})}
    if fmt == "messages":  # Anthropic leaves reads and writes out of input_tokens
        usage = {
            "input_tokens": fresh,
            "cache_read_input_tokens": read,
            "cache_creation_input_tokens": w5 + w1h,
            "output_tokens": out,
            "cache_creation": {"ephemeral_5m_input_tokens": w5, "ephemeral_1h_input_tokens": w1h},
        }
        message = {"id": f"m{n}", "type": "message", "model": model, "usage": usage}
        return {"ticket_id": ticket, "response": message}
    if fmt == "gemini":  # thoughts are output too, but not in candidatesTokenCount
        usage = {
            "promptTokenCount": whole,
            "cachedContentTokenCount": read,
            "candidatesTokenCount": out - out // 3,
            "thoughtsTokenCount": out // 3,
        }
        return {
            "ticket_id": ticket,
            "responseId": f"g{n}",
            "modelVersion": model,
            "usageMetadata": usage,
        }
    if fmt == "litellm":  # prompt_tokens counts Anthropic's reads and writes
        usage = {"cache_read_input_tokens": read, "cache_creation_input_tokens": w5 + w1h}
        return {
            "request_id": f"l{n}",
            "call_type": "acompletion",
            "spend": None,
            "session_id": ticket,
            "model": model,
            "prompt_tokens": whole,
            "completion_tokens": out,
            "metadata": {"usage_object": usage},
        }
    if fmt == "helicone":  # disjoint buckets
        return {
            "request_id": f"h{n}",
            "request_created_at": "2026-11-01T10:00:00Z",
            "request_properties": {"Helicone-Session-Id": ticket},
            "model": model,
            "response_status": 200,
            "prompt_tokens": fresh,
            "prompt_cache_read_tokens": read,
            "prompt_cache_write_tokens": w5 + w1h,
            "completion_tokens": out,
        }
    if fmt == "langfuse":  # disjoint buckets; reasoning kept apart from output
        details = {
            "input": fresh,
            "input_cached_tokens": read,
            "output": out - out // 4,
            "output_reasoning_tokens": out // 4,
        }
        return {
            "id": f"o{n}",
            "traceId": ticket,
            "sessionId": ticket,
            "type": "GENERATION",
            "model": model,
            "usageDetails": details,
        }
    assert fmt == "otlp"  # the semantic conventions count the cache inside input

    def kv(key: str, value: Any) -> dict:
        kind = "intValue" if isinstance(value, int) else "stringValue"
        return {"key": key, "value": {kind: str(value) if kind == "intValue" else value}}

    attributes = [
        kv("gen_ai.conversation.id", ticket),
        kv("gen_ai.request.model", model),
        kv("gen_ai.usage.input_tokens", whole),
        kv("gen_ai.usage.output_tokens", out),
        kv("gen_ai.usage.cache_read.input_tokens", read),
        kv("gen_ai.usage.cache_creation.input_tokens", w5 + w1h),
    ]
    span = {"traceId": "t", "spanId": f"s{n}", "name": "chat", "attributes": attributes}
    return {"resourceSpans": [{"resource": {}, "scopeSpans": [{"spans": [span]}]}]}


def plain(ticket: str, fmt: str, u: dict[str, int], tier: str | None) -> dict:
    whole = u["fresh"] + u["read"] + u["w5"] + u["w1h"]
    return {"ticket_id": ticket, "model": MODELS[FORMATS[fmt][0]], "input_tokens": whole,
            "output_tokens": u["out"], "cache_read_tokens": u["read"],
            "cache_write_tokens": u["w5"] + u["w1h"], "cache_write_1h_tokens": u["w1h"],
            "service_tier": tier or "default"}  # fmt: skip


@st.composite
def requests(draw: Any) -> list[tuple[str, str, dict[str, int], str | None]]:
    found = []
    for _ in range(draw(st.integers(1, 6))):
        fmt = draw(st.sampled_from(sorted(FORMATS)))
        _, writes, hour, tiers = FORMATS[fmt]
        usage = {
            "fresh": draw(st.integers(0, 300_000)),
            "read": draw(st.integers(0, 50_000)),
            "w5": draw(st.integers(0, 20_000)) if writes else 0,
            "w1h": draw(st.integers(0, 20_000)) if hour else 0,
            "out": draw(st.integers(0, 8_000)),
        }
        tier = draw(st.sampled_from([None, "priority"])) if tiers else None  # gpt-4o-mini has both
        found.append((draw(st.sampled_from(["A", "B", "C"])), fmt, usage, tier))
    return found


@settings(
    max_examples=examples(40),
    deadline=None,
    derandomize=FULL_PROPERTIES,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(requests())
def test_every_format_costs_what_the_plain_log_costs(tmp_path_factory: Any, reqs: list) -> None:
    folder = tmp_path_factory.mktemp("formats")
    by_format: dict[str, list[dict]] = {}
    for n, (ticket, fmt, usage, tier) in enumerate(reqs):
        by_format.setdefault(fmt, []).append(written(fmt, ticket, n, usage, tier))
    files = []
    for fmt, records in by_format.items():
        path = folder / f"{fmt}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records))
        files.append(path)
    if "langfuse" in by_format:  # the traces: each observation's trace is its ticket's session
        traces = {r["traceId"] for r in by_format["langfuse"]}
        path = folder / "traces.jsonl"
        path.write_text("".join(json.dumps({"id": t, "sessionId": t}) + "\n" for t in traces))
        files.append(path)
    oracle = folder / "plain.jsonl"
    oracle.write_text("".join(json.dumps(plain(t, f, u, tier)) + "\n" for t, f, u, tier in reqs))
    assert _costs(files) == _costs([oracle])


def _costs(paths: list[Path]) -> dict[str, Any]:
    result = attribute(find_sources(paths, None), bundled_prices(), build_options(None, top=10))
    assert result.skipped == 0 and not result.unpriced
    return {t.ticket_id: t.cost_usd for t in result.top_tickets}
