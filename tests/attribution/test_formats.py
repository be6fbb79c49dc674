"""Real log formats, each read as written by the tool that produces it, priced by hand.

The fixtures in tests/attribution/logs/ follow each project's published schema (see
docs/log-formats.md for the sources): OTLP/JSON as the collector's file exporter writes it, the
Python SDK's ``Span.to_json``, ClickHouse ``otel_traces`` rows, OpenInference and OpenLLMetry
attributes, LiteLLM ``LiteLLM_SpendLogs`` rows (JSONL, CSV, the ``/spend/logs`` array, Parquet),
HeliconeRequest rows, Langfuse observations and traces, and raw OpenAI, Anthropic and Gemini
responses and Batch results. No test maps a token field or sets the cache rule: the format is
recognised from the content and each line is read by its own provider's rules.

Prices (USD per 1M tokens, pricing/*.yaml): gpt-4o-mini 0.15 in / 0.60 out / 0.075 cached;
gpt-4o 2.50 / 10.00 / 1.25, priority 4.25 / 17.00 / 2.125; gpt-4o-2024-05-13 5.00 / 15.00;
o4-mini 1.10 / 4.40 / 0.275; claude-haiku-4-5 1.00 / 5.00 / 0.10 read / 1.25 5-minute write
/ 2.00 1-hour write, batch 0.50 / 2.50 / 0.05 / 0.625; gemini-2.5-flash 0.30 / 2.50 / 0.03;
gpt-4o-mini batch 0.075 / 0.30. Token counts times these give micro-dollars (µ$).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from helpers import as_json, error

from ticketcost import money
from ticketcost.attribution import attribute, find_sources
from ticketcost.attribution.fields import Preset
from ticketcost.attribution.sources import build_options
from ticketcost.pricing.table import bundled_prices

D = Decimal
LOGS = Path(__file__).parent / "logs"


def run_logs(*names: str | Path, **options: Any) -> Any:
    paths = [n if isinstance(n, Path) else LOGS / n for n in names]
    return attribute(find_sources(paths, None), bundled_prices(), build_options(None, **options))


def costs(result: Any) -> dict[str, Decimal]:
    return {t.ticket_id: t.cost_usd for t in result.top_tickets}


def outcomes(tmp_path: Path, **rows: str) -> Path:
    path = tmp_path / "outcomes.csv"
    path.write_text("ticket_id,outcome\n" + "".join(f"{t},{o}\n" for t, o in rows.items()))
    return path


# --------------------------------------------------------------------------- OpenTelemetry


def test_otlp_file_exporter_lines() -> None:
    result = run_logs("otlp_file_exporter.jsonl")
    assert [f.preset for f in result.files] == ["otlp"] and result.files[0].recognised
    # T-1, span A: gpt-4o-mini-2024-07-18 (an alias of gpt-4o-mini), 12,000 in of which 8,000
    #   cached (OTel counts cached tokens inside input), 400 out:
    #   4,000 * 0.15 + 8,000 * 0.075 + 400 * 0.60 = 600 + 600 + 240 = 1,440 µ$
    # T-1, span B: status code 2 (ERROR), 3,000 in: 3,000 * 0.15 = 450 µ$ -> T-1 = $0.00189
    # T-2, span D: 5,000 in (2,000 read, 1,000 written), 300 out, claude-haiku-4-5:
    #   2,000 * 1.00 + 2,000 * 0.10 + 1,000 * 1.25 + 300 * 5.00 = 2,000 + 200 + 1,250 + 1,500
    #   = 4,950 µ$; span E: error.type set, no usage: a failed request at $0
    assert costs(result) == {"T-1": D("0.00189"), "T-2": D("0.00495")}
    assert result.requests == 4 and result.resolved == 1
    statuses = {g.values[0]: (g.requests, g.cost_usd) for g in result.statuses}
    assert statuses == {"ok": (2, D("0.00639")), "error": (2, D("0.00045"))}
    # the HTTP server span is no model call: counted and passed over, not a bad line
    assert result.other_records == 1 and result.skipped == 0 and not result.bad_lines
    # the tenant is a resource attribute
    assert {t.ticket_id: t.tenant for t in result.top_tickets} == {"T-1": "acme", "T-2": "globex"}


def test_otlp_dates_come_from_start_time_unix_nano() -> None:
    # span A and B start 2025-11-03T10:00Z (1762164000 s), D and E a day later
    by_day = run_logs("otlp_file_exporter.jsonl", by=["day"]).groups[("day",)]
    assert [(g.values[0], g.cost_usd) for g in by_day] == [
        ("2025-11-03", D("0.00189")),
        ("2025-11-04", D("0.00495")),
    ]
    later = run_logs("otlp_file_exporter.jsonl", since="2025-11-04")
    assert costs(later) == {"T-2": D("0.00495")} and later.window.outside == 2


def test_an_otlp_http_request_body(tmp_path: Path) -> None:
    # one ExportTraceServiceRequest, pretty-printed as an OTLP/HTTP JSON body
    first = json.loads((LOGS / "otlp_file_exporter.jsonl").read_text().splitlines()[0])
    body = tmp_path / "export.json"
    body.write_text(json.dumps(first, indent=2))
    assert costs(run_logs(body)) == {"T-1": D("0.00189")}


def test_bad_otlp_lines_are_counted_by_the_record_they_are(tmp_path: Path) -> None:
    good = (LOGS / "otlp_file_exporter.jsonl").read_text().splitlines()[0]
    lines = [
        good,
        '{"resourceSpans": [}',
        '{"resourceSpans": []}',
        "not json",
        '{"resourceSpans": 1}',
    ]
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(lines) + "\n")
    result = run_logs(path)
    # an export with no spans is no bad line; the three others are, each located
    assert costs(result) == {"T-1": D("0.00189")} and result.skipped == 3
    assert [(b.unit, b.line) for b in result.bad_lines] == [("record", n) for n in (2, 4, 5)]


def test_sdk_span_lines_with_a_status_object() -> None:
    result = run_logs("otel_sdk_spans.jsonl")
    # 1,000 * 1.00 + 100 * 5.00 = 1,500 µ$ (status ERROR) + 2,000 * 1.00 + 200 * 5.00 = 3,000 µ$
    assert costs(result) == {"T-3": D("0.0045")}
    assert result.failed_cost_usd == D("0.0015")


def test_the_console_exporters_pretty_printed_spans(tmp_path: Path) -> None:
    # ConsoleSpanExporter writes each span's to_json() (indented over many lines) and a newline
    spans = (LOGS / "otel_sdk_spans.jsonl").read_text().splitlines()
    path = tmp_path / "console.json"
    path.write_text("".join(json.dumps(json.loads(s), indent=4) + "\n" for s in spans))
    assert costs(run_logs(path)) == {"T-3": D("0.0045")}


def test_flattened_span_lines() -> None:
    # gpt-4o: 1,000 * 2.50 + 100 * 10.00 = 3,500 µ$; recognised, or with --preset otel
    assert costs(run_logs("otel_flattened.jsonl")) == {"T-4": D("0.0035")}
    assert costs(run_logs("otel_flattened.jsonl", preset=Preset.OTEL)) == {"T-4": D("0.0035")}


def test_clickhouse_otel_traces_rows() -> None:
    result = run_logs("clickhouse_otel_traces.jsonl")
    assert result.files[0].preset == "clickhouse"
    # each row: 1,000 fresh * 2.50 + 1,000 cached * 1.25 + 100 * 10.00 = 4,750 µ$; two rows
    assert costs(result) == {"T-5": D("0.0095")}
    assert result.failed_cost_usd == D("0.00475")  # StatusCode "Error"


def test_openinference_attributes() -> None:
    # 4,000 fresh * 0.15 + 6,000 cached * 0.075 + 500 * 0.60 = 600 + 450 + 300 = 1,350 µ$
    assert costs(run_logs("openinference_spans.jsonl")) == {"T-6": D("0.00135")}


def test_openllmetry_names_and_association_properties() -> None:
    # prompt_tokens counts the cache: 3,000 - 1,000 read - 500 written = 1,500 fresh
    # 1,500 * 1.00 + 1,000 * 0.10 + 500 * 1.25 + 200 * 5.00 = 1,500 + 100 + 625 + 1,000 µ$
    assert costs(run_logs("openllmetry_spans.jsonl")) == {"T-7": D("0.003225")}


# ------------------------------------------------------------------------------- LiteLLM

LITELLM = {"T-8": D("0.00042"), "T-9": D("0.000435")}


@pytest.mark.parametrize(
    "name", ["litellm_spend_logs.jsonl", "litellm_spend_logs.csv", "litellm_spend_logs_api.json"]
)
def test_litellm_spend_logs(name: str) -> None:
    result = run_logs(name)
    assert result.files[0].preset == "litellm"
    # T-8: spend $0.00042 as given, and a failure with no usage at $0
    # T-9 (session_id "", so the ticket is metadata.spend_logs_metadata.ticket_id): no spend,
    #   4,000 in of which 3,000 cached (usage_object.prompt_tokens_details), 100 out:
    #   1,000 * 0.15 + 3,000 * 0.075 + 100 * 0.60 = 150 + 225 + 60 = 435 µ$
    #   and spend 0.0 with 1,050 tokens on a model LiteLLM could not price: unpriced, not $0
    assert costs(result) == LITELLM
    assert [(u.model, u.requests) for u in result.unpriced] == [("acme-support-ft-v3", 1)]
    assert result.resolved == 2 and result.cost_per_resolved_usd == D("0.0004275")
    assert {g.values[0]: g.requests for g in result.statuses} == {"ok": 3, "error": 1}


def test_litellm_parquet(tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "spend.parquet"
    source = LOGS / "litellm_spend_logs.jsonl"
    duckdb.connect().execute(
        f"COPY (SELECT * FROM read_json('{source}')) TO '{path}' (FORMAT parquet)"
    )
    assert costs(run_logs(path)) == LITELLM


def test_the_same_export_twice_is_counted_once() -> None:
    result = run_logs("litellm_spend_logs.jsonl", "litellm_spend_logs.csv")
    assert costs(result) == LITELLM and result.requests == 4
    assert result.duplicates.requests == 4 and [f.duplicates for f in result.files] == [0, 4]


def test_the_same_spans_twice_are_counted_once() -> None:
    once = run_logs("otlp_file_exporter.jsonl")
    twice = run_logs("otlp_file_exporter.jsonl", "otlp_file_exporter.jsonl")
    assert costs(twice) == costs(once) and twice.duplicates.requests == 4


# -------------------------------------------------------------------- provider responses


def test_openai_anthropic_and_gemini_responses_in_one_file(tmp_path: Path) -> None:
    table = outcomes(tmp_path, **{"T-10": "resolved", "T-11": "resolved", "T-12": "escalated"})
    result = run_logs("provider_responses_mixed.jsonl", outcomes_file=table)
    assert result.files[0].preset == "responses" and result.skipped == 0
    # T-10, OpenAI chat completion, service_tier "priority": 10,000 in of which 6,000 cached
    #   4,000 * 4.25 + 6,000 * 2.125 + 300 * 17.00 = 17,000 + 12,750 + 5,100 = 34,850 µ$
    # T-10, Anthropic message (input_tokens leaves the cache out), 1-hour writes:
    #   2,000 * 1.00 + 10,000 * 0.10 + (3,000 - 2,000) * 1.25 + 2,000 * 2.00 + 500 * 5.00
    #   = 2,000 + 1,000 + 1,250 + 4,000 + 2,500 = 10,750 µ$ -> T-10 = $0.0456
    # T-11, Anthropic without cache use: 1,500 * 1.00 + 100 * 5.00 = 2,000 µ$
    # T-11, OpenAI Responses API, o4-mini snapshot, 600 reasoning tokens inside output:
    #   2,000 * 1.10 + 1,000 * 0.275 + 800 * 4.40 = 2,200 + 275 + 3,520 = 5,995 µ$
    # T-12, Gemini: thoughts are billed as output: (200 + 300) * 2.50 = 1,250;
    #   3,000 * 0.30 + 1,000 * 0.03 + 1,250 = 900 + 30 + 1,250 = 2,180 µ$;
    #   an OpenAI error body and an Anthropic error under "response": failed, $0
    # T-13, gpt-4o-2024-05-13 at its own list price: 1,000 * 5.00 + 100 * 15.00 = 6,500 µ$;
    #   gpt-4o-2023-01-01 is no snapshot the data lists: unpriced, never gpt-4o's price
    expected = {
        "T-10": D("0.0456"),
        "T-11": D("0.007995"),
        "T-12": D("0.00218"),
        "T-13": D("0.0065"),
    }
    assert costs(result) == expected
    assert {g.values[0]: g.requests for g in result.statuses} == {"ok": 7, "error": 2}
    (unpriced,) = result.unpriced
    assert unpriced.model == "gpt-4o-2023-01-01" and "snapshot of gpt-4o" in unpriced.reason
    # T-13 has no outcome (not in the file): 3 resolved tickets share all the cost
    total = D("0.062275")  # 0.0456 + 0.007995 + 0.00218 + 0.0065
    assert result.cost_usd == total and result.resolved == 2
    assert result.cost_per_resolved_usd == money.divide(total, D(2))


def test_openai_batch_output_is_billed_at_batch_rates() -> None:
    result = run_logs("openai_batch_output.jsonl")
    # custom_id is the ticket; batch gpt-4o-mini: 20,000 * 0.075 + 1,000 * 0.30 = 1,800 µ$
    # and 10,000 * 0.075 = 750 µ$ -> $0.00255; T-21 expired: a failed request at $0
    assert costs(result) == {"T-20": D("0.00255"), "T-21": D("0")}
    # the price shown is the one used: the Batch rates
    (used,) = result.priced_models
    assert (used.log_name, used.price.variant, used.price.input_usd_per_mtok) == (
        "gpt-4o-mini",
        "batch",
        D("0.075"),
    )
    assert {g.values[0]: g.requests for g in result.statuses} == {"ok": 2, "error": 1}


def test_anthropic_message_batch_results() -> None:
    result = run_logs("anthropic_batch_results.jsonl")
    # batch claude-haiku-4-5: 4,000 * 0.50 + 600 * 2.50 = 3,500 µ$;
    # 1,000 * 0.50 + 2,000 * 0.625 + 100 * 2.50 = 500 + 1,250 + 250 = 2,000 µ$ -> $0.0055
    # T-31 errored, T-32 expired: failed requests at $0, never skipped lines
    assert costs(result) == {"T-30": D("0.0055"), "T-31": D("0"), "T-32": D("0")}
    assert result.skipped == 0 and result.failed_cost_usd == 0


# ------------------------------------------------------------------ gateways and observability


def test_helicone_export() -> None:
    result = run_logs("helicone_export.jsonl")
    assert result.files[0].preset == "helicone"
    # prompt_tokens leaves the cached tokens out (disjoint buckets):
    # T-40: 2,000 * 0.15 + 3,000 * 0.075 + 200 * 0.60 = 300 + 225 + 120 = 645 µ$; a 500 at $0
    # T-41: 1,000 * 1.00 + 4,000 * 1.25 + 100 * 5.00 = 1,000 + 5,000 + 500 = 6,500 µ$
    assert costs(result) == {"T-41": D("0.0065"), "T-40": D("0.000645")}
    assert {g.values[0]: g.requests for g in result.statuses} == {"ok": 2, "error": 1}


def test_langfuse_observations_joined_with_their_traces() -> None:
    result = run_logs("langfuse_observations.jsonl", "langfuse_traces.jsonl")
    # two traces, one session: one ticket
    # obs-7a1: 1,000 * 0.15 + 3,000 * 0.075 + (150 + 50 reasoning) * 0.60 = 150 + 225 + 120 µ$
    # obs-7a2 (level ERROR): 500 * 1.00 + 2,000 * 0.10 + 1,000 * 1.25 + 100 * 5.00
    #   = 500 + 200 + 1,250 + 500 = 2,450 µ$ -> T-50 = 2,945 µ$
    assert costs(result) == {"T-50": D("0.002945")} and result.tickets == 1
    assert result.resolved == 1 and result.top_tickets[0].tenant == "acme"
    assert result.failed_cost_usd == D("0.00245")
    assert result.other_records == 1 and result.skipped == 0  # the SPAN observation
    assert [f.path for f in result.files] == [str(LOGS / "langfuse_observations.jsonl")]


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_langfuse_observations_as_csv_or_parquet_join_their_traces(
    tmp_path: Path, kind: str
) -> None:
    import csv

    import duckdb

    source = LOGS / "langfuse_observations.jsonl"
    path = tmp_path / f"observations.{kind}"
    if kind == "csv":  # the UI's CSV export: nested fields as JSON text, nulls as empty cells
        rows = [json.loads(line) for line in source.read_text().splitlines()]
        names = list(dict.fromkeys(k for r in rows for k in r))
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, names)
            writer.writeheader()
            for r in rows:
                writer.writerow(
                    {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in r.items()}
                )
    else:
        duckdb.connect().execute(
            f"COPY (SELECT * FROM read_json('{source}')) TO '{path}' (FORMAT parquet)"
        )
    # the same two generations as the JSONL export: $0.002945 for T-50
    result = run_logs(path, "langfuse_traces.jsonl")
    assert costs(result) == {"T-50": D("0.002945")} and result.resolved == 1


def test_langfuse_observations_alone_say_what_is_missing() -> None:
    message = error("attribute", str(LOGS / "langfuse_observations.jsonl"))
    assert "no ticket_id" in message and "traces" in message


def test_langfuse_blob_export_of_enriched_observations() -> None:
    # session_id on the row itself: 1,000 * 0.15 + 100 * 0.60 = 210 µ$
    result = run_logs("langfuse_observations_v2.jsonl")
    assert costs(result) == {"T-51": D("0.00021")} and result.resolved == 1


# ---------------------------------------------------------------------- the command line


def test_every_format_from_the_command_line_with_no_mapping(tmp_path: Path) -> None:
    table = outcomes(tmp_path, **{"T-20": "resolved", "T-30": "resolved"})
    data = as_json(
        "attribute",
        *(str(LOGS / n) for n in ("openai_batch_output.jsonl", "anthropic_batch_results.jsonl")),
        "--outcomes",
        str(table),
    )
    # 0.00255 + 0.0055 = $0.00805 over 2 resolved tickets = $0.004025
    assert D(data["totals"]["cost_usd"]) == D("0.00805")
    assert D(data["totals"]["cost_per_resolved_ticket_usd"]) == D("0.004025")
    assert [f["preset"] for f in data["fields"]] == ["responses", "responses"]
    assert data["fields"][0]["input_tokens_include_cache"] == "by provider"


def test_a_preset_forces_the_format() -> None:
    # read as ticketcost's own format, a LiteLLM row has no ticket_id column
    message = error("attribute", str(LOGS / "litellm_spend_logs.csv"), "--preset", "ticketcost")
    assert "no column for ticket_id" in message
    result = run_logs("litellm_spend_logs.csv", preset=Preset.LITELLM)
    assert costs(result) == LITELLM and not result.files[0].recognised


def test_clickhouse_otel_traces_as_parquet_with_map_columns(tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "otel_traces.parquet"
    source = LOGS / "clickhouse_otel_traces.jsonl"
    # the exporter's table types: SpanAttributes and ResourceAttributes are Map(String, String)
    duckdb.connect().execute(
        "COPY (SELECT Timestamp, TraceId, SpanId, SpanName, StatusCode, "
        "CAST(SpanAttributes AS MAP(VARCHAR, VARCHAR)) AS SpanAttributes, "
        "CAST(ResourceAttributes AS MAP(VARCHAR, VARCHAR)) AS ResourceAttributes "
        f"FROM read_json('{source}', columns={{Timestamp: 'VARCHAR', TraceId: 'VARCHAR', "
        "SpanId: 'VARCHAR', SpanName: 'VARCHAR', StatusCode: 'VARCHAR', "
        "SpanAttributes: 'MAP(VARCHAR, VARCHAR)', ResourceAttributes: 'MAP(VARCHAR, VARCHAR)'})) "
        f"TO '{path}' (FORMAT parquet)"
    )
    result = run_logs(path)
    assert result.files[0].preset == "clickhouse" and costs(result) == {"T-5": D("0.0095")}
