"""Each request billed as its provider billed it: names of models on clouds and gateways, service
tiers and Batch, 1-hour cache writes, statuses, sums of fields, time windows, and tickets that
cannot be priced. Prices as in test_formats.py (USD per 1M tokens)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from helpers import error, run

from ticketcost.attribution import attribute, find_sources
from ticketcost.attribution.formats import recognise_record
from ticketcost.attribution.prices import resolve
from ticketcost.attribution.sources import build_options
from ticketcost.attribution.sql import PLAIN_STATUSES, normal_status, plain_status, timestamp_sql
from ticketcost.attribution.tally import MANY_STATUSES
from ticketcost.pricing.table import bundled_prices, price_table

D = Decimal
HAIKU, SONNET = "claude-haiku-4-5-20251001", "claude-sonnet-4-5-20250929"
GEMINI = "publishers/google/models/gemini-2.5-flash"


def write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def run_core(path: Path, **options: Any) -> Any:
    return attribute(find_sources([path], None), bundled_prices(), build_options(None, **options))


def costs(result: Any) -> dict[str, Decimal]:
    return {t.ticket_id: t.cost_usd for t in result.top_tickets}


@pytest.mark.parametrize(
    ("name", "priced_as"),
    [
        ("us.anthropic.claude-haiku-4-5-20251001-v1:0", f"anthropic.{HAIKU}-v1:0"),
        ("bedrock/eu.anthropic.claude-sonnet-4-5-20250929-v1:0", f"anthropic.{SONNET}-v1:0"),
        ("global.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5"),
        ("us.anthropic.claude-3-haiku-20240307-v1:0", "claude-3-haiku-20240307"),
        ("openrouter/anthropic/claude-haiku-4.5", "claude-haiku-4-5"),
        ("vertex_ai/claude-sonnet-4-5@20250929", "claude-sonnet-4-5"),
        ("publishers/google/models/gemini-2.5-flash", "gemini-2.5-flash"),
        (f"projects/p/locations/europe-west4/{GEMINI}", "gemini-2.5-flash"),
        ("models/gemini-2.5-flash", "gemini-2.5-flash"),
        ("azure/gpt-4o-2024-11-20", "gpt-4o"),
        ("gpt-4o-2024-05-13", "gpt-4o-2024-05-13"),
    ],
)  # fmt: skip
def test_cloud_and_gateway_model_names(name: str, priced_as: str) -> None:
    found = resolve(bundled_prices(), name)
    assert found.price is not None and found.price.id == priced_as


def test_bedrock_regional_price_is_ten_percent_above_anthropic() -> None:
    table = bundled_prices()
    regional = resolve(table, "us.anthropic.claude-haiku-4-5-20251001-v1:0").price
    own = table.get("claude-haiku-4-5")
    assert regional is not None
    # 1.00 * 1.10 = 1.10 in, 5.00 * 1.10 = 5.50 out, 0.10 * 1.10 = 0.11 read, 1.25 * 1.10 = 1.375
    assert regional.rates[:4] == (D("1.10"), D("5.50"), D("0.11"), D("1.375"))
    assert [r * D("1.1") for r in own.rates[:4]] == list(regional.rates[:4])


def test_names_the_price_table_does_not_spell_are_priced_in_a_second_pass(
    tmp_path: Path,
) -> None:
    # The tally prices by the names the price table spells (ids and aliases); a route, another
    # case or a Bedrock id is found among the logs' names after it, and the tally runs again with
    # them. gpt-5.4-mini: $0.75 in, $4.50 out per 1M; Haiku 4.5 on a Bedrock us. profile: $1.10
    # in, $5.50 out (10% above Anthropic's $1 / $5).
    records = [
        {"ticket_id": "T1", "model": "gpt-5.4-mini", "input_tokens": 1000, "output_tokens": 100},
        {"ticket_id": "T2", "model": "openai/gpt-5.4-mini", "input_tokens": 1000,
         "output_tokens": 100},
        {"ticket_id": "T3", "model": "GPT-5.4-Mini", "input_tokens": 1000, "output_tokens": 100},
        {"ticket_id": "T4", "model": "us.anthropic.claude-haiku-4-5-20251001-v1:0",
         "input_tokens": 1000, "output_tokens": 100},
        {"ticket_id": "T5", "model": "my-own-model", "input_tokens": 1000, "output_tokens": 100},
    ]  # fmt: skip
    result = run_core(write(tmp_path / "names.jsonl", records))
    # 1,000 x 0.75 + 100 x 4.50 = 750 + 450 = 1,200 µ$ each for T1-T3;
    # T4: 1,000 x 1.10 + 100 x 5.50 = 1,100 + 550 = 1,650 µ$; T5 has no price
    mini = D("0.0012")
    assert costs(result) == {"T1": mini, "T2": mini, "T3": mini, "T4": D("0.00165"), "T5": 0}
    assert [u.model for u in result.unpriced] == ["my-own-model"]
    assert sorted(p.log_name for p in result.priced_models) == [
        "GPT-5.4-Mini", "gpt-5.4-mini", "openai/gpt-5.4-mini",
        "us.anthropic.claude-haiku-4-5-20251001-v1:0",
    ]  # fmt: skip
    script = run("attribute", str(tmp_path / "names.jsonl"), "--emit-sql", "duckdb").stdout
    assert "CREATE TEMP TABLE tally_named AS" in script  # the second pass
    exact = run("attribute", str(write(tmp_path / "exact.jsonl", records[:1])), "--emit-sql",
                "duckdb").stdout  # fmt: skip
    assert "tally_named" not in exact  # every name as the table spells it: one pass


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("gpt-4o-2023-01-01", "snapshot of gpt-4o not in the price data"),
        ("ca.anthropic.claude-haiku-4-5-20251001-v1:0", "10% above Anthropic's price"),
        ("us.anthropic.claude-opus-4-7", "10% above Anthropic's price"),
        ("acme-ft-v3", "no price for this model in the data"),
    ],
)
def test_names_that_stay_unpriced_say_why(name: str, why: str) -> None:
    found = resolve(bundled_prices(), name)
    assert found.price is None and found.reason is not None and why in found.reason


def test_a_variant_or_a_one_hour_write_with_no_price_is_unpriced(tmp_path: Path) -> None:
    records = [
        # claude-haiku-4-5 has no priority price in the data; gpt-4o-mini has one:
        # 1,000 * 0.25 + 100 * 1.00 = 250 + 100 = 350 µ$
        {"ticket_id": "T1", "model": "claude-haiku-4-5", "service_tier": "priority",
         "input_tokens": 1000, "output_tokens": 100},
        {"ticket_id": "T1", "model": "gpt-4o-mini", "service_tier": "priority",
         "input_tokens": 1000, "output_tokens": 100},
        # 1-hour writes on Batch: OpenAI has no 1-hour price at all
        {"ticket_id": "T2", "model": "gpt-4o-mini", "service_tier": "batch",
         "input_tokens": 3000, "cache_write_tokens": 2000, "cache_write_1h_tokens": 2000,
         "output_tokens": 10},
        # genai-prices gives Haiku 4.5's Batch 1-hour write price ($1.00): 1,000 fresh x $0.50
        # + 2,000 1-hour writes x $1.00 + 10 out x $2.50 = 500 + 2,000 + 25 = 2,525 µ$
        {"ticket_id": "T3", "model": "claude-haiku-4-5", "service_tier": "batch",
         "input_tokens": 3000, "cache_write_tokens": 2000, "cache_write_1h_tokens": 2000,
         "output_tokens": 10},
    ]  # fmt: skip
    result = run_core(write(tmp_path / "t.jsonl", records))
    assert costs(result) == {"T1": D("0.00035"), "T2": D("0"), "T3": D("0.002525")}
    reasons = {(u.model, u.variant): u.reason for u in result.unpriced}
    assert reasons == {
        ("claude-haiku-4-5", "priority"): "no priority price for claude-haiku-4-5 (variants in "
        "the data: batch)",
        ("gpt-4o-mini", "batch"): "no 1-hour cache-write price for gpt-4o-mini (batch)",
    }
    # T2 has nothing priced: its cost is unknown, so it is not a resolved ticket at $0
    assert result.unpriced_only_tickets == (1, ["T2"])


def test_a_ticket_with_only_unpriced_requests_is_not_resolved(tmp_path: Path) -> None:
    records = [
        {"ticket_id": "T1", "model": "gpt-4o-mini", "input_tokens": 1000, "output_tokens": 0,
         "outcome": "resolved"},
        {"ticket_id": "T2", "model": "acme-ft", "input_tokens": 1000, "output_tokens": 0,
         "outcome": "resolved"},
    ]  # fmt: skip
    result = run_core(write(tmp_path / "t.jsonl", records))
    # only T1 is resolved: $0.00015 (1,000 * 0.15 µ$) over 1 ticket, not over 2
    assert result.resolved == 1 and result.cost_per_resolved_usd == D("0.00015")
    out = run("attribute", str(tmp_path / "t.jsonl")).stdout
    assert "1 tickets have only unpriced requests" in out and "(T2)" in out


def test_a_field_can_be_a_sum(tmp_path: Path) -> None:
    records = [{"ticket_id": "T1", "model": "gemini-2.5-flash", "input_tokens": 1000,
                "out": 100, "thinking": 300}]  # fmt: skip
    result = run_core(write(tmp_path / "t.jsonl", records), field_overrides={
        "output_tokens": ["out+thinking"]})  # fmt: skip
    # 1,000 * 0.30 + (100 + 300) * 2.50 = 300 + 1,000 = 1,300 µ$
    assert costs(result) == {"T1": D("0.0013")}


def test_a_part_of_a_sum_that_is_no_count_refuses_the_line(tmp_path: Path) -> None:
    line = {"ticket_id": "T1", "model": "gpt-4o", "input_tokens": 10, "a": 1}
    records = [line | {"b": "x"}, line | {"b": 2}]
    result = run_core(write(tmp_path / "t.jsonl", records), field_overrides={
        "output_tokens": ["a+b"]})  # fmt: skip
    # 10 * 2.50 + 3 * 10.00 = 25 + 30 = 55 µ$
    assert costs(result) == {"T1": D("0.000055")} and result.skipped == 1


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("200", "ok"), ("429", "error"), ("503", "error"), ("STATUS_CODE_ERROR", "error"),
        ("Error", "error"), ("2", "error"), ("1", "ok"), ("0", "ok"), ("UNSET", "ok"),
        ("DEFAULT", "ok"), ("WARNING", "ok"), ("ERROR", "error"), ("success", "ok"),
        ("failure", "error"), ("rate_limit_error", "error"), ("expired", "error"),
        ("succeeded", "ok"), ("{}", "ok"), ("retried", "retry"), ("fallback", "fallback"),
        ("incomplete", "incomplete"),
    ],
)  # fmt: skip
def test_statuses_normalise(raw: str, normal: str) -> None:
    sql = f"SELECT {normal_status('s')} FROM (SELECT ?::VARCHAR AS s)"
    assert duckdb.connect().execute(sql, [raw]).fetchone() == (normal,)


def test_plain_spellings_of_a_status_mean_what_the_whole_rule_says() -> None:
    # the tally reads these spellings per request by comparing, and the rest once each with the
    # whole rule: the two must agree, or a request's status would depend on which read it
    con = duckdb.connect()
    sql = f"SELECT {plain_status('s')}, {normal_status('s')} FROM (SELECT ?::VARCHAR AS s)"
    for raw in [*PLAIN_STATUSES, None]:
        assert con.execute(sql, [raw]).fetchone() == (PLAIN_STATUSES.get(raw, "ok"),) * 2, raw
    assert con.execute(sql, [" Error "]).fetchone() == (None, "error")  # left to the rule


def test_a_log_with_many_spellings_of_a_status_reads_them_by_the_whole_rule(
    tmp_path: Path,
) -> None:
    # more spellings than MANY_STATUSES: normalised by the rule itself, not a CASE on each one
    call = {"model": "gpt-4o", "input_tokens": 10, "output_tokens": 0}  # 25 µ$ a request
    many = MANY_STATUSES + 6
    records = [
        call | {"ticket_id": f"T{i % 7}", "status": f"Upstream Error #{i}"} for i in range(many)
    ]
    records += [call | {"ticket_id": "T0", "status": "Rate limited"}]
    result = run_core(write(tmp_path / "t.jsonl", records))
    statuses = {g.values[0]: (g.requests, g.tickets) for g in result.statuses}
    # every "... Error #i" is an error (it names one); "Rate limited" is kept, lower-cased
    assert statuses == {"error": (many, 7), "rate limited": (1, 1)}
    assert result.cost_usd == D("0.000025") * (many + 1)


def test_tickets_by_status_however_the_log_spells_it(tmp_path: Path) -> None:
    # a ticket counts once under each status it had a request of, spelt plainly or not
    call = {"model": "gpt-4o", "input_tokens": 10, "output_tokens": 0}  # 10 * 2.50 = 25 µ$
    records = [
        call | {"ticket_id": "T1", "status": "ok", "intent": "billing", "timestamp": "09:00"},
        call | {"ticket_id": "T1", "status": "500", "intent": "billing", "timestamp": "09:01"},
        call | {"ticket_id": "T1", "status": " Timeout ", "intent": "refund", "timestamp": "09:02"},
        call | {"ticket_id": "T2", "status": "ERROR"},
        call | {"ticket_id": "T2", "status": "timeout"},
        call | {"ticket_id": "T2", "status": "503"},  # T2's second error: one ticket still
        call | {"ticket_id": "T3"},  # no status: ok
        call | {"ticket_id": "T3", "status": "success"},
        call | {"ticket_id": "T4", "status": "Retried"},
    ]
    for r in records:
        if "timestamp" in r:
            r["timestamp"] = f"2026-10-02T{r['timestamp']}:00Z"
    result = run_core(write(tmp_path / "t.jsonl", records))
    statuses = {g.values[0]: (g.requests, g.tickets, g.cost_usd) for g in result.statuses}
    assert statuses == {
        "ok": (3, 2, D("0.000075")),  # T1 ok, T3 twice: 3 * 25 µ$
        "error": (3, 2, D("0.000075")),  # T1 500, T2 ERROR and 503
        "timeout": (2, 2, D("0.00005")),  # T1 " Timeout ", T2 timeout
        "retry": (1, 1, D("0.000025")),  # T4
    }
    tickets = {t.ticket_id: (t.intent, t.requests, t.cost_usd) for t in result.top_tickets}
    # T1: its latest intent, its three requests
    assert tickets["T1"] == ("refund", 3, D("0.000075")) and result.tickets == 4
    assert result.multi_valued["intent"] == 1


@pytest.mark.parametrize(
    ("raw", "utc"),
    [
        ("2025-11-03T10:00:00Z", "2025-11-03 10:00:00"),
        ("2025-11-03T23:30:00-05:00", "2025-11-04 04:30:00"),
        ("2025-11-03 10:00:00.123456789", "2025-11-03 10:00:00.123456"),
        ("1762164000", "2025-11-03 10:00:00"),
        ("1762164000123", "2025-11-03 10:00:00.123"),
        ("1762164000123456789", "2025-11-03 10:00:00.123456"),
        ("1762164000.5", "2025-11-03 10:00:00.5"),
        # RFC 3339 section 5.6 allows a lower-case T and Z
        ("2025-11-03t10:00:00z", "2025-11-03 10:00:00"),
        ("2025-11-03t23:30:00-05:00", "2025-11-04 04:30:00"),
        ("soon", None),
    ],
)
def test_timestamps_iso_and_epoch(raw: str, utc: str | None) -> None:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    sql = f"SELECT {timestamp_sql('t')}::VARCHAR FROM (SELECT ? AS t)"
    assert con.execute(sql, [raw]).fetchone() == (utc,)


def test_a_tickets_latest_request_is_the_latest_in_time_however_its_time_is_written(
    tmp_path: Path,
) -> None:
    def mini(ticket: str, at: str, intent: str) -> dict[str, Any]:
        return {"ticket_id": ticket, "model": "gpt-4o-mini", "input_tokens": 1000,
                "output_tokens": 0, "timestamp": at, "intent": intent}  # fmt: skip

    records = [
        # T1: 12:00:00.5 is after 12:00:00, though as text "…00Z" sorts after "…00.5Z"
        mini("T1", "2026-11-01T12:00:00.5Z", "billing"),
        mini("T1", "2026-11-01T12:00:00Z", "refund"),
        # T2: 13:00 at +02:00 is 11:00 UTC, before 12:00 UTC
        mini("T2", "2026-11-01T13:00:00+02:00", "refund"),
        mini("T2", "2026-11-01T12:00:00Z", "billing"),
        # T3: epoch seconds 1790000000 is 2026-09-21T14:13:20Z, after 2026-01-01
        mini("T3", "2026-01-01T00:00:00Z", "refund"),
        mini("T3", "1790000000", "billing"),
        # T4: one instant written two ways, a tie: the alphabetically last value
        mini("T4", "2026-11-01T12:00:00+02:00", "billing"),
        mini("T4", "2026-11-01T10:00:00Z", "refund"),
    ]
    result = run_core(write(tmp_path / "t.jsonl", records))
    assert {t.ticket_id: t.intent for t in result.top_tickets} == {
        "T1": "billing", "T2": "billing", "T3": "billing", "T4": "refund",
    }  # fmt: skip
    # 8 requests of 1,000 input tokens at $0.15 per 1M: 150 µ$ each, 1,200 µ$ in all
    assert result.multi_valued["intent"] == 4 and result.cost_usd == D("0.0012")


def test_a_window_and_the_requests_it_leaves_out(tmp_path: Path) -> None:
    records = [
        {"ticket_id": "T1", "model": "gpt-4o-mini", "input_tokens": 1000, "output_tokens": 0,
         "timestamp": "2025-10-31T23:59:59Z"},
        {"ticket_id": "T1", "model": "gpt-4o-mini", "input_tokens": 2000, "output_tokens": 0,
         "timestamp": "1762000000000"},  # 2025-11-01T12:26:40Z, epoch milliseconds
        {"ticket_id": "T2", "model": "gpt-4o-mini", "input_tokens": 4000, "output_tokens": 0},
    ]  # fmt: skip
    result = run_core(write(tmp_path / "t.jsonl", records), since="2025-11-01",
                      until="2025-12-01")  # fmt: skip
    # only the second request: 2,000 * 0.15 = 300 µ$; one outside, one with no timestamp
    assert costs(result) == {"T1": D("0.0003")}
    assert (result.window.outside, result.window.undated) == (1, 1)


def test_a_window_counts_undated_requests_with_no_price_change_recorded(tmp_path: Path) -> None:
    from ticketcost.pricing.table import PriceTable

    table = PriceTable([bundled_prices().get("gpt-4o-mini")])  # no dated price in it
    records = [
        {"ticket_id": "T1", "model": "gpt-4o-mini", "input_tokens": 1000, "output_tokens": 0,
         "timestamp": "2025-11-02T00:00:00Z"},
        {"ticket_id": "T1", "model": "gpt-4o-mini", "input_tokens": 1000, "output_tokens": 0},
    ]  # fmt: skip
    options = build_options(None, since="2025-11-01")
    result = attribute(find_sources([write(tmp_path / "t.jsonl", records)], None), table, options)
    assert (result.requests, result.window.outside, result.window.undated) == (1, 0, 1)


def test_window_flags_are_checked() -> None:
    assert "--since yesterday: not a date" in error("attribute", "x.jsonl", "--since", "yesterday")
    message = error("attribute", "x.jsonl", "--since", "2025-12-01", "--until", "2025-11-01")
    assert "is not before --until" in message


def test_an_empty_window_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", [{"ticket_id": "T1", "model": "gpt-4o", "input_tokens": 1,
                                         "timestamp": "2025-01-01T00:00:00Z"}])  # fmt: skip
    message = error("attribute", str(path), "--since", "2025-11-01")
    assert "no request in the window" in message and "1 dated outside it" in message


def test_groups_by_week_and_month_in_time_order(tmp_path: Path) -> None:
    records = [
        {"ticket_id": f"T{i}", "model": "gpt-4o-mini", "input_tokens": 1000, "output_tokens": 0,
         "timestamp": day}
        for i, day in enumerate(["2025-11-03T09:00:00Z", "2025-11-09T09:00:00Z",
                                 "2025-11-10T09:00:00Z", "2025-12-01T09:00:00Z"])
    ]  # fmt: skip
    result = run_core(write(tmp_path / "t.jsonl", records), by=["week", "month"])
    weeks = [(g.values[0], g.requests) for g in result.groups[("week",)]]
    # weeks start on Monday: 3 and 9 November share the week of the 3rd
    assert weeks == [("2025-11-03", 2), ("2025-11-10", 1), ("2025-12-01", 1)]
    months = [(g.values[0], g.requests) for g in result.groups[("month",)]]
    assert months == [("2025-11", 3), ("2025-12", 1)]


@pytest.mark.parametrize(
    ("record", "preset"),
    [
        ({"resourceSpans": []}, "otlp"),
        ({"SpanAttributes": {}, "TraceId": "a", "SpanName": "chat"}, "clickhouse"),
        ({"request_id": "r", "spend": 0.1, "call_type": "acompletion"}, "litellm"),
        ({"request_id": "r", "request_created_at": "2025-11-03"}, "helicone"),
        ({"traceId": "t", "usageDetails": {}}, "langfuse"),
        ({"attributes": {"gen_ai.request.model": "gpt-4o"}}, "otel"),
        ({"llm.model_name": "gpt-4o"}, "otel"),
        ({"usageMetadata": {}, "modelVersion": "gemini-2.5-flash"}, "responses"),
        ({"custom_id": "T", "result": {"message": {"usage": {}}}}, "responses"),
        ({"ticket_id": "T", "input_tokens": 1}, "ticketcost"),
    ],
)
def test_formats_are_recognised_from_a_record(record: dict, preset: str) -> None:
    found = recognise_record(record)
    assert found is not None and found.preset.value == preset


def test_a_long_context_tier_only_in_a_models_history(tmp_path: Path, price_file: Any) -> None:
    prices = price_file(
        "  - id: acme-long\n"
        "    name: Long\n"
        "    input_usd_per_mtok: 1\n"
        "    output_usd_per_mtok: 2\n"
        "    cache_read_usd_per_mtok: null\n"
        "    cache_write_usd_per_mtok: null\n"
        "    effective_from: 2026-06-01\n"
        "    history:\n"
        "      - input_usd_per_mtok: 1\n"
        "        output_usd_per_mtok: 2\n"
        "        cache_read_usd_per_mtok: null\n"
        "        cache_write_usd_per_mtok: null\n"
        "        tiers:\n"
        "          - above_input_tokens: 123456\n"
        "            input_usd_per_mtok: 3\n"
        "            output_usd_per_mtok: 6\n"
        "            cache_read_usd_per_mtok: null\n"
        "            cache_write_usd_per_mtok: null\n"
    )
    table = price_table([prices])
    records = [
        {"ticket_id": "T1", "model": "acme-long", "input_tokens": 150_000, "output_tokens": 1_000,
         "timestamp": "2026-05-01T00:00:00Z"},
        {"ticket_id": "T2", "model": "acme-long", "input_tokens": 150_000, "output_tokens": 1_000,
         "timestamp": "2026-07-01T00:00:00Z"},
    ]  # fmt: skip
    path = write(tmp_path / "t.jsonl", records)
    result = attribute(find_sources([path], None), table, build_options(None))
    # before 2026-06-01 the 123,456-token tier applies: 150,000 * 3 + 1,000 * 6 = 456,000 µ$;
    # after, flat: 150,000 * 1 + 1,000 * 2 = 152,000 µ$
    assert costs(result) == {"T1": D("0.456"), "T2": D("0.152")}


def test_every_log_field_can_be_set_in_the_config() -> None:
    from ticketcost.attribution.fields import FIELDS
    from ticketcost.costs.config import LogFieldPaths

    assert list(LogFieldPaths.model_fields) == list(FIELDS)
