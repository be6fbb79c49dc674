"""Time ``ticketcost attribute`` on the same requests written in other tools' log formats.

    python bench/bench_formats.py                 # 1M requests, 3 interleaved rounds
    python bench/bench_formats.py --lines 100000 --rounds 5

The requests of bench/make_logs.py are rewritten (by DuckDB, once, kept in --dir) as LiteLLM spend
logs, raw provider responses (OpenAI chat completions, Anthropic messages under ``response``, Gemini
responses, one JSON object a line) and OTLP/JSON file-exporter lines (ten spans a line, attributes
as KeyValue lists, int64 as strings). Each run is a fresh process, package byte-compiled first as
pip installs it. The ticketcost and LiteLLM figures must agree to the cent (the spend logs carry the
gateway's cost where the original log does); the others price what the original gives as cost
(embeddings) from the tables, so their totals differ by that and are printed for reading.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

SELECT = """
SELECT row_number() OVER () AS rn, * FROM read_json({src}, format='newline_delimited',
  columns={{ticket_id: 'VARCHAR', timestamp: 'VARCHAR', tenant: 'VARCHAR', intent: 'VARCHAR',
  prompt_version: 'VARCHAR', model: 'VARCHAR', status: 'VARCHAR', outcome: 'VARCHAR',
  input_tokens: 'BIGINT', output_tokens: 'BIGINT', cache_read_tokens: 'BIGINT',
  cache_write_tokens: 'BIGINT', cost_usd: 'VARCHAR'}}, ignore_errors=true)
WHERE ticket_id IS NOT NULL AND input_tokens >= 0 AND output_tokens >= 0
"""

LITELLM = """
SELECT json_object('request_id', 'chatcmpl-' || rn, 'call_type', 'acompletion',
  'spend', TRY_CAST(cost_usd AS DOUBLE), 'prompt_tokens', input_tokens,
  'completion_tokens', output_tokens, 'startTime', timestamp, 'model', model,
  'custom_llm_provider', 'openai', 'session_id', ticket_id, 'team_id', tenant,
  'status', CASE WHEN status IN ('error', 'retry', 'fallback') THEN 'failure' ELSE 'success' END,
  'metadata', json_object('spend_logs_metadata', json_object('intent', intent, 'outcome', outcome,
    'tenant', tenant, 'prompt_version', prompt_version),
    'usage_object', json_object('prompt_tokens_details',
      json_object('cached_tokens', cache_read_tokens),
      'cache_creation_input_tokens', cache_write_tokens))) AS line
FROM ({rows})
"""

RESPONSES = """
SELECT CASE
  WHEN model LIKE 'claude%' THEN json_object('ticket_id', ticket_id, 'intent', intent,
    'outcome', outcome, 'timestamp', timestamp, 'response', json_object('id', 'msg_' || rn,
    'type', 'message', 'model', model, 'usage', json_object(
      'input_tokens', input_tokens - cache_read_tokens - cache_write_tokens,
      'cache_read_input_tokens', cache_read_tokens,
      'cache_creation_input_tokens', cache_write_tokens, 'output_tokens', output_tokens)))
  WHEN model LIKE 'gemini%' THEN json_object('ticket_id', ticket_id, 'intent', intent,
    'outcome', outcome, 'timestamp', timestamp, 'responseId', 'r' || rn, 'modelVersion', model,
    'usageMetadata', json_object('promptTokenCount', input_tokens,
      'cachedContentTokenCount', cache_read_tokens, 'candidatesTokenCount', output_tokens))
  ELSE json_object('ticket_id', ticket_id, 'intent', intent, 'outcome', outcome,
    'timestamp', timestamp, 'id', 'chatcmpl-' || rn, 'object', 'chat.completion', 'model', model,
    'usage', json_object('prompt_tokens', input_tokens, 'completion_tokens', output_tokens,
      'prompt_tokens_details', json_object('cached_tokens', cache_read_tokens)))
  END AS line
FROM ({rows})
"""


def _kv(key: str, value: str, kind: str = "stringValue") -> str:
    return f"json_object('key', '{key}', 'value', json_object('{kind}', {value}))"


OTLP = f"""
SELECT json_object('resourceSpans', json_array(json_object(
  'resource', json_object('attributes', json_array({_kv("service.name", "'support-bot'")}))
  , 'scopeSpans', json_array(json_object('scope', json_object('name', 'genai'),
    'spans', to_json(list(span))))))) AS line
FROM (SELECT rn // 10 AS batch, json_object('traceId', md5(ticket_id), 'spanId', 's' || rn,
  'name', 'chat ' || model, 'kind', 3,
  'startTimeUnixNano', CAST(epoch_ns(TRY_CAST(timestamp AS TIMESTAMP)) AS VARCHAR),
  'status', CASE WHEN status IN ('error', 'retry', 'fallback') THEN json_object('code', 2)
    ELSE json_object() END,
  'attributes', json_array(
    {_kv("gen_ai.conversation.id", "ticket_id")}, {_kv("gen_ai.request.model", "model")},
    {_kv("gen_ai.usage.input_tokens", "CAST(input_tokens AS VARCHAR)", "intValue")},
    {_kv("gen_ai.usage.output_tokens", "CAST(output_tokens AS VARCHAR)", "intValue")},
    {_kv("gen_ai.usage.cache_read.input_tokens", "CAST(cache_read_tokens AS VARCHAR)", "intValue")},
    {
    _kv(
        "gen_ai.usage.cache_creation.input_tokens",
        "CAST(cache_write_tokens AS VARCHAR)",
        "intValue",
    )
},
    {_kv("intent", "coalesce(intent, '')")}, {_kv("outcome", "coalesce(outcome, '')")})) AS span
  FROM ({{rows}}))
GROUP BY batch
"""


def write_formats(source: Path, folder: Path, lines: int) -> dict[str, Path]:
    import duckdb

    rows = SELECT.format(src=f"'{source}'")
    made = {"ticketcost": source}
    for name, query in (("litellm", LITELLM), ("responses", RESPONSES), ("otlp", OTLP)):
        target = folder / f"{name}-{lines}.jsonl"
        if not target.exists():
            duckdb.connect().execute(
                f"COPY ({query.format(rows=rows)}) TO '{target}' "
                "(FORMAT csv, HEADER false, QUOTE '', DELIMITER '\\x01')"
            )
        made[name] = target
    return made


def run_once(path: Path) -> tuple[float, dict]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "ticketcost", "attribute", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - start, json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/ticketcost-bench"))
    args = parser.parse_args()

    import ticketcost.attribution as package

    compileall.compile_dir(str(Path(package.__file__).parent.parent), quiet=1)
    args.dir.mkdir(parents=True, exist_ok=True)
    source = args.dir / f"requests-{args.lines}.jsonl"
    if not source.exists():
        subprocess.run(
            [sys.executable, str(HERE / "make_logs.py"), str(args.lines), str(source)], check=True
        )
    formats = write_formats(source, args.dir, args.lines)
    times: dict[str, list[float]] = {name: [] for name in formats}
    totals: dict[str, dict] = {}
    for _ in range(args.rounds):
        for name, path in formats.items():
            seconds, data = run_once(path)
            times[name].append(seconds)
            totals[name] = data["totals"]
    print(f"{args.lines:,} requests, {os.cpu_count()} cores, median of {args.rounds} runs")
    base = statistics.median(times["ticketcost"])
    for name, path in formats.items():
        median = statistics.median(times[name])
        t = totals[name]
        print(
            f"{name:<11} {path.stat().st_size / 1e6:6,.0f} MB  {median:6.2f} s  "
            f"{median / base:4.2f}x  cost ${t['cost_usd']}  requests {t['requests']:,}  "
            f"resolved {t['resolved_tickets']:,}  unpriced {t['unpriced_requests']:,}"
        )


if __name__ == "__main__":
    main()
